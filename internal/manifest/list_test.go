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

func TestExpand(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     string
		kinds  []string
		err    string
	}{
		"Object":      {reason: "A document without items is itself.", in: "apiVersion: v1\nkind: Pod\n", kinds: []string{"Pod"}},
		"List":        {reason: "A List is its items.", in: "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod}\n- {apiVersion: v1, kind: Service}\n", kinds: []string{"Pod", "Service"}},
		"TypedList":   {reason: "Items without kind take the list's, as kubectl gives them.", in: "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n", kinds: []string{"Pod"}},
		"NullItems":   {reason: "items: null is an empty list to kubectl.", in: "apiVersion: v1\nkind: List\nitems: null\n"},
		"ItemsMap":    {reason: "items must be a list.", in: "apiVersion: v1\nkind: List\nitems: {a: {kind: Pod}}\n", err: "items is an object, not a list"},
		"NonObject":   {reason: "Each item must be an object; the others are still returned.", in: "apiVersion: v1\nkind: List\nitems: [3, {apiVersion: v1, kind: Pod}]\n", kinds: []string{"Pod"}, err: "items[0] is a number, not an object"},
		"ListInAList": {reason: "kubectl does not read a list inside a list.", in: "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: List, items: [{kind: Pod}]}]\n", err: "items[0] is a list inside a list"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d := Split("f", []byte(tc.in))[0].Decode()
			require.NoError(t, d.Err)
			objs, err := Expand(d)
			var kinds []string
			for _, o := range objs {
				kinds = append(kinds, o.Object.GetKind())
				assert.Equal(t, d.Line, o.Line, tc.reason)
			}
			assert.Equal(t, tc.kinds, kinds, tc.reason)
			if tc.err == "" {
				assert.NoError(t, err, tc.reason)
				return
			}
			require.Error(t, err, tc.reason)
			assert.Contains(t, err.Error(), tc.err, tc.reason)
		})
	}
}
