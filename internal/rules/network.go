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

// Network: Service types and ports on objects; default-deny and required NetworkPolicies on the cluster.

import (
	"slices"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

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
		bad := func(field string) string { return "p.?" + field + ".orValue(0) in " + list }
		// Heterogeneous equality: a named targetPort is never in the list.
		svcBad := bad("port") + " || " + bad("targetPort") + " || " + bad("nodePort")
		ctrBad := bad("containerPort") + " || " + bad("hostPort")
		svc := "object.?spec.?ports.orValue([]).all(p, !(" + svcBad + "))"
		ctr := every{"containers", "c", "c.?ports.orValue([]).all(p, !(" + ctrBad + "))"}
		// uses names the offending fields of port p, such as "targetPort 22".
		uses := func(fields ...string) string {
			var alts []string
			for _, f := range fields {
				alts = append(alts, "("+bad(f)+" ? '"+f+" ' + string(p."+f+") : '')")
			}
			return "[" + strings.Join(alts, ", ") + "].filter(s, s != '').join(', ')"
		}
		svcCulprits := "object.?spec.?ports.orValue([]).filter(p, " + svcBad + ").map(p, 'Service port ' + " +
			"(p.?name.orValue('') != '' ? p.name : string(p.?port.orValue(0))) + ' uses ' + " + uses("port", "targetPort", "nodePort") + ")"
		ctrCulprits := "variables.containers.filter(c, c.?ports.orValue([]).exists(p, " + ctrBad + ")).map(c, 'container ' + c.?name.orValue('') + ' uses ' + " +
			"c.ports.filter(p, " + ctrBad + ").map(p, " + uses("containerPort", "hostPort") + ").join(', '))"
		out = append(out, &Rule{
			ID:                CategoryNetwork + "/disallowed-ports",
			Title:             "No Service or container uses a disallowed port",
			Severity:          reportsv1alpha1.SeverityMedium,
			Kinds:             append([]Kind{KindService}, podKinds...),
			Expression:        "object.kind == 'Service' ? " + svc + " : " + ctr.expression(),
			every:             ctr, // for pod kinds
			Message:           "a port is disallowed (disallowed: " + strings.Join(ports, ", ") + ")",
			MessageExpression: "(object.kind == 'Service' ? " + svcCulprits + " : " + ctrCulprits + ").join('; ') + " + quote("; disallowed: "+strings.Join(ports, ", ")),
			Remediation:       "Move the service off ports " + strings.Join(ports, ", ") + "; remote shells and legacy file sharing must not be exposed.",
		})
	}
	return out
}

// DefaultDeny reports whether a NetworkPolicy denies all ingress to every
// pod of its namespace: an empty pod selector, Ingress among its policy
// types (or none given) and no ingress rules.
func DefaultDeny(p *networkingv1.NetworkPolicy) bool {
	sel := p.Spec.PodSelector
	if len(sel.MatchLabels) > 0 || len(sel.MatchExpressions) > 0 {
		return false
	}
	ingress := len(p.Spec.PolicyTypes) == 0 || slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress)
	return ingress && len(p.Spec.Ingress) == 0
}

func networkClusterRules(n *kspecv1alpha1.NetworkRequirements) []*Rule {
	var out []*Rule
	if n.DefaultDeny {
		out = append(out, &Rule{
			ID:          CategoryNetwork + "/default-deny",
			Title:       "Every namespace denies ingress by default",
			Severity:    reportsv1alpha1.SeverityHigh,
			Remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] and no ingress rules to the namespace, then allow the traffic it needs explicitly.",
			reads:       []string{"Namespaces", "NetworkPolicies"},
			cluster: func(c *Cluster) []Finding {
				out := make([]Finding, 0, len(c.Namespaces))
				for _, ns := range c.Namespaces {
					o := ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: ns.Name}
					i := slices.IndexFunc(c.NetworkPolicies, func(p networkingv1.NetworkPolicy) bool {
						return p.Namespace == ns.Name && DefaultDeny(&p)
					})
					if i < 0 {
						out = append(out, fail(o, "namespace %s has no default-deny NetworkPolicy", ns.Name))
						continue
					}
					out = append(out, pass(o, "NetworkPolicy %s denies ingress by default", c.NetworkPolicies[i].Name))
				}
				return out
			},
		})
	}
	if len(n.RequiredPolicies) > 0 {
		var everywhere []string // names required in every namespace in scope
		reads := []string{"NetworkPolicies"}
		for _, rp := range n.RequiredPolicies {
			if rp.Namespace == "" {
				everywhere = append(everywhere, rp.Name)
			}
		}
		if len(everywhere) > 0 {
			reads = append([]string{"Namespaces"}, reads...)
		}
		out = append(out, &Rule{
			ID:          CategoryNetwork + "/required-policies",
			Title:       "The required NetworkPolicies exist",
			Severity:    reportsv1alpha1.SeverityHigh,
			Remediation: "Create the missing NetworkPolicies.",
			reads:       reads,
			cluster: func(c *Cluster) []Finding {
				exists := func(ns, name string) bool {
					return slices.ContainsFunc(c.NetworkPolicies, func(p networkingv1.NetworkPolicy) bool { return p.Namespace == ns && p.Name == name })
				}
				out := make([]Finding, 0, len(n.RequiredPolicies)+len(c.Namespaces))
				for _, rp := range n.RequiredPolicies {
					if rp.Namespace == "" {
						continue
					}
					o := ObjectRef{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy", Namespace: rp.Namespace, Name: rp.Name}
					if exists(rp.Namespace, rp.Name) {
						out = append(out, pass(o, "NetworkPolicy %s exists in namespace %s", rp.Name, rp.Namespace))
					} else {
						out = append(out, fail(o, "NetworkPolicy %s is missing in namespace %s", rp.Name, rp.Namespace))
					}
				}
				if len(everywhere) == 0 {
					return out
				}
				for _, ns := range c.Namespaces {
					o := ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: ns.Name}
					missing := slices.DeleteFunc(slices.Clone(everywhere), func(name string) bool { return exists(ns.Name, name) })
					if len(missing) > 0 {
						out = append(out, fail(o, "namespace %s has no NetworkPolicy %s", ns.Name, strings.Join(missing, ", ")))
					} else {
						out = append(out, pass(o, "namespace %s has NetworkPolicy %s", ns.Name, strings.Join(everywhere, ", ")))
					}
				}
				return out
			},
		})
	}
	return out
}

var networkFamily = family{
	category: CategoryNetwork,
	names: func() []string {
		return []string{"default-deny", "required-policies", "service-types", "disallowed-ports"}
	},
	compile: func(req *kspecv1alpha1.Requirements) ([]*Rule, error) {
		if req.Network == nil {
			return nil, nil
		}
		return append(networkClusterRules(req.Network), networkObjectRules(req.Network)...), nil
	},
}
