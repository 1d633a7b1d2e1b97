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

	"github.com/pkg/errors"
	"gopkg.in/yaml.v3"
)

// MaxAliasNodes bounds how many nodes aliases may add to a document when
// expanded: a few kilobytes of aliases to a large anchor would otherwise
// decode to gigabytes. Manifests that use aliases at all reuse a few
// small blocks.
const MaxAliasNodes = 100_000

// checkAliases refuses a YAML document whose aliases expand to more than
// MaxAliasNodes nodes. A document without an anchor has no alias, so only
// those with a & pay for the parse.
func checkAliases(data []byte) error {
	if !bytes.Contains(data, []byte("&")) || !bytes.Contains(data, []byte("*")) {
		return nil
	}
	n := &yaml.Node{}
	if err := yaml.Unmarshal(data, n); err != nil {
		return nil // The decoder reports syntax errors, with their lines.
	}
	return boundAliases(n)
}

// boundAliases counts the nodes aliases add when expanded, each anchor's
// size computed once.
func boundAliases(root *yaml.Node) error {
	size := map[*yaml.Node]int{}
	added := 0
	var walk func(n *yaml.Node) int
	walk = func(n *yaml.Node) int {
		if s, ok := size[n]; ok {
			return s
		}
		size[n] = 1 // An alias to an enclosing node is a cycle; the decoder rejects it.
		s := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			a := walk(n.Alias)
			added = min(added+a, 1<<40)
			s = a
		}
		for _, c := range n.Content {
			s += walk(c)
		}
		s = min(s, 1<<40) // Nested aliases grow exponentially; the sum must not overflow.
		size[n] = s
		return s
	}
	walk(root)
	if added > MaxAliasNodes {
		return errors.Errorf("aliases expand the document by %d nodes, more than the limit of %d", added, MaxAliasNodes)
	}
	return nil
}
