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

package rules

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	fieldpath "k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// The schema's limits, from the MaxItems and MaxLength markers of
// apis/kspec/v1alpha1. TestSchemaLimits keeps them in step.
const (
	maxNamespaces         = 256 // namespaceScope.include, exclude
	maxExemptions         = 256 // exemptions
	maxExemptionNS        = 64  // exemptions[].namespaces
	maxExemptionResources = 64  // exemptions[].resources
	maxExemptionRules     = 64  // exemptions[].rules
	maxPodSecurityExempt  = 256 // podSecurity.exemptions
	maxRegistries         = 64  // workloads.images.allowedRegistries, blockedRegistries
	maxRegistryLength     = 255
	maxPorts              = 256 // network.disallowedPorts
	maxRequiredPolicies   = 64  // network.requiredPolicies
	maxMinimumRules       = 128 // rbac.minimumRules
	maxForbiddenRules     = 64  // rbac.forbiddenRules
	maxVerbs              = 16  // rbac.*[].verbs
	maxVerbLength         = 32
	maxWebhooks           = 64  // admission.required
	maxNamedPolicies      = 128 // admission.policies.requiredPolicies
	maxVersions           = 64  // kubernetes.excludedVersions
	maxProviders          = 16  // observability.metrics.providers
	maxFrameworks         = 16  // compliance.frameworks
	maxControls           = 512 // compliance.frameworks[].controls
	maxChecks             = 64  // compliance.frameworks[].controls[].checks
	maxWindows            = 32  // activation.windows
)

// fill is s, repeated and cut to n characters.
func fill(s string, n int) string {
	return strings.Repeat(s, n/len(s)+1)[:n]
}

// label is a DNS-1123 label of n characters, unique by i.
func label(prefix string, i, n int) string {
	p := fmt.Sprintf("%s-%03d-", prefix, i)
	return p + fill("abcdefghij", n-len(p)-1) + "z"
}

// registry is a registry pattern of n characters, unique by i.
func registry(prefix string, i, n int) string {
	p := fmt.Sprintf("%s%03d.example.com/", prefix, i)
	return p + fill("abcdefg/", n-len(p)-1) + "z"
}

