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
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the notable results (failures, warnings, errors) one per
// line, then the input errors, a summary line and the rules not
// evaluated. Warnings about the run are not written: a command line prints
// them on standard error.
func WriteText(w io.Writer, rep *Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rep.Results {
		if !r.Notable() {
			continue
		}
		at := ""
		if r.Location != nil {
			at = fmt.Sprintf("%s:%d", r.Source, r.Line)
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", strings.ToUpper(string(r.Status)), r.Severity, r.Rule, r.Object, at, r.Message)
	}
	for _, e := range rep.InputErrors {
		_, _ = fmt.Fprintf(tw, "INPUT\t\t\t\t%s:%d\tdocument %d: %s\n", e.Source, e.Line, e.Index, e.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	sm := rep.Summary
	_, err := fmt.Fprintf(w, "%s (%s): %d objects, %d rules: %d pass, %d fail, %d warn, %d skip, %d error; %d input errors\n",
		rep.Label(), rep.Mode, sm.Objects, len(rep.Rules), sm.Pass, sm.Fail, sm.Warn, sm.Skip, sm.Error, sm.InputErrors)
	if err == nil && len(rep.NotEvaluated) > 0 {
		_, err = fmt.Fprintf(w, "not evaluated (cluster-level, need a cluster): %s\n", strings.Join(rep.NotEvaluated, ", "))
	}
	return err
}
