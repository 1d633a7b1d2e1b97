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

// A Severity ranks a finding.
// +kubebuilder:validation:Enum=Critical;High;Medium;Low
type Severity string

// Severities.
const (
	SeverityCritical Severity = "Critical"
	SeverityHigh     Severity = "High"
	SeverityMedium   Severity = "Medium"
	SeverityLow      Severity = "Low"
)

// Source says which specification and cluster a report is about.
type Source struct {
	// Specification is the name of the ClusterSpecification.
	// +kubebuilder:validation:MinLength=1
	Specification string `json:"specification"`

	// SpecificationGeneration is the generation of the specification scanned.
	// +optional
	SpecificationGeneration int64 `json:"specificationGeneration,omitempty"`

	// Cluster is namespace/name of the ClusterTarget, or "local" for the
	// cluster the provider runs in.
	// +kubebuilder:validation:MinLength=1
	Cluster string `json:"cluster"`

	// ClusterUID is the UID of the cluster's kube-system namespace.
	// +optional
	ClusterUID string `json:"clusterUID,omitempty"`
}

// An ObjectRef identifies a Kubernetes object in a scanned cluster.
type ObjectRef struct {
	// APIVersion of the object.
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`

	// Kind of the object.
	Kind string `json:"kind"`

	// Namespace of the object; empty for cluster-scoped objects.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Name of the object.
	Name string `json:"name"`
}
