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

// Package text writes a report for people at a terminal.
package text

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kspec-io/kspec/internal/report"
)

// Window is how many lines of a text report are aligned together. A
// tabwriter holds lines until it aligns them, so a window bounds what text
// output holds, whatever the input; a report of up to Window lines is
// aligned as a whole.
const Window = 256

// A Stream writes a report as text: the notable results (failures,
// warnings, errors) one per line as they are found, then the input errors,
// a summary line and the rules not evaluated. Columns are aligned per
// window of Window lines. Everything read from manifests goes through
// Printable. Warnings about the run are not written: a command line prints
// them on standard error.
//
// With colour, the status of a result is coloured by ANSI escapes; a
// caller asks for it only when writing to a terminal. The escapes go
// around a whole cell, after alignment is computed on plain text, so
// columns stay aligned.
type Stream struct {
	w     *bufio.Writer
	tw    *tabwriter.Writer
	color bool
	// n counts the lines of the current window.
	n int
}

// New returns a stream writing to w, in colour or not.
func New(w io.Writer, color bool) *Stream {
	bw := bufio.NewWriter(w)
	return &Stream{w: bw, tw: tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0), color: color}
}

// Write writes a whole report as text without colour, as a Stream does.
func Write(w io.Writer, rep *report.Report) error { return report.WriteAll(New(w, false), rep) }

// colors are the ANSI SGR codes of what the status column shows, all of
// the same length, so coloured cells keep their columns aligned: every
// cell of the column is coloured, each by the same number of bytes.
var colors = map[string]string{"FAIL": "31", "ERROR": "35", "WARN": "33", "INPUT": "31"}

// status is a status cell, coloured when asked.
func (t *Stream) status(s string) string {
	c, ok := colors[s]
	if !t.color || !ok {
		return s
	}
	return "\x1b[" + c + "m" + s + "\x1b[0m"
}

// Begin writes nothing: a text report has no header.
func (t *Stream) Begin(*report.Report) error { return nil }

// Results writes the notable results, one per line.
func (t *Stream) Results(rs []report.Result) error {
	for _, r := range rs {
		if !r.Notable() {
			continue
		}
		at := ""
		if r.Location != nil {
			at = fmt.Sprintf("%s:%d", report.Printable(r.Source), r.Line)
		}
		_, _ = fmt.Fprintf(t.tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.status(report.Printable(strings.ToUpper(string(r.Status)))), report.Printable(r.Severity),
			report.Printable(r.Rule), report.Printable(r.Subject()), at, report.Printable(r.Message))
		if err := t.line(); err != nil {
			return err
		}
	}
	return nil
}

// End writes the input errors, the summary and the rules not evaluated,
// and flushes.
func (t *Stream) End(rep *report.Report) error {
	for _, e := range rep.InputErrors {
		_, _ = fmt.Fprintf(t.tw, "%s\t\t\t\t%s:%d\tdocument %d: %s\n", t.status("INPUT"), report.Printable(e.Source), e.Line, e.Index, report.Printable(e.Message))
		if err := t.line(); err != nil {
			return err
		}
	}
	if err := t.tw.Flush(); err != nil {
		return err
	}
	sm := rep.Summary
	_, _ = fmt.Fprintf(t.w, "%s (%s): %d objects, %d rules: %d pass, %d fail, %d warn, %d skip, %d error; %d input errors\n",
		report.Printable(rep.Label()), report.Printable(rep.Mode), sm.Objects, len(rep.Rules), sm.Pass, sm.Fail, sm.Warn, sm.Skip, sm.Error, sm.InputErrors)
	if len(rep.NotEvaluated) > 0 {
		_, _ = fmt.Fprintf(t.w, "not evaluated (cluster-level, need a cluster): %s\n", report.Printable(strings.Join(rep.NotEvaluated, ", ")))
	}
	if rep.Fleet != nil {
		if err := t.fleet(rep.Fleet); err != nil {
			return err
		}
	}
	return t.w.Flush()
}

// fleet writes a fleet's targets with their score trends, and its worst
// rules.
func (t *Stream) fleet(f *report.Fleet) error {
	tw := tabwriter.NewWriter(t.w, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "\nCLUSTER\tSPECIFICATION\tSCORE\tFAILED\tSCANNED\tTREND")
	for _, tg := range f.Targets {
		trend := make([]string, len(tg.Trend))
		for i, p := range tg.Trend {
			trend[i] = fmt.Sprint(p.Score)
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", report.Printable(tg.Cluster), report.Printable(tg.Specification), tg.Score, tg.Failed,
			report.Printable(tg.Time), strings.Join(trend, " > "))
	}
	if len(f.WorstRules) > 0 {
		_, _ = fmt.Fprintln(tw, "\nWORST RULES\tSEVERITY\tCLUSTERS\tVIOLATIONS")
		for _, r := range f.WorstRules {
			_, _ = fmt.Fprintf(tw, "%s\t%s\t%d\t%d\n", report.Printable(r.ID), report.Printable(r.Severity), r.Targets, r.Violations)
		}
	}
	return tw.Flush()
}

// line counts a line written to the tabwriter and aligns the window when
// it is full.
func (t *Stream) line() error {
	t.n++
	if t.n < Window {
		return nil
	}
	t.n = 0
	return t.tw.Flush()
}
