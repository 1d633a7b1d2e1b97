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
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pkg/errors"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// A Cluster is a snapshot of what the cluster-level rules read. The
// provider fills it from a live client; tests fill it by hand.
type Cluster struct {
	// Version is the API server's gitVersion, such as v1.33.2-eks-4f4795d.
	Version         string
	Namespaces      []corev1.Namespace
	NetworkPolicies []networkingv1.NetworkPolicy
	Roles           []rbacv1.Role
	ClusterRoles    []rbacv1.ClusterRole
	// ValidatingWebhooks and MutatingWebhooks are the names of the webhook
	// configurations.
	ValidatingWebhooks, MutatingWebhooks []string
	// Policies are the admission policies of every engine: Kyverno
	// policies, ValidatingAdmissionPolicies.
	Policies []ObjectRef
	// Workloads are the Pods, Deployments, StatefulSets and DaemonSets,
	// by their metadata: observability providers are found by them.
	Workloads []Workload
	// APIServices are the names of the available APIServices.
	APIServices []string
	// ControlPlanePods are the kube-apiserver Pods, when the control plane
	// runs in the cluster (kubeadm, kind): audit flags are read from them.
	ControlPlanePods []corev1.Pod
}

// A Workload is a workload object, by its metadata.
type Workload struct {
	Kind, Namespace, Name string
	Labels                map[string]string
}

// A Finding is what a cluster-level rule says about one object (or, with
// no object, about the cluster).
type Finding struct {
	Object  ObjectRef
	Status  Status
	Message string
}

// EvaluateCluster evaluates the cluster-level rules on a snapshot.
func (s *Set) EvaluateCluster(c *Cluster) []Result {
	labels := make(map[string]map[string]string, len(c.Namespaces))
	for _, ns := range c.Namespaces {
		labels[ns.Name] = ns.Labels
	}
	var out []Result
	for _, r := range s.Rules {
		if !r.ClusterLevel() {
			continue
		}
		for _, f := range r.cluster(c) {
			// Findings about namespaces follow the scope; the others (the
			// API server's Pods in kube-system, say) are about the cluster.
			if o := f.Object; o.Kind == "Namespace" && !s.Scope.Contains(o.Name, labels[o.Name]) {
				continue
			}
			out = append(out, Result{Rule: r, Object: f.Object, Status: f.Status, Message: f.Message})
		}
	}
	return out
}

func pass(o ObjectRef, format string, args ...any) Finding {
	return Finding{Object: o, Status: Pass, Message: fmt.Sprintf(format, args...)}
}

func fail(o ObjectRef, format string, args ...any) Finding {
	return Finding{Object: o, Status: Fail, Message: fmt.Sprintf(format, args...)}
}

// A release is a Kubernetes version; patch is -1 for a MAJOR.MINOR bound.
type release struct{ major, minor, patch int }

var releaseRE = regexp.MustCompile(`^v?(\d+)\.(\d+)(?:\.(\d+))?`)

// parseRelease reads MAJOR.MINOR[.PATCH], ignoring a distribution suffix
// such as -eks-4f4795d or +k3s1.
func parseRelease(s string) (release, error) {
	m := releaseRE.FindStringSubmatch(s)
	if m == nil {
		return release{}, errors.Errorf("%q is not a Kubernetes version", s)
	}
	r := release{patch: -1}
	r.major, _ = strconv.Atoi(m[1])
	r.minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		r.patch, _ = strconv.Atoi(m[3])
	}
	return r, nil
}

// compare compares v with a bound; a bound without a patch compares
// equal to every patch of its minor.
func (v release) compare(bound release) int {
	if c := v.major - bound.major; c != 0 {
		return c
	}
	if c := v.minor - bound.minor; c != 0 {
		return c
	}
	if bound.patch < 0 {
		return 0
	}
	return v.patch - bound.patch
}

