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

// Package markdown writes a report for people reading a review or an
// audit file: an executive summary, the findings of each rule with its
// remediation and controls, and a control coverage table.
package markdown

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kspec-io/kspec/internal/report"
)

// MaxFindings bounds the objects listed under one rule; the rest are
// counted. A report over a large cluster stays readable.
const MaxFindings = 50

// A Stream writes Markdown. The document opens with totals only known at
// the end, so it keeps, per rule, its counts and at most MaxFindings
// notable results, and writes at End: what it holds is bounded by the
// rules, not the results.
type Stream struct {
	w *bufio.Writer
	// tallies are the results by rule; rules with no entry in the
	// report are written in the order first seen.
	tallies report.Tallies
}

// New returns a stream writing to w.
func New(w io.Writer) *Stream {
	return &Stream{w: bufio.NewWriter(w), tallies: report.NewTallies(MaxFindings)}
}

// Write writes a whole report as Markdown.
func Write(w io.Writer, rep *report.Report) error { return report.WriteAll(New(w), rep) }

// Begin writes nothing: the summary comes first and needs every result.
func (s *Stream) Begin(*report.Report) error { return nil }

// Results counts results and keeps the first notable ones of each rule.
func (s *Stream) Results(rs []report.Result) error {
	for _, r := range rs {
		s.tallies.Add(r)
	}
	return nil
}

// End writes the document.
func (s *Stream) End(rep *report.Report) error {
	w := s.w
	sm := rep.Summary
	_, _ = fmt.Fprintf(w, "# Compliance report: %s\n\n", esc(rep.Label()))
	_, _ = fmt.Fprintf(w, "| | |\n|---|---|\n")
	_, _ = fmt.Fprintf(w, "| Specification | %s |\n| Mode | %s |\n", esc(rep.Label()), esc(rep.Mode))
	if rep.Time != "" {
		_, _ = fmt.Fprintf(w, "| Time | %s |\n", esc(rep.Time))
	}
	_, _ = fmt.Fprintf(w, "| Score | %d%% |\n| Objects | %d |\n| Results | %d pass, %d fail, %d warn, %d skip, %d error |\n| Input errors | %d |\n\n",
		sm.Score(), sm.Objects, sm.Pass, sm.Fail, sm.Warn, sm.Skip, sm.Error, sm.InputErrors)

	rules := s.ruleList(rep)
	failing := map[string]int{}
	var failingRules int
	for _, r := range rules {
		if t := s.tallies.ByRule[r.ID]; t != nil && t.Summary.Failed() {
			failingRules++
			failing[r.Severity]++
		}
	}
	_, _ = fmt.Fprintf(w, "## Executive summary\n\n")
	switch {
	case sm.Failed() || sm.InputErrors > 0:
		_, _ = fmt.Fprintf(w, "**Not compliant.** %d of %d rules fail or could not be evaluated", failingRules, len(rules))
		var by []string
		for _, sev := range []string{"Critical", "High", "Medium", "Low"} {
			if failing[sev] > 0 {
				by = append(by, fmt.Sprintf("%d %s", failing[sev], sev))
			}
		}
		if len(by) > 0 {
			_, _ = fmt.Fprintf(w, " (%s)", strings.Join(by, ", "))
		}
		_, _ = fmt.Fprintf(w, "; %d results fail, %d could not be evaluated", sm.Fail, sm.Error)
		if sm.InputErrors > 0 {
			_, _ = fmt.Fprintf(w, "; %d documents could not be read", sm.InputErrors)
		}
		_, _ = fmt.Fprintf(w, ".\n\n")
	default:
		_, _ = fmt.Fprintf(w, "**Compliant.** Every evaluated rule passes (%d warnings).\n\n", sm.Warn)
	}
	if len(rep.NotEvaluated) > 0 {
		_, _ = fmt.Fprintf(w, "Not evaluated (cluster-level rules, need a cluster): %s.\n\n", esc(strings.Join(rep.NotEvaluated, ", ")))
	}
	if rep.Fleet != nil {
		writeFleet(w, rep.Fleet)
	}

	_, _ = fmt.Fprintf(w, "## Findings\n\n")
	var any bool
	for _, r := range rules {
		t := s.tallies.ByRule[r.ID]
		if t == nil || len(t.Notable) == 0 {
			continue
		}
		any = true
		_, _ = fmt.Fprintf(w, "### %s: %s\n\n", esc(r.ID), esc(r.Title))
		_, _ = fmt.Fprintf(w, "Severity: **%s** · %d pass, %d fail, %d warn, %d skip, %d error\n\n", esc(r.Severity), t.Summary.Pass, t.Summary.Fail, t.Summary.Warn, t.Summary.Skip, t.Summary.Error)
		if len(r.Mappings) > 0 {
			cs := make([]string, len(r.Mappings))
			for i, c := range r.Mappings {
				cs[i] = esc(c.String())
			}
			_, _ = fmt.Fprintf(w, "Controls: %s\n\n", strings.Join(cs, ", "))
		}
		if r.Remediation != "" {
			_, _ = fmt.Fprintf(w, "Remediation: %s\n\n", esc(r.Remediation))
		}
		_, _ = fmt.Fprintf(w, "| Status | Object | Location | Message |\n|---|---|---|---|\n")
		for _, f := range t.Notable {
			at := ""
			if f.Location != nil {
				at = fmt.Sprintf("%s:%d", f.Source, f.Line)
			}
			_, _ = fmt.Fprintf(w, "| %s | %s | %s | %s |\n", f.Status, esc(f.Subject()), esc(at), esc(f.Message))
		}
		if t.More > 0 {
			_, _ = fmt.Fprintf(w, "\nand %d more.\n", t.More)
		}
		_, _ = fmt.Fprintln(w)
	}
	if !any {
		_, _ = fmt.Fprintf(w, "No failures, warnings or errors.\n\n")
	}

	writeCoverage(w, rules, s.tallies.ByRule)

	if len(rep.InputErrors) > 0 {
		_, _ = fmt.Fprintf(w, "## Input errors\n\n| Location | Document | Message |\n|---|---|---|\n")
		for _, e := range rep.InputErrors {
			_, _ = fmt.Fprintf(w, "| %s | %d | %s |\n", esc(fmt.Sprintf("%s:%d", e.Source, e.Line)), e.Index, esc(e.Message))
		}
		_, _ = fmt.Fprintln(w)
	}
	if len(rep.Warnings) > 0 {
		_, _ = fmt.Fprintf(w, "## Warnings\n\n")
		for _, m := range rep.Warnings {
			_, _ = fmt.Fprintf(w, "- %s\n", esc(m))
		}
		_, _ = fmt.Fprintln(w)
	}
	return w.Flush()
}

