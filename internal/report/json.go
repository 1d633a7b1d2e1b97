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
	"encoding/json"
	"fmt"
	"io"
)

// A JSONStream writes a report as JSON with its results as they are found,
// so a run over many objects need not hold them: Begin writes what is known
// before evaluation, Results each batch of results, End the rest. The
// output parses as a Report; fields come in a fixed order.
type JSONStream struct {
	w *bufio.Writer
	n int
}

// NewJSONStream returns a stream writing to w.
func NewJSONStream(w io.Writer) *JSONStream { return &JSONStream{w: bufio.NewWriter(w)} }

// WriteJSON writes a whole report as JSON, as a JSONStream does.
func WriteJSON(w io.Writer, rep *Report) error { return writeAll(NewJSONStream(w), rep) }

// Begin writes the fields known before evaluation and opens the results.
func (j *JSONStream) Begin(rep *Report) error {
	head := []struct {
		key   string
		value any
		omit  bool
	}{
		{"version", rep.Version, false},
		{"specification", rep.Specification, false},
		{"namespace", rep.Namespace, rep.Namespace == ""},
		{"mode", rep.Mode, false},
		{"rules", nonNil(rep.Rules), false},
		{"notEvaluated", rep.NotEvaluated, len(rep.NotEvaluated) == 0},
	}
	_, _ = j.w.WriteString("{\n")
	for _, f := range head {
		if f.omit {
			continue
		}
		if err := j.field(f.key, f.value, ",\n"); err != nil {
			return err
		}
	}
	_, err := j.w.WriteString(`  "results": [`)
	return err
}

// Results writes results, one per line.
func (j *JSONStream) Results(rs []Result) error {
	for _, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if j.n > 0 {
			_ = j.w.WriteByte(',')
		}
		_, _ = j.w.WriteString("\n    ")
		_, _ = j.w.Write(b)
		j.n++
	}
	return nil
}

// End closes the results, writes input errors, warnings and the summary,
// and flushes.
func (j *JSONStream) End(rep *Report) error {
	if j.n > 0 {
		_, _ = j.w.WriteString("\n  ")
	}
	_, _ = j.w.WriteString("],\n")
	if err := j.field("inputErrors", nonNil(rep.InputErrors), ",\n"); err != nil {
		return err
	}
	if err := j.field("warnings", nonNil(rep.Warnings), ",\n"); err != nil {
		return err
	}
	if err := j.field("summary", rep.Summary, "\n}\n"); err != nil {
		return err
	}
	return j.w.Flush()
}

func (j *JSONStream) field(key string, v any, after string) error {
	b, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(j.w, "  %q: ", key)
	_, _ = j.w.Write(b)
	_, err = j.w.WriteString(after)
	return err
}

// nonNil makes a nil list an empty one, so readers always find a list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
