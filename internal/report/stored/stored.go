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

// Package stored reads the reports the provider stores in a cluster,
// reports.kspec.io/v1alpha1 ComplianceReports and DriftReports, into the
// one report model: one scan, the latest scan of every target, or a fleet
// summary with each target's score trend over its retained reports.
package stored

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
)

// Mode is the report mode of scans read back from a cluster.
const Mode = "scan"

// ClusterKind is the kind of the object a cluster-level result is about.
const ClusterKind = "Cluster"

// A Target is a cluster checked against a specification.
type Target struct{ Cluster, Specification string }

func targetOf(cr *reportsv1alpha1.ComplianceReport) Target {
	return Target{Cluster: cr.Spec.Cluster, Specification: cr.Spec.Specification}
}

// History groups reports by target, each target's oldest first, targets
// sorted by cluster then specification. Reports of the same time are
// ordered by namespace and name, so the order never depends on the API
// server's.
func History(crs []reportsv1alpha1.ComplianceReport) ([]Target, map[Target][]*reportsv1alpha1.ComplianceReport) {
	by := map[Target][]*reportsv1alpha1.ComplianceReport{}
	for i := range crs {
		t := targetOf(&crs[i])
		by[t] = append(by[t], &crs[i])
	}
	targets := make([]Target, 0, len(by))
	for t, rs := range by {
		targets = append(targets, t)
		slices.SortFunc(rs, func(a, b *reportsv1alpha1.ComplianceReport) int {
			return cmp.Or(a.Spec.ScanTime.Compare(b.Spec.ScanTime.Time), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
		})
	}
	slices.SortFunc(targets, func(a, b Target) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.Specification, b.Specification))
	})
	return targets, by
}

// FromComplianceReport is one scan as a report. A rule's result with
// findings gives a result per finding; one without, a result on the
// cluster. Violations beyond the findings the report kept are counted in
// a warning: the ComplianceReport bounds what it stores.
func FromComplianceReport(cr *reportsv1alpha1.ComplianceReport) *report.Report {
	rep := &report.Report{
		Version: report.Version, Specification: cr.Spec.Specification, Mode: Mode, Time: rfc3339(cr.Spec.ScanTime.Time),
		Rules: []report.Rule{}, Results: []report.Result{}, InputErrors: []report.InputError{}, Warnings: []string{},
	}
	add(rep, cr, map[string]bool{})
	return rep
}

// add appends a scan's rules (those not yet listed), results and
// warnings to rep.
func add(rep *report.Report, cr *reportsv1alpha1.ComplianceReport, listed map[string]bool) {
	cluster := cr.Spec.Cluster
	for _, c := range cr.Spec.Results {
		if !listed[c.ID] {
			listed[c.ID] = true
			rep.Rules = append(rep.Rules, report.NewRule(c.ID, c.Title, string(c.Severity), c.Remediation, parseControls(c.Controls)))
		}
		base := report.Result{Rule: c.ID, Title: c.Title, Severity: string(c.Severity), Status: c.Status, Cluster: cluster}
		if len(c.Findings) == 0 {
			r := base
			r.Object = rules.ObjectRef{Kind: ClusterKind, Name: cluster}
			r.Message = c.Message
			rep.Results = append(rep.Results, r)
			rep.Summary.Count(r.Status)
		}
		for _, f := range c.Findings {
			r := base
			r.Object = rules.ObjectRef{Kind: ClusterKind, Name: cluster}
			if f.Object != nil {
				r.Object = rules.ObjectRef{APIVersion: f.Object.APIVersion, Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name}
			}
			r.Message = f.Message
			rep.Results = append(rep.Results, r)
			rep.Summary.Count(r.Status)
		}
		if more := int(c.Violations) - len(c.Findings); more > 0 && len(c.Findings) > 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: %s: %d more violations than the report %s/%s keeps", cluster, c.ID, more, cr.Namespace, cr.Name))
		}
	}
	rep.Summary.Objects = 0
	seen := map[string]bool{}
	for _, r := range rep.Results {
		k := r.Cluster + "\x00" + r.Object.String()
		if !seen[k] {
			seen[k] = true
			rep.Summary.Objects++
		}
	}
}

