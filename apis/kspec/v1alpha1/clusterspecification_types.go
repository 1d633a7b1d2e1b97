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

// ClusterSpecificationSpec is what a compliant cluster looks like, where it
// applies, and how kspec enforces it.
type ClusterSpecificationSpec struct {
	Requirements `json:",inline"`

	// Targets are the clusters the specification applies to. Empty means the
	// control-plane cluster itself.
	// +optional
	Targets *Targets `json:"targets,omitempty"`

	// Enforcement says how violations are handled.
	// +optional
	// +kubebuilder:default={"mode": "monitor"}
	Enforcement *Enforcement `json:"enforcement,omitempty"`

	// Webhook configures the kspec admission webhook, used when enforcement
	// engines include Webhook.
	// +optional
	Webhook *WebhookSettings `json:"webhook,omitempty"`

	// PolicyTemplate starts the requirements from a built-in template; the
	// specification's own requirements are applied on top.
	// +optional
	PolicyTemplate *PolicyTemplate `json:"policyTemplate,omitempty"`

	// BasedOn inherits the requirements of other ClusterSpecifications (the
	// requirement blocks only: targets, enforcement, webhook, scope,
	// activation and exemptions are each specification's own), at most 5
	// levels deep. A claim cannot have bases: the platform's
	// specifications apply beside it anyway.
	// +optional
	BasedOn *BasedOn `json:"basedOn,omitempty"`

	// NamespaceScope limits the namespaces the specification applies to.
	// System namespaces (kube-system, kube-public, kube-node-lease) are never
	// in scope.
	// +optional
	NamespaceScope *NamespaceScope `json:"namespaceScope,omitempty"`

	// Activation limits when the specification is enforced. Inside one of
	// its windows the mode applies at admission; outside all of them
	// failures are only recorded, as in monitor mode: admission neither
	// denies nor warns, and scans still report.
	// +optional
	Activation *Activation `json:"activation,omitempty"`

	// Exemptions exempt resources from rules until they expire.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=256
	Exemptions []Exemption `json:"exemptions,omitempty"`
}

