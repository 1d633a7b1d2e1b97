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
)

// A DriftType says how a cluster drifted since the previous scan.
// +kubebuilder:validation:Enum=NewViolation;ResolvedViolation;PolicyMissing;PolicyModified
type DriftType string

// Drift types.
const (
	DriftNewViolation      DriftType = "NewViolation"
	DriftResolvedViolation DriftType = "ResolvedViolation"
	DriftPolicyMissing     DriftType = "PolicyMissing"
	DriftPolicyModified    DriftType = "PolicyModified"
)

// A RemediationAction is what kspec did, or would do, about a drift.
// +kubebuilder:validation:Enum=Create;Update;Delete;None
type RemediationAction string

// A RemediationStatus is the outcome of a remediation.
// +kubebuilder:validation:Enum=Succeeded;Failed;Skipped
type RemediationStatus string

// Remediation records what kspec did about one drift event.
type Remediation struct {
	// Action taken.
	Action RemediationAction `json:"action"`

	// Status of the action. Skipped when remediation is off or not possible.
	Status RemediationStatus `json:"status"`

	// Time the action was taken.
	// +optional
	Time *metav1.Time `json:"time,omitempty"`

	// Message explains the status, for example the error of a failed action.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`
}

// A DriftEvent is one change since the previous scan.
type DriftEvent struct {
	// Type of drift.
	Type DriftType `json:"type"`

	// Rule the drift concerns, such as workload.security/run-as-non-root.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	Rule string `json:"rule,omitempty"`

	// Severity of the drift.
	Severity Severity `json:"severity"`

	// Object that drifted.
	// +optional
	Object *ObjectRef `json:"object,omitempty"`

	// Message describes the drift.
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message"`

	// Remediation records what kspec did about it.
	// +optional
	Remediation *Remediation `json:"remediation,omitempty"`
}

// DriftReportSpec records the drift found by one scan.
type DriftReportSpec struct {
	Source `json:",inline"`

	// DetectionTime is when the drift was found.
	DetectionTime metav1.Time `json:"detectionTime"`

	// Severity is the highest severity of the events.
	Severity Severity `json:"severity"`

	// TotalEvents is how many events were found; Events lists at most 100.
	TotalEvents int32 `json:"totalEvents"`

	// Events found, most severe first.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	Events []DriftEvent `json:"events"`
}

// +kubebuilder:object:root=true

// A DriftReport records how a cluster changed, against its ClusterSpecification,
// since the previous scan. Reports are immutable.
// +kubebuilder:printcolumn:name="SPEC",type="string",JSONPath=".spec.specification"
// +kubebuilder:printcolumn:name="CLUSTER",type="string",JSONPath=".spec.cluster"
// +kubebuilder:printcolumn:name="SEVERITY",type="string",JSONPath=".spec.severity"
// +kubebuilder:printcolumn:name="EVENTS",type="integer",JSONPath=".spec.totalEvents"
// +kubebuilder:printcolumn:name="DETECTED",type="date",JSONPath=".spec.detectionTime"
// +kubebuilder:resource:scope=Namespaced,categories={kspec},shortName=dreport
type DriftReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="reports are immutable"
	Spec DriftReportSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// DriftReportList contains a list of DriftReport.
type DriftReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []DriftReport `json:"items"`
}
