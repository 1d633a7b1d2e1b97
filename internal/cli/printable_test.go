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
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
)

// Hostile text: erase the line, return to its start, print a fake verdict
// on a new line, a hyperlink that hides its target, and a right-to-left
// override. evilYAML is it inside a YAML double-quoted string, evilFile in
// a file name (no slash), evilOut as kspec prints it.
const (
	evilYAML = `\e[2K\rPASS\n\e]8;;https://evil.example/\e\\docs\e]8;;\e\\\u202Elmth`
	evilOut  = `\x1b[2K\rPASS\n\x1b]8;;https://evil.example/\x1b\docs\x1b]8;;\x1b\\u202elmth`
	evilFile = "\x1b[2K\rPASS\n\x1b]8;;evil.example\x1b\\docs\x1b]8;;\x1b\\\u202elmth"
	// evilFileOut is evilFile as kspec prints it.
	evilFileOut = `\x1b[2K\rPASS\n\x1b]8;;evil.example\x1b\docs\x1b]8;;\x1b\\u202elmth`
)

// hostileDir writes content into a file with a hostile name in a new
// directory and returns the directory and the file as kspec prints it.
func hostileDir(t *testing.T, content string) (dir, printed string) {
	t.Helper()
	dir = t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m"+evilFile+".yaml"), []byte(content), 0o600))
	return dir, filepath.Join(dir, "m"+evilFileOut+".yaml")
}

// printableLines splits output into lines and fails if any holds a
// character a terminal would act on.
func printableLines(t *testing.T, out string) []string {
	t.Helper()
	if out == "" {
		return nil
	}
	assert.True(t, strings.HasSuffix(out, "\n"), "output ends its last line")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, l := range lines {
		assert.True(t, utf8.ValidString(l), "not UTF-8: %q", l)
		for _, r := range l {
			assert.False(t, unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp), "%U in %q", r, l)
		}
	}
	return lines
}

func TestCheckTextIsPrintable(t *testing.T) {
	pod := `apiVersion: v1
kind: Pod
metadata:
  name: "web` + evilYAML + `"
  namespace: "team` + evilYAML + `"
spec:
  containers:
  - name: "app` + evilYAML + `"
    image: "nginx` + evilYAML + `"
---
replicaCount: 3
`
	dir, file := hostileDir(t, pod)

	// What the text must say, line for line, from the JSON report.
	code, out, _ := run(t, "", "check", "-f", strict, "-o", "json", dir)
	require.Equal(t, ExitUsage, code, "the second document is no object")
	var rep report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	var notable int
	for _, r := range rep.Results {
		if r.Notable() {
			notable++
		}
	}
	require.Positive(t, notable)

	code, out, errOut := run(t, "", "check", "-f", strict, dir)
	assert.Equal(t, ExitUsage, code)
	lines := printableLines(t, out)
	require.Len(t, lines, notable+3, "a line per failure, the input error, the summary, the rules not evaluated:\n%s", out)
	for _, l := range lines[:notable] {
		assert.Regexp(t, `^FAIL +(Critical|High|Medium|Low) +\S+ +Pod/team\Q`+evilOut+`\E/web\Q`+evilOut+`\E +\Q`+file+`\E:1 +\S`, l)
	}
	assert.Regexp(t, `^INPUT +\Q`+file+`\E:11 +document 1: not a Kubernetes object: no apiVersion, kind$`, lines[notable])
	assert.Regexp(t, `^strict \(enforce\): 1 objects, 24 rules: \d+ pass, \d+ fail`, lines[notable+1])
	assert.Regexp(t, `^not evaluated \(cluster-level, need a cluster\): `, lines[notable+2])
	assert.Contains(t, out, "containers app"+evilOut, "container names in messages are escaped")
	assert.Contains(t, out, "nginx"+evilOut, "images in messages are escaped")
	for _, l := range printableLines(t, errOut) {
		assert.True(t, strings.HasPrefix(l, "kspec: warning: "), "only warnings, each on its own line: %q", l)
	}
}

