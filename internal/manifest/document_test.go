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

package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const twoDocs = `# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  list: |
    x
---
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
data:
  items:
    - name: first
    - name: second
      value: yes
`

func TestParse(t *testing.T) {
	docs := Parse("f.yaml", []byte(twoDocs))
	require.Len(t, docs, 2, "the empty document between the separators is skipped")
	assert.Equal(t, 0, docs[0].Index)
	assert.Equal(t, 2, docs[0].Line)
	assert.Equal(t, "a", docs[0].Object.GetName())
	assert.Equal(t, 1, docs[1].Index, "documents are counted as Split counts them: those with content")
	assert.Equal(t, 11, docs[1].Line)
	items := docs[1].Object.Object["data"].(map[string]any)["items"].([]any)
	assert.Equal(t, true, items[1].(map[string]any)["value"], "YAML 1.1 'yes' is a boolean to kubectl, so it is one here")
}

func TestParseErrors(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     string
		line   int
		err    string
	}{
		"Syntax": {
			reason: "A syntax error names the line the decoder reports.",
			in:     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n",
			line:   4,
			err:    "did not find expected ',' or ']'",
		},
		"NotAnObject": {
			reason: "A document must be a mapping.",
			in:     "- a\n- b\n",
			line:   1,
			err:    "document is not an object",
		},
		"DuplicateKey": {
			reason: "kubectl rejects duplicate keys; so does kspec.",
			in:     "kind: A\nmetadata:\n  name: a\n  name: b\n",
			line:   4,
			err:    `key "name" already set in map`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			docs := Parse("f.yaml", []byte(tc.in))
			require.Len(t, docs, 1, tc.reason)
			require.Error(t, docs[0].Err, tc.reason)
			assert.Contains(t, docs[0].Err.Error(), tc.err, tc.reason)
			assert.Equal(t, tc.line, docs[0].Line, tc.reason)
		})
	}
}

func TestLocate(t *testing.T) {
	d := Parse("f.yaml", []byte(twoDocs))[1]
	cases := map[string]struct {
		path string
		want Position
	}{
		"Scalar":           {path: "metadata.name", want: Position{Line: 14, Column: 9}},
		"Collection":       {path: "data.items", want: Position{Line: 16, Column: 3}},
		"ListItem":         {path: "data.items[1].value", want: Position{Line: 19, Column: 14}},
		"MissingChild":     {path: "data.items[1].absent", want: Position{Line: 18, Column: 7}},
		"MissingIndex":     {path: "data.items[7]", want: Position{Line: 16, Column: 3}},
		"WholeDocument":    {path: "", want: Position{Line: 11, Column: 1}},
		"MapKeyInBrackets": {path: "metadata[name]", want: Position{Line: 14, Column: 9}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, d.Locate(tc.path))
		})
	}
}
