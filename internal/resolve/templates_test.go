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
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

// TestTemplatesAreTheAPIs: a template for every name the API's enum
// allows, and only those.
func TestTemplatesAreTheAPIs(t *testing.T) {
	crds, err := validate.KspecCRDs()
	require.NoError(t, err)
	var enum []string
	for _, crd := range crds {
		if crd.Spec.Names.Kind != v1.ClusterSpecificationKind {
			continue
		}
		name := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["policyTemplate"].Properties["name"]
		for _, e := range name.Enum {
			enum = append(enum, strings.Trim(string(e.Raw), `"`))
		}
	}
	slices.Sort(enum)
	var names []string
	for _, tpl := range Templates() {
		names = append(names, tpl.Name)
	}
	assert.Equal(t, enum, names)
	assert.Equal(t, enum, templateNames())
	assert.Subset(t, names, []string{"security-baseline", "compliance-strict", "pss-baseline", "pss-restricted"})
}

// TestTemplateDefaults: each template alone resolves to a valid spec that
// compiles to rules, in a ClusterSpecification and in a claim.
func TestTemplateDefaults(t *testing.T) {
	for _, tpl := range Templates() {
		t.Run(tpl.Name, func(t *testing.T) {
			for _, ns := range []string{"", "team-a"} {
				s := rules.Spec{Name: "t", Namespace: ns}
				s.Spec.PolicyTemplate = &v1.PolicyTemplate{Name: v1.TemplateName(tpl.Name)}
				got, err := Resolve(context.Background(), s, Specs())
				require.NoError(t, err)
				set, err := rules.Compile(got)
				require.NoError(t, err)
				assert.NotEmpty(t, set.Rules)
			}
		})
	}
}