func TestValidateTextIsPrintable(t *testing.T) {
	docs := `apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata:
  name: "x` + evilYAML + `"
spec:
  kubernetes: {minVersion: "1.30"}
---
apiVersion: v1
kind: Secret
metadata:
  name: "s` + evilYAML + `"
---
apiVersion: kspec.io/v1alpha1
kind: "Spec` + evilYAML + `"
metadata:
  name: y
`
	dir, file := hostileDir(t, docs)

	code, out, _ := run(t, "", "validate", "-o", "json", dir)
	require.Equal(t, ExitInvalid, code)
	var sum validateSummary
	require.NoError(t, json.Unmarshal([]byte(out), &sum))
	want := 1 // the summary
	for _, d := range sum.Documents {
		want += max(1, len(d.Problems))
	}

	code, out, errOut := run(t, "", "validate", dir)
	assert.Equal(t, ExitInvalid, code)
	assert.Empty(t, errOut)
	lines := printableLines(t, out)
	require.Len(t, lines, want, "a line per problem or document, and the summary:\n%s", out)
	assert.Regexp(t, `^\Q`+file+`\E:4:\d+: ClusterSpecification/x\Q`+evilOut+`\E: metadata.name: Invalid value: `, lines[0])
	assert.Contains(t, lines, file+":8: Secret/s"+evilOut+" skipped: not a kspec kind")
	assert.Contains(t, out, ": Spec"+evilOut+"/: kind: Unsupported value: ", "a kind from the input is escaped")
	assert.Equal(t, "3 documents in 1 files: 0 valid, 2 invalid, 1 skipped", lines[len(lines)-1])
}

func TestRenderMessagesArePrintable(t *testing.T) {
	cases := map[string]struct {
		reason string
		spec   string
		code   int
		want   []string
	}{
		"Warnings": {
			reason: "Names the compiler warns about are escaped.",
			spec: `apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata: {name: base}
spec:
  basedOn: {specifications: ["b` + evilYAML + `"]}
  kubernetes: {minVersion: "1.30"}
`,
			code: ExitOK,
			want: []string{
				"kspec: warning: base: basedOn b" + evilOut + " is not merged: only this specification's own requirements are compiled",
				"kspec: base has no rules that apply to objects; nothing to render",
			},
		},
		"InvalidSpec": {
			reason: "An error names the spec, its file and the values it rejects. The validator puts the name and the file in raw, " +
				"line breaks and all: each line is escaped, and lines after the first are indented, so none looks like kspec's own.",
			spec: `apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata: {name: "x` + evilYAML + `"}
spec:
  kubernetes: {minVersion: "1.30"}
`,
			code: ExitUsage,
			want: []string{
				`kspec: invalid specification x\x1b[2K\rPASS`,
				`  \x1b]8;;https://evil.example/\x1b\docs\x1b]8;;\x1b\\u202elmth:`,
				"  FILE",
				`  \x1b]8;;evil.example\x1b\docs\x1b]8;;\x1b\\u202elmth.yaml:3:18: metadata.name: Invalid value: "x\x1b[2K\rPASS\n`,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir, _ := hostileDir(t, tc.spec)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			code, _, errOut := run(t, "", "render", "-f", filepath.Join(dir, entries[0].Name()), "--now=2026-12-01T00:00:00Z")
			assert.Equal(t, tc.code, code, errOut)
			lines := printableLines(t, errOut)
			require.Len(t, lines, len(tc.want), "%s\n%s", tc.reason, errOut)
			for i, w := range tc.want {
				w = strings.ReplaceAll(w, "FILE", filepath.Join(dir, `m\x1b[2K\rPASS`))
				assert.True(t, strings.HasPrefix(lines[i], w), "%s\nwant a line starting %q\ngot %q", tc.reason, w, lines[i])
			}
		})
	}
}
