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
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	sigsyaml "sigs.k8s.io/yaml"
)

var chunkLine = regexp.MustCompile(`line (\d+): `)

// A Chunk is one document of a source, not yet decoded.
type Chunk struct {
	Source string
	Index  int
	// Line is where the document's content starts, from 1.
	Line int
	Data []byte
	json bool
}

// Split cuts data into documents without decoding them: at --- lines for
// YAML, between values for a JSON stream. It reads in bulk what Parse reads
// for positions: Decode then costs one YAML pass per document instead of
// three, and a document can be dropped once evaluated. Documents with no
// content are skipped.
func Split(source string, data []byte) []Chunk {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return splitJSON(source, data)
	}
	var out []Chunk
	index, start, startLine, line := 0, 0, 1, 1
	flush := func(end int) {
		if first := contentLine(data[start:end]); first > 0 {
			out = append(out, Chunk{Source: source, Index: index, Line: startLine + first - 1, Data: data[start:end]})
			index++
		}
	}
	for pos := 0; pos < len(data); line++ {
		next := len(data)
		if eol := bytes.IndexByte(data[pos:], '\n'); eol >= 0 {
			next = pos + eol + 1
		}
		if separator(data[pos:next]) {
			flush(pos)
			start, startLine = next, line+1
		}
		pos = next
	}
	flush(len(data))
	return out
}

// separator reports whether a line is a YAML document marker (--- or ...).
func separator(l []byte) bool {
	l = bytes.TrimRight(l, " \t\r\n")
	return bytes.Equal(l, []byte("---")) || bytes.Equal(l, []byte("..."))
}

// contentLine is the line, from 1, of the first line of b that is neither
// blank nor a comment; 0 if there is none.
func contentLine(b []byte) int {
	for n := 1; len(b) > 0; n++ {
		l := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			l, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		l = bytes.TrimSpace(l)
		if len(l) > 0 && l[0] != '#' {
			return n
		}
	}
	return 0
}

func splitJSON(source string, data []byte) []Chunk {
	var out []Chunk
	dec := json.NewDecoder(bytes.NewReader(data))
	prev := 0
	for i := 0; ; i++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			// A syntax error ends the stream; Decode reports it.
			start := len(data) - len(bytes.TrimLeft(data[prev:], " \t\r\n"))
			return append(out, Chunk{Source: source, Index: i, Line: 1 + bytes.Count(data[:start], []byte("\n")), Data: data[start:], json: true})
		}
		end := int(dec.InputOffset())
		start := end - len(raw)
		prev = end
		out = append(out, Chunk{Source: source, Index: i, Line: 1 + bytes.Count(data[:start], []byte("\n")), Data: raw, json: true})
	}
}

// Decode decodes the chunk the way kubectl does: YAML 1.1 scalars through
// sigs.k8s.io/yaml, duplicate keys rejected. Errors carry the line in the
// source.
func (c Chunk) Decode() Document {
	d := Document{Source: c.Source, Index: c.Index, Line: c.Line}
	j := c.Data
	if !c.json {
		var err error
		if j, err = sigsyaml.YAMLToJSONStrict(c.Data); err != nil {
			d.Err = err
			// yaml: line N: … for syntax, yaml: unmarshal errors: line N: …
			// for duplicate keys; N counts from the chunk's first line.
			if m := chunkLine.FindStringSubmatchIndex(err.Error()); m != nil {
				n, _ := strconv.Atoi(err.Error()[m[2]:m[3]])
				d.Line = c.Line - contentLine(c.Data) + n
				d.Err = errors.New(err.Error()[m[1]:])
			}
			return d
		}
	}
	if t := bytes.TrimSpace(j); len(t) == 0 || t[0] != '{' {
		d.Err = errors.New("document is not an object")
		return d
	}
	// Decoded as the API machinery decodes JSON (integers stay integers),
	// without requiring a kind: what a document lacks is the caller's to say.
	obj := map[string]any{}
	if err := utiljson.Unmarshal(j, &obj); err != nil {
		d.Err = err
		return d
	}
	d.Object = &unstructured.Unstructured{Object: obj}
	return d
}
