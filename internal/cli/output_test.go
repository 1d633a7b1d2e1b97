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

package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report/output"
)

// TestCheckEveryFormat: kspec check writes every format, the same bytes
// on every run at the same --now, and the same exit code.
func TestCheckEveryFormat(t *testing.T) {
	for _, format := range output.Formats {
		t.Run(format, func(t *testing.T) {
			args := []string{"check", "-f", strict, "--now", "2026-12-01T00:00:00Z", "-o", format, "../../examples/manifests"}
			code, out, errOut := run(t, "", args...)
			require.Equal(t, ExitInvalid, code, errOut)
			require.NotEmpty(t, out)
			code2, out2, _ := run(t, "", args...)
			assert.Equal(t, code, code2)
			assert.Equal(t, out, out2, "two runs, the same bytes")
			assert.NotContains(t, out, "\x1b[", "no colour when standard output is not a terminal")
		})
	}
}

// TestCheckBadInput: what stops kspec check exits 2 with one line.
func TestCheckBadInput(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"MissingSpec":   {args: []string{"check", "-f", "no-such-spec.yaml", "-"}, want: "kspec: --file: stat "},
		"UnknownFormat": {args: []string{"check", "-f", strict, "-o", "pdf", "-"}, want: `kspec: --output must be one of "text","json","sarif","markdown","oscal","junit","policyreport" but got "pdf"`},
		"MissingInput":  {args: []string{"check", "-f", strict, "no-such-dir"}, want: "kspec: "},
		"BadNow":        {args: []string{"check", "-f", strict, "--now", "yesterday", "-o", "oscal", "-"}, want: "kspec: --now: want an RFC3339 time"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := run(t, goodPod, tc.args...)
			assert.Equal(t, ExitUsage, code)
			assert.Empty(t, out)
			assert.True(t, strings.HasPrefix(errOut, tc.want), "got %q", errOut)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		})
	}
}