// maxSpec is the largest spec the schema admits: every list at its
// MaxItems, every string at its MaxLength.
func maxSpec() kspecv1alpha1.ClusterSpecificationSpec {
	var ids []kspecv1alpha1.CheckRef
	for c, rs := range RuleIDs() {
		ids = append(ids, kspecv1alpha1.CheckRef(c))
		for _, r := range rs {
			ids = append(ids, kspecv1alpha1.CheckRef(r))
		}
	}
	slices.Sort(ids)
	ids = ids[:min(len(ids), maxExemptionRules)]

	var s kspecv1alpha1.ClusterSpecificationSpec
	s.Enforcement = &kspecv1alpha1.Enforcement{Mode: kspecv1alpha1.ModeEnforce}
	s.NamespaceScope = &kspecv1alpha1.NamespaceScope{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}},
	}
	for i := range maxNamespaces {
		s.NamespaceScope.Include = append(s.NamespaceScope.Include, label("in", i, 63))
		s.NamespaceScope.Exclude = append(s.NamespaceScope.Exclude, label("ex", i, 63))
	}
	s.Activation = &kspecv1alpha1.Activation{TimeZone: "Europe/Berlin"}
	for range maxWindows {
		s.Activation.Windows = append(s.Activation.Windows, kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Monday"}, Start: "08:00", End: "18:00"})
	}
	expires := metav1.NewTime(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	for i := range maxExemptions {
		e := kspecv1alpha1.Exemption{Name: label("ex", i, 63), Reason: fill("r", 1024), ApprovedBy: fill("a", 253), ExpiresAt: expires, Rules: ids}
		for j := range maxExemptionNS {
			e.Namespaces = append(e.Namespaces, label(fmt.Sprintf("e%03d", i), j, 63))
		}
		for j := range maxExemptionResources {
			e.Resources = append(e.Resources, kspecv1alpha1.ResourceSelector{
				Kind: fill("Kind", 63),
				Name: label("name", j, 253),
				Selector: &metav1.LabelSelector{
					MatchLabels: map[string]string{fill("example.com", 253) + "/" + fill("k", 63): fill("v", 63)},
					MatchExpressions: []metav1.LabelSelectorRequirement{
						{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b", fill("c", 63)}},
						{Key: "legacy", Operator: metav1.LabelSelectorOpExists},
					},
				},
			})
		}
		s.Exemptions = append(s.Exemptions, e)
	}

	r := &s.Requirements
	r.Kubernetes = &kspecv1alpha1.KubernetesRequirements{MinVersion: "1.28", MaxVersion: "1.99"}
	for i := range maxVersions {
		r.Kubernetes.ExcludedVersions = append(r.Kubernetes.ExcludedVersions, kspecv1alpha1.KubernetesVersion(fmt.Sprintf("1.29.%d", i)))
	}
	r.PodSecurity = &kspecv1alpha1.PodSecurityRequirements{Enforce: kspecv1alpha1.PodSecurityRestricted, Audit: kspecv1alpha1.PodSecurityRestricted, Warn: kspecv1alpha1.PodSecurityRestricted}
	for i := range maxPodSecurityExempt {
		r.PodSecurity.Exemptions = append(r.PodSecurity.Exemptions, kspecv1alpha1.PodSecurityExemption{
			Namespace: label("ps", i, 63), Level: levels[i%2], Reason: fill("r", 1024),
		})
	}
	r.Network = &kspecv1alpha1.NetworkRequirements{DefaultDeny: true, AllowedServiceTypes: []kspecv1alpha1.ServiceType{"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"}}
	for i := range maxRequiredPolicies {
		r.Network.RequiredPolicies = append(r.Network.RequiredPolicies, kspecv1alpha1.RequiredNetworkPolicy{Name: label("np", i, 253), Namespace: label("ns", i, 63), Description: fill("d", 1024)})
	}
	for i := range maxPorts {
		r.Network.DisallowedPorts = append(r.Network.DisallowedPorts, int32(60000+i))
	}
	r.Workloads = &kspecv1alpha1.WorkloadRequirements{
		Containers: &kspecv1alpha1.ContainerRules{
			Required: []kspecv1alpha1.FieldRule{
				{Key: kspecv1alpha1.FieldRunAsNonRoot, Value: ptr.To(kspecv1alpha1.BoolValue(true))},
				{Key: kspecv1alpha1.FieldCapabilitiesDrop, Value: ptr.To(kspecv1alpha1.StringValue("ALL"))},
				{Key: kspecv1alpha1.FieldSeccompProfileType, Value: ptr.To(kspecv1alpha1.StringValue("RuntimeDefault"))},
				{Key: kspecv1alpha1.FieldLimitsMemory, Exists: ptr.To(true)},
			},
			Forbidden: []kspecv1alpha1.FieldRule{
				{Key: kspecv1alpha1.FieldPrivileged, Value: ptr.To(kspecv1alpha1.BoolValue(true))},
				{Key: kspecv1alpha1.FieldCapabilitiesAdd, Value: ptr.To(kspecv1alpha1.StringValue("NET_RAW"))},
				{Key: kspecv1alpha1.FieldHostNetwork, Value: ptr.To(kspecv1alpha1.BoolValue(true))},
			},
		},
		Images: &kspecv1alpha1.ImageRules{RequireDigests: true},
	}
	for i := range maxRegistries {
		r.Workloads.Images.AllowedRegistries = append(r.Workloads.Images.AllowedRegistries, registry("allowed", i, maxRegistryLength))
		r.Workloads.Images.BlockedRegistries = append(r.Workloads.Images.BlockedRegistries, registry("blocked", i, maxRegistryLength))
	}
	r.RBAC = &kspecv1alpha1.RBACRequirements{}
	for i := range maxMinimumRules {
		rule := kspecv1alpha1.RBACRule{APIGroup: label("group", i, 253), Resource: label("resource", i, 126) + "/" + label("sub", i, 126)}
		for j := range maxVerbs {
			rule.Verbs = append(rule.Verbs, label("verb", j, maxVerbLength))
		}
		r.RBAC.MinimumRules = append(r.RBAC.MinimumRules, rule)
		if i < maxForbiddenRules {
			r.RBAC.ForbiddenRules = append(r.RBAC.ForbiddenRules, rule)
		}
	}
	r.Admission = &kspecv1alpha1.AdmissionRequirements{Policies: &kspecv1alpha1.RequiredPolicies{MinCount: 1}}
	for i := range maxWebhooks {
		r.Admission.Required = append(r.Admission.Required, kspecv1alpha1.RequiredWebhook{Type: "ValidatingWebhookConfiguration", NamePattern: fmt.Sprintf("^w%03d-", i) + fill("a", 247) + "$", MinCount: 1})
	}
	for i := range maxNamedPolicies {
		r.Admission.Policies.RequiredPolicies = append(r.Admission.Policies.RequiredPolicies, kspecv1alpha1.NamedPolicy{Name: label("policy", i, 253), Description: fill("d", 1024)})
	}
	r.Observability = &kspecv1alpha1.ObservabilityRequirements{
		Metrics: &kspecv1alpha1.MetricsRequirements{Required: true},
		Logging: &kspecv1alpha1.LoggingRequirements{AuditLog: &kspecv1alpha1.AuditLogRequirements{Required: true, MinRetentionDays: 30}},
	}
	for i := range maxProviders {
		r.Observability.Metrics.Providers = append(r.Observability.Metrics.Providers, label("provider", i, 63))
	}
	r.Compliance = &kspecv1alpha1.ComplianceMapping{}
	for i := range maxFrameworks {
		f := kspecv1alpha1.Framework{Name: label("framework", i, 128), Revision: fill("1", 64)}
		for j := range maxControls {
			f.Controls = append(f.Controls, kspecv1alpha1.Control{ID: label("c", j, 64), Title: fill("t", 512), Checks: ids})
		}
		r.Compliance.Frameworks = append(r.Compliance.Frameworks, f)
	}
	return s
}

// TestSchemaLimits keeps maxSpec at the schema's limits: each constant
// against the marker on its field.
func TestSchemaLimits(t *testing.T) {
	var src string
	for _, f := range []string{"clusterspecification_types.go", "requirements_types.go"} {
		b, err := os.ReadFile("../../apis/kspec/v1alpha1/" + f)
		require.NoError(t, err)
		src += string(b)
	}
	// marker is the value of a marker in the comment above a field.
	marker := func(field, name string) int {
		m := regexp.MustCompile(`(?m)((?:^\t//.*\n)+)^\t` + field + ` `).FindStringSubmatch(src)
		require.NotNil(t, m, field)
		v := regexp.MustCompile(`\+kubebuilder:validation:` + regexp.QuoteMeta(name) + `=(\d+)\n`).FindStringSubmatch(m[1])
		require.NotNil(t, v, "%s has no %s", field, name)
		n, err := strconv.Atoi(v[1])
		require.NoError(t, err)
		return n
	}
	for _, c := range []struct {
		field, marker string
		want          int
	}{
		{"Include", "MaxItems", maxNamespaces},
		{"Exclude", "MaxItems", maxNamespaces},
		{"Exemptions \\[\\]Exemption", "MaxItems", maxExemptions},
		{"Namespaces", "MaxItems", maxExemptionNS},
		{"Resources", "MaxItems", maxExemptionResources},
		{"Rules", "MaxItems", maxExemptionRules},
		{"Exemptions \\[\\]PodSecurityExemption", "MaxItems", maxPodSecurityExempt},
		{"AllowedRegistries", "MaxItems", maxRegistries},
		{"BlockedRegistries", "MaxItems", maxRegistries},
		{"AllowedRegistries", "items:MaxLength", maxRegistryLength},
		{"BlockedRegistries", "items:MaxLength", maxRegistryLength},
		{"DisallowedPorts", "MaxItems", maxPorts},
		{"RequiredPolicies \\[\\]RequiredNetworkPolicy", "MaxItems", maxRequiredPolicies},
		{"MinimumRules", "MaxItems", maxMinimumRules},
		{"ForbiddenRules", "MaxItems", maxForbiddenRules},
		{"Verbs", "MaxItems", maxVerbs},
		{"Verbs", "items:MaxLength", maxVerbLength},
		{"Required \\[\\]RequiredWebhook", "MaxItems", maxWebhooks},
		{"RequiredPolicies \\[\\]NamedPolicy", "MaxItems", maxNamedPolicies},
		{"ExcludedVersions", "MaxItems", maxVersions},
		{"Providers", "MaxItems", maxProviders},
		{"Frameworks", "MaxItems", maxFrameworks},
		{"Controls", "MaxItems", maxControls},
		{"Checks", "MaxItems", maxChecks},
		{"Windows", "MaxItems", maxWindows},
	} {
		assert.Equal(t, c.want, marker(c.field, c.marker), "%s %s", c.field, c.marker)
	}
}

// TestCompileSchemaMaximum compiles the largest spec the schema admits:
// every expression kspec emits for it fits the API server's CEL limits
// (compile checks them), and the spec compiles at all.
func TestCompileSchemaMaximum(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a spec of megabytes")
	}
	s := maxSpec()
	require.Empty(t, kspecv1alpha1.ValidateSpecification(&s, "max", false, fieldpath.NewPath("spec")), "the spec is valid")
	set, err := Compile(Spec{Name: "max", Spec: s})
	require.NoError(t, err)
	require.Len(t, set.Exemptions, maxExemptions)
	for _, r := range set.Rules {
		for _, e := range []string{r.Expression, r.MessageExpression, r.AdmissionMessageExpression()} {
			if e != "" {
				_, err := compile(e, cel.DynType)
				assert.NoError(t, err, r.ID)
			}
		}
	}
}

// TestCompileLists compiles each list of the schema alone at its maximum,
// so a failure names the list.
func TestCompileLists(t *testing.T) {
	full := maxSpec()
	r := full.Requirements
	cases := map[string]kspecv1alpha1.ClusterSpecificationSpec{
		"NamespaceScope": {NamespaceScope: full.NamespaceScope},
		"Exemption":      {Exemptions: full.Exemptions[:1]},
		"PodSecurity":    {Requirements: kspecv1alpha1.Requirements{PodSecurity: r.PodSecurity}},
		"Images":         {Requirements: kspecv1alpha1.Requirements{Workloads: r.Workloads}},
		"Network":        {Requirements: kspecv1alpha1.Requirements{Network: r.Network}},
		"RBAC":           {Requirements: kspecv1alpha1.Requirements{RBAC: r.RBAC}},
		"Cluster":        {Requirements: kspecv1alpha1.Requirements{Kubernetes: r.Kubernetes, Admission: r.Admission, Observability: r.Observability}},
		"Compliance":     {Requirements: kspecv1alpha1.Requirements{PodSecurity: r.PodSecurity, Compliance: r.Compliance}},
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Compile(Spec{Name: "max", Spec: s})
			require.NoError(t, err)
		})
	}
}