// parseControls reads a CheckResult's controls, "framework/id".
func parseControls(cs []string) []rules.Control {
	var out []rules.Control
	for _, c := range cs {
		fw, id, ok := strings.Cut(c, "/")
		if !ok {
			fw, id = "", c
		}
		out = append(out, rules.Control{Framework: fw, ID: id})
	}
	return out
}

// Latest is the latest scan of every target, as one report whose results
// carry their cluster: the report of a single target reads as that scan.
func Latest(crs []reportsv1alpha1.ComplianceReport, drs []reportsv1alpha1.DriftReport) *report.Report {
	targets, by := History(crs)
	rep := merged(targets, by)
	for _, t := range targets {
		if n := driftEvents(drs, t); n > 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: %s: %d drift events recorded in DriftReports", t.Cluster, t.Specification, n))
		}
	}
	return rep
}

func merged(targets []Target, by map[Target][]*reportsv1alpha1.ComplianceReport) *report.Report {
	rep := &report.Report{
		Version: report.Version, Mode: Mode,
		Rules: []report.Rule{}, Results: []report.Result{}, InputErrors: []report.InputError{}, Warnings: []string{},
	}
	listed := map[string]bool{}
	var specs []string
	var latest time.Time
	for _, t := range targets {
		cr := by[t][len(by[t])-1]
		add(rep, cr, listed)
		if !slices.Contains(specs, t.Specification) {
			specs = append(specs, t.Specification)
		}
		if cr.Spec.ScanTime.After(latest) {
			latest = cr.Spec.ScanTime.Time
		}
	}
	rep.Specification = strings.Join(specs, ",")
	if !latest.IsZero() {
		rep.Time = rfc3339(latest)
	}
	return rep
}

// Fleet is Latest with a summary across targets: each target's score,
// failures, drift and score trend over its retained reports, and the
// rules failing on the most targets.
func Fleet(crs []reportsv1alpha1.ComplianceReport, drs []reportsv1alpha1.DriftReport) *report.Report {
	targets, by := History(crs)
	rep := merged(targets, by)
	f := &report.Fleet{Targets: []report.Target{}, WorstRules: []report.RuleStanding{}}
	worst := map[string]*report.RuleStanding{}
	for _, t := range targets {
		hist := by[t]
		cr := hist[len(hist)-1]
		tg := report.Target{
			Cluster: t.Cluster, Specification: t.Specification, Report: cr.Namespace + "/" + cr.Name,
			Time: rfc3339(cr.Spec.ScanTime.Time), Score: int(cr.Spec.Summary.Score), Failed: int(cr.Spec.Summary.Failed),
			Drift: driftEvents(drs, t),
		}
		for _, h := range hist {
			tg.Trend = append(tg.Trend, report.Point{Time: rfc3339(h.Spec.ScanTime.Time), Score: int(h.Spec.Summary.Score)})
		}
		f.Targets = append(f.Targets, tg)
		for _, c := range cr.Spec.Results {
			if c.Status != reportsv1alpha1.ResultFail && c.Status != reportsv1alpha1.ResultError {
				continue
			}
			w := worst[c.ID]
			if w == nil {
				w = &report.RuleStanding{ID: c.ID, Title: c.Title, Severity: string(c.Severity)}
				worst[c.ID] = w
			}
			w.Targets++
			w.Violations += max(int(c.Violations), len(c.Findings), 1)
		}
	}
	for _, w := range worst {
		f.WorstRules = append(f.WorstRules, *w)
	}
	slices.SortFunc(f.WorstRules, func(a, b report.RuleStanding) int {
		return cmp.Or(cmp.Compare(b.Targets, a.Targets), cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)),
			cmp.Compare(b.Violations, a.Violations), cmp.Compare(a.ID, b.ID))
	})
	if len(f.WorstRules) > report.MaxWorstRules {
		f.WorstRules = f.WorstRules[:report.MaxWorstRules]
	}
	rep.Fleet = f
	return rep
}

func severityRank(s string) int {
	return slices.Index([]string{"Critical", "High", "Medium", "Low"}, s) + 1
}

func driftEvents(drs []reportsv1alpha1.DriftReport, t Target) int {
	var n int
	for _, d := range drs {
		if d.Spec.Cluster == t.Cluster && d.Spec.Specification == t.Specification {
			n += max(int(d.Spec.TotalEvents), len(d.Spec.Events))
		}
	}
	return n
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