// Targets select ClusterTargets by reference, by label, or both.
type Targets struct {
	// Refs name ClusterTargets.
	// +optional
	// +listType=map
	// +listMapKey=namespace
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=256
	Refs []TargetRef `json:"refs,omitempty"`

	// Selector selects ClusterTargets by label, in any namespace.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}

// A TargetRef names a ClusterTarget.
type TargetRef struct {
	// Name of the ClusterTarget.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// Namespace of the ClusterTarget.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
}

// A Mode says what kspec does about violations.
// +kubebuilder:validation:Enum=monitor;audit;enforce
type Mode string

// Enforcement modes.
const (
	// ModeMonitor renders no enforcement; kspec only scans and reports.
	ModeMonitor Mode = "monitor"
	// ModeAudit renders policies that warn and record, never deny.
	ModeAudit Mode = "audit"
	// ModeEnforce denies violating requests.
	ModeEnforce Mode = "enforce"
)

// An Engine is an admission enforcement point.
// +kubebuilder:validation:Enum=Kyverno;AdmissionPolicy;Webhook
type Engine string

// Enforcement engines.
const (
	EngineKyverno         Engine = "Kyverno"
	EngineAdmissionPolicy Engine = "AdmissionPolicy"
	EngineWebhook         Engine = "Webhook"
)

// Enforcement says how violations are handled.
// +kubebuilder:validation:XValidation:rule="!has(self.autoRemediate) || !self.autoRemediate || self.mode == 'enforce'",message="autoRemediate requires mode enforce"
type Enforcement struct {
	// Mode: monitor only scans; audit also renders policies that warn and
	// record; enforce renders policies that deny.
	// +optional
	// +kubebuilder:default=monitor
	Mode Mode `json:"mode,omitempty"`

	// Engines that enforce the rules at admission.
	// +optional
	// +listType=set
	// +kubebuilder:default={"Kyverno"}
	// +kubebuilder:validation:MinItems=1
	Engines []Engine `json:"engines,omitempty"`

	// AutoRemediate lets the provider fix drift it finds (for example
	// recreate a deleted policy). Only with mode enforce.
	// +optional
	AutoRemediate bool `json:"autoRemediate,omitempty"`
}

// A FailurePolicy says what the API server does when the webhook fails.
// +kubebuilder:validation:Enum=Ignore;Fail
type FailurePolicy string

// WebhookSettings configure the kspec admission webhook.
type WebhookSettings struct {
	// FailurePolicy: Ignore admits requests when the webhook is unavailable
	// (fail open); Fail rejects them.
	// +optional
	// +kubebuilder:default=Ignore
	FailurePolicy FailurePolicy `json:"failurePolicy,omitempty"`

	// TimeoutSeconds the API server waits for the webhook.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=30
	TimeoutSeconds int32 `json:"timeoutSeconds,omitempty"`

	// Replicas of the webhook; all serve. Two or more for high availability.
	// +optional
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	Replicas int32 `json:"replicas,omitempty"`

	// Image of the webhook, fully qualified. Defaults to the image released
	// with the kspec function.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?/[^\s]+$`
	Image string `json:"image,omitempty"`

	// Certificate configures the webhook's serving certificate.
	// +optional
	Certificate *WebhookCertificate `json:"certificate,omitempty"`
}

// WebhookCertificate names the cert-manager issuer of the webhook's serving
// certificate. Without an issuer, kspec creates a self-signed CA chain.
type WebhookCertificate struct {
	// IssuerRef is the cert-manager Issuer or ClusterIssuer.
	IssuerRef IssuerRef `json:"issuerRef"`
}

// An IssuerRef names a cert-manager issuer.
type IssuerRef struct {
	// Name of the issuer.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// Kind of the issuer.
	// +optional
	// +kubebuilder:default=ClusterIssuer
	// +kubebuilder:validation:Enum=Issuer;ClusterIssuer
	Kind string `json:"kind,omitempty"`
}

// A TemplateName is a built-in requirements template.
// +kubebuilder:validation:Enum=security-baseline;compliance-strict;pss-baseline;pss-restricted
type TemplateName string

// Built-in templates. docs/resolution.md lists what each requires and its
// parameters.
const (
	// TemplateSecurityBaseline hardens containers: non-root, no privilege
	// escalation, no privileged containers or host namespaces.
	TemplateSecurityBaseline TemplateName = "security-baseline"
	// TemplateComplianceStrict requires resource limits and requests, a
	// read-only root filesystem and images pinned by digest.
	TemplateComplianceStrict TemplateName = "compliance-strict"
	// TemplatePSSBaseline requires the Pod Security Standards baseline level.
	TemplatePSSBaseline TemplateName = "pss-baseline"
	// TemplatePSSRestricted requires the Pod Security Standards restricted level.
	TemplatePSSRestricted TemplateName = "pss-restricted"
)

// PolicyTemplate selects a built-in template and its parameters.
type PolicyTemplate struct {
	// Name of the template:
	// security-baseline: containers run as non-root without privilege
	// escalation, no privileged containers, no host namespaces (parameters
	// runAsNonRoot, allowPrivilegeEscalation, allowHostNamespaces,
	// allowedRegistries, podSecurityLevel);
	// compliance-strict: CPU and memory limits and requests, read-only root
	// filesystems, images pinned by digest (parameters requireLimits,
	// requireRequests, readOnlyRootFilesystem, requireDigests,
	// blockedRegistries, minKubernetesVersion, auditLogRetentionDays);
	// pss-baseline and pss-restricted: that Pod Security Standards level on
	// every namespace in scope and kspec's own checks of its container
	// fields (parameters modes, workloadRules; pss-restricted also
	// baselineNamespaces).
	// The template's requirements come first; bases and the specification's
	// own requirements are combined on top (see basedOn.mergeStrategy).
	Name TemplateName `json:"name"`

	// Parameters of the template, by name, as strings: booleans are true or
	// false, lists are comma-separated. An unknown parameter or a value
	// its type rejects is an error naming it.
	// +optional
	// +kubebuilder:validation:MaxProperties=32
	Parameters map[string]string `json:"parameters,omitempty"`
}

// A MergeStrategy says how inherited requirements combine with a
// specification's own.
// +kubebuilder:validation:Enum=merge;override;append
type MergeStrategy string

// Merge strategies.
const (
	// MergeStrategyMerge combines requirements field by field; lists are
	// merged by key and the specification's own entries win. A field set
	// later wins (false and 0 count as unset); sets and lists without a key
	// are unions.
	MergeStrategyMerge MergeStrategy = "merge"
	// MergeStrategyOverride replaces each inherited block the specification sets.
	MergeStrategyOverride MergeStrategy = "override"
	// MergeStrategyAppend keeps every inherited list entry and appends the
	// specification's own; an entry whose key is already inherited is an
	// error. Other fields combine as with merge.
	MergeStrategyAppend MergeStrategy = "append"
)

// BasedOn inherits the requirements of other ClusterSpecifications.
type BasedOn struct {
	// Specifications to inherit from, in order; later ones win.
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=253
	Specifications []string `json:"specifications"`

	// MergeStrategy combines the layers in order: the template's
	// requirements, each base's, then this specification's own. merge:
	// field by field, lists merged by key, later entries win; override:
	// each block a later layer sets replaces the earlier one whole; append:
	// lists keep every earlier entry and append later ones (a repeated key
	// is an error), other fields as merge.
	// +optional
	// +kubebuilder:default=merge
	MergeStrategy MergeStrategy `json:"mergeStrategy,omitempty"`
}

// NamespaceScope limits the namespaces a specification applies to. A
// namespace is in scope when it is not excluded, is included (if include is
// set) and is selected (if selector is set).
type NamespaceScope struct {
	// Include lists the namespaces in scope.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=63
	Include []string `json:"include,omitempty"`

	// Exclude lists namespaces never in scope.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=63
	Exclude []string `json:"exclude,omitempty"`

	// Selector selects namespaces in scope by label.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}

// Activation limits when a specification is enforced to time windows.
type Activation struct {
	// TimeZone of the windows, an IANA name such as Europe/Berlin.
	// +optional
	// +kubebuilder:default=UTC
	// +kubebuilder:validation:MaxLength=64
	TimeZone string `json:"timeZone,omitempty"`

	// Windows in which the specification is enforced; any one suffices.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	Windows []Window `json:"windows"`
}

// An Exemption exempts resources from rules until it expires. It matches a
// resource in one of its namespaces (any, if none are listed) that matches
// one of its resource selectors (any, if none are listed).
// +kubebuilder:validation:XValidation:rule="(has(self.namespaces) && size(self.namespaces) > 0) || (has(self.resources) && size(self.resources) > 0)",message="an exemption must list namespaces or resources"
type Exemption struct {
	// Name identifies the exemption in reports.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`

	// Reason for the exemption.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason"`

	// ApprovedBy names who approved the exemption.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ApprovedBy string `json:"approvedBy"`

	// ExpiresAt is when the exemption stops applying.
	ExpiresAt metav1.Time `json:"expiresAt"`

	// Namespaces the exemption applies in.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=63
	Namespaces []string `json:"namespaces,omitempty"`

	// Resources the exemption applies to.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Resources []ResourceSelector `json:"resources,omitempty"`

	// Rules exempted: check categories or rule ids. Empty means every rule.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	Rules []CheckRef `json:"rules,omitempty"`
}

// A ResourceSelector selects resources by kind, name and labels; each set
// field must match.
// +kubebuilder:validation:XValidation:rule="has(self.kind) || has(self.name) || has(self.selector)",message="a resource selector must set kind, name or selector"
type ResourceSelector struct {
	// Kind of the resource, such as Pod or Deployment.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Kind string `json:"kind,omitempty"`

	// Name of the resource.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name,omitempty"`

	// Selector matches the resource's labels.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}

// ClusterSpecificationStatus reports compliance per target. Crossplane adds
// its own conditions beside these fields.
type ClusterSpecificationStatus struct {
	// Summary over all targets.
	// +optional
	Summary *ComplianceSummary `json:"summary,omitempty"`

	// Targets holds the latest result for each target.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=256
	Targets []TargetStatus `json:"targets,omitempty"`
}

// ComplianceSummary counts results.
type ComplianceSummary struct {
	// Targets scanned.
	Targets int32 `json:"targets"`

	// CompliantTargets are targets with no failed check.
	CompliantTargets int32 `json:"compliantTargets"`

	// Score is the lowest target score, 0 to 100.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Score int32 `json:"score"`
}

// TargetStatus is the latest compliance result for one target.
type TargetStatus struct {
	// Name of the target: namespace/name of the ClusterTarget, or "local"
	// for the control-plane cluster.
	Name string `json:"name"`

	// Phase of the target's compliance.
	// +kubebuilder:validation:Enum=Pending;Compliant;NonCompliant;Unreachable
	Phase string `json:"phase"`

	// Score is passed checks over evaluated checks (skipped ones excluded), 0 to 100.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Score int32 `json:"score,omitempty"`

	// Passed checks.
	// +optional
	Passed int32 `json:"passed,omitempty"`

	// Failed checks.
	// +optional
	Failed int32 `json:"failed,omitempty"`

	// LastScanTime of the result.
	// +optional
	LastScanTime *metav1.Time `json:"lastScanTime,omitempty"`

	// Report names the ComplianceReport holding the details.
	// +optional
	Report string `json:"report,omitempty"`

	// Message explains the phase, for example why a target is unreachable.
	// +optional
	Message string `json:"message,omitempty"`
}

// +kubebuilder:object:root=true

// A ClusterSpecification describes a compliant cluster and how kspec
// enforces it. It is a Crossplane composite resource; teams use the
// namespaced ClusterSpecificationClaim.
// +kubebuilder:resource:scope=Cluster,categories={crossplane,composite,kspec},shortName=cspec
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="MODE",type="string",JSONPath=".spec.enforcement.mode"
// +kubebuilder:printcolumn:name="SCORE",type="integer",JSONPath=".status.summary.score"
// +kubebuilder:printcolumn:name="TARGETS",type="integer",JSONPath=".status.summary.targets"
type ClusterSpecification struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ClusterSpecificationSpec   `json:"spec"`
	Status ClusterSpecificationStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ClusterSpecificationList contains a list of ClusterSpecification.
type ClusterSpecificationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterSpecification `json:"items"`
}
