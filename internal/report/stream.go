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
	"io"

	"github.com/pkg/errors"
)

// Output formats.
const (
	FormatText  = "text"
	FormatJSON  = "json"
	FormatSARIF = "sarif"
)

// A Stream writes a report as its results are found, so that what a run
// holds does not grow with the number of results: Begin writes what is
// known before evaluation, Results each batch of results in order, End the
// input errors, warnings and summary. Writing the whole report at once
// gives the same bytes as streaming it in any batches.
type Stream interface {
	Begin(rep *Report) error
	Results(rs []Result) error
	End(rep *Report) error
}

var (
	_ Stream = (*TextStream)(nil)
	_ Stream = (*JSONStream)(nil)
	_ Stream = (*SARIFStream)(nil)
)

// NewStream returns a stream of a format to w.
func NewStream(format string, w io.Writer) (Stream, error) {
	switch format {
	case FormatText:
		return NewTextStream(w), nil
	case FormatJSON:
		return NewJSONStream(w), nil
	case FormatSARIF:
		return NewSARIFStream(w), nil
	}
	return nil, errors.Errorf("unknown output format %q", format)
}

// writeAll writes a whole report to a stream.
func writeAll(s Stream, rep *Report) error {
	if err := s.Begin(rep); err != nil {
		return err
	}
	if err := s.Results(rep.Results); err != nil {
		return err
	}
	return s.End(rep)
}
