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

// Package json writes a report as JSON, schema kspec.io/report/v1 (see
// docs/evidence.md; schema.json here is its JSON Schema).
package json

import (
	"bufio"
	"bytes"
	_ "embed"
	"sync"

	"encoding/json"
	"fmt"
	"io"

	"github.com/pkg/errors"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kspec-io/kspec/internal/report"
)

// Schema is the JSON Schema (draft 2020-12) of what a Stream writes.
//
//go:embed schema.json
var Schema []byte

// A Stream writes a report as JSON with its results as they are found,
// so a run over many objects need not hold them: Begin writes what is known
// before evaluation, Results each batch of results, End the rest. The
// output parses as a Report; fields come in a fixed order.
type Stream struct {
	w *bufio.Writer
	n int
}

// New returns a stream writing to w.
func New(w io.Writer) *Stream { return &Stream{w: bufio.NewWriter(w)} }

// Write writes a whole report as JSON, as a Stream does.
func Write(w io.Writer, rep *report.Report) error { return report.WriteAll(New(w), rep) }

// Begin writes the fields known before evaluation and opens the results.
func (j *Stream) Begin(rep *report.Report) error {
	head := []struct {
		key   string
		value any
		omit  bool
	}{
		{"version", rep.Version, false},
		{"specification", rep.Specification, false},
		{"namespace", rep.Namespace, rep.Namespace == ""},
		{"mode", rep.Mode, false},
		{"time", rep.Time, rep.Time == ""},
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
func (j *Stream) Results(rs []report.Result) error {
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
func (j *Stream) End(rep *report.Report) error {
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
	if rep.Fleet != nil {
		if err := j.field("fleet", rep.Fleet, ",\n"); err != nil {
			return err
		}
	}
	if err := j.field("summary", rep.Summary, "\n}\n"); err != nil {
		return err
	}
	return j.w.Flush()
}

func (j *Stream) field(key string, v any, after string) error {
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

// Validate checks a JSON report against Schema, with formats asserted.
func Validate(doc []byte) error {
	sch, err := schema()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return errors.Wrap(err, "not JSON")
	}
	return sch.Validate(v)
}

var schema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://kspec.io/schemas/report/v1.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
})
