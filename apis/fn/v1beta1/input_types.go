/*
Copyright 2026 The kspec Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A Step is one job of function-kspec. A Composition pipeline runs the
// function once per step, in this order.
// +kubebuilder:validation:Enum=policies;certificates;webhook;compliance
type Step string

// Steps.
const (
	// StepPolicies renders Kyverno policies, exceptions or native
	// ValidatingAdmissionPolicies.
	StepPolicies Step = "policies"
	// StepCertificates renders the cert-manager chain of the webhook.
	StepCertificates Step = "certificates"
	// StepWebhook renders the kspec-webhook deployment and its configuration.
	StepWebhook Step = "webhook"
	// StepCompliance renders one ComplianceScan per target and derives the
	// XR's status from the observed scans.
	StepCompliance Step = "compliance"
)

// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:resource:categories=crossplane

// Input of function-kspec: which step to run.
type Input struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Step to run.
	Step Step `json:"step"`

	// Namespace for the namespaced objects the step composes, such as the
	// webhook Deployment and the ComplianceScans.
	// +optional
	// +kubebuilder:default=kspec-system
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`
}