// TestTemplateParameters: every parameter of every template changes what
// the template requires.
func TestTemplateParameters(t *testing.T) {
	rule := func(rs []v1.FieldRule, key v1.FieldKey) *v1.FieldRule {
		for i := range rs {
			if rs[i].Key == key {
				return &rs[i]
			}
		}
		return nil
	}
	req := func(r v1.Requirements, key v1.FieldKey) *v1.FieldRule {
		if r.Workloads == nil || r.Workloads.Containers == nil {
			return nil
		}
		return rule(r.Workloads.Containers.Required, key)
	}
	forb := func(r v1.Requirements, key v1.FieldKey) *v1.FieldRule {
		if r.Workloads == nil || r.Workloads.Containers == nil {
			return nil
		}
		return rule(r.Workloads.Containers.Forbidden, key)
	}
	cases := map[string]struct {
		template v1.TemplateName
		params   map[string]string
		// check holds of the default requirements and fails with params.
		check func(v1.Requirements) bool
	}{
		"SecurityBaseline/runAsNonRoot": {v1.TemplateSecurityBaseline, map[string]string{"runAsNonRoot": "false"},
			func(r v1.Requirements) bool { return req(r, v1.FieldRunAsNonRoot) != nil }},
		"SecurityBaseline/allowPrivilegeEscalation": {v1.TemplateSecurityBaseline, map[string]string{"allowPrivilegeEscalation": "true"},
			func(r v1.Requirements) bool { return req(r, v1.FieldAllowPrivilegeEscalation) != nil }},
		"SecurityBaseline/allowHostNamespaces": {v1.TemplateSecurityBaseline, map[string]string{"allowHostNamespaces": "true"},
			func(r v1.Requirements) bool {
				return forb(r, v1.FieldHostNetwork) != nil && forb(r, v1.FieldHostPID) != nil && forb(r, v1.FieldHostIPC) != nil
			}},
		"SecurityBaseline/allowedRegistries": {v1.TemplateSecurityBaseline, map[string]string{"allowedRegistries": "ghcr.io/acme, *.azurecr.io"},
			func(r v1.Requirements) bool { return r.Workloads.Images == nil }},
		"SecurityBaseline/podSecurityLevel": {v1.TemplateSecurityBaseline, map[string]string{"podSecurityLevel": "restricted"},
			func(r v1.Requirements) bool { return r.PodSecurity == nil }},
		"ComplianceStrict/requireLimits": {v1.TemplateComplianceStrict, map[string]string{"requireLimits": "false"},
			func(r v1.Requirements) bool { return req(r, v1.FieldLimitsCPU) != nil && req(r, v1.FieldLimitsMemory) != nil }},
		"ComplianceStrict/requireRequests": {v1.TemplateComplianceStrict, map[string]string{"requireRequests": "false"},
			func(r v1.Requirements) bool { return req(r, v1.FieldRequestsCPU) != nil && req(r, v1.FieldRequestsMemory) != nil }},
		"ComplianceStrict/readOnlyRootFilesystem": {v1.TemplateComplianceStrict, map[string]string{"readOnlyRootFilesystem": "false"},
			func(r v1.Requirements) bool { return req(r, v1.FieldReadOnlyRootFilesystem) != nil }},
		"ComplianceStrict/requireDigests": {v1.TemplateComplianceStrict, map[string]string{"requireDigests": "false"},
			func(r v1.Requirements) bool { return r.Workloads.Images != nil && r.Workloads.Images.RequireDigests }},
		"ComplianceStrict/blockedRegistries": {v1.TemplateComplianceStrict, map[string]string{"blockedRegistries": "docker.io"},
			func(r v1.Requirements) bool { return len(r.Workloads.Images.BlockedRegistries) == 0 }},
		"ComplianceStrict/minKubernetesVersion": {v1.TemplateComplianceStrict, map[string]string{"minKubernetesVersion": "1.32"},
			func(r v1.Requirements) bool { return r.Kubernetes == nil }},
		"ComplianceStrict/auditLogRetentionDays": {v1.TemplateComplianceStrict, map[string]string{"auditLogRetentionDays": "90"},
			func(r v1.Requirements) bool { return r.Observability == nil }},
		"PSSBaseline/modes": {v1.TemplatePSSBaseline, map[string]string{"modes": "enforce"},
			func(r v1.Requirements) bool { return r.PodSecurity.Audit == v1.PodSecurityBaseline && r.PodSecurity.Warn == v1.PodSecurityBaseline }},
		"PSSBaseline/workloadRules": {v1.TemplatePSSBaseline, map[string]string{"workloadRules": "false"},
			func(r v1.Requirements) bool { return forb(r, v1.FieldPrivileged) != nil }},
		"PSSRestricted/modes": {v1.TemplatePSSRestricted, map[string]string{"modes": "warn,audit"},
			func(r v1.Requirements) bool { return r.PodSecurity.Enforce == v1.PodSecurityRestricted }},
		"PSSRestricted/workloadRules": {v1.TemplatePSSRestricted, map[string]string{"workloadRules": "false"},
			func(r v1.Requirements) bool { return req(r, v1.FieldSeccompProfileType) != nil }},
		"PSSRestricted/baselineNamespaces": {v1.TemplatePSSRestricted, map[string]string{"baselineNamespaces": "legacy,ingress-nginx"},
			func(r v1.Requirements) bool { return len(r.PodSecurity.Exemptions) == 0 }},
	}
	covered := map[string]bool{}
	p := field.NewPath("spec", "policyTemplate")
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			def, errs := applyTemplate(&v1.PolicyTemplate{Name: tc.template}, p)
			require.Empty(t, errs)
			assert.True(t, tc.check(def), "the check must hold of the defaults")
			got, errs := applyTemplate(&v1.PolicyTemplate{Name: tc.template, Parameters: tc.params}, p)
			require.Empty(t, errs)
			assert.False(t, tc.check(got), "the parameters must change it")
		})
		for k := range tc.params {
			covered[string(tc.template)+"/"+k] = true
		}
	}
	for _, tpl := range Templates() {
		for _, prm := range tpl.Parameters {
			assert.True(t, covered[tpl.Name+"/"+prm.Name], "parameter %s of %s is not tested", prm.Name, tpl.Name)
		}
	}

	// The values land where they belong, typed.
	r, errs := applyTemplate(&v1.PolicyTemplate{Name: v1.TemplateSecurityBaseline, Parameters: map[string]string{"allowedRegistries": "ghcr.io/acme, *.azurecr.io", "podSecurityLevel": "baseline"}}, p)
	require.Empty(t, errs)
	assert.Equal(t, []string{"ghcr.io/acme", "*.azurecr.io"}, r.Workloads.Images.AllowedRegistries)
	assert.Equal(t, &v1.PodSecurityRequirements{Enforce: v1.PodSecurityBaseline, Warn: v1.PodSecurityBaseline}, r.PodSecurity)
	r, errs = applyTemplate(&v1.PolicyTemplate{Name: v1.TemplateComplianceStrict, Parameters: map[string]string{"auditLogRetentionDays": "90", "minKubernetesVersion": "v1.32.1"}}, p)
	require.Empty(t, errs)
	assert.Equal(t, &v1.AuditLogRequirements{Required: true, MinRetentionDays: 90}, r.Observability.Logging.AuditLog)
	assert.Equal(t, v1.KubernetesVersion("v1.32.1"), r.Kubernetes.MinVersion)
	r, errs = applyTemplate(&v1.PolicyTemplate{Name: v1.TemplatePSSRestricted, Parameters: map[string]string{"baselineNamespaces": "legacy", "modes": "enforce"}}, p)
	require.Empty(t, errs)
	assert.Equal(t, v1.PodSecurityRestricted, r.PodSecurity.Enforce)
	assert.Empty(t, r.PodSecurity.Audit)
	assert.Equal(t, []v1.PodSecurityExemption{{Namespace: "legacy", Level: v1.PodSecurityBaseline, Reason: "held to baseline by the pss-restricted template's baselineNamespaces parameter"}}, r.PodSecurity.Exemptions)
}

