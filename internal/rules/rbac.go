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

// RBAC: no role grants a forbidden permission; some role grants each required one.

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// grants is CEL that is true when role rule r grants any of the forbidden
// permission: wildcards in the role count, and a forbidden * is only
// granted by a role that lists *.
func grants(f kspecv1alpha1.RBACRule) string {
	match := func(list, want string) string {
		if want == "*" {
			return "'*' in r.?" + list + ".orValue([])"
		}
		return "r.?" + list + ".orValue([]).exists(x, x == '*' || x == " + quote(want) + ")"
	}
	var verbs []string
	star := false
	for _, v := range f.Verbs {
		if v == "*" {
			star = true
			continue
		}
		verbs = append(verbs, v)
	}
	verb := "r.?verbs.orValue([]).exists(x, x == '*'"
	if len(verbs) > 0 {
		verb += " || x in " + quoteList(verbs)
	}
	verb += ")"
	if star && len(verbs) == 0 {
		verb = "'*' in r.?verbs.orValue([])"
	}
	return "(" + match("apiGroups", f.APIGroup) + " && " + match("resources", f.Resource) + " && " + verb + ")"
}

func describe(f kspecv1alpha1.RBACRule) string {
	g := f.APIGroup
	if g == "" {
		g = `""`
	}
	return fmt.Sprintf("%s/%s [%s]", g, f.Resource, strings.Join(f.Verbs, ","))
}

// rbacObjectRules compiles rbac.forbiddenRules into a rule on roles.
func rbacObjectRules(r *kspecv1alpha1.RBACRequirements) []*Rule {
	if len(r.ForbiddenRules) == 0 {
		return nil
	}
	gs := make([]string, len(r.ForbiddenRules))
	ds := make([]string, len(r.ForbiddenRules))
	for i, f := range r.ForbiddenRules {
		gs[i] = grants(f)
		ds[i] = describe(f)
	}
	granted := strings.Join(gs, " || ")
	list := strings.Join(ds, "; ")
	return []*Rule{{
		ID:       CategoryRBAC + "/forbidden-rules",
		Title:    "No role grants a forbidden permission",
		Severity: reportsv1alpha1.SeverityHigh,
		Kinds:    []Kind{KindRole, KindClusterRole},
		// The API server manages the system: ClusterRoles.
		Conditions:  []string{"!(object.kind == 'ClusterRole' && object.metadata.name.startsWith('system:'))"},
		Expression:  "object.?rules.orValue([]).all(r, !(" + granted + "))",
		Message:     "the role grants a forbidden permission: " + list,
		Remediation: "Narrow the role's apiGroups, resources and verbs so it grants none of: " + list + ".",
	}}
}

// covers reports whether a role rule covers a required rule: wildcards
// count, and every required verb is in the one rule.
func covers(r rbacv1.PolicyRule, want kspecv1alpha1.RBACRule) bool {
	has := func(list []string, v string) bool { return slices.Contains(list, "*") || slices.Contains(list, v) }
	if !has(r.APIGroups, want.APIGroup) || !has(r.Resources, want.Resource) {
		return false
	}
	for _, v := range want.Verbs {
		if !has(r.Verbs, v) {
			return false
		}
	}
	return true
}

func rbacClusterRules(r *kspecv1alpha1.RBACRequirements) []*Rule {
	if len(r.MinimumRules) == 0 {
		return nil
	}
	return []*Rule{{
		ID:          CategoryRBAC + "/minimum-rules",
		Title:       "Roles grant the required permissions",
		Severity:    reportsv1alpha1.SeverityMedium,
		Remediation: "Grant the missing permissions in a Role or ClusterRole.",
		cluster: func(c *Cluster) []Finding {
			var rules []rbacv1.PolicyRule
			for _, cr := range c.ClusterRoles {
				rules = append(rules, cr.Rules...)
			}
			for _, ro := range c.Roles {
				rules = append(rules, ro.Rules...)
			}
			out := make([]Finding, 0, len(r.MinimumRules))
			for _, want := range r.MinimumRules {
				if slices.ContainsFunc(rules, func(pr rbacv1.PolicyRule) bool { return covers(pr, want) }) {
					out = append(out, pass(ObjectRef{}, "a role grants %s", describe(want)))
				} else {
					out = append(out, fail(ObjectRef{}, "no role grants %s", describe(want)))
				}
			}
			return out
		},
	}}
}

var rbacFamily = family{
	category: CategoryRBAC,
	names:    func() []string { return []string{"forbidden-rules", "minimum-rules"} },
	compile: func(req *kspecv1alpha1.Requirements) ([]*Rule, error) {
		if req.RBAC == nil {
			return nil, nil
		}
		return append(rbacObjectRules(req.RBAC), rbacClusterRules(req.RBAC)...), nil
	},
}
