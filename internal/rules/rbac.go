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
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/component-helpers/auth/rbac/validation"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// A spec's RBAC rule is matched as Kubernetes matches a request against a
// role rule (docs/rules.md, RBAC): its apiGroup, resource and each verb are
// the request's, "*" in the spec being the literal value "*", so only a
// role's wildcard grants it. A role's "*/sub" grants every resource's
// subresource sub; a role's resourceNames narrow a grant to those objects.

// resourceGrants lists the role resources that grant resource: *, itself
// and, for a subresource, */<subresource>.
func resourceGrants(resource string) []string {
	out := []string{"*", resource}
	if _, sub, ok := strings.Cut(resource, "/"); ok && resource != "*/"+sub {
		out = append(out, "*/"+sub)
	}
	return out
}

// forbiddenData encodes a forbidden rule as the lists grantsForbidden
// reads: its apiGroup, its resource with the other role resources that
// grant it (see resourceGrants), and its verbs.
func forbiddenData(f kspecv1alpha1.RBACRule) string {
	return "[" + quoteList([]string{f.APIGroup}) + ", " + quoteList(resourceGrants(f.Resource)[1:]) + ", " + quoteList(f.Verbs) + "]"
}

// grantsForbidden is CEL that is true when role rule r grants forbidden
// rule f's group, resource and one of its verbs, on some object:
// resourceNames do not narrow a forbidden rule away. A role's * grants
// each. The forbidden rules are data, one constant list that one
// comprehension reads, so an expression grows by their text only.
const grantsForbidden = "r.?apiGroups.orValue([]).exists(x, x == '*' || x in f[0]) && " +
	"r.?resources.orValue([]).exists(x, x == '*' || x in f[1]) && " +
	"r.?verbs.orValue([]).exists(x, x == '*' || x in f[2])"

// describeForbidden is CEL writing forbidden rule f as describe does.
const describeForbidden = "(f[0][0] == '' ? '\"\"' : f[0][0]) + '/' + f[1][0] + ' [' + f[2].join(',') + ']'"

// describe writes an RBAC rule of the spec as group/resource [verbs].
func describe(f kspecv1alpha1.RBACRule) string {
	g := f.APIGroup
	if g == "" {
		g = `""`
	}
	return fmt.Sprintf("%s/%s [%s]", g, f.Resource, strings.Join(f.Verbs, ","))
}

// describeRoleRule is CEL writing role rule r as its fields, so a message
// names the rule at fault.
const describeRoleRule = "'{apiGroups: [' + r.?apiGroups.orValue([]).map(g, g == '' ? '\"\"' : g).join(', ') + " +
	"'], resources: [' + r.?resources.orValue([]).join(', ') + " +
	"'], verbs: [' + r.?verbs.orValue([]).join(', ') + ']' + " +
	"(r.?resourceNames.orValue([]).size() > 0 ? ', resourceNames: [' + r.resourceNames.join(', ') + ']' : '') + '}'"

// rbacObjectRules compiles rbac.forbiddenRules into a rule on roles.
func rbacObjectRules(r *kspecv1alpha1.RBACRequirements) []*Rule {
	if len(r.ForbiddenRules) == 0 {
		return nil
	}
	data := make([]string, len(r.ForbiddenRules))
	ds := make([]string, len(r.ForbiddenRules))
	for i, f := range r.ForbiddenRules {
		data[i] = forbiddenData(f)
		ds[i] = describe(f)
	}
	forbidden := "[" + strings.Join(data, ", ") + "]"
	list := strings.Join(ds, "; ")
	return []*Rule{{
		ID:       CategoryRBAC + "/forbidden-rules",
		Title:    "No role grants a forbidden permission",
		Severity: reportsv1alpha1.SeverityHigh,
		Kinds:    []Kind{KindRole, KindClusterRole},
		// The API server manages the system: ClusterRoles.
		Conditions:        []string{"!(object.kind == 'ClusterRole' && object.metadata.name.startsWith('system:'))"},
		Expression:        forbidden + ".all(f, object.?rules.orValue([]).all(r, !(" + grantsForbidden + ")))",
		Message:           "the role grants a forbidden permission: " + list,
		MessageExpression: forbidden + ".map(f, object.?rules.orValue([]).filter(r, " + grantsForbidden + ").map(r, 'rule ' + " + describeRoleRule + " + ' grants forbidden ' + " + describeForbidden + ").join('; ')).filter(m, m != '').join('; ')",
		Remediation:       "Narrow the role's apiGroups, resources and verbs so it grants none of: " + list + ".",
	}}
}

// grantsAll reports whether a role's rules grant every verb of a required
// rule on every object of its resource, as the API server's escalation
// check decides it: rules of one role combine, and a rule narrowed by
// resourceNames does not grant the verb on every object.
func grantsAll(rules []rbacv1.PolicyRule, want kspecv1alpha1.RBACRule) bool {
	ok, _ := validation.Covers(rules, []rbacv1.PolicyRule{{APIGroups: []string{want.APIGroup}, Resources: []string{want.Resource}, Verbs: want.Verbs}})
	return ok
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
		reads:       []string{"Roles", "ClusterRoles"},
		cluster: func(c *Cluster) []Finding {
			out := make([]Finding, 0, len(r.MinimumRules))
		next:
			for _, want := range r.MinimumRules {
				for _, cr := range c.ClusterRoles {
					if grantsAll(cr.Rules, want) {
						out = append(out, pass(ObjectRef{}, "ClusterRole %s grants %s", cr.Name, describe(want)))
						continue next
					}
				}
				for _, ro := range c.Roles {
					if grantsAll(ro.Rules, want) {
						out = append(out, pass(ObjectRef{}, "Role %s/%s grants %s", ro.Namespace, ro.Name, describe(want)))
						continue next
					}
				}
				out = append(out, fail(ObjectRef{}, "no Role or ClusterRole grants %s", describe(want)))
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
