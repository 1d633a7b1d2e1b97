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

// Package controls holds kspec's built-in control catalogs: for NIST SP
// 800-53 rev5, the CIS Kubernetes Benchmark and the Pod Security Standards,
// the controls (ids and titles) and which of them each kspec rule gives
// evidence for. The catalogs are YAML in catalogs/, embedded; a rule a
// framework has nothing to say about is listed as not applicable with the
// reason. Reports use the catalogs for rules a specification maps to no
// control of that framework, beside the specification's own mappings.
package controls

import (
	"embed"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/pkg/errors"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/internal/rules"
)

//go:embed catalogs/*.yaml
var files embed.FS

// A Control is one control of a catalog.
type Control struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// A Catalog is a framework's controls and the kspec rules mapped to them.
type Catalog struct {
	// File is the catalog's file name in catalogs/.
	File string `json:"-"`
	// Name is the framework as specifications name it, such as NIST-800-53.
	Name     string `json:"name"`
	Revision string `json:"revision"`
	Title    string `json:"title"`
	// Aliases are other names specifications may give the framework.
	Aliases  []string  `json:"aliases,omitempty"`
	Controls []Control `json:"controls"`
	// Mappings are the control ids each rule gives evidence for.
	Mappings map[string][]string `json:"mappings"`
	// NotApplicable are rules the framework has no control for, with why.
	NotApplicable map[string]string `json:"notApplicable,omitempty"`

	byID map[string]Control
}

var load = sync.OnceValues(func() ([]*Catalog, error) {
	entries, err := files.ReadDir("catalogs")
	if err != nil {
		return nil, err
	}
	var out []*Catalog
	for _, e := range entries {
		b, err := files.ReadFile(path.Join("catalogs", e.Name()))
		if err != nil {
			return nil, err
		}
		c, err := Parse(e.Name(), b)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Catalog) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
})

// Parse reads a catalog and checks that every mapped control is one of its
// controls and that no rule is both mapped and not applicable.
func Parse(file string, data []byte) (*Catalog, error) {
	c := &Catalog{File: file}
	if err := yaml.UnmarshalStrict(data, c); err != nil {
		return nil, errors.Wrapf(err, "catalog %s", file)
	}
	if c.Name == "" || c.Revision == "" {
		return nil, errors.Errorf("catalog %s: name and revision are required", file)
	}
	c.byID = map[string]Control{}
	for _, ctl := range c.Controls {
		if ctl.ID == "" || ctl.Title == "" {
			return nil, errors.Errorf("catalog %s: a control without an id or title", file)
		}
		if _, dup := c.byID[ctl.ID]; dup {
			return nil, errors.Errorf("catalog %s: control %s is listed twice", file, ctl.ID)
		}
		c.byID[ctl.ID] = ctl
	}
	for rule, ids := range c.Mappings {
		if len(ids) == 0 {
			return nil, errors.Errorf("catalog %s: rule %s maps to no control", file, rule)
		}
		for _, id := range ids {
			if _, ok := c.byID[id]; !ok {
				return nil, errors.Errorf("catalog %s: rule %s maps to %s, which is not a control of the catalog", file, rule, id)
			}
		}
		if _, ok := c.NotApplicable[rule]; ok {
			return nil, errors.Errorf("catalog %s: rule %s is both mapped and not applicable", file, rule)
		}
	}
	return c, nil
}

// Catalogs are the built-in catalogs, by name. They are shared: do not
// modify them.
func Catalogs() []*Catalog {
	cs, err := load()
	if err != nil {
		// The catalogs are compiled in and tested; this cannot happen in
		// a built binary.
		panic(err)
	}
	return cs
}

// Control returns a control of the catalog by id.
func (c *Catalog) Control(id string) (Control, bool) {
	ctl, ok := c.byID[id]
	return ctl, ok
}

// Names reports whether a specification's framework name is this catalog:
// its name or an alias, ignoring case and punctuation.
func (c *Catalog) Names(framework string) bool {
	n := normalize(framework)
	if n == normalize(c.Name) {
		return true
	}
	return slices.ContainsFunc(c.Aliases, func(a string) bool { return normalize(a) == n })
}

// For is the catalog's controls for a rule, in the catalog's order.
func (c *Catalog) For(rule string) []rules.Control {
	ids := c.Mappings[rule]
	out := make([]rules.Control, 0, len(ids))
	for _, ctl := range c.Controls {
		if slices.Contains(ids, ctl.ID) {
			out = append(out, rules.Control{Framework: c.Name, Revision: c.Revision, ID: ctl.ID, Title: ctl.Title})
		}
	}
	return out
}

// Merge is a rule's controls: the specification's own, then for every
// built-in catalog of a framework the specification maps the rule to no
// control of, the catalog's controls for it. A specification that maps a
// rule to a framework's controls has the last word on that framework.
func Merge(rule string, spec []rules.Control) []rules.Control {
	out := slices.Clone(spec)
	for _, c := range Catalogs() {
		if slices.ContainsFunc(spec, func(s rules.Control) bool { return c.Names(s.Framework) }) {
			continue
		}
		out = append(out, c.For(rule)...)
	}
	return out
}

func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}
