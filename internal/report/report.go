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

// Package report is the one model of a compliance report in kspec: the
// results of rules on objects, a summary, input errors, warnings, the
// rules' metadata with the controls they map to, and for a fleet a summary
// per cluster. Each output format is a writer in its own package under
// internal/report (text, json, sarif, markdown, oscal, junit,
// policyreport); internal/report/output picks one by name. kspec check,
// kspec report and the provider write from this model only.
package report

import (
	"strings"

	"github.com/kspec-io/kspec/internal/controls"
	"github.com/kspec-io/kspec/internal/rules"
)

// Version names the schema of the JSON report. Readers check it; a change
// that breaks them bumps it.
const Version = "kspec.io/report/v1"

// A Rule is a rule's metadata, listed once per report.
type Rule struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	Remediation string `json:"remediation,omitempty"`
	// Controls are the mapped controls as "framework id", for readers
	// of the first schema; Mappings has them in full.
	Controls []string `json:"controls,omitempty"`
	// Mappings are the controls the rule gives evidence for: the
	// specification's, then the built-in catalogs' for frameworks the
	// specification maps the rule to nothing of (internal/controls).
	Mappings []Control `json:"mappings,omitempty"`
}

// A Control is a framework's control a rule maps to.
type Control struct {
	Framework string `json:"framework"`
	Revision  string `json:"revision,omitempty"`
	ID        string `json:"id"`
	Title     string `json:"title,omitempty"`
}

// String is the control as "framework id".
func (c Control) String() string { return c.Framework + " " + c.ID }

// Category is the category of a rule id: workload.security for
// workload.security/privileged.
func Category(ruleID string) string {
	cat, _, _ := strings.Cut(ruleID, "/")
	return cat
}

// A Location is where an object was read from, when it came from a file.
type Location struct {
	// Source is the file; "-" is standard input.
	Source string `json:"source"`
	// Index is the document's position in the file, from 0.
	Index int `json:"index"`
	// Line is where the document starts, from 1.
	Line int `json:"line"`
}

// A Result is one rule's verdict on one object (or, for a cluster-level
// rule, the cluster). JSON carries the rule's id and severity; its title
// and controls are in the report's rules.
type Result struct {
	Rule     string `json:"rule"`
	Title    string `json:"-"`
	Severity string `json:"severity"`
	// Controls are the rule's, shared with it: do not modify.
	Controls []rules.Control `json:"-"`
	Status   rules.Status    `json:"status"`
	Object   rules.ObjectRef `json:"object"`
	// Cluster is the cluster the object is in, for results read from
	// ComplianceReports; empty for manifests.
	Cluster string `json:"cluster,omitempty"`
	// Location is nil for objects read from a cluster.
	*Location `json:",omitempty"`
	Message   string `json:"message,omitempty"`
	// Exemption names the exemption that skipped the rule.
	Exemption string `json:"exemption,omitempty"`
}

// NewResult is the report's form of an engine result; loc may be nil.
func NewResult(r rules.Result, loc *Location) Result {
	return Result{
		Rule: r.Rule.ID, Title: r.Rule.Title, Severity: string(r.Rule.Severity), Controls: r.Rule.Controls,
		Status: r.Status, Object: *r.Object, Location: loc, Message: r.Message, Exemption: r.Exemption,
	}
}

// Failed reports whether the result fails a gate: a violation or a rule
// that could not be evaluated. A warning does not.
func (r Result) Failed() bool { return r.Status == rules.Fail || r.Status == rules.Error }

// Notable reports whether a reader is told about the result individually:
// everything but passes and skips.
func (r Result) Notable() bool { return r.Status != rules.Pass && r.Status != rules.Skip }

// An InputError is a document that could not be read.
type InputError struct {
	Location
	Message string `json:"message"`
}

// A Summary counts results by status, the objects evaluated and the input
// errors.
type Summary struct {
	Objects     int `json:"objects"`
	Pass        int `json:"pass"`
	Fail        int `json:"fail"`
	Warn        int `json:"warn"`
	Skip        int `json:"skip"`
	Error       int `json:"error"`
	InputErrors int `json:"inputErrors"`
}

