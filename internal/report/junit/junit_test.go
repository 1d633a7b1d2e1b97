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

package junit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
)

// element is what junit-10.xsd (the Ant/Jenkins JUnit schema CI
// dashboards read) allows of an element: its attributes, those required,
// and its children in the order the schema's sequence gives them, with
// how many of each.
type element struct {
	attrs    []string
	required []string
	children []child
	// text says whether character data is allowed (mixed content).
	text bool
}

type child struct {
	name     string
	max      int // 0 is unbounded
	optional bool
}

// xsd is junit-10.xsd, written as data: the Go standard library has no
// XSD validator and kspec takes no cgo dependency for one, so the test
// checks the document against the schema's rules, element by element.
var xsd = map[string]element{
	"testsuites": {
		attrs:    []string{"name", "time", "tests", "failures", "disabled", "errors"},
		children: []child{{name: "testsuite", optional: true}},
	},
	"testsuite": {
		attrs:    []string{"name", "tests", "failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url", "version"},
		required: []string{"name", "tests"},
		children: []child{{name: "properties", max: 1, optional: true}, {name: "testcase", optional: true}, {name: "system-out", max: 1, optional: true}, {name: "system-err", max: 1, optional: true}},
	},
	"properties": {children: []child{{name: "property"}}},
	"property":   {attrs: []string{"name", "value"}, required: []string{"name", "value"}},
	"testcase": {
		attrs:    []string{"name", "assertions", "time", "classname", "status", "class", "file", "line", "log", "group", "url"},
		required: []string{"name"},
		children: []child{{name: "skipped", max: 1, optional: true}, {name: "error", optional: true}, {name: "failure", optional: true}, {name: "system-out", optional: true}, {name: "system-err", optional: true}},
	},
	"skipped":    {attrs: []string{"message"}, text: true},
	"error":      {attrs: []string{"message", "type"}, text: true},
	"failure":    {attrs: []string{"message", "type"}, text: true},
	"system-out": {text: true},
	"system-err": {text: true},
}

// numeric are attributes the schema types as numbers.
var numeric = map[string]bool{"tests": true, "failures": true, "errors": true, "skipped": true, "disabled": true}

// validate checks a document against xsd.
func validate(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	type open struct {
		name string
		pos  int   // index in the parent's children of the last child seen
		seen []int // how many of each child
	}
	var stack []*open
	root := true
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed: %w", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			name := tk.Name.Local
			el, ok := xsd[name]
			if !ok {
				return fmt.Errorf("element %s is not in the schema", name)
			}
			if root {
				if name != "testsuites" {
					return fmt.Errorf("the root is %s, not testsuites", name)
				}
				root = false
			} else {
				parent := stack[len(stack)-1]
				pel := xsd[parent.name]
				i := slices.IndexFunc(pel.children, func(c child) bool { return c.name == name })
				switch {
				case i < 0:
					return fmt.Errorf("%s may not hold %s", parent.name, name)
				case i < parent.pos:
					return fmt.Errorf("%s comes after what follows it in %s", name, parent.name)
				}
				parent.pos = i
				parent.seen[i]++
				if c := pel.children[i]; c.max > 0 && parent.seen[i] > c.max {
					return fmt.Errorf("at most %d %s in %s", c.max, name, parent.name)
				}
			}
			var have []string
			for _, a := range tk.Attr {
				if !slices.Contains(el.attrs, a.Name.Local) {
					return fmt.Errorf("attribute %s of %s is not in the schema", a.Name.Local, name)
				}
				if _, err := strconv.Atoi(a.Value); numeric[a.Name.Local] && err != nil {
					return fmt.Errorf("%s of %s is not a number", a.Name.Local, name)
				}
				have = append(have, a.Name.Local)
			}
			for _, r := range el.required {
				if !slices.Contains(have, r) {
					return fmt.Errorf("%s needs %s", name, r)
				}
			}
			stack = append(stack, &open{name: name, seen: make([]int, len(el.children))})
		case xml.EndElement:
			top := stack[len(stack)-1]
			for i, c := range xsd[top.name].children {
				if !c.optional && top.seen[i] == 0 {
					return fmt.Errorf("%s needs %s", top.name, c.name)
				}
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && !xsd[stack[len(stack)-1].name].text && len(bytes.TrimSpace(tk)) > 0 {
				return fmt.Errorf("%s holds no text", stack[len(stack)-1].name)
			}
		}
	}
	return nil
}

func TestValid(t *testing.T) {
	cases := map[string]struct {
		reason string
		rep    *report.Report
	}{
		"Sample":  {reason: "Every status and an input error.", rep: reporttest.Sample()},
		"Hostile": {reason: "Controls XML cannot hold are escaped, not written.", rep: reporttest.Hostile()},
		"Fleet":   {reason: "Results of several clusters.", rep: reporttest.Fleet()},
		"Empty":   {reason: "No results.", rep: &report.Report{Specification: "s"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, Write(&b, tc.rep))
			require.NoError(t, validate(b.Bytes()))
			var again bytes.Buffer
			require.NoError(t, Write(&again, tc.rep))
			assert.Equal(t, b.String(), again.String(), "the same report, the same bytes")
		})
	}
}

func TestCounts(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, reporttest.Sample()))
	var doc Testsuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
	var names []string
	for _, su := range doc.Suites {
		names = append(names, su.Name)
		assert.Len(t, su.Cases, su.Tests)
	}
	assert.Equal(t, []string{"rbac.validation", "workload.security", InputSuite}, names, "a suite per category, sorted, then the input errors")
	assert.Equal(t, 8, doc.Tests, "a case per rule and object, and per input error")
	assert.Equal(t, 3, doc.Failures)
	assert.Equal(t, 2, doc.Errors, "an evaluation error and an input error")
	ws := doc.Suites[1]
	assert.Equal(t, "workload.security/run-as-non-root", ws.Cases[1].Classname)
	assert.Equal(t, "Pod/team-a/b", ws.Cases[1].Name)
	require.NotNil(t, ws.Cases[1].Failure)
	assert.Contains(t, ws.Cases[1].Failure.Text, "NIST-800-53 AC-6", "a failure names the controls")
	assert.Equal(t, "WARN: cannot tell", ws.Cases[3].SystemOut, "a warning passes, with its message")
}

// TestSchemaRejects: the schema check fails on what the schema forbids.
func TestSchemaRejects(t *testing.T) {
	for _, doc := range []string{
		`<testsuites skipped="1"></testsuites>`,
		`<testsuites><testsuite tests="1"></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="1"><testcase name="x"><failure/><skipped/></testcase></testsuite></testsuites>`,
	} {
		assert.Error(t, validate([]byte(doc)), doc)
	}
}
