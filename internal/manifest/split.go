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
	"io"
	"regexp"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/pkg/errors"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	sigsyaml "sigs.k8s.io/yaml"
)

// MaxDocumentBytes is the largest document kspec reads: the API server's
// own limit on a request body, so nothing larger could be applied.
const MaxDocumentBytes = 3 << 20

var chunkLine = regexp.MustCompile(`line (\d+): `)

// A Chunk is one document of a source, not yet decoded.
type Chunk struct {
	Source string
	Index  int
	// Line is where the document's content starts, from 1.
	Line int
	Data []byte
	// first is the line of Data's first byte.
	first int
	json  bool
	// err is a problem found while splitting; Decode returns it.
	err error
}

// Split cuts data into documents without decoding them, as kubectl's
// reader does: it transcodes UTF-16 with a byte order mark and drops a
// UTF-8 one; a stream that starts with { is a JSON stream (falling back to
// YAML for the rest when its first or second value is not JSON); YAML is
// cut at lines that start with ---, where only a comment may follow.
// Documents with no content are skipped. A document larger than
// MaxDocumentBytes, a separator with content after it and content after a
// ... end marker (kubectl would read only the document before it) are
// chunks whose Decode fails, so that nothing kubectl would apply passes
// unseen.
func Split(source string, data []byte) []Chunk {
	data = Transcode(data)
	if bytes.HasPrefix(bytes.TrimLeftFunc(data, unicode.IsSpace), []byte("{")) {
		return splitJSON(source, data, nil)
	}
	return splitYAML(source, data, 1, nil)
}

// Transcode returns data as UTF-8, as kubectl reads files: a UTF-16 byte
// order mark switches to UTF-16, a UTF-8 one is dropped, and invalid UTF-8
// becomes U+FFFD. Plain UTF-8 is returned as it is, without a copy.
func Transcode(data []byte) []byte {
	if !bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}) && !bytes.HasPrefix(data, []byte{0xff, 0xfe}) && !bytes.HasPrefix(data, []byte{0xfe, 0xff}) && utf8.Valid(data) {
		return data
	}
	out, _, err := transform.Bytes(xunicode.BOMOverride(xunicode.UTF8.NewDecoder()), data)
	if err != nil {
		// The decoders replace what they cannot read; they do not fail.
		return data
	}
	return out
}

// splitYAML cuts YAML at document separators; data's first line is line.
func splitYAML(source string, data []byte, line int, out []Chunk) []Chunk {
	// Per chunk: where it starts, its first content line and the line of
	// a ... end marker followed by more content.
	start, startLine, content, ended, after := 0, line, 0, 0, 0
	flush := func(end int) {
		if content == 0 {
			return
		}
		c := Chunk{Source: source, Index: len(out), Line: content, Data: data[start:end], first: startLine}
		switch {
		case end-start > MaxDocumentBytes:
			c.err = errors.Errorf("document is %d bytes, more than the limit of %d (the API server's request limit)", end-start, MaxDocumentBytes)
		case after > 0:
			c.err = errors.Errorf("line %d: content after the document end marker at line %d, which kubectl would not read: separate documents with ---", after, ended)
		}
		out = append(out, c)
	}
	for pos := 0; pos < len(data); line++ {
		next := len(data)
		if eol := bytes.IndexByte(data[pos:], '\n'); eol >= 0 {
			next = pos + eol + 1
		}
		l := data[pos:next]
		switch {
		case bytes.HasPrefix(l, []byte("---")):
			flush(pos)
			if rest := bytes.TrimSpace(l[3:]); len(rest) > 0 && rest[0] != '#' {
				out = append(out, Chunk{Source: source, Index: len(out), Line: line, Data: l, first: line,
					err: errors.Errorf("invalid document separator %q: only a comment may follow --- on its line", bytes.TrimSpace(l))})
			}
			start, startLine, content, ended, after = next, line+1, 0, 0, 0
		case marker(l, "..."):
			if ended == 0 {
				ended = line
			}
		case blank(l):
		default:
			if content == 0 {
				content = line
			}
			if ended > 0 && after == 0 {
				after = line
			}
		}
		pos = next
	}
	flush(len(data))
	return out
}

// marker reports whether a line is the marker m, alone or with a comment.
func marker(l []byte, m string) bool {
	if !bytes.HasPrefix(l, []byte(m)) {
		return false
	}
	rest := l[len(m):]
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\r' && rest[0] != '\n' {
		return false
	}
	rest = bytes.TrimSpace(rest)
	return len(rest) == 0 || rest[0] == '#'
}

// blank reports whether a line is empty or only a comment.
func blank(l []byte) bool {
	l = bytes.TrimSpace(l)
	return len(l) == 0 || l[0] == '#'
}

// splitJSON cuts a stream of JSON values. Like kubectl, it reads the rest
// as YAML when the first or second value is not JSON, and skips nulls.
func splitJSON(source string, data []byte, out []Chunk) []Chunk {
	dec := json.NewDecoder(bytes.NewReader(data))
	// prev is the offset after the last value, at line line.
	prev, line := 0, 1
	for decoded := 0; ; decoded++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			if decoded < 2 {
				// kubectl drops the whitespace after the last value, up to
				// and including the first newline, and reads on as YAML.
				rest := data[prev:]
				skip := len(rest) - len(bytes.TrimLeft(rest, " \t\r"))
				if skip < len(rest) && rest[skip] == '\n' {
					skip++
					line++
				}
				return splitYAML(source, rest[skip:], line, out)
			}
			rest := data[prev:]
			start := prev + len(rest) - len(bytes.TrimLeftFunc(rest, unicode.IsSpace))
			line += bytes.Count(data[prev:start], []byte("\n"))
			return append(out, Chunk{Source: source, Index: len(out), Line: line, Data: data[start:], first: line, json: true,
				err: errors.Wrap(err, "invalid JSON")})
		}
		end := int(dec.InputOffset())
		start := end - len(raw)
		line += bytes.Count(data[prev:start], []byte("\n"))
		c := Chunk{Source: source, Index: len(out), Line: line, Data: raw, first: line, json: true}
		line += bytes.Count(raw, []byte("\n"))
		prev = end
		if bytes.Equal(raw, []byte("null")) {
			continue
		}
		if len(raw) > MaxDocumentBytes {
			c.err = errors.Errorf("document is %d bytes, more than the limit of %d (the API server's request limit)", len(raw), MaxDocumentBytes)
		}
		out = append(out, c)
	}
}

// Decode decodes the chunk the way kubectl does: YAML 1.1 scalars through
// sigs.k8s.io/yaml, duplicate keys rejected, aliases bounded. Errors carry
// the line in the source.
func (c Chunk) Decode() Document {
	d := Document{Source: c.Source, Index: c.Index, Line: c.Line}
	if c.err != nil {
		d.Err = c.err
		return d
	}
	j := c.Data
	if !c.json {
		if err := checkAliases(c.Data); err != nil {
			d.Err = err
			return d
		}
		var err error
		if j, err = sigsyaml.YAMLToJSONStrict(c.Data); err != nil {
			d.Err = err
			// yaml: line N: … for syntax, yaml: unmarshal errors: line N: …
			// for duplicate keys; N counts from the chunk's first line.
			if m := chunkLine.FindStringSubmatchIndex(err.Error()); m != nil {
				n, _ := strconv.Atoi(err.Error()[m[2]:m[3]])
				d.Line = c.first + n - 1
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
