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
	"strconv"
	"strings"
)

// A segment is one step of a field path: a field name, a list index or a
// map key.
type segment struct {
	name  string
	index int
	key   string
}

// splitPath splits a field path such as spec.rules[0].verbs or
// metadata.labels[app] into segments.
func splitPath(p string) []segment {
	var segs []segment
	for p != "" {
		switch p[0] {
		case '.':
			p = p[1:]
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return append(segs, segment{name: p, index: -1})
			}
			in := p[1:end]
			if i, err := strconv.Atoi(in); err == nil {
				segs = append(segs, segment{index: i})
			} else {
				segs = append(segs, segment{key: in, index: -1})
			}
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			segs = append(segs, segment{name: p[:end], index: -1})
			p = p[end:]
		}
	}
	return segs
}
