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

package controls

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/rules"
)

// TestEveryRuleMapped: every rule the engine can produce, cluster-level
// ones included, maps to at least one control of every catalog or is
// listed, with a reason, as one the framework has no control for; NIST SP
// 800-53 covers every rule. Every mapped id is a control of its catalog
// (Parse checks that) and no catalog names a rule the engine does not have.
func TestEveryRuleMapped(t *testing.T) {
	var all []string
	for _, ids := range rules.RuleIDs() {
		all = append(all, ids...)
	}
	slices.Sort(all)
	require.NotEmpty(t, all)
	cs := Catalogs()
	require.Len(t, cs, 3)
	for _, c := range cs {
		t.Run(c.Name, func(t *testing.T) {
			for _, id := range all {
				why, na := c.NotApplicable[id]
				if na {
					assert.NotEmpty(t, why, "%s: a rule not applicable says why", id)
					continue
				}
				assert.NotEmpty(t, c.For(id), "%s maps to no control of %s", id, c.Name)
				for _, ctl := range c.For(id) {
					got, ok := c.Control(ctl.ID)
					assert.True(t, ok)
					assert.Equal(t, got.Title, ctl.Title)
				}
			}
			for id := range c.Mappings {
				assert.Contains(t, all, id, "%s maps a rule the engine does not have", c.File)
			}
			for id := range c.NotApplicable {
				assert.Contains(t, all, id, "%s lists a rule the engine does not have", c.File)
			}
			if c.Name == "NIST-800-53" {
				assert.Empty(t, c.NotApplicable, "every rule gives evidence for some NIST SP 800-53 control")
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	cases := map[string]struct {
		reason string
		data   string
	}{
		"UnknownControl": {reason: "A mapping names a control the catalog does not list.", data: "name: X\nrevision: r\ncontrols: [{id: A-1, title: A}]\nmappings: {x/y: [A-2]}\n"},
		"Both":           {reason: "A rule is mapped and not applicable.", data: "name: X\nrevision: r\ncontrols: [{id: A-1, title: A}]\nmappings: {x/y: [A-1]}\nnotApplicable: {x/y: no}\n"},
		"Duplicate":      {reason: "A control is listed twice.", data: "name: X\nrevision: r\ncontrols: [{id: A-1, title: A}, {id: A-1, title: B}]\n"},
		"UnknownField":   {reason: "A misspelt field is an error, not ignored.", data: "name: X\nrevision: r\ncontrol: []\n"},
		"NoName":         {reason: "A catalog has a name.", data: "revision: r\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tc.data))
			assert.Error(t, err, tc.reason)
		})
	}
}

func TestMerge(t *testing.T) {
	const rule = "workload.security/privileged"
	got := Merge(rule, nil)
	var frameworks []string
	for _, c := range got {
		frameworks = append(frameworks, c.Framework+" "+c.ID)
	}
	assert.Equal(t, []string{"CIS-Kubernetes 5.2.2", "NIST-800-53 AC-6", "NIST-800-53 CM-7", "Pod-Security-Standards baseline/privileged-containers"}, frameworks,
		"with no mapping of its own, a rule gets every catalog's controls")

	own := []rules.Control{{Framework: "nist sp 800-53", Revision: "5", ID: "AC-6(10)", Title: "Prohibit Non-privileged Users from Executing Privileged Functions"}}
	got = Merge(rule, own)
	assert.Equal(t, own[0], got[0], "the specification's own come first")
	for _, c := range got[1:] {
		assert.NotEqual(t, "NIST-800-53", c.Framework, "a framework the specification maps is the specification's")
	}
	assert.Len(t, got, 3)
	assert.Equal(t, "CIS-Kubernetes", got[1].Framework)
}
