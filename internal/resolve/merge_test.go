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

package resolve

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func bval(b bool) *v1.Value { v := v1.BoolValue(b); return &v }
func exists() *bool         { t := true; return &t }

func required(keys ...v1.FieldKey) *v1.WorkloadRequirements {
	rs := make([]v1.FieldRule, len(keys))
	for i, k := range keys {
		rs[i] = v1.FieldRule{Key: k, Exists: exists()}
	}
	return &v1.WorkloadRequirements{Containers: &v1.ContainerRules{Required: rs}}
}

func rule(group, resource string, verbs ...string) v1.RBACRule {
	return v1.RBACRule{APIGroup: group, Resource: resource, Verbs: verbs}
}

// TestCombine is every field of every requirements block under each
// strategy: a base, then the spec's own. Without an append column,
// append gives what merge gives.
func TestCombine(t *testing.T) {
	psx := func(ns string, l v1.PodSecurityLevel) v1.PodSecurityExemption {
		return v1.PodSecurityExemption{Namespace: ns, Level: l, Reason: "r"}
	}
	np := func(name, desc string) v1.RequiredNetworkPolicy { return v1.RequiredNetworkPolicy{Name: name, Description: desc} }
	wh := func(pattern string) v1.RequiredWebhook {
		return v1.RequiredWebhook{Type: v1.WebhookConfigurationType("ValidatingWebhookConfiguration"), NamePattern: pattern, MinCount: 1}
	}
	fw := func(name, control string) v1.Framework {
		return v1.Framework{Name: name, Controls: []v1.Control{{ID: control, Title: control, Checks: []v1.CheckRef{"rbac.validation"}}}}
	}
	cases := map[string]struct {
		base, own                v1.Requirements
		merge, override, append_ v1.Requirements
		appendErr                string // the field of the error append gives instead
	}{
		"BlockOnlyInherited": {
			base:     v1.Requirements{Kubernetes: &v1.KubernetesRequirements{MinVersion: "1.30"}},
			merge:    v1.Requirements{Kubernetes: &v1.KubernetesRequirements{MinVersion: "1.30"}},
			override: v1.Requirements{Kubernetes: &v1.KubernetesRequirements{MinVersion: "1.30"}},
		},
		"BlockOnlyOwn": {
			own:      v1.Requirements{RBAC: &v1.RBACRequirements{ForbiddenRules: []v1.RBACRule{rule("", "secrets", "*")}}},
			merge:    v1.Requirements{RBAC: &v1.RBACRequirements{ForbiddenRules: []v1.RBACRule{rule("", "secrets", "*")}}},
			override: v1.Requirements{RBAC: &v1.RBACRequirements{ForbiddenRules: []v1.RBACRule{rule("", "secrets", "*")}}},
		},
		"KubernetesVersions": {
			base:     v1.Requirements{Kubernetes: &v1.KubernetesRequirements{MinVersion: "1.30", MaxVersion: "1.35", ExcludedVersions: []v1.KubernetesVersion{"1.31.0"}}},
			own:      v1.Requirements{Kubernetes: &v1.KubernetesRequirements{MinVersion: "1.32", ExcludedVersions: []v1.KubernetesVersion{"1.33.1", "1.31.0"}}},
			merge:    v1.Requirements{Kubernetes: &v1.KubernetesRequirements{MinVersion: "1.32", MaxVersion: "1.35", ExcludedVersions: []v1.KubernetesVersion{"1.31.0", "1.33.1"}}},
			override: v1.Requirements{Kubernetes: &v1.KubernetesRequirements{MinVersion: "1.32", ExcludedVersions: []v1.KubernetesVersion{"1.33.1", "1.31.0"}}},
		},
		"PodSecurityLevelsAndExemptions": {
			base:      v1.Requirements{PodSecurity: &v1.PodSecurityRequirements{Enforce: "restricted", Audit: "restricted", Exemptions: []v1.PodSecurityExemption{psx("a", "baseline"), psx("b", "baseline")}}},
			own:       v1.Requirements{PodSecurity: &v1.PodSecurityRequirements{Enforce: "baseline", Warn: "restricted", Exemptions: []v1.PodSecurityExemption{psx("a", "privileged"), psx("c", "baseline")}}},
			merge:     v1.Requirements{PodSecurity: &v1.PodSecurityRequirements{Enforce: "baseline", Audit: "restricted", Warn: "restricted", Exemptions: []v1.PodSecurityExemption{psx("a", "privileged"), psx("b", "baseline"), psx("c", "baseline")}}},
			override:  v1.Requirements{PodSecurity: &v1.PodSecurityRequirements{Enforce: "baseline", Warn: "restricted", Exemptions: []v1.PodSecurityExemption{psx("a", "privileged"), psx("c", "baseline")}}},
			appendErr: "spec.podSecurity.exemptions",
		},
		"PodSecurityExemptionsNewKeys": {
			base:     v1.Requirements{PodSecurity: &v1.PodSecurityRequirements{Enforce: "restricted", Exemptions: []v1.PodSecurityExemption{psx("a", "baseline")}}},
			own:      v1.Requirements{PodSecurity: &v1.PodSecurityRequirements{Exemptions: []v1.PodSecurityExemption{psx("c", "baseline")}}},
			merge:    v1.Requirements{PodSecurity: &v1.PodSecurityRequirements{Enforce: "restricted", Exemptions: []v1.PodSecurityExemption{psx("a", "baseline"), psx("c", "baseline")}}},
			override: v1.Requirements{PodSecurity: &v1.PodSecurityRequirements{Exemptions: []v1.PodSecurityExemption{psx("c", "baseline")}}},
		},
		"Network": {
			base: v1.Requirements{Network: &v1.NetworkRequirements{DefaultDeny: true, RequiredPolicies: []v1.RequiredNetworkPolicy{np("allow-dns", "base")},
				AllowedServiceTypes: []v1.ServiceType{"ClusterIP", "NodePort"}, DisallowedPorts: []int32{22}}},
			own: v1.Requirements{Network: &v1.NetworkRequirements{RequiredPolicies: []v1.RequiredNetworkPolicy{np("deny-egress", "own")},
				AllowedServiceTypes: []v1.ServiceType{"ClusterIP"}, DisallowedPorts: []int32{23, 22}}},
			merge: v1.Requirements{Network: &v1.NetworkRequirements{DefaultDeny: true, RequiredPolicies: []v1.RequiredNetworkPolicy{np("allow-dns", "base"), np("deny-egress", "own")},
				AllowedServiceTypes: []v1.ServiceType{"ClusterIP", "NodePort"}, DisallowedPorts: []int32{22, 23}}},
			override: v1.Requirements{Network: &v1.NetworkRequirements{RequiredPolicies: []v1.RequiredNetworkPolicy{np("deny-egress", "own")},
				AllowedServiceTypes: []v1.ServiceType{"ClusterIP"}, DisallowedPorts: []int32{23, 22}}},
		},
		"NetworkRequiredPolicyReplaced": {
			base:      v1.Requirements{Network: &v1.NetworkRequirements{RequiredPolicies: []v1.RequiredNetworkPolicy{np("allow-dns", "base"), np("b", "")}}},
			own:       v1.Requirements{Network: &v1.NetworkRequirements{RequiredPolicies: []v1.RequiredNetworkPolicy{np("allow-dns", "own")}}},
			merge:     v1.Requirements{Network: &v1.NetworkRequirements{RequiredPolicies: []v1.RequiredNetworkPolicy{np("allow-dns", "own"), np("b", "")}}},
			override:  v1.Requirements{Network: &v1.NetworkRequirements{RequiredPolicies: []v1.RequiredNetworkPolicy{np("allow-dns", "own")}}},
			appendErr: "spec.network.requiredPolicies",
		},
		"ContainerFieldRules": {
			base: v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: &v1.ContainerRules{
				Required:  []v1.FieldRule{{Key: v1.FieldRunAsNonRoot, Value: bval(true)}, {Key: v1.FieldLimitsCPU, Exists: exists()}},
				Forbidden: []v1.FieldRule{{Key: v1.FieldPrivileged, Value: bval(true)}},
			}}},
			own: v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: &v1.ContainerRules{
				Required: []v1.FieldRule{{Key: v1.FieldLimitsMemory, Exists: exists()}},
			}}},
			merge: v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: &v1.ContainerRules{
				Required:  []v1.FieldRule{{Key: v1.FieldRunAsNonRoot, Value: bval(true)}, {Key: v1.FieldLimitsCPU, Exists: exists()}, {Key: v1.FieldLimitsMemory, Exists: exists()}},
				Forbidden: []v1.FieldRule{{Key: v1.FieldPrivileged, Value: bval(true)}},
			}}},
			override: v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: &v1.ContainerRules{
				Required: []v1.FieldRule{{Key: v1.FieldLimitsMemory, Exists: exists()}},
			}}},
		},
		"ContainerFieldRuleReplaced": {
			base:      v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: &v1.ContainerRules{Forbidden: []v1.FieldRule{{Key: v1.FieldHostNetwork, Value: bval(true)}, {Key: v1.FieldPrivileged, Value: bval(true)}}}}},
			own:       v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: &v1.ContainerRules{Forbidden: []v1.FieldRule{{Key: v1.FieldHostNetwork, Exists: exists()}}}}},
			merge:     v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: &v1.ContainerRules{Forbidden: []v1.FieldRule{{Key: v1.FieldHostNetwork, Exists: exists()}, {Key: v1.FieldPrivileged, Value: bval(true)}}}}},
			override:  v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: &v1.ContainerRules{Forbidden: []v1.FieldRule{{Key: v1.FieldHostNetwork, Exists: exists()}}}}},
			appendErr: "spec.workloads.containers.forbidden",
		},
		"Images": {
			base:     v1.Requirements{Workloads: &v1.WorkloadRequirements{Images: &v1.ImageRules{AllowedRegistries: []string{"ghcr.io/acme"}, BlockedRegistries: []string{"docker.io"}, RequireDigests: true}}},
			own:      v1.Requirements{Workloads: &v1.WorkloadRequirements{Images: &v1.ImageRules{AllowedRegistries: []string{"*.azurecr.io", "ghcr.io/acme"}}}},
			merge:    v1.Requirements{Workloads: &v1.WorkloadRequirements{Images: &v1.ImageRules{AllowedRegistries: []string{"ghcr.io/acme", "*.azurecr.io"}, BlockedRegistries: []string{"docker.io"}, RequireDigests: true}}},
			override: v1.Requirements{Workloads: &v1.WorkloadRequirements{Images: &v1.ImageRules{AllowedRegistries: []string{"*.azurecr.io", "ghcr.io/acme"}}}},
		},
		"WorkloadsSubBlocks": {
			base:     v1.Requirements{Workloads: &v1.WorkloadRequirements{Images: &v1.ImageRules{RequireDigests: true}}},
			own:      v1.Requirements{Workloads: required(v1.FieldRequestsCPU)},
			merge:    v1.Requirements{Workloads: &v1.WorkloadRequirements{Containers: required(v1.FieldRequestsCPU).Containers, Images: &v1.ImageRules{RequireDigests: true}}},
			override: v1.Requirements{Workloads: required(v1.FieldRequestsCPU)},
		},
		"RBAC": {
			base:     v1.Requirements{RBAC: &v1.RBACRequirements{MinimumRules: []v1.RBACRule{rule("", "pods", "get")}, ForbiddenRules: []v1.RBACRule{rule("*", "*", "*"), rule("", "secrets", "*")}}},
			own:      v1.Requirements{RBAC: &v1.RBACRequirements{ForbiddenRules: []v1.RBACRule{rule("", "secrets", "*"), rule("", "pods/exec", "create"), rule("", "secrets", "get")}}},
			merge:    v1.Requirements{RBAC: &v1.RBACRequirements{MinimumRules: []v1.RBACRule{rule("", "pods", "get")}, ForbiddenRules: []v1.RBACRule{rule("*", "*", "*"), rule("", "secrets", "*"), rule("", "pods/exec", "create"), rule("", "secrets", "get")}}},
			override: v1.Requirements{RBAC: &v1.RBACRequirements{ForbiddenRules: []v1.RBACRule{rule("", "secrets", "*"), rule("", "pods/exec", "create"), rule("", "secrets", "get")}}},
		},
		"Admission": {
			base: v1.Requirements{Admission: &v1.AdmissionRequirements{Required: []v1.RequiredWebhook{wh("kyverno-.*")},
				Policies: &v1.RequiredPolicies{MinCount: 3, RequiredPolicies: []v1.NamedPolicy{{Name: "a", Description: "base"}}}}},
			own: v1.Requirements{Admission: &v1.AdmissionRequirements{Required: []v1.RequiredWebhook{wh("kspec-.*"), wh("kyverno-.*")},
				Policies: &v1.RequiredPolicies{RequiredPolicies: []v1.NamedPolicy{{Name: "b"}}}}},
			merge: v1.Requirements{Admission: &v1.AdmissionRequirements{Required: []v1.RequiredWebhook{wh("kyverno-.*"), wh("kspec-.*")},
				Policies: &v1.RequiredPolicies{MinCount: 3, RequiredPolicies: []v1.NamedPolicy{{Name: "a", Description: "base"}, {Name: "b"}}}}},
			override: v1.Requirements{Admission: &v1.AdmissionRequirements{Required: []v1.RequiredWebhook{wh("kspec-.*"), wh("kyverno-.*")},
				Policies: &v1.RequiredPolicies{RequiredPolicies: []v1.NamedPolicy{{Name: "b"}}}}},
		},
		"AdmissionPolicyReplaced": {
			base:      v1.Requirements{Admission: &v1.AdmissionRequirements{Policies: &v1.RequiredPolicies{RequiredPolicies: []v1.NamedPolicy{{Name: "a", Description: "base"}}}}},
			own:       v1.Requirements{Admission: &v1.AdmissionRequirements{Policies: &v1.RequiredPolicies{MinCount: 5, RequiredPolicies: []v1.NamedPolicy{{Name: "a", Description: "own"}}}}},
			merge:     v1.Requirements{Admission: &v1.AdmissionRequirements{Policies: &v1.RequiredPolicies{MinCount: 5, RequiredPolicies: []v1.NamedPolicy{{Name: "a", Description: "own"}}}}},
			override:  v1.Requirements{Admission: &v1.AdmissionRequirements{Policies: &v1.RequiredPolicies{MinCount: 5, RequiredPolicies: []v1.NamedPolicy{{Name: "a", Description: "own"}}}}},
			appendErr: "spec.admission.policies.requiredPolicies",
		},
		"Observability": {
			base: v1.Requirements{Observability: &v1.ObservabilityRequirements{Metrics: &v1.MetricsRequirements{Required: true, Providers: []string{"prometheus"}},
				Logging: &v1.LoggingRequirements{AuditLog: &v1.AuditLogRequirements{Required: true, MinRetentionDays: 90}}}},
			own: v1.Requirements{Observability: &v1.ObservabilityRequirements{Metrics: &v1.MetricsRequirements{Providers: []string{"metrics-server"}},
				Logging: &v1.LoggingRequirements{AuditLog: &v1.AuditLogRequirements{MinRetentionDays: 30}}}},
			merge: v1.Requirements{Observability: &v1.ObservabilityRequirements{Metrics: &v1.MetricsRequirements{Required: true, Providers: []string{"prometheus", "metrics-server"}},
				Logging: &v1.LoggingRequirements{AuditLog: &v1.AuditLogRequirements{Required: true, MinRetentionDays: 30}}}},
			override: v1.Requirements{Observability: &v1.ObservabilityRequirements{Metrics: &v1.MetricsRequirements{Providers: []string{"metrics-server"}},
				Logging: &v1.LoggingRequirements{AuditLog: &v1.AuditLogRequirements{MinRetentionDays: 30}}}},
		},
		"Compliance": {
			base:      v1.Requirements{Compliance: &v1.ComplianceMapping{Frameworks: []v1.Framework{fw("NIST", "AC-2"), fw("CIS", "5.1.1")}}},
			own:       v1.Requirements{Compliance: &v1.ComplianceMapping{Frameworks: []v1.Framework{fw("NIST", "AC-3"), fw("SOC2", "CC6.1")}}},
			merge:     v1.Requirements{Compliance: &v1.ComplianceMapping{Frameworks: []v1.Framework{fw("NIST", "AC-3"), fw("CIS", "5.1.1"), fw("SOC2", "CC6.1")}}},
			override:  v1.Requirements{Compliance: &v1.ComplianceMapping{Frameworks: []v1.Framework{fw("NIST", "AC-3"), fw("SOC2", "CC6.1")}}},
			appendErr: "spec.compliance.frameworks",
		},
		"ComplianceNewFramework": {
			base:     v1.Requirements{Compliance: &v1.ComplianceMapping{Frameworks: []v1.Framework{fw("CIS", "5.1.1")}}},
			own:      v1.Requirements{Compliance: &v1.ComplianceMapping{Frameworks: []v1.Framework{fw("SOC2", "CC6.1")}}},
			merge:    v1.Requirements{Compliance: &v1.ComplianceMapping{Frameworks: []v1.Framework{fw("CIS", "5.1.1"), fw("SOC2", "CC6.1")}}},
			override: v1.Requirements{Compliance: &v1.ComplianceMapping{Frameworks: []v1.Framework{fw("SOC2", "CC6.1")}}},
		},
	}
	p := field.NewPath("spec")
	for name, tc := range cases {
		layers := []layer{{name: "base b", reqs: tc.base}, {name: "its own requirements", reqs: tc.own}}
		t.Run(name+"/merge", func(t *testing.T) {
			got, errs := combine(v1.MergeStrategyMerge, layers, p)
			require.Empty(t, errs)
			assert.Empty(t, cmp.Diff(tc.merge, got, cmp.AllowUnexported(v1.Value{})))
		})
		t.Run(name+"/override", func(t *testing.T) {
			got, errs := combine(v1.MergeStrategyOverride, layers, p)
			require.Empty(t, errs)
			assert.Empty(t, cmp.Diff(tc.override, got, cmp.AllowUnexported(v1.Value{})))
		})
		t.Run(name+"/append", func(t *testing.T) {
			got, errs := combine(v1.MergeStrategyAppend, layers, p)
			if tc.appendErr != "" {
				require.Len(t, errs, 1)
				assert.Equal(t, tc.appendErr, errs[0].Field)
				assert.Contains(t, errs[0].Detail, "its own requirements sets")
				assert.Contains(t, errs[0].Detail, "after base b")
				return
			}
			require.Empty(t, errs)
			want := tc.append_
			if cmp.Equal(want, v1.Requirements{}) {
				want = tc.merge
			}
			assert.Empty(t, cmp.Diff(want, got, cmp.AllowUnexported(v1.Value{})))
		})
	}
}

