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

package output

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
	"github.com/kspec-io/kspec/internal/report/text"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// extensions of the golden files, by format.
var extensions = map[string]string{
	Text: "txt", JSON: "json", SARIF: "sarif", Markdown: "md", OSCAL: "oscal.json", JUnit: "junit.xml", PolicyReport: "policyreport.json",
}

func write(t *testing.T, format string, rep *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	s, err := New(format, &b, Options{})
	require.NoError(t, err)
	require.NoError(t, report.WriteAll(s, rep))
	return b.Bytes()
}

// TestGolden writes fixed reports in every format and compares them with
// testdata/; make golden-update rewrites them after an intended change.
// Each is written twice: the same report gives the same bytes.
func TestGolden(t *testing.T) {
	reports := map[string]func() *report.Report{"sample": reporttest.Sample, "fleet": reporttest.Fleet}
	for _, format := range Formats {
		for name, rep := range reports {
			t.Run(format+"/"+name, func(t *testing.T) {
				got := write(t, format, rep())
				assert.Equal(t, string(got), string(write(t, format, rep())), "two runs, the same bytes")
				path := filepath.Join("testdata", name+"."+extensions[format])
				if *update {
					require.NoError(t, os.WriteFile(path, got, 0o600))
					return
				}
				want, err := os.ReadFile(path)
				require.NoError(t, err, "run make golden-update")
				assert.Equal(t, string(want), string(got), "%s differs from the golden file; run make golden-update if the change is intended", path)
			})
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	_, err := New("pdf", io.Discard, Options{})
	require.Error(t, err)
	assert.Equal(t, `unknown output format "pdf": want one of text, json, sarif, markdown, oscal, junit, policyreport`, err.Error())
}

// TestBatches: results streamed in batches of any size give the bytes of
// the whole report written at once, in every format.
func TestBatches(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			rep := reporttest.Sample()
			whole := write(t, format, rep)
			results := rep.Results
			rep.Results = nil
			var b bytes.Buffer
			s, err := New(format, &b, Options{})
			require.NoError(t, err)
			require.NoError(t, s.Begin(rep))
			for _, r := range results {
				require.NoError(t, s.Results([]report.Result{r}))
			}
			require.NoError(t, s.Results(nil))
			require.NoError(t, s.End(rep))
			assert.Equal(t, string(whole), b.String())
		})
	}
}

// recorder records what has reached it.
type recorder struct{ bytes.Buffer }

// TestStreamsWriteAsTheyGo: text, JSON and SARIF write results as they
// come, so what they hold does not grow with the results.
func TestStreamsWriteAsTheyGo(t *testing.T) {
	n := 3 * text.Window
	cases := map[string]string{
		Text:  "Text aligns a window of lines at a time, then lets it go.",
		JSON:  "JSON writes each result as it comes.",
		SARIF: "SARIF writes each result as it comes; validating the whole log on every run needed gigabytes.",
	}
	for format, reason := range cases {
		t.Run(format, func(t *testing.T) {
			rep := reporttest.Failures(n, text.Window)
			whole := write(t, format, rep)

			results := rep.Results
			rep.Results = nil
			var out recorder
			s, err := New(format, &out, Options{})
			require.NoError(t, err)
			require.NoError(t, s.Begin(rep))
			var before int
			for i, r := range results {
				require.NoError(t, s.Results([]report.Result{r}))
				if i == n-text.Window-1 {
					before = out.Len()
				}
			}
			// All but the last window and a write buffer are out before
			// the end.
			assert.Greater(t, before, len(whole)/2, reason)
			require.NoError(t, s.End(rep))
			assert.Equal(t, string(whole), out.String(), "streamed one at a time, the same bytes as the whole report")
		})
	}
}