func TestTemplateErrors(t *testing.T) {
	p := field.NewPath("spec", "policyTemplate")
	cases := map[string]struct {
		template v1.TemplateName
		params   map[string]string
		want     field.ErrorList
	}{
		"UnknownTemplate": {"baseline", nil, field.ErrorList{field.NotSupported(p.Child("name"), "baseline", []string{"compliance-strict", "pss-baseline", "pss-restricted", "security-baseline"})}},
		"UnknownParameter": {v1.TemplateSecurityBaseline, map[string]string{"runAsRoot": "true"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("runAsRoot"), "true",
			`template security-baseline has no parameter "runAsRoot"; its parameters are runAsNonRoot, allowPrivilegeEscalation, allowHostNamespaces, allowedRegistries, podSecurityLevel`)}},
		"Boolean": {v1.TemplateSecurityBaseline, map[string]string{"runAsNonRoot": "yes"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("runAsNonRoot"), "yes", "must be true or false")}},
		"Integer": {v1.TemplateComplianceStrict, map[string]string{"auditLogRetentionDays": "30d"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("auditLogRetentionDays"), "30d", "must be a decimal integer")}},
		"IntegerRange": {v1.TemplateComplianceStrict, map[string]string{"auditLogRetentionDays": "4000"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("auditLogRetentionDays"), "4000", "must be at most 3650")}},
		"IntegerNegative": {v1.TemplateComplianceStrict, map[string]string{"auditLogRetentionDays": "-1"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("auditLogRetentionDays"), "-1", "must be at least 0")}},
		"Enum": {v1.TemplateSecurityBaseline, map[string]string{"podSecurityLevel": "privileged"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("podSecurityLevel"), "privileged", "must be one of none, baseline, restricted")}},
		"String": {v1.TemplateComplianceStrict, map[string]string{"minKubernetesVersion": "latest"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("minKubernetesVersion"), "latest", "not a Kubernetes version: want MAJOR.MINOR or MAJOR.MINOR.PATCH, such as 1.32")}},
		"ListItem": {v1.TemplateSecurityBaseline, map[string]string{"allowedRegistries": "ghcr.io,https://quay.io"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("allowedRegistries"), "ghcr.io,https://quay.io",
			"item 2 (https://quay.io): not a registry: want a host, *.domain, host:port or host/path without scheme, tag or trailing slash, such as ghcr.io/acme")}},
		"ListEmptyItem": {v1.TemplateSecurityBaseline, map[string]string{"allowedRegistries": "ghcr.io,,quay.io"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("allowedRegistries"), "ghcr.io,,quay.io", "item 2 is empty: separate items with single commas")}},
		"ListTwice": {v1.TemplateSecurityBaseline, map[string]string{"allowedRegistries": "ghcr.io, ghcr.io"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("allowedRegistries"), "ghcr.io, ghcr.io", "item 2 (ghcr.io) is listed twice")}},
		"ListValue": {v1.TemplatePSSBaseline, map[string]string{"modes": "enforce,deny"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("modes"), "enforce,deny", "item 2 (deny): must be one of enforce, audit, warn")}},
		"ListMinItems": {v1.TemplatePSSBaseline, map[string]string{"modes": ""}, field.ErrorList{field.Invalid(p.Child("parameters").Key("modes"), "", "must list at least 1 comma-separated item(s)")}},
		"ListNamespace": {v1.TemplatePSSRestricted, map[string]string{"baselineNamespaces": "Legacy"}, field.ErrorList{field.Invalid(p.Child("parameters").Key("baselineNamespaces"), "Legacy",
			"item 1 (Legacy): not a namespace name: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")}},
		"Several": {v1.TemplateSecurityBaseline, map[string]string{"runAsNonRoot": "1", "zeta": "x", "alpha": "y"}, field.ErrorList{
			field.Invalid(p.Child("parameters").Key("alpha"), "y", `template security-baseline has no parameter "alpha"; its parameters are runAsNonRoot, allowPrivilegeEscalation, allowHostNamespaces, allowedRegistries, podSecurityLevel`),
			field.Invalid(p.Child("parameters").Key("zeta"), "x", `template security-baseline has no parameter "zeta"; its parameters are runAsNonRoot, allowPrivilegeEscalation, allowHostNamespaces, allowedRegistries, podSecurityLevel`),
			field.Invalid(p.Child("parameters").Key("runAsNonRoot"), "1", "must be true or false"),
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, errs := applyTemplate(&v1.PolicyTemplate{Name: tc.template, Parameters: tc.params}, p)
			assert.Equal(t, tc.want, errs)
		})
	}
	many := strings.TrimSuffix(strings.Repeat("a.io,", 0), ",")
	for i := range 65 {
		many += "," + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + ".io"
	}
	_, errs := applyTemplate(&v1.PolicyTemplate{Name: v1.TemplateSecurityBaseline, Parameters: map[string]string{"allowedRegistries": many[1:]}}, p)
	require.Len(t, errs, 1)
	assert.Equal(t, "must list at most 64 items, not 65", errs[0].Detail)
}

