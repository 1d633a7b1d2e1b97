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
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

func TestValueJSON(t *testing.T) {
	cases := map[string]struct {
		reason   string
		in       string
		want     string
		wantBool bool
		isBool   bool
		err      bool
	}{
		"YAMLBoolean":   {reason: "value: true is a boolean", in: `true`, want: "true", wantBool: true, isBool: true},
		"StringBoolean": {reason: "value: \"false\" reads as a boolean", in: `"false"`, want: "false", isBool: true},
		"Name":          {reason: "capability names are strings", in: `"ALL"`, want: "ALL"},
		"Number":        {reason: "numbers are neither", in: `3`, err: true},
		"Object":        {reason: "objects are neither", in: `{"a":1}`, err: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var v Value
			err := json.Unmarshal([]byte(tc.in), &v)
			if tc.err {
				require.Error(t, err, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.want, v.String(), tc.reason)
			b, ok := v.Bool()
			assert.Equal(t, tc.isBool, ok, tc.reason)
			assert.Equal(t, tc.wantBool, b, tc.reason)
			out, err := json.Marshal(v)
			require.NoError(t, err)
			assert.JSONEq(t, tc.in, string(out), "a value is written back as it was written")
		})
	}
}

func TestValidateFieldRules(t *testing.T) {
	v := func(s Value) *Value { return &s }
	p := field.NewPath("required")
	cases := map[string]struct {
		reason string
		rules  []FieldRule
		want   field.ErrorList
	}{
		"Valid": {
			reason: "Each key with the kind of value it takes.",
			rules: []FieldRule{
				{Key: FieldRunAsNonRoot, Value: v(BoolValue(true))},
				{Key: FieldPrivileged, Value: v(StringValue("false"))},
				{Key: FieldCapabilitiesDrop, Value: v(StringValue("ALL"))},
				{Key: FieldSeccompProfileType, Value: v(StringValue("RuntimeDefault"))},
				{Key: FieldLimitsCPU, Exists: ptr.To(true)},
			},
		},
		"Neither": {
			reason: "A rule must state something.",
			rules:  []FieldRule{{Key: FieldHostPID}},
			want:   field.ErrorList{field.Required(p.Index(0).Child("value"), "set exactly one of value or exists")},
		},
		"Both": {
			reason: "A rule states a value or existence, not both.",
			rules:  []FieldRule{{Key: FieldHostPID, Value: v(BoolValue(true)), Exists: ptr.To(true)}},
			want:   field.ErrorList{field.Invalid(p.Index(0).Child("exists"), true, "set exactly one of value or exists")},
		},
		"ResourceValue": {
			reason: "Resources are required to exist, not to equal something.",
			rules:  []FieldRule{{Key: FieldLimitsMemory, Value: v(StringValue("1Gi"))}},
			want:   field.ErrorList{field.Forbidden(p.Index(0).Child("value"), "resources fields take exists, not value")},
		},
		"NotBoolean": {
			reason: "Boolean fields take true or false.",
			rules:  []FieldRule{{Key: FieldRunAsNonRoot, Value: v(StringValue("yes please"))}},
			want:   field.ErrorList{field.Invalid(p.Index(0).Child("value"), "yes please", "must be a boolean: true or false")},
		},
		"BadCapability": {
			reason: "Capabilities are upper-case names.",
			rules:  []FieldRule{{Key: FieldCapabilitiesAdd, Value: v(BoolValue(true))}},
			want:   field.ErrorList{field.Invalid(p.Index(0).Child("value"), "true", "must be a capability name such as ALL or NET_RAW")},
		},
		"BadSeccomp": {
			reason: "Seccomp profile types are a closed set.",
			rules:  []FieldRule{{Key: FieldSeccompProfileType, Value: v(StringValue("Strict"))}},
			want:   field.ErrorList{field.NotSupported(p.Index(0).Child("value"), "Strict", seccompTypes)},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ValidateFieldRules(tc.rules, p)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nValidateFieldRules(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestValidateSpecification(t *testing.T) {
	p := field.NewPath("spec")
	bad := &metav1.LabelSelector{MatchLabels: map[string]string{"not a key!": "x"}}
	const dns1123 = "not a namespace name: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	cases := map[string]struct {
		reason string
		spec   ClusterSpecificationSpec
		name   string
		claim  bool
		want   field.ErrorList
	}{
		"Valid": {
			reason: "A spec with every checked field set well has no errors.",
			name:   "prod",
			spec: ClusterSpecificationSpec{
				Requirements: Requirements{
					Workloads: &WorkloadRequirements{Containers: &ContainerRules{Required: []FieldRule{{Key: FieldRunAsNonRoot, Value: ptr.To(BoolValue(true))}}}},
					Admission: &AdmissionRequirements{Required: []RequiredWebhook{{NamePattern: "^kyverno-.*$"}}},
				},
				Activation:     &Activation{TimeZone: "Europe/Berlin"},
				NamespaceScope: &NamespaceScope{Include: []string{"a"}, Exclude: []string{"b"}, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}},
				BasedOn:        &BasedOn{Specifications: []string{"baseline"}},
			},
		},
		"FieldRules": {
			reason: "Field rules are checked at their path under spec.",
			spec: ClusterSpecificationSpec{Requirements: Requirements{Workloads: &WorkloadRequirements{Containers: &ContainerRules{
				Forbidden: []FieldRule{{Key: FieldHostPID}},
			}}}},
			want: field.ErrorList{field.Required(p.Child("workloads", "containers", "forbidden").Index(0).Child("value"), "set exactly one of value or exists")},
		},
		"Pattern": {
			reason: "A name pattern must be RE2.",
			spec:   ClusterSpecificationSpec{Requirements: Requirements{Admission: &AdmissionRequirements{Required: []RequiredWebhook{{NamePattern: "ok"}, {NamePattern: "(a"}}}}},
			want:   field.ErrorList{field.Invalid(p.Child("admission", "required").Index(1).Child("namePattern"), "(a", "not a valid RE2 regular expression: error parsing regexp: missing closing ): `(a`")},
		},
		"TimeZone": {
			reason: "Time zones come from the IANA database.",
			spec:   ClusterSpecificationSpec{Activation: &Activation{TimeZone: "Mars/Olympus"}},
			want:   field.ErrorList{field.Invalid(p.Child("activation", "timeZone"), "Mars/Olympus", "not an IANA time zone such as UTC or Europe/Berlin")},
		},
		"Selectors": {
			reason: "Label selectors are checked wherever they appear.",
			spec: ClusterSpecificationSpec{
				Targets:        &Targets{Selector: bad},
				NamespaceScope: &NamespaceScope{Selector: bad},
				Exemptions:     []Exemption{{Name: "e", Resources: []ResourceSelector{{Kind: "Pod"}, {Selector: bad}}}},
			},
			want: field.ErrorList{
				field.Invalid(p.Child("targets", "selector", "matchLabels"), "not a key!", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')").WithOrigin("format=k8s-label-key"),
				field.Invalid(p.Child("namespaceScope", "selector", "matchLabels"), "not a key!", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')").WithOrigin("format=k8s-label-key"),
				field.Invalid(p.Child("exemptions").Index(0).Child("resources").Index(1).Child("selector", "matchLabels"), "not a key!", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')").WithOrigin("format=k8s-label-key"),
			},
		},
		"IncludeAndExclude": {
			reason: "A namespace both included and excluded is a contradiction.",
			spec:   ClusterSpecificationSpec{NamespaceScope: &NamespaceScope{Include: []string{"a", "b"}, Exclude: []string{"c", "b"}}},
			want:   field.ErrorList{field.Invalid(p.Child("namespaceScope", "exclude").Index(1), "b", "namespace is also in include; exclude would win, so remove it from one list")},
		},
		"NamespaceNames": {
			reason: "Namespace names are DNS-1123 labels: any other name never matches a namespace.",
			spec: ClusterSpecificationSpec{
				Requirements: Requirements{
					PodSecurity: &PodSecurityRequirements{Exemptions: []PodSecurityExemption{{Namespace: "ok"}, {Namespace: "Sandbox"}}},
					Network:     &NetworkRequirements{RequiredPolicies: []RequiredNetworkPolicy{{Name: "deny", Namespace: "a.b"}, {Name: "any"}}},
				},
				NamespaceScope: &NamespaceScope{Include: []string{"a", "team\n"}, Exclude: []string{"b\tc"}},
				Exemptions:     []Exemption{{Name: "e", Namespaces: []string{"legacy", "it's"}}},
			},
			want: field.ErrorList{
				field.Invalid(p.Child("namespaceScope", "include").Index(1), "team\n", dns1123),
				field.Invalid(p.Child("namespaceScope", "exclude").Index(0), "b\tc", dns1123),
				field.Invalid(p.Child("podSecurity", "exemptions").Index(1).Child("namespace"), "Sandbox", dns1123),
				field.Invalid(p.Child("network", "requiredPolicies").Index(0).Child("namespace"), "a.b", "not a namespace name: must not contain dots"),
				field.Invalid(p.Child("exemptions").Index(0).Child("namespaces").Index(1), "it's", dns1123),
			},
		},
		"BasedOnItself": {
			reason: "A ClusterSpecification cannot inherit from itself.",
			name:   "prod",
			spec:   ClusterSpecificationSpec{BasedOn: &BasedOn{Specifications: []string{"baseline", "prod"}}},
			want:   field.ErrorList{field.Invalid(p.Child("basedOn", "specifications").Index(1), "prod", "prod cannot be based on itself")},
		},
		"ClaimNamedLikeItsBase": {
			reason: "A claim's bases are ClusterSpecifications, never the claim, whatever its name.",
			name:   "prod",
			claim:  true,
			spec:   ClusterSpecificationSpec{BasedOn: &BasedOn{Specifications: []string{"prod"}}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ValidateSpecification(&tc.spec, tc.name, tc.claim, p)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nValidateSpecification(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// The function reports these checks as XR conditions; it must not pull in
// the API server's machinery to do so.
func TestNoAPIServerDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "k8s.io/apimachinery/pkg/util/validation/field", "go list must list dependencies")
	for _, d := range deps {
		assert.False(t, strings.HasPrefix(d, "k8s.io/apiextensions-apiserver/") || strings.HasPrefix(d, "k8s.io/apiserver/"), "apis/kspec/v1alpha1 imports %s", d)
	}
}
