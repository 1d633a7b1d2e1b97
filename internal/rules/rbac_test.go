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
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/component-helpers/auth/rbac/validation"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func forbidding(t *testing.T, fs ...kspecv1alpha1.RBACRule) *Set {
	t.Helper()
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		RBAC: &kspecv1alpha1.RBACRequirements{ForbiddenRules: fs},
	}}})
	require.NoError(t, err)
	return set
}

// roleObject is a Role or ClusterRole with the rules, as unstructured
// content.
func roleObject(kind, name string, rules ...rbacv1.PolicyRule) map[string]any {
	rs := make([]any, len(rules))
	for i, r := range rules {
		m := map[string]any{}
		for k, v := range map[string][]string{"apiGroups": r.APIGroups, "resources": r.Resources, "verbs": r.Verbs, "resourceNames": r.ResourceNames, "nonResourceURLs": r.NonResourceURLs} {
			if v != nil {
				l := make([]any, len(v))
				for j, s := range v {
					l[j] = s
				}
				m[k] = l
			}
		}
		rs[i] = m
	}
	meta := map[string]any{"name": name}
	if kind == "Role" {
		meta["namespace"] = "team"
	}
	return map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta, "rules": rs}
}

func policyRule(groups, resources, verbs []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs, ResourceNames: names}
}

func l(s ...string) []string { return s }

// kubernetesGrants is the oracle for forbidden-rules: role rule r grants
// the forbidden rule f when, for one of f's verbs, the API server's own
// escalation check (component-helpers' Covers) says r covers f's group,
// resource and verb on the objects r names (every object, when it names
// none).
func kubernetesGrants(r rbacv1.PolicyRule, f kspecv1alpha1.RBACRule) bool {
	for _, v := range f.Verbs {
		ok, _ := validation.Covers([]rbacv1.PolicyRule{r}, []rbacv1.PolicyRule{policyRule(l(f.APIGroup), l(f.Resource), l(v), r.ResourceNames...)})
		if ok {
			return true
		}
	}
	return false
}

func TestForbiddenRules(t *testing.T) {
	cases := map[string]struct {
		reason    string
		forbidden kspecv1alpha1.RBACRule
		role      rbacv1.PolicyRule
		want      bool // the role grants the forbidden rule
	}{
		"Exact":                    {"", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("get", "list")}, policyRule(l(""), l("secrets"), l("list")), true},
		"OtherVerb":                {"", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("get", "list")}, policyRule(l(""), l("secrets"), l("watch")), false},
		"StarEverything":           {"wildcards grant get on secrets", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("get")}, policyRule(l("*"), l("*"), l("get")), true},
		"StarVerbs":                {"a role's * grants every verb", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("delete")}, policyRule(l(""), l("secrets"), l("*")), true},
		"OtherGroup":               {"", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("get")}, policyRule(l("apps"), l("*"), l("*")), false},
		"ForbiddenStarVerb":        {"a forbidden * is granted only by *", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("*")}, policyRule(l(""), l("secrets"), l("get", "list", "watch")), false},
		"ForbiddenStarVerbByStar":  {"", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("*")}, policyRule(l(""), l("secrets"), l("*")), true},
		"ForbiddenStarResource":    {"a forbidden resource * is granted only by *", kspecv1alpha1.RBACRule{APIGroup: "*", Resource: "*", Verbs: l("*")}, policyRule(l("*"), l("secrets"), l("*")), false},
		"ForbiddenEverything":      {"", kspecv1alpha1.RBACRule{APIGroup: "*", Resource: "*", Verbs: l("*")}, policyRule(l("*"), l("*"), l("*")), true},
		"SubresourceWildcard":      {"*/exec grants pods/exec", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "pods/exec", Verbs: l("create")}, policyRule(l(""), l("*/exec"), l("create")), true},
		"SubresourceOtherWildcard": {"*/log is not exec", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "pods/exec", Verbs: l("create")}, policyRule(l(""), l("*/log"), l("create")), false},
		"ParentResource":           {"pods does not grant pods/exec", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "pods/exec", Verbs: l("create")}, policyRule(l(""), l("pods"), l("*")), false},
		"SubresourceOfStar":        {"resources * grant every subresource", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "pods/exec", Verbs: l("create")}, policyRule(l(""), l("*"), l("create")), true},
		"ForbiddenSubWildcard":     {"a forbidden */exec is granted by */exec", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "*/exec", Verbs: l("create")}, policyRule(l(""), l("*/exec"), l("create")), true},
		"ForbiddenSubWildcardOne":  {"a forbidden */exec is not granted by one resource's exec", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "*/exec", Verbs: l("create")}, policyRule(l(""), l("pods/exec"), l("create")), false},
		"ResourceNames":            {"a grant narrowed by resourceNames still grants the verb", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("get")}, policyRule(l(""), l("secrets"), l("get"), "db-password"), true},
		"ResourceNamesOtherVerb":   {"", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("get")}, policyRule(l(""), l("secrets"), l("update"), "db-password"), false},
		"NonResourceURLs":          {"a forbidden rule names a resource, never a URL", kspecv1alpha1.RBACRule{APIGroup: "*", Resource: "*", Verbs: l("*")}, rbacv1.PolicyRule{NonResourceURLs: l("*"), Verbs: l("*")}, false},
		"CaseSensitive":            {"", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("get")}, policyRule(l(""), l("Secrets"), l("get")), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, tc.want, kubernetesGrants(tc.role, tc.forbidden), "the oracle disagrees with the case: %s", tc.reason)
			want := Pass
			if tc.want {
				want = Fail
			}
			assert.Equal(t, want, verdict(t, forbidding(t, tc.forbidden), roleObject("Role", "r", tc.role), "rbac.validation/forbidden-rules"), tc.reason)
		})
	}
}

