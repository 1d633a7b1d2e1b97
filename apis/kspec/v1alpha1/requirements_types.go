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

// Requirements describe what a compliant cluster looks like. Each block is
// optional; a block that is not set is not checked.
type Requirements struct {
	// Kubernetes bounds the cluster's Kubernetes version.
	// +optional
	Kubernetes *KubernetesRequirements `json:"kubernetes,omitempty"`

	// PodSecurity requires Pod Security Standards labels on namespaces.
	// +optional
	PodSecurity *PodSecurityRequirements `json:"podSecurity,omitempty"`

	// Network requires network isolation and restricts Services.
	// +optional
	Network *NetworkRequirements `json:"network,omitempty"`

	// Workloads restricts containers and images of Pods and pod templates.
	// +optional
	Workloads *WorkloadRequirements `json:"workloads,omitempty"`

	// RBAC requires and forbids RBAC rules.
	// +optional
	RBAC *RBACRequirements `json:"rbac,omitempty"`

	// Admission requires admission webhooks and Kyverno policies.
	// +optional
	Admission *AdmissionRequirements `json:"admission,omitempty"`

	// Observability requires metrics providers and API server audit logging.
	// +optional
	Observability *ObservabilityRequirements `json:"observability,omitempty"`

	// Compliance maps framework controls to kspec checks, for reports.
	// +optional
	Compliance *ComplianceMapping `json:"compliance,omitempty"`
}

// A KubernetesVersion is MAJOR.MINOR or MAJOR.MINOR.PATCH, with an optional
// leading "v". A bound without a patch covers every patch of that minor.
// +kubebuilder:validation:MaxLength=32
// +kubebuilder:validation:XValidation:rule="self.matches('^v?(0|[1-9][0-9]*)[.](0|[1-9][0-9]*)([.](0|[1-9][0-9]*))?$')",message="must be a Kubernetes version such as 1.30 or 1.30.2"
type KubernetesVersion string

// KubernetesRequirements bound the cluster version. Distribution suffixes
// such as 1.30.2-eks-1234 are compared by their MAJOR.MINOR.PATCH.
// +kubebuilder:validation:XValidation:rule="!has(self.minVersion) || !has(self.maxVersion) || !self.minVersion.matches('^v?(0|[1-9][0-9]*)[.](0|[1-9][0-9]*)([.](0|[1-9][0-9]*))?$') || !self.maxVersion.matches('^v?(0|[1-9][0-9]*)[.](0|[1-9][0-9]*)([.](0|[1-9][0-9]*))?$') || int(self.minVersion.findAll('[0-9]+')[0]) < int(self.maxVersion.findAll('[0-9]+')[0]) || (int(self.minVersion.findAll('[0-9]+')[0]) == int(self.maxVersion.findAll('[0-9]+')[0]) && (int(self.minVersion.findAll('[0-9]+')[1]) < int(self.maxVersion.findAll('[0-9]+')[1]) || (int(self.minVersion.findAll('[0-9]+')[1]) == int(self.maxVersion.findAll('[0-9]+')[1]) && (size(self.minVersion.findAll('[0-9]+')) < 3 || size(self.maxVersion.findAll('[0-9]+')) < 3 || int(self.minVersion.findAll('[0-9]+')[2]) <= int(self.maxVersion.findAll('[0-9]+')[2])))))",message="minVersion must not be greater than maxVersion"
// +kubebuilder:validation:XValidation:rule="has(self.minVersion) || has(self.maxVersion) || (has(self.excludedVersions) && size(self.excludedVersions) > 0)",message="set at least one of minVersion, maxVersion or excludedVersions"
type KubernetesRequirements struct {
	// MinVersion is the lowest allowed version, inclusive.
	// +optional
	MinVersion KubernetesVersion `json:"minVersion,omitempty"`

	// MaxVersion is the highest allowed version, inclusive. 1.30 allows every
	// 1.30 patch; 1.30.2 allows 1.30.0 to 1.30.2.
	// +optional
	MaxVersion KubernetesVersion `json:"maxVersion,omitempty"`

	// ExcludedVersions are versions that fail even inside the range. 1.29
	// excludes every 1.29 patch; 1.29.0 excludes only that patch.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	ExcludedVersions []KubernetesVersion `json:"excludedVersions,omitempty"`
}