// ruleList is the report's rules, then rules only results named.
func (s *Stream) ruleList(rep *report.Report) []report.Rule {
	out := slices.Clone(rep.Rules)
	idx := rep.RuleIndex()
	for _, id := range s.tallies.Order {
		if idx[id] == nil {
			out = append(out, report.Rule{ID: id})
		}
	}
	return out
}

// writeCoverage writes, for every control a rule maps to, the rules that
// give evidence for it and what they came to: Not satisfied when one of
// them fails or could not be evaluated, Satisfied when they were
// evaluated and pass, Not assessed when none was evaluated.
func writeCoverage(w io.Writer, rules []report.Rule, tallies map[string]*report.Tally) {
	type row struct {
		c     report.Control
		rules []string
		sum   report.Summary
	}
	rows := map[string]*row{}
	var keys []string
	for _, r := range rules {
		for _, c := range r.Mappings {
			k := c.Framework + "\x00" + c.ID
			rw := rows[k]
			if rw == nil {
				rw = &row{c: c}
				rows[k] = rw
				keys = append(keys, k)
			}
			rw.rules = append(rw.rules, r.ID)
			if t := tallies[r.ID]; t != nil {
				rw.sum.Add(t.Summary)
			}
		}
	}
	_, _ = fmt.Fprintf(w, "## Control coverage\n\n")
	if len(keys) == 0 {
		_, _ = fmt.Fprintf(w, "No rule maps to a control.\n\n")
		return
	}
	slices.Sort(keys)
	_, _ = fmt.Fprintf(w, "| Framework | Control | Title | Rules | Status |\n|---|---|---|---|---|\n")
	for _, k := range keys {
		rw := rows[k]
		status := "Satisfied"
		switch {
		case rw.sum.Failed():
			status = "Not satisfied"
		case rw.sum.Pass+rw.sum.Warn == 0:
			status = "Not assessed"
		}
		fw := rw.c.Framework
		if rw.c.Revision != "" {
			fw += " " + rw.c.Revision
		}
		_, _ = fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", esc(fw), esc(rw.c.ID), esc(rw.c.Title), esc(strings.Join(rw.rules, ", ")), status)
	}
	_, _ = fmt.Fprintln(w)
}

func writeFleet(w io.Writer, f *report.Fleet) {
	_, _ = fmt.Fprintf(w, "## Fleet\n\n| Cluster | Specification | Score | Failed | Scanned | Trend |\n|---|---|---|---|---|---|\n")
	for _, t := range f.Targets {
		trend := make([]string, len(t.Trend))
		for i, p := range t.Trend {
			trend[i] = fmt.Sprint(p.Score)
		}
		_, _ = fmt.Fprintf(w, "| %s | %s | %d%% | %d | %s | %s |\n", esc(t.Cluster), esc(t.Specification), t.Score, t.Failed, esc(t.Time), strings.Join(trend, " → "))
	}
	_, _ = fmt.Fprintln(w)
	if len(f.WorstRules) > 0 {
		_, _ = fmt.Fprintf(w, "### Worst rules\n\n| Rule | Severity | Clusters failing | Violations |\n|---|---|---|---|\n")
		for _, r := range f.WorstRules {
			_, _ = fmt.Fprintf(w, "| %s | %s | %d | %d |\n", esc(r.ID), esc(r.Severity), r.Targets, r.Violations)
		}
		_, _ = fmt.Fprintln(w)
	}
}

// mdEscaper escapes what Markdown would read as markup or a table cell's
// end; line breaks become spaces so a value stays in its cell.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "|", `\|`, "#", `\#`, "~", `\~`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

// esc is text from the input made safe in Markdown: no markup, no control
// characters (report.Printable), one line.
func esc(s string) string {
	return mdEscaper.Replace(report.Printable(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)))
}