// TestCombineLayersInOrder: the template first, then the bases in order,
// then the spec's own; each later layer wins.
func TestCombineLayersInOrder(t *testing.T) {
	ks := func(min v1.KubernetesVersion) v1.Requirements {
		return v1.Requirements{Kubernetes: &v1.KubernetesRequirements{MinVersion: min}}
	}
	for _, s := range []v1.MergeStrategy{v1.MergeStrategyMerge, v1.MergeStrategyOverride, v1.MergeStrategyAppend} {
		got, errs := combine(s, []layer{{"template", ks("1.28")}, {"base a", ks("1.29")}, {"base b", ks("1.30")}, {"own", v1.Requirements{}}}, field.NewPath("spec"))
		require.Empty(t, errs)
		assert.Equal(t, v1.KubernetesVersion("1.30"), got.Kubernetes.MinVersion, s)
		got, _ = combine(s, []layer{{"template", ks("1.28")}, {"base a", ks("1.30")}, {"base b", ks("")}, {"own", ks("1.31")}}, field.NewPath("spec"))
		assert.Equal(t, v1.KubernetesVersion("1.31"), got.Kubernetes.MinVersion, s)
	}
}

// TestCombineSharesNothing: the result can be changed without changing
// the layers, which a resolver reuses for every spec based on them.
func TestCombineSharesNothing(t *testing.T) {
	base := v1.Requirements{Workloads: required(v1.FieldLimitsCPU)}
	for _, s := range []v1.MergeStrategy{v1.MergeStrategyMerge, v1.MergeStrategyOverride, v1.MergeStrategyAppend} {
		got, _ := combine(s, []layer{{"base", base}}, field.NewPath("spec"))
		got.Workloads.Containers.Required[0].Key = v1.FieldHostPID
		*got.Workloads.Containers.Required[0].Exists = false
		assert.Equal(t, v1.FieldLimitsCPU, base.Workloads.Containers.Required[0].Key)
		assert.True(t, *base.Workloads.Containers.Required[0].Exists)
	}
}
