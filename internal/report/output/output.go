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

// Package output picks a report writer by the name of its format, for
// the -o flag of kspec check and kspec report.
package output

import (
	"io"
	"strings"

	"github.com/pkg/errors"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/json"
	"github.com/kspec-io/kspec/internal/report/junit"
	"github.com/kspec-io/kspec/internal/report/markdown"
	"github.com/kspec-io/kspec/internal/report/oscal"
	"github.com/kspec-io/kspec/internal/report/policyreport"
	"github.com/kspec-io/kspec/internal/report/sarif"
	"github.com/kspec-io/kspec/internal/report/text"
)

// Formats.
const (
	Text         = "text"
	JSON         = "json"
	SARIF        = "sarif"
	Markdown     = "markdown"
	OSCAL        = "oscal"
	JUnit        = "junit"
	PolicyReport = "policyreport"
)

// Formats are the names New knows, in the order help lists them.
var Formats = []string{Text, JSON, SARIF, Markdown, OSCAL, JUnit, PolicyReport}

// Options tune a writer.
type Options struct {
	// Color colours text; ask for it only when writing to a terminal.
	Color bool
}

// New returns a stream of a format to w.
func New(format string, w io.Writer, o Options) (report.Stream, error) {
	switch format {
	case Text:
		return text.New(w, o.Color), nil
	case JSON:
		return json.New(w), nil
	case SARIF:
		return sarif.New(w), nil
	case Markdown:
		return markdown.New(w), nil
	case OSCAL:
		return oscal.New(w), nil
	case JUnit:
		return junit.New(w), nil
	case PolicyReport:
		return policyreport.New(w), nil
	}
	return nil, errors.Errorf("unknown output format %q: want one of %s", format, strings.Join(Formats, ", "))
}