// A PodSecurityLevel is a Pod Security Standards level.
// +kubebuilder:validation:Enum=privileged;baseline;restricted
type PodSecurityLevel string

// Pod Security Standards levels.
const (
	PodSecurityPrivileged PodSecurityLevel = "privileged"
	PodSecurityBaseline   PodSecurityLevel = "baseline"
	PodSecurityRestricted PodSecurityLevel = "restricted"
)

// PodSecurityRequirements require the pod-security.kubernetes.io labels on
// every namespace in scope. System namespaces are never checked.
// +kubebuilder:validation:XValidation:rule="has(self.enforce) || has(self.audit) || has(self.warn)",message="set at least one of enforce, audit or warn"
type PodSecurityRequirements struct {
	// Enforce is the required pod-security.kubernetes.io/enforce level.
	// +optional
	Enforce PodSecurityLevel `json:"enforce,omitempty"`

	// Audit is the required pod-security.kubernetes.io/audit level.
	// +optional
	Audit PodSecurityLevel `json:"audit,omitempty"`

	// Warn is the required pod-security.kubernetes.io/warn level.
	// +optional
	Warn PodSecurityLevel `json:"warn,omitempty"`

	// Exemptions allow a namespace a lower level, in every mode (enforce,
	// audit and warn alike), as Pod Security Admission's exemptions do.
	// +optional
	// +listType=map
	// +listMapKey=namespace
	// +kubebuilder:validation:MaxItems=256
	Exemptions []PodSecurityExemption `json:"exemptions,omitempty"`
}

// A PodSecurityExemption allows one namespace a lower level in every mode.
type PodSecurityExemption struct {
	// Namespace is the exempted namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// Level this namespace must have instead, in every mode whose required
	// level is stricter. It never raises a mode's level.
	Level PodSecurityLevel `json:"level"`

	// Reason says why the exemption exists, for reviewers and reports.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason"`
}

// A ServiceType is a Kubernetes Service type.
// +kubebuilder:validation:Enum=ClusterIP;NodePort;LoadBalancer;ExternalName
type ServiceType string

// NetworkRequirements require network isolation and restrict Services.
type NetworkRequirements struct {
	// DefaultDeny requires, in every namespace in scope, a NetworkPolicy that
	// selects every pod (an empty podSelector) and denies all ingress: Ingress
	// among its policyTypes, or none given, and no ingress rules. Egress is
	// not checked; require an egress policy by name in RequiredPolicies.
	// +optional
	DefaultDeny bool `json:"defaultDeny,omitempty"`

	// RequiredPolicies are NetworkPolicies that must exist, by name.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=64
	RequiredPolicies []RequiredNetworkPolicy `json:"requiredPolicies,omitempty"`

	// AllowedServiceTypes are the only Service types allowed. Empty allows all.
	// +optional
	// +listType=set
	AllowedServiceTypes []ServiceType `json:"allowedServiceTypes,omitempty"`

	// DisallowedPorts are ports no Service may use as its port, numeric
	// targetPort or nodePort, and no container of a Pod or of the pod template
	// of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
	// ReplicationController, Job or CronJob may use as its containerPort or
	// hostPort. Init and ephemeral containers count.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:Minimum=1
	// +kubebuilder:validation:items:Maximum=65535
	DisallowedPorts []int32 `json:"disallowedPorts,omitempty"`
}

// A RequiredNetworkPolicy names a NetworkPolicy that must exist.
type RequiredNetworkPolicy struct {
	// Name of the NetworkPolicy.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// Namespace the policy must exist in, whether or not it is in scope.
	// Empty means every namespace in scope: a NetworkPolicy acts only in its
	// own namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`

	// Description says what the policy is for.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`
}

// WorkloadRequirements restrict the containers and images of Pods and of the
// pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs
// and CronJobs. They apply to containers, init containers and ephemeral
// containers alike, except resources keys, which ephemeral containers cannot
// set.
type WorkloadRequirements struct {
	// Containers requires and forbids container and pod fields.
	// +optional
	Containers *ContainerRules `json:"containers,omitempty"`

	// Images restricts image registries and references.
	// +optional
	Images *ImageRules `json:"images,omitempty"`
}