func TestForbiddenRulesObjects(t *testing.T) {
	set := forbidding(t, kspecv1alpha1.RBACRule{APIGroup: "*", Resource: "*", Verbs: l("*")}, kspecv1alpha1.RBACRule{APIGroup: "", Resource: "secrets", Verbs: l("get", "list")})
	id := "rbac.validation/forbidden-rules"
	assert.Equal(t, Pass, verdict(t, set, roleObject("Role", "r"), id), "no rules")
	assert.Equal(t, Pass, verdict(t, set, map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": map[string]any{"name": "r", "namespace": "team"}}, id), "no rules field")
	assert.Equal(t, Skip, verdict(t, set, roleObject("ClusterRole", "system:x", policyRule(l("*"), l("*"), l("*"))), id), "system: ClusterRoles")
	assert.Equal(t, Fail, verdict(t, set, roleObject("Role", "system:x", policyRule(l("*"), l("*"), l("*"))), id), "only ClusterRoles are system:")
	assert.Equal(t, Fail, verdict(t, set, roleObject("ClusterRole", "c", policyRule(l("apps"), l("*"), l("*")), policyRule(l(""), l("secrets"), l("list"))), id), "any rule")

	r := resultOf(t, set, roleObject("ClusterRole", "c",
		policyRule(l(""), l("configmaps"), l("get")),
		policyRule(l("", "apps"), l("*"), l("*")),
		policyRule(l("*"), l("*"), l("*"), "x"),
	), id)
	assert.Equal(t, Fail, r.Status)
	assert.Equal(t, `rule {apiGroups: [*], resources: [*], verbs: [*], resourceNames: [x]} grants forbidden */* [*]; `+
		`rule {apiGroups: ["", apps], resources: [*], verbs: [*]} grants forbidden ""/secrets [get,list]; `+
		`rule {apiGroups: [*], resources: [*], verbs: [*], resourceNames: [x]} grants forbidden ""/secrets [get,list]`, r.Message)
}

// rbacRuleSpace is a cross product of forbidden or required rules and of
// role rules over API groups, resources (subresources and */sub included),
// verbs and resourceNames.
func rbacRuleSpace() ([]kspecv1alpha1.RBACRule, []rbacv1.PolicyRule) {
	var specs []kspecv1alpha1.RBACRule
	for _, g := range l("", "apps", "*") {
		for _, r := range l("pods", "pods/exec", "pods/log", "*/exec", "*", "secrets") {
			for _, vs := range [][]string{l("get"), l("create"), l("*"), l("get", "create")} {
				specs = append(specs, kspecv1alpha1.RBACRule{APIGroup: g, Resource: r, Verbs: vs})
			}
		}
	}
	var roles []rbacv1.PolicyRule
	for _, gs := range [][]string{l(""), l("apps"), l("*"), l("apps", "")} {
		for _, rs := range [][]string{l("pods"), l("pods/exec"), l("*/exec"), l("*"), l("secrets"), l("*/log"), l("pods", "pods/log")} {
			for _, vs := range [][]string{l("get"), l("create"), l("*"), l("list", "create")} {
				for _, ns := range [][]string{nil, l("web")} {
					roles = append(roles, policyRule(gs, rs, vs, ns...))
				}
			}
		}
	}
	return specs, roles
}

// TestForbiddenRulesMatchKubernetes checks the CEL of forbidden-rules
// against Kubernetes' own RBAC matching on every pair of the rule space.
func TestForbiddenRulesMatchKubernetes(t *testing.T) {
	specs, roles := rbacRuleSpace()
	granted, n := 0, 0
	var wrong []string
	for _, f := range specs {
		set := forbidding(t, f)
		for _, r := range roles {
			want := kubernetesGrants(r, f)
			got := resultOf(t, set, roleObject("Role", "r", r), "rbac.validation/forbidden-rules").Status == Fail
			if got != want {
				wrong = append(wrong, fmt.Sprintf("forbidden %s, role rule %v: kspec says %t, Kubernetes %t", describe(f), r, got, want))
			}
			if want {
				granted++
			}
			n++
		}
	}
	require.Empty(t, wrong, "%d of %d pairs differ", len(wrong), n)
	require.Equal(t, len(specs)*len(roles), n)
	require.Positive(t, granted, "no pair grants")
	require.Less(t, granted, n, "every pair grants")
	t.Logf("%d pairs agree (%d granted)", n, granted)
}

func roles(rules ...[]rbacv1.PolicyRule) []rbacv1.Role {
	out := make([]rbacv1.Role, len(rules))
	for i, rs := range rules {
		out[i] = rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("r%d", i), Namespace: "team"}, Rules: rs}
	}
	return out
}

