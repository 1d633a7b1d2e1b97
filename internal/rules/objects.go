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
	"slices"
	"strconv"
	"strings"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// networkObjectRules compiles the per-object network requirements.
func networkObjectRules(n *kspecv1alpha1.NetworkRequirements) []*Rule {
	var out []*Rule
	if len(n.AllowedServiceTypes) > 0 {
		types := make([]string, len(n.AllowedServiceTypes))
		for i, t := range n.AllowedServiceTypes {
			types[i] = string(t)
		}
		list := strings.Join(types, ", ")
		out = append(out, &Rule{
			ID:                CategoryNetwork + "/service-types",
			Title:             "Services are of an allowed type",
			Severity:          reportsv1alpha1.SeverityMedium,
			Kinds:             []Kind{KindService},
			Expression:        "object.?spec.?type.orValue('ClusterIP') in " + quoteList(types),
			Message:           "the Service type must be one of " + list,
			MessageExpression: "'Service type ' + string(object.?spec.?type.orValue('ClusterIP')) + ' is not allowed; allowed: " + list + "'",
			Remediation:       "Use a Service of type " + list + "; expose workloads through the approved ingress path.",
		})
	}
	if len(n.DisallowedPorts) > 0 {
		ports := make([]string, len(n.DisallowedPorts))
		for i, p := range n.DisallowedPorts {
			ports[i] = strconv.Itoa(int(p))
		}
		list := "[" + strings.Join(ports, ", ") + "]"
		// Heterogeneous equality: a named targetPort is never in the list.
		svc := "object.?spec.?ports.orValue([]).all(p, !(p.?port.orValue(0) in " + list + ") && " +
			"!(p.?targetPort.orValue(0) in " + list + ") && !(p.?nodePort.orValue(0) in " + list + "))"
		ctr := every{"containers", "c", "c.?ports.orValue([]).all(p, !(p.?containerPort.orValue(0) in " + list +
			") && !(p.?hostPort.orValue(0) in " + list + "))"}
		out = append(out, &Rule{
			ID:          CategoryNetwork + "/disallowed-ports",
			Title:       "No Service or container uses a disallowed port",
			Severity:    reportsv1alpha1.SeverityMedium,
			Kinds:       append([]Kind{KindService}, PodKinds...),
			Expression:  "object.kind == 'Service' ? " + svc + " : " + ctr.expression(),
			every:       ctr, // for pod kinds
			Message:     "a port is disallowed (disallowed: " + strings.Join(ports, ", ") + ")",
			Remediation: "Move the service off ports " + strings.Join(ports, ", ") + "; remote shells and legacy file sharing must not be exposed.",
		})
	}
	return out
}

var levels = []kspecv1alpha1.PodSecurityLevel{kspecv1alpha1.PodSecurityPrivileged, kspecv1alpha1.PodSecurityBaseline, kspecv1alpha1.PodSecurityRestricted}

// atLeast lists the levels at least as strict as l.
func atLeast(l kspecv1alpha1.PodSecurityLevel) []string {
	i := slices.Index(levels, l)
	out := make([]string, 0, len(levels))
	for _, l := range levels[max(i, 0):] {
		out = append(out, string(l))
	}
	return out
}

// podSecurityRules compiles podSecurity into a rule per mode on Namespaces.
func podSecurityRules(ps *kspecv1alpha1.PodSecurityRequirements) []*Rule {
	var out []*Rule
	for _, m := range []struct {
		mode     string
		level    kspecv1alpha1.PodSecurityLevel
		severity reportsv1alpha1.Severity
	}{
		{"enforce", ps.Enforce, reportsv1alpha1.SeverityHigh},
		{"audit", ps.Audit, reportsv1alpha1.SeverityMedium},
		{"warn", ps.Warn, reportsv1alpha1.SeverityMedium},
	} {
		if m.level == "" {
			continue
		}
		label := "pod-security.kubernetes.io/" + m.mode
		allowed := quoteList(atLeast(m.level))
		// Exemptions lower the level for their namespace, last one first so
		// the first listed wins, as a lookup would.
		for i := len(ps.Exemptions) - 1; i >= 0; i-- {
			e := ps.Exemptions[i]
			allowed = fmt.Sprintf("(object.metadata.name == %s ? %s : %s)", quote(e.Namespace), quoteList(atLeast(e.Level)), allowed)
		}
		out = append(out, &Rule{
			ID:                CategoryPodSecurity + "/" + m.mode,
			Title:             fmt.Sprintf("Namespaces %s Pod Security level %s", m.mode, m.level),
			Severity:          m.severity,
			Kinds:             []Kind{KindNamespace},
			Expression:        "object.metadata.?labels[?" + quote(label) + "].orValue('') in " + allowed,
			Message:           fmt.Sprintf("the namespace must be labelled %s=%s (or stricter)", label, m.level),
			MessageExpression: "'namespace ' + object.metadata.name + ' has " + label + "=' + object.metadata.?labels[?" + quote(label) + "].orValue('<unset>') + ', below the required level'",
			Remediation:       fmt.Sprintf("kubectl label namespace <name> %s=%s --overwrite", label, m.level),
		})
	}
	return out
}

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
