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

// A ResultStatus is the outcome of one check.
// +kubebuilder:validation:Enum=Pass;Fail;Warn;Skip;Error
type ResultStatus string

// Result statuses.
const (
	ResultPass  ResultStatus = "Pass"
	ResultFail  ResultStatus = "Fail"
	ResultWarn  ResultStatus = "Warn"
	ResultSkip  ResultStatus = "Skip"
	ResultError ResultStatus = "Error"
)

// ReportSummary counts check results. Score is passed over evaluated checks
// (pass, fail, warn and error); skipped checks do not count.
type ReportSummary struct {
	Total    int32 `json:"total"`
	Passed   int32 `json:"passed"`
	Failed   int32 `json:"failed"`
	Warnings int32 `json:"warnings"`
	Skipped  int32 `json:"skipped"`
	Errors   int32 `json:"errors"`

	// Score from 0 to 100.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Score int32 `json:"score"`
}

// A CheckResult is the outcome of one rule.
type CheckResult struct {
	// ID of the rule, such as workload.security/run-as-non-root.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	ID string `json:"id"`

	// Category is the check the rule belongs to, such as workload.security.
	// +kubebuilder:validation:Enum=kubernetes.version;podsecurity.standards;network.policies;workload.security;rbac.validation;admission.controllers;observability.validation
	Category string `json:"category"`

	// Title of the rule.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	Title string `json:"title,omitempty"`

	// Status of the result.
	Status ResultStatus `json:"status"`

	// Severity of a failure.
	Severity Severity `json:"severity"`

	// Message explains the result.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	Message string `json:"message,omitempty"`

	// Remediation says how to fix a failure.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Remediation string `json:"remediation,omitempty"`

	// Controls are the framework controls the rule maps to, as framework/id.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	Controls []string `json:"controls,omitempty"`

	// Violations is how many objects violate the rule. Findings lists at
	// most the first 20 of them.
	// +optional
	Violations int32 `json:"violations,omitempty"`

	// Findings are the first violating objects.
	// +optional
	// +kubebuilder:validation:MaxItems=20
	Findings []Finding `json:"findings,omitempty"`
}

// A Finding is one violating object.
type Finding struct {
	// Object that violates the rule; absent for cluster-level findings.
	// +optional
	Object *ObjectRef `json:"object,omitempty"`

	// Message says what is wrong with it.
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message"`
}

// ComplianceReportSpec is the record of one scan.
type ComplianceReportSpec struct {
	Source `json:",inline"`

	// ScanTime is when the scan finished.
	ScanTime metav1.Time `json:"scanTime"`

	// KspecVersion is the version of kspec that scanned.
	// +optional
	KspecVersion string `json:"kspecVersion,omitempty"`

	// Summary of the results.
	Summary ReportSummary `json:"summary"`

	// Results of every rule.
	// +kubebuilder:validation:MaxItems=512
	Results []CheckResult `json:"results"`
}

// +kubebuilder:object:root=true

// A ComplianceReport records one compliance scan of one cluster against one
// ClusterSpecification. Reports are immutable.
// +kubebuilder:printcolumn:name="SPEC",type="string",JSONPath=".spec.specification"
// +kubebuilder:printcolumn:name="CLUSTER",type="string",JSONPath=".spec.cluster"
// +kubebuilder:printcolumn:name="SCORE",type="integer",JSONPath=".spec.summary.score"
// +kubebuilder:printcolumn:name="FAILED",type="integer",JSONPath=".spec.summary.failed"
// +kubebuilder:printcolumn:name="SCAN-TIME",type="date",JSONPath=".spec.scanTime"
// +kubebuilder:resource:scope=Namespaced,categories={kspec},shortName=creport
type ComplianceReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="reports are immutable"
	Spec ComplianceReportSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// ComplianceReportList contains a list of ComplianceReport.
type ComplianceReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ComplianceReport `json:"items"`
}
