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
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"
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

func TestSplitAsKubectl(t *testing.T) {
	pod := func(n string) string { return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + n + "}\n" }
	cases := map[string]struct {
		reason string
		in     string
		names  []string
		lines  []int
		err    string
	}{
		"CommentAfterSeparator": {reason: "A comment may follow ---.", in: pod("a") + "--- # c\n" + pod("b"), names: []string{"a", "b"}, lines: []int{1, 5}},
		"TabAfterSeparator":     {reason: "So may a tab and a comment.", in: pod("a") + "---\t#x\n" + pod("b"), names: []string{"a", "b"}, lines: []int{1, 5}},
		"CommentRightAfter":     {reason: "kubectl needs no space before the comment.", in: pod("a") + "---#c\n" + pod("b"), names: []string{"a", "b"}, lines: []int{1, 5}},
		"ContentAfterSeparator": {reason: "Content after --- is an error, at the separator's line.", in: pod("a") + "--- kind: Pod\n" + pod("b"), names: []string{"a", "", "b"}, lines: []int{1, 4, 5}, err: "invalid document separator"},
		"FourDashes":            {reason: "---- is no separator to kubectl but an error.", in: pod("a") + "----\n" + pod("b"), names: []string{"a", "", "b"}, lines: []int{1, 4, 5}, err: "invalid document separator"},
		"EndMarkerThenContent":  {reason: "kubectl reads one document up to the next ---.", in: pod("a") + "...\n" + pod("b"), names: []string{""}, lines: []int{1}, err: "line 5: content after the document end marker at line 4"},
		"EndMarkerAlone":        {reason: "A ... before --- is harmless.", in: pod("a") + "...\n---\n" + pod("b"), names: []string{"a", "b"}, lines: []int{1, 6}},
		"UTF8BOM":               {reason: "A UTF-8 byte order mark is dropped.", in: "\ufeff" + pod("a"), names: []string{"a"}, lines: []int{1}},
		"UTF8BOMJSON":           {reason: "Also before JSON.", in: "\ufeff{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}", names: []string{"a"}, lines: []int{1}},
		"JSONThenYAML":          {reason: "A JSON stream falls back to YAML after its first value.", in: "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n---\n" + pod("b"), names: []string{"a", "b"}, lines: []int{1, 3}},
		"JSONNull":              {reason: "kubectl skips null values in a JSON stream.", in: "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\nnull\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"}}\n", names: []string{"a", "b"}, lines: []int{1, 3}},
		"FlowMapping":           {reason: "YAML that starts with { is YAML.", in: "{kind: Pod, metadata: {name: a}}\n", names: []string{"a"}, lines: []int{1}},
		"BrokenJSONStream":      {reason: "After two JSON values, a syntax error is JSON's.", in: "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"}}\n\n{\"x\": \n", names: []string{"a", "b", ""}, lines: []int{1, 2, 4}, err: "invalid JSON"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			chunks := Split("f", []byte(tc.in))
			require.Len(t, chunks, len(tc.names), tc.reason)
			var errs []string
			for i, c := range chunks {
				d := c.Decode()
				assert.Equal(t, i, d.Index, tc.reason)
				assert.Equal(t, tc.lines[i], d.Line, "line of document %d: %s", i, tc.reason)
				if d.Err != nil {
					errs = append(errs, d.Err.Error())
					continue
				}
				assert.Equal(t, tc.names[i], d.Object.GetName(), tc.reason)
			}
			if tc.err == "" {
				assert.Empty(t, errs, tc.reason)
				return
			}
			require.Len(t, errs, 1, tc.reason)
			assert.Contains(t, errs[0], tc.err, tc.reason)
		})
	}
}

func TestSplitUTF16(t *testing.T) {
	in := "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n"
	for name, order := range map[string]unicode.Endianness{"LittleEndian": unicode.LittleEndian, "BigEndian": unicode.BigEndian} {
		t.Run(name, func(t *testing.T) {
			b, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes([]byte(in))
			require.NoError(t, err)
			chunks := Split("f", b)
			require.Len(t, chunks, 2, "every document of a UTF-16 file is read")
			assert.Equal(t, "b", chunks[1].Decode().Object.GetName())
			assert.Equal(t, 5, chunks[1].Line)
		})
	}
}

