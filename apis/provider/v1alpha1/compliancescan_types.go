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

// ComplianceScanParameters say which specification to scan on which target,
// how often, and what to do about what the scan finds.
type ComplianceScanParameters struct {
	// SpecificationRef names the ClusterSpecification to scan for.
	SpecificationRef SpecificationRef `json:"specificationRef"`

	// TargetRef names the ClusterTarget to scan, in the scan's namespace.
	// Empty scans the cluster the provider runs in.
	// +optional
	TargetRef *LocalRef `json:"targetRef,omitempty"`

	// Interval between scans.
	// +optional
	// +kubebuilder:default="10m"
	Interval *metav1.Duration `json:"interval,omitempty"`

	// Mode of the specification; remediation needs enforce.
	// +optional
	// +kubebuilder:default=monitor
	// +kubebuilder:validation:Enum=monitor;audit;enforce
	Mode string `json:"mode,omitempty"`

	// AutoRemediate fixes drift the scan finds. Only with mode enforce.
	// +optional
	AutoRemediate bool `json:"autoRemediate,omitempty"`

	// ReportHistory is how many ComplianceReports to keep for this scan.
	// +optional
	// +kubebuilder:default=30
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	ReportHistory int32 `json:"reportHistory,omitempty"`
}

// A SpecificationRef names a ClusterSpecification.
type SpecificationRef struct {
	// Name of the ClusterSpecification.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// A LocalRef names an object in the same namespace.
type LocalRef struct {
	// Name of the object.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// ComplianceScanObservation is the result of the latest scan.
type ComplianceScanObservation struct {
	// LastScanTime is when the latest scan finished.
	// +optional
	LastScanTime *metav1.Time `json:"lastScanTime,omitempty"`

	// ObservedGeneration of the ClusterSpecification the scan used.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Score is passed checks over evaluated checks, 0 to 100.
	// +optional
	Score int32 `json:"score,omitempty"`

	// Passed checks.
	// +optional
	Passed int32 `json:"passed,omitempty"`

	// Failed checks.
	// +optional
	Failed int32 `json:"failed,omitempty"`

	// Skipped checks: not configured in the specification.
	// +optional
	Skipped int32 `json:"skipped,omitempty"`

	// Report names the latest ComplianceReport.
	// +optional
	Report string `json:"report,omitempty"`

	// DriftReport names the latest DriftReport.
	// +optional
	DriftReport string `json:"driftReport,omitempty"`
}

// ComplianceScanSpec defines the desired state of a ComplianceScan.
// +kubebuilder:validation:XValidation:rule="!has(self.forProvider.autoRemediate) || !self.forProvider.autoRemediate || (has(self.forProvider.mode) && self.forProvider.mode == 'enforce')",message="autoRemediate requires mode enforce"
type ComplianceScanSpec struct {
	xpv2.ManagedResourceSpec `json:",inline"`

	// ForProvider holds the scan's parameters.
	ForProvider ComplianceScanParameters `json:"forProvider"`
}

// ComplianceScanStatus is the observed state of a ComplianceScan.
type ComplianceScanStatus struct {
	xpv2.ManagedResourceStatus `json:",inline"`

	// AtProvider is the result of the latest scan.
	// +optional
	AtProvider ComplianceScanObservation `json:"atProvider,omitempty"`
}

// +kubebuilder:object:root=true

// A ComplianceScan scans one target for one ClusterSpecification on an
// interval and writes ComplianceReports, DriftReports and PolicyReports.
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="SYNCED",type="string",JSONPath=".status.conditions[?(@.type=='Synced')].status"
// +kubebuilder:printcolumn:name="SPEC",type="string",JSONPath=".spec.forProvider.specificationRef.name"
// +kubebuilder:printcolumn:name="SCORE",type="integer",JSONPath=".status.atProvider.score"
// +kubebuilder:printcolumn:name="LAST-SCAN",type="date",JSONPath=".status.atProvider.lastScanTime"
// +kubebuilder:resource:scope=Namespaced,categories={crossplane,managed,kspec},shortName=cscan
type ComplianceScan struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ComplianceScanSpec   `json:"spec"`
	Status ComplianceScanStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ComplianceScanList contains a list of ComplianceScan.
type ComplianceScanList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ComplianceScan `json:"items"`
}