func requiring(t *testing.T, ms ...kspecv1alpha1.RBACRule) *Rule {
	t.Helper()
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		RBAC: &kspecv1alpha1.RBACRequirements{MinimumRules: ms},
	}}})
	require.NoError(t, err)
	return clusterRule(t, set, "rbac.validation/minimum-rules")
}

func TestMinimumRules(t *testing.T) {
	podsGetList := kspecv1alpha1.RBACRule{APIGroup: "", Resource: "pods", Verbs: l("get", "list")}
	exec := kspecv1alpha1.RBACRule{APIGroup: "", Resource: "pods/exec", Verbs: l("create")}
	cases := map[string]struct {
		reason string
		want   kspecv1alpha1.RBACRule
		c      Cluster
		msg    string
	}{
		"OneRule":           {"", podsGetList, Cluster{Roles: roles([]rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("get", "list", "watch"))})}, "Role team/r0 grants \"\"/pods [get,list]"},
		"Wildcards":         {"", podsGetList, Cluster{ClusterRoles: []rbacv1.ClusterRole{{ObjectMeta: metav1.ObjectMeta{Name: "view"}, Rules: []rbacv1.PolicyRule{policyRule(l("*"), l("*"), l("*"))}}}}, "ClusterRole view grants \"\"/pods [get,list]"},
		"RulesOfOneRole":    {"rules of one role combine", podsGetList, Cluster{Roles: roles([]rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("get")), policyRule(l(""), l("pods"), l("list"))})}, "Role team/r0 grants \"\"/pods [get,list]"},
		"AcrossRoles":       {"two roles do not make one grant", podsGetList, Cluster{Roles: roles([]rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("get"))}, []rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("list"))})}, "no Role or ClusterRole grants \"\"/pods [get,list]"},
		"MissingVerb":       {"", podsGetList, Cluster{Roles: roles([]rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("get"))})}, "no Role or ClusterRole grants \"\"/pods [get,list]"},
		"ResourceNames":     {"a grant narrowed by resourceNames does not grant every pod", podsGetList, Cluster{Roles: roles([]rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("get", "list"), "web")})}, "no Role or ClusterRole grants \"\"/pods [get,list]"},
		"SubresourceStar":   {"*/exec grants pods/exec", exec, Cluster{Roles: roles([]rbacv1.PolicyRule{policyRule(l(""), l("*/exec"), l("create"))})}, "Role team/r0 grants \"\"/pods/exec [create]"},
		"Parent":            {"pods does not grant pods/exec", exec, Cluster{Roles: roles([]rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("*"))})}, "no Role or ClusterRole grants \"\"/pods/exec [create]"},
		"StarVerbNeedsStar": {"a required * is granted only by *", kspecv1alpha1.RBACRule{APIGroup: "", Resource: "pods", Verbs: l("*")}, Cluster{Roles: roles([]rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("get", "list", "watch", "create", "update", "patch", "delete"))})}, "no Role or ClusterRole grants \"\"/pods [*]"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fs := requiring(t, tc.want).cluster(&tc.c)
			require.Len(t, fs, 1)
			want := Pass
			if strings.HasPrefix(tc.msg, "no ") {
				want = Fail
			}
			assert.Equal(t, want, fs[0].Status, tc.reason)
			assert.Equal(t, tc.msg, fs[0].Message)
		})
	}

	r := requiring(t, podsGetList, exec)
	assertReads(t, r, &Cluster{
		Roles:        roles([]rbacv1.PolicyRule{policyRule(l(""), l("pods"), l("get", "list"))}),
		ClusterRoles: []rbacv1.ClusterRole{{ObjectMeta: metav1.ObjectMeta{Name: "exec"}, Rules: []rbacv1.PolicyRule{policyRule(l(""), l("*/exec"), l("create"))}}},
	})
}