func versionRule(k *kspecv1alpha1.KubernetesRequirements) (*Rule, error) {
	var minV, maxV *release
	for _, b := range []struct {
		v   kspecv1alpha1.KubernetesVersion
		dst **release
	}{{k.MinVersion, &minV}, {k.MaxVersion, &maxV}} {
		if b.v == "" {
			continue
		}
		r, err := parseRelease(string(b.v))
		if err != nil {
			return nil, err
		}
		*b.dst = &r
	}
	excluded := make([]release, 0, len(k.ExcludedVersions))
	for _, e := range k.ExcludedVersions {
		r, err := parseRelease(string(e))
		if err != nil {
			return nil, errors.Wrap(err, "excludedVersions")
		}
		excluded = append(excluded, r)
	}
	want := fmt.Sprintf("between %s and %s", or(string(k.MinVersion), "any"), or(string(k.MaxVersion), "any"))
	return &Rule{
		ID:          CategoryKubernetesVersion + "/supported",
		Title:       "The cluster runs a supported Kubernetes version",
		Severity:    reportsv1alpha1.SeverityCritical,
		Remediation: fmt.Sprintf("Upgrade the control plane to a Kubernetes version %s that is not excluded.", want),
		cluster: func(c *Cluster) []Finding {
			v, err := parseRelease(c.Version)
			if err != nil {
				return []Finding{{Status: Error, Message: err.Error()}}
			}
			switch {
			case minV != nil && v.compare(*minV) < 0:
				return []Finding{fail(ObjectRef{}, "Kubernetes %s is older than %s", c.Version, k.MinVersion)}
			case maxV != nil && v.compare(*maxV) > 0:
				return []Finding{fail(ObjectRef{}, "Kubernetes %s is newer than %s", c.Version, k.MaxVersion)}
			}
			for i, e := range excluded {
				if v.compare(e) == 0 {
					return []Finding{fail(ObjectRef{}, "Kubernetes %s is excluded (%s)", c.Version, k.ExcludedVersions[i])}
				}
			}
			return []Finding{pass(ObjectRef{}, "Kubernetes %s is %s", c.Version, want)}
		},
	}, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
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
		out = append(out, &Rule{
			ID:          CategoryNetwork + "/required-policies",
			Title:       "The required NetworkPolicies exist",
			Severity:    reportsv1alpha1.SeverityHigh,
			Remediation: "Create the missing NetworkPolicies.",
			cluster: func(c *Cluster) []Finding {
				out := make([]Finding, 0, len(n.RequiredPolicies))
				for _, rp := range n.RequiredPolicies {
					o := ObjectRef{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy", Namespace: rp.Namespace, Name: rp.Name}
					found := slices.ContainsFunc(c.NetworkPolicies, func(p networkingv1.NetworkPolicy) bool {
						return p.Name == rp.Name && (rp.Namespace == "" || p.Namespace == rp.Namespace)
					})
					if found {
						out = append(out, pass(o, "NetworkPolicy %s exists", rp.Name))
					} else {
						out = append(out, fail(o, "NetworkPolicy %s is missing%s", rp.Name, in(rp.Namespace)))
					}
				}
				return out
			},
		})
	}
	return out
}

