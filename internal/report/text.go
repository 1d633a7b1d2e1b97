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

package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// textWindow is how many lines of a text report are aligned together. A
// tabwriter holds lines until it aligns them, so a window bounds what text
// output holds, whatever the input; a report of up to textWindow lines is
// aligned as a whole.
const textWindow = 256

// A TextStream writes a report as text: the notable results (failures,
// warnings, errors) one per line as they are found, then the input errors,
// a summary line and the rules not evaluated. Columns are aligned per
// window of textWindow lines. Everything read from manifests goes through
// Printable. Warnings about the run are not written: a command line prints
// them on standard error.
type TextStream struct {
	w  *bufio.Writer
	tw *tabwriter.Writer
	// n counts the lines of the current window.
	n int
}

// NewTextStream returns a stream writing to w.
func NewTextStream(w io.Writer) *TextStream {
	bw := bufio.NewWriter(w)
	return &TextStream{w: bw, tw: tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)}
}

// WriteText writes a whole report as text, as a TextStream does.
func WriteText(w io.Writer, rep *Report) error { return writeAll(NewTextStream(w), rep) }

// Begin writes nothing: a text report has no header.
func (t *TextStream) Begin(*Report) error { return nil }

// Results writes the notable results, one per line.
func (t *TextStream) Results(rs []Result) error {
	for _, r := range rs {
		if !r.Notable() {
			continue
		}
		at := ""
		if r.Location != nil {
			at = fmt.Sprintf("%s:%d", Printable(r.Source), r.Line)
		}
		_, _ = fmt.Fprintf(t.tw, "%s\t%s\t%s\t%s\t%s\t%s\n", Printable(strings.ToUpper(string(r.Status))), Printable(r.Severity),
			Printable(r.Rule), Printable(r.Object.String()), at, Printable(r.Message))
		if err := t.line(); err != nil {
			return err
		}
	}
	return nil
}

// End writes the input errors, the summary and the rules not evaluated,
// and flushes.
func (t *TextStream) End(rep *Report) error {
	for _, e := range rep.InputErrors {
		_, _ = fmt.Fprintf(t.tw, "INPUT\t\t\t\t%s:%d\tdocument %d: %s\n", Printable(e.Source), e.Line, e.Index, Printable(e.Message))
		if err := t.line(); err != nil {
			return err
		}
	}
	if err := t.tw.Flush(); err != nil {
		return err
	}
	sm := rep.Summary
	_, _ = fmt.Fprintf(t.w, "%s (%s): %d objects, %d rules: %d pass, %d fail, %d warn, %d skip, %d error; %d input errors\n",
		Printable(rep.Label()), Printable(rep.Mode), sm.Objects, len(rep.Rules), sm.Pass, sm.Fail, sm.Warn, sm.Skip, sm.Error, sm.InputErrors)
	if len(rep.NotEvaluated) > 0 {
		_, _ = fmt.Fprintf(t.w, "not evaluated (cluster-level, need a cluster): %s\n", Printable(strings.Join(rep.NotEvaluated, ", ")))
	}
	return t.w.Flush()
}

// line counts a line written to the tabwriter and aligns the window when
// it is full.
func (t *TextStream) line() error {
	t.n++
	if t.n < textWindow {
		return nil
	}
	t.n = 0
	return t.tw.Flush()
}
