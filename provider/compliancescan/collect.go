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

package compliancescan

import (
	"fmt"
	"slices"
	"strconv"

	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/policyreport"
	"github.com/kspec-io/kspec/internal/rules"
)

// Bounds of a ComplianceReport, from its type's validation.
const (
	maxResults     = 512
	maxFindings    = 20
	maxMessage     = 2048
	maxFindingMsg  = 1024
	maxTitle       = 256
	maxRemediation = 4096
	maxControls    = 32
)

// A collector takes a scan's results page by page and keeps what the
// reports need, in memory bounded by the number of rules and namespaces,
// never by the number of objects: per rule its counts and first findings;
// per namespace at most policyreport.MaxResults notable and as many other
// results, with exact counts; the namespaces remediation may fix.
type collector struct {
	rules map[string]*ruleAgg
	ns    map[string]*nsAgg
	// fixable are namespaces failing a rule remediation can fix, by rule.
	fixable map[string][]string
}

type ruleAgg struct {
	counts     map[rules.Status]int
	violations int
	findings   []reportsv1alpha1.Finding
}

type nsAgg struct {
	notable, other []report.Result
	summary        policyreport.Summary
}

func newCollector() *collector {
	return &collector{rules: map[string]*ruleAgg{}, ns: map[string]*nsAgg{}, fixable: map[string][]string{}}
}

func (c *collector) add(rs []report.Result) error {
	for _, r := range rs {
		a := c.rules[r.Rule]
		if a == nil {
			a = &ruleAgg{counts: map[rules.Status]int{}}
			c.rules[r.Rule] = a
		}
		a.counts[r.Status]++
		if r.Failed() {
			a.violations++
			if len(a.findings) < maxFindings {
				a.findings = append(a.findings, finding(r))
			}
			if remediable(r.Rule) && r.Status == rules.Fail && r.Object.Kind == "Namespace" && r.Object.Name != "" {
				c.fixable[r.Rule] = append(c.fixable[r.Rule], r.Object.Name)
			}
		}
		n := c.ns[r.Object.Namespace]
		if n == nil {
			n = &nsAgg{}
			c.ns[r.Object.Namespace] = n
		}
		countPR(&n.summary, r.Status)
		switch {
		case r.Notable() && len(n.notable) < policyreport.MaxResults:
			n.notable = append(n.notable, r)
		case !r.Notable() && len(n.other) < policyreport.MaxResults:
			n.other = append(n.other, r)
		}
	}
	return nil
}

func finding(r report.Result) reportsv1alpha1.Finding {
	f := reportsv1alpha1.Finding{Message: cut(orElse(r.Message, string(r.Status)), maxFindingMsg)}
	if r.Object.Kind != "" && r.Object.Name != "" {
		f.Object = &reportsv1alpha1.ObjectRef{APIVersion: r.Object.APIVersion, Kind: r.Object.Kind, Namespace: r.Object.Namespace, Name: r.Object.Name}
	}
	return f
}

func countPR(s *policyreport.Summary, st rules.Status) {
	switch st {
	case rules.Pass:
		s.Pass++
	case rules.Fail:
		s.Fail++
	case rules.Warn:
		s.Warn++
	case rules.Skip:
		s.Skip++
	default:
		s.Error++
	}
}

// results are the rules' outcomes for a ComplianceReport, in the report's
// rule order: a rule fails when an object fails it, errs when one could not
// be evaluated, warns, passes, and is skipped when nothing was evaluated.
func (c *collector) results(rep *report.Report) []reportsv1alpha1.CheckResult {
	out := make([]reportsv1alpha1.CheckResult, 0, min(len(rep.Rules), maxResults))
	for _, rule := range rep.Rules {
		if len(out) == maxResults {
			break
		}
		cr := reportsv1alpha1.CheckResult{
			ID: rule.ID, Category: report.Category(rule.ID), Title: cut(rule.Title, maxTitle),
			Severity: severity(rule.Severity), Remediation: cut(rule.Remediation, maxRemediation),
		}
		if len(rule.Controls) > 0 {
			cr.Controls = slices.Clone(rule.Controls[:min(len(rule.Controls), maxControls)])
		}
		a := c.rules[rule.ID]
		switch {
		case a == nil:
			cr.Status, cr.Message = reportsv1alpha1.ResultSkip, "no object in scope to check"
		case a.counts[rules.Fail] > 0:
			cr.Status = reportsv1alpha1.ResultFail
		case a.counts[rules.Error] > 0:
			cr.Status = reportsv1alpha1.ResultError
		case a.counts[rules.Warn] > 0:
			cr.Status = reportsv1alpha1.ResultWarn
		case a.counts[rules.Pass] > 0:
			cr.Status = reportsv1alpha1.ResultPass
		default:
			cr.Status = reportsv1alpha1.ResultSkip
		}
		if a != nil {
			cr.Message = cut(fmt.Sprintf("%d passed, %d failed, %d warnings, %d errors, %d skipped",
				a.counts[rules.Pass], a.counts[rules.Fail], a.counts[rules.Warn], a.counts[rules.Error], a.counts[rules.Skip]), maxMessage)
			cr.Violations = int32(min(a.violations, 1<<31-1)) //nolint:gosec // Bounded above.
			cr.Findings = a.findings
		}
		out = append(out, cr)
	}
	return out
}