func in(ns string) string {
	if ns == "" {
		return ""
	}
	return " in " + ns
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

func admissionRules(a *kspecv1alpha1.AdmissionRequirements) ([]*Rule, error) {
	var out []*Rule
	if len(a.Required) > 0 {
		res := make([]*regexp.Regexp, len(a.Required))
		for i, w := range a.Required {
			re, err := regexp.Compile("^(?:" + w.NamePattern + ")$")
			if err != nil {
				return nil, errors.Wrapf(err, "required[%d].namePattern", i)
			}
			res[i] = re
		}
		out = append(out, &Rule{
			ID:          CategoryAdmission + "/webhooks",
			Title:       "The required admission webhooks are installed",
			Severity:    reportsv1alpha1.SeverityHigh,
			Remediation: "Install the admission controllers the specification requires (for example Kyverno).",
			cluster: func(c *Cluster) []Finding {
				out := make([]Finding, 0, len(a.Required))
				for i, w := range a.Required {
					names := c.ValidatingWebhooks
					if w.Type == "MutatingWebhookConfiguration" {
						names = c.MutatingWebhooks
					}
					n := 0
					for _, name := range names {
						if res[i].MatchString(name) {
							n++
						}
					}
					want := max(int(w.MinCount), 1)
					o := ObjectRef{APIVersion: "admissionregistration.k8s.io/v1", Kind: string(w.Type), Name: w.NamePattern}
					if n < want {
						out = append(out, fail(o, "%d %s named %s, want at least %d", n, w.Type, w.NamePattern, want))
					} else {
						out = append(out, pass(o, "%d %s named %s", n, w.Type, w.NamePattern))
					}
				}
				return out
			},
		})
	}
	if p := a.Policies; p != nil {
		out = append(out, &Rule{
			ID:          CategoryAdmission + "/policies",
			Title:       "Enough admission policies are in place",
			Severity:    reportsv1alpha1.SeverityMedium,
			Remediation: "Render and apply the specification's policies (kspec render), and the named policies.",
			cluster: func(c *Cluster) []Finding {
				var out []Finding
				if len(c.Policies) < int(p.MinCount) {
					out = append(out, fail(ObjectRef{}, "%d admission policies, want at least %d", len(c.Policies), p.MinCount))
				} else {
					out = append(out, pass(ObjectRef{}, "%d admission policies", len(c.Policies)))
				}
				for _, want := range p.RequiredPolicies {
					if slices.ContainsFunc(c.Policies, func(o ObjectRef) bool { return o.Name == want.Name }) {
						out = append(out, pass(ObjectRef{Name: want.Name}, "policy %s exists", want.Name))
					} else {
						out = append(out, fail(ObjectRef{Name: want.Name}, "policy %s is missing", want.Name))
					}
				}
				return out
			},
		})
	}
	return out, nil
}

// providerFound reports whether a metrics provider runs in the cluster:
// prometheus and metrics-server by their well-known signs, any other name
// by a workload labelled with it.
func providerFound(c *Cluster, name string) bool {
	labelled := func(w Workload) bool {
		return w.Labels["app.kubernetes.io/name"] == name || w.Labels["app"] == name || w.Labels["k8s-app"] == name
	}
	if name == "metrics-server" && slices.Contains(c.APIServices, "v1beta1.metrics.k8s.io") {
		return true
	}
	return slices.ContainsFunc(c.Workloads, func(w Workload) bool { return labelled(w) || w.Name == name })
}

func observabilityRules(o *kspecv1alpha1.ObservabilityRequirements) []*Rule {
	var out []*Rule
	if m := o.Metrics; m != nil && m.Required {
		out = append(out, &Rule{
			ID:          CategoryObservability + "/metrics",
			Title:       "The required metrics providers run",
			Severity:    reportsv1alpha1.SeverityMedium,
			Remediation: "Install the missing metrics providers: " + strings.Join(m.Providers, ", ") + ".",
			cluster: func(c *Cluster) []Finding {
				if len(m.Providers) == 0 {
					return []Finding{fail(ObjectRef{}, "metrics are required but no provider is named")}
				}
				out := make([]Finding, 0, len(m.Providers))
				for _, p := range m.Providers {
					if providerFound(c, p) {
						out = append(out, pass(ObjectRef{Name: p}, "metrics provider %s runs", p))
					} else {
						out = append(out, fail(ObjectRef{Name: p}, "metrics provider %s was not found", p))
					}
				}
				return out
			},
		})
	}
	if l := o.Logging; l != nil && l.AuditLog != nil && l.AuditLog.Required {
		days := int(l.AuditLog.MinRetentionDays)
		out = append(out, &Rule{
			ID:          CategoryObservability + "/audit-log",
			Title:       "The API server writes an audit log, kept long enough",
			Severity:    reportsv1alpha1.SeverityMedium,
			Remediation: fmt.Sprintf("Start kube-apiserver with --audit-policy-file, --audit-log-path and --audit-log-maxage=%d (or enable audit logging in the managed service).", days),
			cluster: func(c *Cluster) []Finding {
				if len(c.ControlPlanePods) == 0 {
					return []Finding{{Status: Warn, Message: "the API server does not run in the cluster (a managed control plane): verify audit logging with the provider"}}
				}
				out := make([]Finding, 0, len(c.ControlPlanePods))
				for _, p := range c.ControlPlanePods {
					out = append(out, auditFinding(&p, days))
				}
				return out
			},
		})
	}
	return out
}

func auditFinding(p *corev1.Pod, days int) Finding {
	o := ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: p.Namespace, Name: p.Name}
	flags := map[string]string{}
	for _, ctr := range p.Spec.Containers {
		for _, a := range append(slices.Clone(ctr.Command), ctr.Args...) {
			if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--audit-") {
				flags[k] = v
			}
		}
	}
	path := flags["--audit-log-path"]
	switch {
	case flags["--audit-policy-file"] == "" || path == "":
		return fail(o, "kube-apiserver runs without --audit-policy-file and --audit-log-path")
	case path == "-" || days == 0:
		return pass(o, "kube-apiserver writes an audit log to %s", path)
	}
	// --audit-log-maxage unset or 0 removes no file by age.
	age, err := strconv.Atoi(or(flags["--audit-log-maxage"], "0"))
	switch {
	case err != nil:
		return fail(o, "kube-apiserver has --audit-log-maxage=%s, not a number of days", flags["--audit-log-maxage"])
	case age == 0:
		return pass(o, "kube-apiserver removes no audit log by age")
	case age < days:
		return fail(o, "kube-apiserver keeps audit logs %d days (--audit-log-maxage), want at least %d", age, days)
	}
	return pass(o, "kube-apiserver keeps audit logs %d days", age)
}