// ContainerRules require and forbid container and pod fields.
type ContainerRules struct {
	// Required fields: each must have the value, or exist, as stated.
	// +optional
	// +listType=map
	// +listMapKey=key
	Required []FieldRule `json:"required,omitempty"`

	// Forbidden fields: none may have the value, or exist, as stated.
	// +optional
	// +listType=map
	// +listMapKey=key
	Forbidden []FieldRule `json:"forbidden,omitempty"`
}

// A FieldKey names a container or pod field kspec checks. securityContext
// fields are satisfied by the container's own setting or, where Kubernetes
// has one, the pod-level setting it inherits.
// +kubebuilder:validation:Enum=securityContext.runAsNonRoot;securityContext.allowPrivilegeEscalation;securityContext.readOnlyRootFilesystem;securityContext.privileged;securityContext.capabilities.drop;securityContext.capabilities.add;securityContext.seccompProfile.type;resources.limits.cpu;resources.limits.memory;resources.requests.cpu;resources.requests.memory;hostNetwork;hostPID;hostIPC
type FieldKey string

// Field keys.
const (
	FieldRunAsNonRoot             FieldKey = "securityContext.runAsNonRoot"
	FieldAllowPrivilegeEscalation FieldKey = "securityContext.allowPrivilegeEscalation"
	FieldReadOnlyRootFilesystem   FieldKey = "securityContext.readOnlyRootFilesystem"
	FieldPrivileged               FieldKey = "securityContext.privileged"
	FieldCapabilitiesDrop         FieldKey = "securityContext.capabilities.drop"
	FieldCapabilitiesAdd          FieldKey = "securityContext.capabilities.add"
	FieldSeccompProfileType       FieldKey = "securityContext.seccompProfile.type"
	FieldLimitsCPU                FieldKey = "resources.limits.cpu"
	FieldLimitsMemory             FieldKey = "resources.limits.memory"
	FieldRequestsCPU              FieldKey = "resources.requests.cpu"
	FieldRequestsMemory           FieldKey = "resources.requests.memory"
	FieldHostNetwork              FieldKey = "hostNetwork"
	FieldHostPID                  FieldKey = "hostPID"
	FieldHostIPC                  FieldKey = "hostIPC"
)

// A FieldRule states one field requirement: either a value or existence.
// Boolean fields (runAsNonRoot, privileged, hostPID, ...) take a boolean
// value; capabilities take a capability name; seccompProfile.type takes
// RuntimeDefault or Localhost; resources take exists.
//
// A capability value holds when the list names it or ALL: adding ALL adds
// every capability and dropping ALL drops every capability, so a forbidden
// add of NET_RAW fails a container that adds ALL, and a required drop of
// NET_RAW is met by dropping ALL. A request that is not set reads as its
// limit, as the API server defaults it before admission, and resources
// keys do not apply to ephemeral containers.
//
// The API server cannot check value against key: a structural schema
// cannot say "boolean or string", so value is free-form and CEL cannot see
// it. kspec validate and the kspec function check it instead (see
// ValidateFieldRules).
type FieldRule struct {
	// Key is the field.
	Key FieldKey `json:"key"`

	// Value the field must have (required) or must not have (forbidden).
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	Value *Value `json:"value,omitempty"`

	// Exists states that the field must be set (required) or must not be
	// set (forbidden) when true; the inverse when false.
	// +optional
	Exists *bool `json:"exists,omitempty"`
}

// ImageRules restrict the images of every container.
type ImageRules struct {
	// AllowedRegistries are the only registries images may come from. An
	// entry is a host (ghcr.io), a host with a port (registry.local:5000), a
	// wildcard host (*.azurecr.io) or a host with a path prefix
	// (ghcr.io/acme, which does not match ghcr.io/acme-evil). Images and
	// entries are normalized the way the container runtime resolves images:
	// images without a host are Docker Hub images: nginx is
	// docker.io/library/nginx and acme/app is docker.io/acme/app; hosts
	// compare without case; index.docker.io and registry-1.docker.io are
	// docker.io. An image whose name the runtime cannot parse (an uppercase
	// path) is not allowed. Empty allows all.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=255
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.matches('^([*][.])?[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?([.][a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$'))",message="each registry must be a host, *.domain, host:port or host/path without scheme, tag or trailing slash, for example ghcr.io/acme"
	AllowedRegistries []string `json:"allowedRegistries,omitempty"`

	// BlockedRegistries are registries images may never come from, with the
	// same syntax and normalization as allowedRegistries; docker.io/busybox
	// blocks docker.io/library/busybox and docker.io/busybox/*. An image
	// whose name the runtime cannot parse is blocked. Blocked wins over
	// allowed.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=255
	// +kubebuilder:validation:XValidation:rule="self.all(r, r.matches('^([*][.])?[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?([.][a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$'))",message="each registry must be a host, *.domain, host:port or host/path without scheme, tag or trailing slash, for example docker.io"
	BlockedRegistries []string `json:"blockedRegistries,omitempty"`

	// RequireDigests requires every image to be pinned by digest (@sha256:...).
	// +optional
	RequireDigests bool `json:"requireDigests,omitempty"`
}

