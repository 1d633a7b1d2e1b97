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

// Observability: metrics providers run; the API server keeps an audit log.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

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
			reads:       metricsReads(m.Providers),
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
			reads:       []string{"ControlPlanePods"},
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

var observabilityFamily = family{
	category: CategoryObservability,
	names:    func() []string { return []string{"metrics", "audit-log"} },
	compile: func(req *kspecv1alpha1.Requirements) ([]*Rule, error) {
		if req.Observability == nil {
			return nil, nil
		}
		return observabilityRules(req.Observability), nil
	},
}

// metricsReads are what finding the providers reads: workloads, and the
// APIServices for metrics-server.
func metricsReads(providers []string) []string {
	if len(providers) == 0 {
		return nil
	}
	if slices.Contains(providers, "metrics-server") {
		return []string{"APIServices", "Workloads"}
	}
	return []string{"Workloads"}
}