// Count counts one result. A status the model does not know counts as an
// error: it cannot be a pass.
func (s *Summary) Count(st rules.Status) {
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

// Add adds another summary's counts.
func (s *Summary) Add(o Summary) {
	s.Objects += o.Objects
	s.Pass += o.Pass
	s.Fail += o.Fail
	s.Warn += o.Warn
	s.Skip += o.Skip
	s.Error += o.Error
	s.InputErrors += o.InputErrors
}

// Failed reports whether some result fails a gate (see Result.Failed).
func (s Summary) Failed() bool { return s.Fail+s.Error > 0 }

// A Report is what a specification's rules said about a set of objects.
type Report struct {
	Version       string `json:"version"`
	Specification string `json:"specification"`
	// Namespace is a claim's.
	Namespace string `json:"namespace,omitempty"`
	Mode      string `json:"mode"`
	// Time is when the results hold, RFC 3339: kspec check's --now or a
	// ComplianceReport's scan time. Writers take every timestamp from it,
	// never from the clock.
	Time  string `json:"time,omitempty"`
	Rules []Rule `json:"rules"`
	// NotEvaluated are rules that were not run, such as cluster-level
	// rules offline.
	NotEvaluated []string     `json:"notEvaluated,omitempty"`
	Results      []Result     `json:"results"`
	InputErrors  []InputError `json:"inputErrors"`
	// Warnings are about the run as a whole, such as namespaces whose
	// labels were not known.
	Warnings []string `json:"warnings"`
	// Fleet summarises reports across clusters, for kspec report --fleet.
	Fleet   *Fleet  `json:"fleet,omitempty"`
	Summary Summary `json:"summary"`
}

// New returns an empty report for a compiled specification, listing its
// object rules. Cluster-level rules are listed as not evaluated; a caller
// that evaluates them adds them with AddRule.
func New(set *rules.Set) *Report {
	rep := &Report{
		Version: Version, Specification: set.Name, Namespace: set.Namespace, Mode: string(set.Mode),
		Rules: []Rule{}, Results: []Result{}, InputErrors: []InputError{}, Warnings: []string{},
	}
	for _, r := range set.ObjectRules() {
		rep.AddRule(r)
	}
	for _, r := range set.ClusterRules() {
		rep.NotEvaluated = append(rep.NotEvaluated, r.ID)
	}
	return rep
}

// AddRule lists a rule's metadata, with its controls merged with the
// built-in catalogs'.
func (rep *Report) AddRule(r *rules.Rule) {
	rep.Rules = append(rep.Rules, NewRule(r.ID, r.Title, string(r.Severity), r.Remediation, r.Controls))
}

// NewRule is a rule's metadata; its controls are the given ones merged with
// the built-in catalogs' (controls.Merge).
func NewRule(id, title, severity, remediation string, own []rules.Control) Rule {
	out := Rule{ID: id, Title: title, Severity: severity, Remediation: remediation}
	for _, c := range controls.Merge(id, own) {
		out.Mappings = append(out.Mappings, Control{Framework: c.Framework, Revision: c.Revision, ID: c.ID, Title: c.Title})
		out.Controls = append(out.Controls, c.Framework+" "+c.ID)
	}
	return out
}

// RuleIndex maps rule ids to their metadata in rep.Rules.
func (rep *Report) RuleIndex() map[string]*Rule {
	out := make(map[string]*Rule, len(rep.Rules))
	for i := range rep.Rules {
		out[rep.Rules[i].ID] = &rep.Rules[i]
	}
	return out
}

// Score is the percentage of evaluated results (all but skips) that
// passed, rounded down, as a ComplianceReport scores; 100 with none.
func (s Summary) Score() int {
	n := s.Pass + s.Fail + s.Warn + s.Error
	if n == 0 {
		return 100
	}
	return s.Pass * 100 / n
}

// Label is the specification as readers name it: namespace/name for a
// claim.
func (rep *Report) Label() string {
	if rep.Namespace != "" {
		return rep.Namespace + "/" + rep.Specification
	}
	return rep.Specification
}

// Subject names what a result is about: the object, prefixed by its
// cluster when it has one.
func (r Result) Subject() string {
	if r.Cluster != "" {
		return r.Cluster + ": " + r.Object.String()
	}
	return r.Object.String()
}
