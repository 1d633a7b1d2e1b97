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
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const badSpec = `apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata:
  name: bad
spec:
  kubernetes:
    minVersion: "1.31"
    maxVersion: "1.29"
  enforcement:
    mode: audit
    autoRemediate: true
`

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidateExamples(t *testing.T) {
	// examples/render holds crossplane render fixtures and their rendered
	// output, which test/render checks.
	code, out, errOut := run(t, "", "validate", "../../examples/specs", "../../examples/targets", "../../examples/manifests", "../../examples/scan")
	assert.Equal(t, ExitOK, code, "every example is valid:\n%s%s", out, errOut)
	assert.Contains(t, out, "examples/specs/strict.yaml:5: ClusterSpecification/strict is valid")
	assert.Contains(t, out, "Secret/prod-us-east-1-kubeconfig skipped: not a kspec kind")
	assert.Regexp(t, `\d+ documents in \d+ files: 9 valid, 0 invalid, \d+ skipped`, out)
}

func TestValidateBadSpec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(badSpec), 0o600))

	code, out, _ := run(t, "", "validate", path)
	assert.Equal(t, ExitInvalid, code)
	assert.Contains(t, out, path+":6:3: ClusterSpecification/bad: spec.kubernetes: Invalid value: minVersion must not be greater than maxVersion")
	assert.Contains(t, out, path+":9:3: ClusterSpecification/bad: spec.enforcement: Invalid value: autoRemediate requires mode enforce")
	assert.Contains(t, out, "1 documents in 1 files: 0 valid, 1 invalid, 0 skipped")
}

func TestValidateJSONFromStdin(t *testing.T) {
	code, out, _ := run(t, badSpec, "validate", "-o", "json", "-")
	assert.Equal(t, ExitInvalid, code)
	var got validateSummary
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Len(t, got.Documents, 1)
	assert.Equal(t, statusInvalid, got.Documents[0].Status)
	assert.Equal(t, "-", got.Documents[0].Source)
	require.Len(t, got.Documents[0].Problems, 2)
	assert.Equal(t, "spec.kubernetes", got.Documents[0].Problems[0].Field)
	assert.Equal(t, 6, got.Documents[0].Problems[0].Line)
}

func TestValidateUnknownKspecKind(t *testing.T) {
	code, out, _ := run(t, "apiVersion: kspec.io/v1alpha1\nkind: ClusterSpec\nmetadata:\n  name: typo\n", "validate", "-")
	assert.Equal(t, ExitInvalid, code, "a typo in a kspec kind is an error, not someone else's manifest")
	assert.Contains(t, out, `kind: Unsupported value: "ClusterSpec": supported values: "kspec.io/v1alpha1 ClusterSpecification", "kspec.io/v1alpha1 ClusterSpecificationClaim"`)
}

func TestValidateUsageErrors(t *testing.T) {
	cases := map[string]struct {
		reason string
		args   []string
		stdin  string
		err    string
	}{
		"NoPath":      {reason: "A path is required.", args: []string{"validate"}, err: "expected \"<path> ...\""},
		"MissingFile": {reason: "A missing file is not a verdict.", args: []string{"validate", "/nonexistent.yaml"}, err: "cannot read input"},
		"Empty":       {reason: "Nothing to validate is not a pass.", args: []string{"validate", "-"}, stdin: "# only a comment\n", err: "no documents found"},
		"BadFormat":   {reason: "Output formats are text and json.", args: []string{"validate", "-o", "xml", "-"}, err: "--output must be one of"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := run(t, tc.stdin, tc.args...)
			assert.Equal(t, ExitUsage, code, tc.reason)
			assert.Contains(t, errOut, tc.err, tc.reason)
		})
	}
}
