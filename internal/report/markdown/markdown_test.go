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

package markdown

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
)

func TestHostile(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, reporttest.Hostile()))
	for _, line := range strings.Split(b.String(), "\n") {
		assert.Equal(t, report.Printable(line), line, "no control character reaches the document")
		if strings.HasPrefix(line, "| Fail") {
			assert.Equal(t, 5, strings.Count(line, " | ")+2, "a value cannot add cells: %s", line)
		}
	}
	assert.Equal(t, `a \| b \*c\* \[l\](u) \<x\> \\n`, esc("a | b *c* [l](u) <x> \\n"))
	assert.Equal(t, `a b`, esc("a\nb"), "a line break cannot end a table row")
}

func TestBounded(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, reporttest.Failures(MaxFindings+7, 1000)))
	assert.Equal(t, MaxFindings, strings.Count(b.String(), "| Fail |"), "at most MaxFindings objects per rule")
	assert.Contains(t, b.String(), "and 7 more.")
}

func TestCompliant(t *testing.T) {
	rep := reporttest.Sample()
	rep.Results = rep.Results[:1]
	rep.InputErrors = nil
	rep.Summary = report.Summary{Objects: 1, Pass: 1}
	var b bytes.Buffer
	require.NoError(t, Write(&b, rep))
	assert.Contains(t, b.String(), "**Compliant.**")
	assert.Contains(t, b.String(), "| NIST-800-53 rev5 | AC-6 | Least Privilege | workload.security/run-as-non-root, rbac.validation/forbidden-rules | Satisfied |")
	assert.Contains(t, b.String(), "| NIST-800-53 rev5 | AC-3 | Access Enforcement | rbac.validation/forbidden-rules | Not assessed |")
}