// TestMinimumRulesMatchKubernetes checks minimum-rules against Kubernetes'
// escalation check on every pair of the rule space, and that for one verb
// and no resourceNames it agrees with the CEL of forbidden-rules.
func TestMinimumRulesMatchKubernetes(t *testing.T) {
	specs, rules := rbacRuleSpace()
	granted, same, n := 0, 0, 0
	var wrong []string
	for _, m := range specs {
		rule := requiring(t, m)
		var forbidden *Set
		if len(m.Verbs) == 1 {
			forbidden = forbidding(t, m)
		}
		for _, r := range rules {
			want, _ := validation.Covers([]rbacv1.PolicyRule{r}, []rbacv1.PolicyRule{policyRule(l(m.APIGroup), l(m.Resource), m.Verbs)})
			got := rule.cluster(&Cluster{Roles: roles([]rbacv1.PolicyRule{r})})[0].Status == Pass
			if got != want {
				wrong = append(wrong, fmt.Sprintf("required %s, role rule %v: kspec says %t, Kubernetes %t", describe(m), r, got, want))
			}
			if forbidden != nil && len(r.ResourceNames) == 0 {
				cel := resultOf(t, forbidden, roleObject("Role", "r", r), "rbac.validation/forbidden-rules").Status == Fail
				if cel != got {
					wrong = append(wrong, fmt.Sprintf("rule %s, role rule %v: minimum-rules says %t, forbidden-rules %t", describe(m), r, got, cel))
				}
				same++
			}
			if want {
				granted++
			}
			n++
		}
	}
	require.Empty(t, wrong, "%d of %d pairs differ", len(wrong), n)
	require.Positive(t, granted, "no pair grants")
	require.Less(t, granted, n, "every pair grants")
	require.Positive(t, same, "no pair compared with forbidden-rules")
	t.Logf("%d pairs agree (%d granted), %d of them also with forbidden-rules", n, granted, same)
}
