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

// Split and Decode must read what Parse reads, at the same lines.
func TestSplitMatchesParse(t *testing.T) {
	for name, in := range map[string]string{
		"plain":     "a: 1\nkind: X\n",
		"markers":   "---\n# c\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n...\n",
		"yaml11":    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {on: yes, n: 010}\n",
		"duplicate": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n",
		"scalar":    "just a string\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n",
		"badindent": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   x: y\n",
	} {
		t.Run(name, func(t *testing.T) {
			want := Parse("f", []byte(in))
			chunks := Split("f", []byte(in))
			require.Len(t, chunks, len(want))
			for i, c := range chunks {
				got := c.Decode()
				assert.Equal(t, want[i].Line, got.Line, "line of document %d", i)
				assert.Equal(t, want[i].Err != nil, got.Err != nil, "error of document %d: %v / %v", i, want[i].Err, got.Err)
				if want[i].Object != nil && got.Object != nil {
					assert.Equal(t, want[i].Object.Object, got.Object.Object)
				}
			}
		})
	}
}

func TestSplitJSON(t *testing.T) {
	in := "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}\n\n{\"apiVersion\": \"v1\",\n \"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}}\n{\"broken\": \n"
	chunks := Split("f.json", []byte(in))
	require.Len(t, chunks, 3)
	assert.Equal(t, []int{1, 3, 5}, []int{chunks[0].Line, chunks[1].Line, chunks[2].Line})
	assert.Equal(t, "b", chunks[1].Decode().Object.GetName())
	assert.Error(t, chunks[2].Decode().Err)
}