// RBACRequirements require and forbid RBAC rules. Rules are matched as
// Kubernetes matches a request against a role rule: a role's * grants every
// group, resource or verb, its */exec grants pods/exec, and a * in a rule
// here is granted only by a role's *. ClusterRoles named system:* are not
// checked for forbidden rules.
type RBACRequirements struct {
	// MinimumRules must each be granted, every verb on every object of the
	// resource, by at least one Role or ClusterRole; its rules combine, and a
	// rule narrowed by resourceNames does not grant every object.
	// +optional
	// +kubebuilder:validation:MaxItems=128
	MinimumRules []RBACRule `json:"minimumRules,omitempty"`

	// ForbiddenRules must not be granted by any rule of a Role or
	// ClusterRole: a rule granting one of the verbs counts, even narrowed by
	// resourceNames. Rules of only nonResourceURLs grant none.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	ForbiddenRules []RBACRule `json:"forbiddenRules,omitempty"`
}

// An RBACRule is an API group, a resource and verbs. "" is the core group.
// "*" is the wildcard: a role grants it only with its own *.
type RBACRule struct {
	// APIGroup of the resource: "" for the core group, "*" for all.
	// +kubebuilder:validation:MaxLength=253
	APIGroup string `json:"apiGroup"`

	// Resource, optionally with a subresource (pods/exec), or "*".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Resource string `json:"resource"`

	// Verbs, or "*" for all.
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=32
	Verbs []string `json:"verbs"`
}

// A WebhookConfigurationType is an admission webhook configuration kind.
// +kubebuilder:validation:Enum=ValidatingWebhookConfiguration;MutatingWebhookConfiguration
type WebhookConfigurationType string

// AdmissionRequirements require admission webhooks and Kyverno policies.
type AdmissionRequirements struct {
	// Required webhook configurations, matched by name.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Required []RequiredWebhook `json:"required,omitempty"`

	// Policies requires Kyverno policies (policies.kyverno.io ValidatingPolicies).
	// +optional
	Policies *RequiredPolicies `json:"policies,omitempty"`
}

// A RequiredWebhook requires webhook configurations whose names match a pattern.
type RequiredWebhook struct {
	// Type of webhook configuration.
	Type WebhookConfigurationType `json:"type"`

	// NamePattern is an RE2 regular expression matched against the whole name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	NamePattern string `json:"namePattern"`

	// MinCount is how many configurations must match.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	MinCount int32 `json:"minCount,omitempty"`
}

// RequiredPolicies require a number of Kyverno policies and specific ones.
// +kubebuilder:validation:XValidation:rule="has(self.minCount) || (has(self.requiredPolicies) && size(self.requiredPolicies) > 0)",message="set minCount or requiredPolicies"
type RequiredPolicies struct {
	// MinCount is the least number of Kyverno policies the cluster must have.
	// +optional
	// +kubebuilder:validation:Minimum=1
	MinCount int32 `json:"minCount,omitempty"`

	// RequiredPolicies must exist by name.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=128
	RequiredPolicies []NamedPolicy `json:"requiredPolicies,omitempty"`
}

// A NamedPolicy names a policy that must exist.
type NamedPolicy struct {
	// Name of the policy.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// Description says what the policy is for.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`
}

// ObservabilityRequirements require metrics and audit logging.
type ObservabilityRequirements struct {
	// Metrics requires metrics providers.
	// +optional
	Metrics *MetricsRequirements `json:"metrics,omitempty"`

	// Logging requires API server audit logging.
	// +optional
	Logging *LoggingRequirements `json:"logging,omitempty"`
}

