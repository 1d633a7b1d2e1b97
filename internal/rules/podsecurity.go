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

// Pod Security: Namespace labels at the levels the spec requires.

import (
	"fmt"
	"slices"
	"strings"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

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

// lower is the less strict of two levels.
func lower(a, b kspecv1alpha1.PodSecurityLevel) kspecv1alpha1.PodSecurityLevel {
	if slices.Index(levels, b) < slices.Index(levels, a) {
		return b
	}
	return a
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
		value := "object.metadata.?labels[?" + quote(label) + "]"
		allowed, required := quoteList(atLeast(m.level)), quote(string(m.level))
		// Exemptions lower the level for their namespace in every mode, as
		// Pod Security Admission's exemptions do, and never raise it. A
		// lookup in a map literal, flat however many there are (nested
		// conditionals hit CEL's recursion limit at 125); the first listed
		// wins.
		if len(ps.Exemptions) > 0 {
			var as, rs []string
			seen := map[string]bool{}
			for _, e := range ps.Exemptions {
				if seen[e.Namespace] {
					continue
				}
				seen[e.Namespace] = true
				l := lower(m.level, e.Level)
				as = append(as, quote(e.Namespace)+": "+quoteList(atLeast(l)))
				rs = append(rs, quote(e.Namespace)+": "+quote(string(l)))
			}
			allowed = "{" + strings.Join(as, ", ") + "}[?object.metadata.name].orValue(" + allowed + ")"
			required = "{" + strings.Join(rs, ", ") + "}[?object.metadata.name].orValue(" + required + ")"
		}
		out = append(out, &Rule{
			ID:         CategoryPodSecurity + "/" + m.mode,
			Title:      fmt.Sprintf("Namespaces %s Pod Security level %s", m.mode, m.level),
			Severity:   m.severity,
			Kinds:      []Kind{KindNamespace},
			Expression: value + ".orValue('') in " + allowed,
			Message:    fmt.Sprintf("the namespace must be labelled %s=%s (or stricter)", label, m.level),
			MessageExpression: "'namespace ' + object.metadata.name + ' has " + label + "=' + " + value + ".orValue('<unset>') + " +
				"', below the required level ' + " + required,
			Remediation: fmt.Sprintf("kubectl label namespace <name> %s=%s --overwrite", label, m.level),
		})
	}
	return out
}

var podSecurityFamily = family{
	category: CategoryPodSecurity,
	names:    func() []string { return []string{"enforce", "audit", "warn", "workloads"} },
	compile: func(req *kspecv1alpha1.Requirements) ([]*Rule, error) {
		if req.PodSecurity == nil {
			return nil, nil
		}
		return append(podSecurityRules(req.PodSecurity), workloadsRule(req.PodSecurity)), nil
	},
}