func TestSplitDocumentLimit(t *testing.T) {
	doc := func(size int) string {
		head := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: "
		return head + strings.Repeat("y", size-len(head)-2) + "}\n"
	}
	cases := map[string]struct {
		reason string
		in     string
		err    bool
	}{
		"YAMLAtLimit":   {reason: "A document of MaxDocumentBytes is read.", in: doc(MaxDocumentBytes)},
		"YAMLOverLimit": {reason: "One more byte is refused.", in: doc(MaxDocumentBytes + 1), err: true},
		"JSONAtLimit":   {reason: "The same for JSON.", in: `{"kind":"ConfigMap","data":{"x":"` + strings.Repeat("y", MaxDocumentBytes-36) + `"}}`},
		"JSONOverLimit": {reason: "The same for JSON.", in: `{"kind":"ConfigMap","data":{"x":"` + strings.Repeat("y", MaxDocumentBytes-35) + `"}}`, err: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			chunks := Split("f", []byte(tc.in+"---\n"+"kind: Pod\n"))
			require.NotEmpty(t, chunks)
			d := chunks[0].Decode()
			if !tc.err {
				require.NoError(t, d.Err, tc.reason)
				return
			}
			require.Error(t, d.Err, tc.reason)
			assert.Contains(t, d.Err.Error(), "more than the limit of 3145728", tc.reason)
		})
	}
}

func TestAliasLimit(t *testing.T) {
	doc := func(aliases int) string {
		var b strings.Builder
		b.WriteString("kind: ConfigMap\ndata:\n  a: &a [" + strings.Repeat("x,", 99) + "x]\n  b: [")
		for range aliases {
			b.WriteString("*a,")
		}
		b.WriteString("x]\n")
		return b.String()
	}
	// Each alias adds the anchor's sequence node and its 100 values.
	under := MaxAliasNodes / 101
	require.NoError(t, Split("f", []byte(doc(under)))[0].Decode().Err, "aliases up to the limit are expanded")
	d := Split("f", []byte(doc(under+1)))[0].Decode()
	require.Error(t, d.Err, "one alias more is refused")
	assert.Contains(t, d.Err.Error(), "aliases expand the document by")

	laughs := "kind: ConfigMap\na: &a [x,x,x,x,x,x,x,x,x,x]\n"
	for i := 'b'; i <= 'z'; i++ {
		laughs += fmt.Sprintf("%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	d = Split("f", []byte(laughs))[0].Decode()
	require.Error(t, d.Err, "nested aliases are counted as they expand")
	assert.Contains(t, d.Err.Error(), "aliases expand the document by")
}

// jsonStream and yamlStream are the same n small documents.
func streams(n int) (jsonStream, yamlStream []byte) {
	var j, y bytes.Buffer
	for i := range n {
		fmt.Fprintf(&j, "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"c%d\"}}\n", i)
		fmt.Fprintf(&y, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\n---\n", i)
	}
	return j.Bytes(), y.Bytes()
}

func TestSplitJSONLines(t *testing.T) {
	j, _ := streams(1000)
	chunks := Split("f", j)
	require.Len(t, chunks, 1000)
	assert.Equal(t, 1999, chunks[999].Line, "each document takes two lines")
}

// BenchmarkSplitJSON splits a JSON stream; BenchmarkSplitYAML, the
// baseline, the same documents as YAML. Both must grow linearly.
func BenchmarkSplitJSON(b *testing.B) {
	for _, n := range []int{10_000, 40_000} {
		j, _ := streams(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				Split("f", j)
			}
		})
	}
}

func BenchmarkSplitYAML(b *testing.B) {
	for _, n := range []int{10_000, 40_000} {
		_, y := streams(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				Split("f", y)
			}
		})
	}
}
