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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// ClusterTargetParameters describe how kspec treats a target cluster. The
// cluster's credentials come from the referenced ProviderConfig.
type ClusterTargetParameters struct {
	// AllowEnforcement lets kspec install policies, certificates and the
	// admission webhook on this cluster, and remediate drift there. Without
	// it kspec only scans.
	// +optional
	AllowEnforcement bool `json:"allowEnforcement,omitempty"`

	// ProbeInterval is how often the cluster's health is probed.
	// +optional
	// +kubebuilder:default="1m"
	ProbeInterval *metav1.Duration `json:"probeInterval,omitempty"`
}

// A Platform is a Kubernetes distribution.
// +kubebuilder:validation:Enum=eks;gke;aks;openshift;k3s;vanilla;unknown
type Platform string

// ClusterTargetObservation is what the last probe of the cluster found.
type ClusterTargetObservation struct {
	// Reachable is true only when the last probe reached the API server and
	// read its version.
	Reachable bool `json:"reachable"`

	// LastProbeTime is when the cluster was last probed.
	// +optional
	LastProbeTime *metav1.Time `json:"lastProbeTime,omitempty"`

	// Version is the API server's gitVersion.
	// +optional
	Version string `json:"version,omitempty"`

	// UID of the kube-system namespace, a stable identity of the cluster.
	// +optional
	UID string `json:"uid,omitempty"`

	// Platform the cluster runs on, detected from its nodes and API groups.
	// +optional
	Platform Platform `json:"platform,omitempty"`

	// NodeCount is the number of nodes.
	// +optional
	NodeCount int32 `json:"nodeCount,omitempty"`

	// Capabilities are the APIs kspec uses that the cluster serves.
	// +optional
	Capabilities *Capabilities `json:"capabilities,omitempty"`

	// Message explains an unreachable cluster.
	// +optional
	Message string `json:"message,omitempty"`
}

// Capabilities are the APIs kspec uses that a cluster serves.
type Capabilities struct {
	// Kyverno is true when Kyverno's policy CRDs are installed.
	// +optional
	Kyverno bool `json:"kyverno,omitempty"`

	// CertManager is true when cert-manager's CRDs are installed.
	// +optional
	CertManager bool `json:"certManager,omitempty"`

	// ValidatingAdmissionPolicy is true when the cluster serves
	// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicies.
	// +optional
	ValidatingAdmissionPolicy bool `json:"validatingAdmissionPolicy,omitempty"`

	// PolicyReports is true when the wgpolicyk8s.io/v1alpha2 report CRDs
	// are installed, so kspec can publish PolicyReports there.
	// +optional
	PolicyReports bool `json:"policyReports,omitempty"`
}

// ClusterTargetSpec defines the desired state of a ClusterTarget.
type ClusterTargetSpec struct {
	xpv2.ManagedResourceSpec `json:",inline"`

	// ForProvider holds the target's parameters.
	// +optional
	// +kubebuilder:default={}
	ForProvider ClusterTargetParameters `json:"forProvider"`
}

// ClusterTargetStatus is the observed state of a ClusterTarget.
type ClusterTargetStatus struct {
	xpv2.ManagedResourceStatus `json:",inline"`

	// AtProvider is what the last probe found.
	// +optional
	AtProvider ClusterTargetObservation `json:"atProvider,omitempty"`
}

// +kubebuilder:object:root=true

// A ClusterTarget is a Kubernetes cluster kspec scans and, when allowed,
// enforces on. Ready is True only while the cluster answers.
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="SYNCED",type="string",JSONPath=".status.conditions[?(@.type=='Synced')].status"
// +kubebuilder:printcolumn:name="VERSION",type="string",JSONPath=".status.atProvider.version"
// +kubebuilder:printcolumn:name="PLATFORM",type="string",JSONPath=".status.atProvider.platform"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:resource:scope=Namespaced,categories={crossplane,managed,kspec},shortName=ct
type ClusterTarget struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ClusterTargetSpec   `json:"spec"`
	Status ClusterTargetStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ClusterTargetList contains a list of ClusterTarget.
type ClusterTargetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterTarget `json:"items"`
}
