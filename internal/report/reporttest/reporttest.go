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

// Package reporttest holds the fixed reports the writers' tests and
// goldens share.
package reporttest

import (
	"strings"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
)

// OSC8 is a terminal hyperlink whose text hides where it points.
const OSC8 = "\x1b]8;;https://evil.example/\x1b\\docs\x1b]8;;\x1b\\"

// Pod is a Pod in team-a.
func Pod(name string) rules.ObjectRef {
	return rules.ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: "team-a", Name: name}
}

// Sample is a report with one result of every status, a cluster-scoped
// result, controls from a specification and the catalogs, an input error
// and a warning, at a fixed time.
func Sample() *report.Report {
	at := func(line int) *report.Location {
		return &report.Location{Source: "pods.yaml", Index: line / 10, Line: line}
	}
	nonRoot := report.NewRule("workload.security/run-as-non-root", "Containers run as non-root", "High", "Set securityContext.runAsNonRoot: true.",
		[]rules.Control{{Framework: "NIST-800-53", Revision: "rev5", ID: "AC-6", Title: "Least Privilege"}})
	digest := report.NewRule("workload.security/require-digests", "Images are pinned by digest", "Low", "Pin every image by digest.", nil)
	rbac := report.NewRule("rbac.validation/forbidden-rules", "No role grants what is forbidden", "High", "Remove the forbidden rules.", nil)
	rep := &report.Report{
		Version: report.Version, Specification: "strict", Mode: "enforce", Time: "2026-12-01T00:00:00Z",
		Rules:        []report.Rule{nonRoot, digest, rbac},
		NotEvaluated: []string{"kubernetes.version/supported"},
		Results: []report.Result{
			{Rule: nonRoot.ID, Severity: "High", Status: rules.Pass, Object: Pod("a"), Location: at(1)},
			{Rule: nonRoot.ID, Severity: "High", Status: rules.Fail, Object: Pod("b"), Location: at(11), Message: "must run as non-root"},
			{Rule: digest.ID, Severity: "Low", Status: rules.Fail, Object: Pod("b"), Location: at(11), Message: "no digest"},
			{Rule: digest.ID, Severity: "Critical", Status: rules.Warn, Object: Pod("c"), Location: at(21), Message: "cannot tell"},
			{Rule: digest.ID, Severity: "Low", Status: rules.Error, Object: Pod("d"), Location: at(31), Message: "no such field"},
			{Rule: digest.ID, Severity: "Low", Status: rules.Skip, Object: Pod("e"), Message: "exempt", Exemption: "legacy"},
			{Rule: rbac.ID, Severity: "High", Status: rules.Fail, Object: rules.ObjectRef{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: "god"}, Location: at(41), Message: "grants * on *"},
		},
		InputErrors: []report.InputError{{Location: report.Location{Source: "pods.yaml", Index: 5, Line: 51}, Message: "document is not an object"}},
		Warnings:    []string{"labels unknown for namespaces team-b"},
	}
	for _, r := range rep.Results {
		rep.Summary.Count(r.Status)
	}
	rep.Summary.Objects, rep.Summary.InputErrors = 6, 1
	return rep
}

// Hostile is a report whose names, file and messages carry what a
// terminal acts on: erase line, carriage return, newline, a hyperlink and
// a right-to-left override.
func Hostile() *report.Report {
	rep := &report.Report{Version: report.Version, Specification: "strict", Mode: "enforce", Time: "2026-12-01T00:00:00Z", Rules: []report.Rule{{ID: "workload.images/digest", Severity: "Low"}}}
	evil := "x\x1b[2K\rPASS\n" + OSC8 + "\u202Elmth"
	rep.Results = []report.Result{{
		Rule: "workload.images/digest", Severity: "Low", Status: rules.Fail,
		Object:   rules.ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: "ns" + evil, Name: "pod" + evil},
		Location: &report.Location{Source: "dir/" + evil + ".yaml", Line: 3},
		Message:  "container c" + evil + " image nginx" + evil + " has no digest",
	}}
	rep.InputErrors = []report.InputError{{Location: report.Location{Source: "f" + evil + ".yaml", Index: 1, Line: 9}, Message: "yaml: line 2: " + evil}}
	rep.Summary = report.Summary{Objects: 1, Fail: 1, InputErrors: 1}
	return rep
}