// policyReports are the PolicyReports of the scan, built by the one
// builder (internal/report/policyreport) from the results kept, with the
// exact counts of all results.
//
// Results about objects in namespaces the target does not have (a
// NetworkPolicy the spec requires in a namespace not created yet) go to
// the ClusterPolicyReport: a PolicyReport cannot live in a namespace that
// does not exist.
func (c *collector) policyReports(rep *report.Report, exists func(ns string) bool) []policyreport.PolicyReport {
	var kept []report.Result
	for _, ns := range c.ns {
		kept = append(kept, ns.notable...)
		kept = append(kept, ns.other...)
	}
	prs := policyreport.Build(rep, kept)
	var (
		out     []policyreport.PolicyReport
		cluster *policyreport.PolicyReport
		moved   []policyreport.PolicyReport
	)
	for i := range prs {
		switch {
		case prs[i].Namespace == "":
			cluster = &prs[i]
		case !exists(prs[i].Namespace):
			moved = append(moved, prs[i])
		default:
			out = append(out, prs[i])
		}
	}
	if len(moved) > 0 {
		if cluster == nil {
			cluster = &policyreport.PolicyReport{TypeMeta: moved[0].TypeMeta, ObjectMeta: *moved[0].DeepCopy()}
			cluster.Kind, cluster.Namespace = policyreport.KindClusterPolicyReport, ""
			c.ns[""] = &nsAgg{}
		}
		for _, m := range moved {
			n := c.ns[m.Namespace]
			s := &c.ns[""].summary
			s.Pass, s.Fail, s.Warn, s.Error, s.Skip = s.Pass+n.summary.Pass, s.Fail+n.summary.Fail, s.Warn+n.summary.Warn, s.Error+n.summary.Error, s.Skip+n.summary.Skip
			room := max(policyreport.MaxResults-len(cluster.Results), 0)
			cluster.Results = append(cluster.Results, m.Results[:min(room, len(m.Results))]...)
		}
	}
	if cluster != nil {
		out = append(out, *cluster)
	}
	prs = out
	for i := range prs {
		n := c.ns[prs[i].Namespace]
		prs[i].Summary = n.summary
		total := n.summary.Pass + n.summary.Fail + n.summary.Warn + n.summary.Error + n.summary.Skip
		if omitted := total - len(prs[i].Results); omitted > 0 {
			if prs[i].Annotations == nil {
				prs[i].Annotations = map[string]string{}
			}
			prs[i].Annotations[policyreport.AnnotationOmitted] = strconv.Itoa(omitted)
		}
	}
	return prs
}

func severity(s string) reportsv1alpha1.Severity {
	switch v := reportsv1alpha1.Severity(s); v {
	case reportsv1alpha1.SeverityCritical, reportsv1alpha1.SeverityHigh, reportsv1alpha1.SeverityMedium, reportsv1alpha1.SeverityLow:
		return v
	}
	return reportsv1alpha1.SeverityMedium
}

func summary(s report.Summary) reportsv1alpha1.ReportSummary {
	c := func(n int) int32 { return int32(min(n, 1<<31-1)) } //nolint:gosec // Bounded above.
	return reportsv1alpha1.ReportSummary{
		Total: c(s.Pass + s.Fail + s.Warn + s.Skip + s.Error), Passed: c(s.Pass), Failed: c(s.Fail),
		Warnings: c(s.Warn), Skipped: c(s.Skip), Errors: c(s.Error), Score: c(s.Score()),
	}
}

// cut shortens s to at most n bytes on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("...")
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "..."
}

func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
