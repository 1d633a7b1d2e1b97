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
// results of rules on objects, a summary, input errors, warnings and the
// rules' metadata. kspec check writes it as text, JSON or SARIF; the
// provider's ComplianceReport and PolicyReport and the evidence formats are
// written from the same model.
package report

import (
	"github.com/kspec-io/kspec/internal/rules"
)

// Version names the schema of the JSON report. Readers check it; a change
// that breaks them bumps it.
const Version = "kspec.io/report/v1"

// A Rule is a rule's metadata, listed once per report.
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Remediation string   `json:"remediation,omitempty"`
	Controls    []string `json:"controls,omitempty"`
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
		Status: r.Status, Object: r.Object, Location: loc, Message: r.Message, Exemption: r.Exemption,
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
	Rules     []Rule `json:"rules"`
	// NotEvaluated are rules that were not run, such as cluster-level
	// rules offline.
	NotEvaluated []string     `json:"notEvaluated,omitempty"`
	Results      []Result     `json:"results"`
	InputErrors  []InputError `json:"inputErrors"`
	// Warnings are about the run as a whole, such as namespaces whose
	// labels were not known.
	Warnings []string `json:"warnings"`
	Summary  Summary  `json:"summary"`
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

// AddRule lists a rule's metadata.
func (rep *Report) AddRule(r *rules.Rule) {
	rep.Rules = append(rep.Rules, Rule{ID: r.ID, Title: r.Title, Severity: string(r.Severity), Remediation: r.Remediation, Controls: controls(r)})
}

// Label is the specification as readers name it: namespace/name for a
// claim.
func (rep *Report) Label() string {
	if rep.Namespace != "" {
		return rep.Namespace + "/" + rep.Specification
	}
	return rep.Specification
}

func controls(r *rules.Rule) []string {
	var out []string
	for _, c := range r.Controls {
		out = append(out, c.Framework+" "+c.ID)
	}
	return out
}