// Failures is a report with n failing results whose object names grow
// longer every window results.
func Failures(n, window int) *report.Report {
	rep := &report.Report{Version: report.Version, Specification: "strict", Mode: "enforce", Time: "2026-12-01T00:00:00Z",
		Rules: []report.Rule{report.NewRule("workload.images/digest", "Images are pinned by digest", "Low", "", nil)}}
	for i := range n {
		rep.Results = append(rep.Results, report.Result{
			Rule: "workload.images/digest", Severity: "Low", Status: rules.Fail, Object: Pod(strings.Repeat("p", 1+i/window*10)),
			Location: &report.Location{Source: "pods.yaml", Index: i, Line: 1 + 20*i}, Message: "no digest",
		})
		rep.Summary.Count(rules.Fail)
	}
	rep.Summary.Objects = n
	return rep
}

// Fleet is a report of two clusters' latest scans with their history.
func Fleet() *report.Report {
	priv := report.NewRule("workload.security/privileged", "Containers are not privileged", "Critical", "Set securityContext.privileged: false.", nil)
	ver := report.NewRule("kubernetes.version/supported", "The Kubernetes version is supported", "Critical", "Upgrade the cluster.", nil)
	rep := &report.Report{
		Version: report.Version, Specification: "strict", Mode: "fleet", Time: "2026-12-01T06:00:00Z",
		Rules: []report.Rule{priv, ver},
		Results: []report.Result{
			{Rule: priv.ID, Severity: "Critical", Status: rules.Fail, Cluster: "prod", Object: Pod("miner"), Message: "container c is privileged"},
			{Rule: ver.ID, Severity: "Critical", Status: rules.Pass, Cluster: "prod", Object: rules.ObjectRef{Kind: "Cluster", Name: "prod"}},
			{Rule: priv.ID, Severity: "Critical", Status: rules.Pass, Cluster: "staging", Object: rules.ObjectRef{Kind: "Cluster", Name: "staging"}},
			{Rule: ver.ID, Severity: "Critical", Status: rules.Fail, Cluster: "staging", Object: rules.ObjectRef{Kind: "Cluster", Name: "staging"}, Message: "1.29 is out of support"},
		},
		InputErrors: []report.InputError{}, Warnings: []string{},
		Fleet: &report.Fleet{
			Targets: []report.Target{
				{Cluster: "prod", Specification: "strict", Report: "kspec-system/prod-strict-2", Time: "2026-12-01T06:00:00Z", Score: 50, Failed: 1,
					Trend: []report.Point{{Time: "2026-11-30T06:00:00Z", Score: 100}, {Time: "2026-12-01T06:00:00Z", Score: 50}}},
				{Cluster: "staging", Specification: "strict", Report: "kspec-system/staging-strict-1", Time: "2026-12-01T05:00:00Z", Score: 50, Failed: 1,
					Trend: []report.Point{{Time: "2026-12-01T05:00:00Z", Score: 50}}, Drift: 2},
			},
			WorstRules: []report.RuleStanding{
				{ID: ver.ID, Title: ver.Title, Severity: "Critical", Targets: 1, Violations: 1},
				{ID: priv.ID, Title: priv.Title, Severity: "Critical", Targets: 1, Violations: 1},
			},
		},
	}
	for _, r := range rep.Results {
		rep.Summary.Count(r.Status)
	}
	rep.Summary.Objects = 3
	return rep
}

// Large is a report of n results of Sample's rules over objects in 20
// namespaces, of every status, for benchmarks.
func Large(n int) *report.Report {
	rep := Sample()
	rep.Results = make([]report.Result, 0, n)
	rep.Summary = report.Summary{}
	statuses := []rules.Status{rules.Pass, rules.Fail, rules.Pass, rules.Warn, rules.Pass, rules.Error, rules.Skip}
	for i := range n {
		rule := rep.Rules[i%len(rep.Rules)]
		st := statuses[i%len(statuses)]
		rep.Results = append(rep.Results, report.Result{
			Rule: rule.ID, Severity: rule.Severity, Status: st,
			Object:   rules.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "team-" + string(rune('a'+i%20)), Name: "app-" + strings.Repeat("x", i%7) + string(rune('a'+i%26))},
			Location: &report.Location{Source: "manifests/app.yaml", Index: i, Line: 1 + 30*i},
			Message:  "container app: " + rule.Title,
		})
		rep.Summary.Count(st)
	}
	rep.Summary.Objects = n
	return rep
}
