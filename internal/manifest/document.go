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
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	sigsyaml "sigs.k8s.io/yaml"
)

// A Document is one YAML (or JSON) document of a source file.
type Document struct {
	// Source is the file the document came from; "-" is standard input.
	Source string
	// Index is the document's position in the file, from 0.
	Index int
	// Line is where the document starts, from 1.
	Line int
	// Object is the decoded document; nil when Err is set.
	Object *unstructured.Unstructured
	// Err says why the document could not be decoded.
	Err error

	node *yaml.Node
}

// A Position is a line and column in a source file, from 1.
type Position struct {
	Line, Column int
}

func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// Parse splits data into documents and decodes each the way kubectl does
// (YAML 1.1 scalars through sigs.k8s.io/yaml), keeping the YAML nodes to
// locate errors. Empty documents are skipped. A syntax error ends the file:
// the documents after it cannot be told apart.
func Parse(source string, data []byte) []Document {
	var docs []Document
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		n := &yaml.Node{}
		err := dec.Decode(n)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			d := Document{Source: source, Index: i, Line: 1, Err: err}
			if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
				d.Line, _ = strconv.Atoi(m[1])
				d.Err = errors.New(err.Error()[len(m[0]):])
			}
			return append(docs, d)
		}
		if len(n.Content) == 0 || (n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null") {
			continue
		}
		docs = append(docs, decode(source, i, n))
	}
}

func decode(source string, index int, n *yaml.Node) Document {
	d := Document{Source: source, Index: index, Line: n.Content[0].Line, node: n}
	if n.Content[0].Kind != yaml.MappingNode {
		d.Err = errors.New("document is not an object")
		return d
	}
	if dup := duplicateKey(n); dup != nil {
		d.Line, d.Err = dup.Line, fmt.Errorf("key %q is already set in this mapping", dup.Value)
		return d
	}
	y, err := yaml.Marshal(n)
	if err != nil {
		d.Err = err
		return d
	}
	j, err := sigsyaml.YAMLToJSONStrict(y)
	if err != nil {
		d.Err = err
		return d
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		d.Err = err
		return d
	}
	d.Object = u
	return d
}

// Locate returns the position of a field path such as spec.rules[0].verbs in
// the document. When the path does not exist (a required field is missing)
// it returns the position of the deepest part that does.
func (d Document) Locate(path string) Position {
	if d.node == nil || len(d.node.Content) == 0 {
		return Position{Line: d.Line, Column: 1}
	}
	cur := d.node.Content[0]
	at := Position{Line: cur.Line, Column: cur.Column}
	for _, seg := range splitPath(path) {
		key, next := child(cur, seg)
		if next == nil {
			break
		}
		at = Position{Line: next.Line, Column: next.Column}
		if key != nil && next.Kind != yaml.ScalarNode {
			at = Position{Line: key.Line, Column: key.Column}
		}
		cur = next
	}
	return at
}

// child returns the key (for mappings) and value node a segment names.
func child(n *yaml.Node, seg segment) (key, value *yaml.Node) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		name := seg.name
		if name == "" {
			name = seg.key
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				return n.Content[i], n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if seg.index >= 0 && seg.index < len(n.Content) {
			return nil, n.Content[seg.index]
		}
	}
	return nil, nil
}

// duplicateKey returns the first key that repeats a key of its mapping.
// kubectl rejects such documents; decoding through a map would hide them.
func duplicateKey(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if seen[k.Value] {
				return k
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if dup := duplicateKey(c); dup != nil {
			return dup
		}
	}
	return nil
}