// MetricsRequirements require at least one of the listed metrics providers.
// +kubebuilder:validation:XValidation:rule="!self.required || (has(self.providers) && size(self.providers) > 0)",message="providers must list at least one provider when metrics are required"
type MetricsRequirements struct {
	// Required turns the check on.
	Required bool `json:"required"`

	// Providers that satisfy the requirement: prometheus, metrics-server, or
	// the name of another provider's pods.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=63
	Providers []string `json:"providers,omitempty"`
}

// LoggingRequirements require API server audit logging.
type LoggingRequirements struct {
	// AuditLog requires the API server audit log.
	// +optional
	AuditLog *AuditLogRequirements `json:"auditLog,omitempty"`
}

// AuditLogRequirements require the API server audit log. They are checked
// from the kube-apiserver flags where the API server runs as a visible pod;
// on managed control planes the check reports that it cannot verify them.
type AuditLogRequirements struct {
	// Required turns the check on.
	Required bool `json:"required"`

	// MinRetentionDays is the least --audit-log-maxage the API server may have.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3650
	MinRetentionDays int32 `json:"minRetentionDays,omitempty"`
}

// ComplianceMapping maps compliance framework controls to kspec checks so
// reports (OSCAL, SARIF, Markdown) can say which controls a finding affects.
type ComplianceMapping struct {
	// Frameworks such as NIST-800-53 or CIS-Kubernetes.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	Frameworks []Framework `json:"frameworks"`
}

// A Framework is a compliance framework and its mapped controls.
type Framework struct {
	// Name of the framework.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name"`

	// Revision of the framework, such as "5" or "v1.8".
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Revision string `json:"revision,omitempty"`

	// Controls of the framework that kspec checks cover.
	// +listType=map
	// +listMapKey=id
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=512
	Controls []Control `json:"controls"`
}

// A Control is one framework control and the checks that cover it.
type Control struct {
	// ID of the control, such as AC-2 or 5.2.1.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	ID string `json:"id"`

	// Title of the control.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	Title string `json:"title"`

	// Checks that cover the control: a check category such as
	// workload.security, or one rule such as workload.security/run-as-non-root.
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	Checks []CheckRef `json:"checks"`
}

// A CheckRef names a kspec check category (kubernetes.version,
// podsecurity.standards, network.policies, workload.security,
// rbac.validation, admission.controllers, observability.validation),
// optionally followed by /rule-id for one rule of it. A pattern, not a CEL
// rule: it is checked on every list item of every control at no CEL cost.
// +kubebuilder:validation:MaxLength=128
// +kubebuilder:validation:Pattern=`^(kubernetes[.]version|podsecurity[.]standards|network[.]policies|workload[.]security|rbac[.]validation|admission[.]controllers|observability[.]validation)(/[a-z0-9]+(-[a-z0-9]+)*)?$`
type CheckRef string

// A Window is a recurring period in which a specification is active.
// +kubebuilder:validation:XValidation:rule="has(self.start) == has(self.end)",message="set both start and end, or neither for whole days"
// +kubebuilder:validation:XValidation:rule="!has(self.start) || self.start != self.end",message="start and end must differ; omit both for whole days"
// +kubebuilder:validation:XValidation:rule="!has(self.from) || !has(self.until) || timestamp(self.from) < timestamp(self.until)",message="from must be before until"
type Window struct {
	// Days the window opens on. Empty means every day. A window that ends
	// before it starts (22:00 to 06:00) runs overnight into the next day,
	// and its early hours belong to the day it opened; one that ends when
	// it starts lasts 24 hours.
	// +optional
	// +listType=set
	Days []Weekday `json:"days,omitempty"`

	// Start time of day, HH:MM, in the activation time zone (wall-clock
	// time, so daylight saving changes do not move it). Without start and
	// end the window covers its days whole.
	// +optional
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]$')",message="must be a time of day from 00:00 to 23:59"
	Start string `json:"start,omitempty"`

	// End time of day, HH:MM, exclusive.
	// +optional
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]$')",message="must be a time of day from 00:00 to 23:59"
	End string `json:"end,omitempty"`

	// From is the first moment the window can apply (inclusive).
	// +optional
	From *metav1.Time `json:"from,omitempty"`

	// Until is the first moment the window no longer applies (exclusive).
	// +optional
	Until *metav1.Time `json:"until,omitempty"`
}

// A Weekday is a day of the week.
// +kubebuilder:validation:Enum=Monday;Tuesday;Wednesday;Thursday;Friday;Saturday;Sunday
type Weekday string
