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
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
	// offset is added to node lines: the chunk's first line, less one.
	offset int
}

// A Position is a line and column in a source file, from 1.
type Position struct {
	Line, Column int
}

func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// Parse splits data into documents as Split does and decodes each as
// Decode does, keeping the YAML nodes of every document to locate fields.
func Parse(source string, data []byte) []Document {
	return ParseKinds(source, data, func(string, string) bool { return true })
}

// ParseKinds is Parse keeping YAML nodes only for the documents whose
// apiVersion and kind nodes accepts: nodes cost tens of times a
// document's size, and only the documents to be validated need positions.
func ParseKinds(source string, data []byte, nodes func(apiVersion, kind string) bool) []Document {
	var docs []Document
	for _, c := range Split(source, data) {
		d := c.Decode()
		if d.Err == nil && nodes(d.Object.GetAPIVersion(), d.Object.GetKind()) {
			d = c.parse(d)
		}
		docs = append(docs, d)
	}
	return docs
}

// parse adds the YAML nodes of a chunk to its decoded document, with lines
// counted from the start of the source.
func (c Chunk) parse(d Document) Document {
	n := &yaml.Node{}
	if err := yaml.Unmarshal(c.Data, n); err != nil {
		d.Err = err
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			l, _ := strconv.Atoi(m[1])
			d.Line = c.first + l - 1
			d.Err = errors.New(err.Error()[len(m[0]):])
		}
		d.Object = nil
		return d
	}
	if len(n.Content) == 0 {
		return d
	}
	d.node, d.offset = n, c.first-1
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
	at := Position{Line: cur.Line + d.offset, Column: cur.Column}
	for _, seg := range splitPath(path) {
		key, next := child(cur, seg)
		if next == nil {
			break
		}
		at = Position{Line: next.Line + d.offset, Column: next.Column}
		if key != nil && next.Kind != yaml.ScalarNode {
			at = Position{Line: key.Line + d.offset, Column: key.Column}
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
