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

package text

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
)

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, reporttest.Sample()))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 8, b.String())
	assert.Regexp(t, `^FAIL +High +workload.security/run-as-non-root +Pod/team-a/b +pods.yaml:11 +must run as non-root$`, lines[0])
	assert.Regexp(t, `^WARN +Critical +workload.security/require-digests +Pod/team-a/c +pods.yaml:21 +cannot tell$`, lines[2])
	assert.Regexp(t, `^ERROR +Low +workload.security/require-digests +Pod/team-a/d`, lines[3])
	assert.Regexp(t, `^FAIL +High +rbac.validation/forbidden-rules +ClusterRole/god +pods.yaml:41`, lines[4])
	assert.Regexp(t, `^INPUT +pods.yaml:51 +document 5: document is not an object$`, lines[5])
	assert.Equal(t, "strict (enforce): 6 objects, 3 rules: 1 pass, 3 fail, 1 warn, 1 skip, 1 error; 1 input errors", lines[6])
	assert.Equal(t, "not evaluated (cluster-level, need a cluster): kubernetes.version/supported", lines[7])
	assert.NotContains(t, b.String(), "labels unknown", "warnings go to standard error, not the report")
}

// assertPrintable fails when out holds a character a terminal would act
// on, other than the newlines that end its lines.
func assertPrintable(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		assert.Equal(t, report.Printable(line), line, "a control or format character in %q", line)
	}
}

func TestWriteTextHostile(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, reporttest.Hostile()))
	assertPrintable(t, b.String())
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 3, "one result, one input error, the summary:\n%s", b.String())
	e := `x\x1b[2K\rPASS\n\x1b]8;;https://evil.example/\x1b\docs\x1b]8;;\x1b\\u202elmth`
	assert.Equal(t, "FAIL   Low  workload.images/digest  Pod/ns"+e+"/pod"+e+"  dir/"+e+".yaml:3  container c"+e+" image nginx"+e+" has no digest", lines[0])
	assert.Regexp(t, `^INPUT +f\Q`+e+`\E\.yaml:9 +document 1: yaml: line 2: \Q`+e+`\E$`, lines[1])
	assert.Equal(t, "strict (enforce): 1 objects, 1 rules: 0 pass, 1 fail, 0 warn, 0 skip, 0 error; 1 input errors", lines[2])
}

func TestWriteTextAlignsPerWindow(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, reporttest.Failures(2*Window, Window)))
	lines := strings.Split(b.String(), "\n")
	first, second := lines[0], lines[Window]
	assert.Equal(t, "FAIL  Low  workload.images/digest  Pod/team-a/p  pods.yaml:1     no digest", first, "the first window is aligned to its own widest cells")
	assert.Regexp(t, `^FAIL  Low  workload.images/digest  Pod/team-a/p{11}  pods.yaml:\d+ +no digest$`, second, "the second window to its own")
	assert.Equal(t, strings.Index(lines[1], "pods.yaml"), strings.Index(first, "pods.yaml"), "lines of a window share columns")
}

func TestColor(t *testing.T) {
	var plain, colored bytes.Buffer
	require.NoError(t, Write(&plain, reporttest.Sample()))
	require.NoError(t, report.WriteAll(New(&colored, true), reporttest.Sample()))
	assert.NotContains(t, plain.String(), "\x1b", "no colour unless asked: not a terminal")
	assert.Contains(t, colored.String(), "\x1b[31mFAIL\x1b[0m")
	assert.Contains(t, colored.String(), "\x1b[33mWARN\x1b[0m")
	assert.Contains(t, colored.String(), "\x1b[31mINPUT\x1b[0m")
	strip := strings.NewReplacer("\x1b[31m", "", "\x1b[33m", "", "\x1b[35m", "", "\x1b[0m", "")
	assert.Equal(t, plain.String(), strip.Replace(colored.String()), "colour changes nothing but colour: columns stay aligned")
}