// TestTemplateValuesAreData: a value is written as a JSON scalar, so
// whatever it holds it cannot add YAML structure.
func TestTemplateValuesAreData(t *testing.T) {
	tpl := &Template{Name: string(v1.TemplateSecurityBaseline), Requirements: "kubernetes:\n  minVersion: {{ json .v }}\n",
		Parameters: []Parameter{{Name: "v", Type: TypeString, Description: "d"}}}
	require.NoError(t, tpl.check())
	evil := "1.30\"\n  maxVersion: \"1.20\nworkloads: {images: {requireDigests: false}}"
	r, errs := tpl.Apply(map[string]string{"v": evil}, field.NewPath("spec", "policyTemplate"))
	require.Empty(t, errs)
	assert.Equal(t, v1.KubernetesVersion(evil), r.Kubernetes.MinVersion)
	assert.Empty(t, r.Kubernetes.MaxVersion)
	assert.Nil(t, r.Workloads)
}

// TestTemplateFilesChecked: a broken template file is refused when read.
func TestTemplateFilesChecked(t *testing.T) {
	cases := map[string]string{
		"UnknownName":      "name: nope\ndescription: d\nrequirements: ''\n",
		"UnknownField":     "name: pss-baseline\ndescription: d\nrequirements: ''\nextra: 1\n",
		"BadDefault":       "name: pss-baseline\ndescription: d\nparameters: [{name: a, type: boolean, default: 'yes', description: d}]\nrequirements: ''\n",
		"UnknownPattern":   "name: pss-baseline\ndescription: d\nparameters: [{name: a, type: string, pattern: email, description: d}]\nrequirements: ''\n",
		"BadRequirements":  "name: pss-baseline\ndescription: d\nrequirements: 'kubernetes: {minimum: 1}'\n",
		"MissingParameter": "name: pss-baseline\ndescription: d\nrequirements: '{{ .nope }}'\n",
		"Twice":            "name: pss-baseline\ndescription: d\nparameters: [{name: a, type: boolean, default: 'true', description: d}, {name: a, type: boolean, default: 'true', description: d}]\nrequirements: ''\n",
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := readTemplates(fstest.MapFS{"templates/x.yaml": {Data: []byte(data)}})
			assert.Error(t, err)
		})
	}
}
