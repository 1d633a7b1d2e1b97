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

// Package junit writes a report as JUnit XML for CI test dashboards: a
// testsuite per rule category, a testcase per rule and object. The
// elements and attributes are those of the Ant/Jenkins JUnit schema
// (junit-10.xsd), which Jenkins, GitLab, GitHub test reporters and Azure
// DevOps read.
package junit

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
)

// Testsuites is the document.
type Testsuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr,omitempty"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []Testsuite `xml:"testsuite"`
	// skipped is counted, not written: junit-10.xsd has no skipped on
	// testsuites.
	skipped int
}

// A Testsuite is one rule category.
type Testsuite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Timestamp  string      `xml:"timestamp,attr,omitempty"`
	Properties *Properties `xml:"properties,omitempty"`
	Cases      []Testcase  `xml:"testcase"`
}

// Properties of a suite.
type Properties struct {
	Items []Property `xml:"property"`
}

// A Property is a name and value.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// A Testcase is one rule on one object.
type Testcase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Skipped   *Outcome `xml:"skipped,omitempty"`
	Error     *Outcome `xml:"error,omitempty"`
	Failure   *Outcome `xml:"failure,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// An Outcome says why a case failed, errored or was skipped.
type Outcome struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// InputSuite is the suite of documents that could not be read: each is
// an error, so a dashboard shows the run did not read everything.
const InputSuite = "kspec.input"

// A Stream keeps each category's cases and writes the document at End:
// a suite's counts come before its cases. What it holds is linear in the
// results.
type Stream struct {
	w      io.Writer
	suites map[string]*Testsuite
	rules  map[string]*report.Rule
}

// New returns a stream writing to w.
func New(w io.Writer) *Stream { return &Stream{w: w, suites: map[string]*Testsuite{}} }

// Write writes a whole report as JUnit XML.
func Write(w io.Writer, rep *report.Report) error { return report.WriteAll(New(w), rep) }

// Begin indexes the rules.
func (s *Stream) Begin(rep *report.Report) error {
	s.rules = rep.RuleIndex()
	return nil
}

// Results adds a case per result.
func (s *Stream) Results(rs []report.Result) error {
	for _, r := range rs {
		cat := report.Category(r.Rule)
		su := s.suites[cat]
		if su == nil {
			su = &Testsuite{Name: cat, Time: "0"}
			s.suites[cat] = su
		}
		c := Testcase{Name: clean(r.Subject()), Classname: r.Rule, Time: "0"}
		msg := clean(r.Message)
		switch r.Status {
		case rules.Pass:
		case rules.Fail:
			c.Failure = &Outcome{Message: msg, Type: r.Severity, Text: s.detail(r)}
			su.Failures++
		case rules.Warn:
			c.SystemOut = "WARN: " + msg
		case rules.Skip:
			c.Skipped = &Outcome{Message: skipMessage(r)}
			su.Skipped++
		default:
			c.Error = &Outcome{Message: msg, Type: "Error", Text: s.detail(r)}
			su.Errors++
		}
		su.Tests++
		su.Cases = append(su.Cases, c)
	}
	return nil
}

// detail is a failure's text: where, the rule, its controls and the fix.
func (s *Stream) detail(r report.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", r.Subject(), r.Message)
	if r.Location != nil {
		fmt.Fprintf(&b, "at %s:%d\n", r.Source, r.Line)
	}
	if rule := s.rules[r.Rule]; rule != nil {
		fmt.Fprintf(&b, "rule %s (%s): %s\n", rule.ID, rule.Severity, rule.Title)
		if len(rule.Controls) > 0 {
			fmt.Fprintf(&b, "controls: %s\n", strings.Join(rule.Controls, ", "))
		}
		if rule.Remediation != "" {
			fmt.Fprintf(&b, "remediation: %s\n", rule.Remediation)
		}
	}
	return clean(b.String())
}

func skipMessage(r report.Result) string {
	if r.Exemption != "" {
		return clean("exempt by " + r.Exemption + ": " + r.Message)
	}
	return clean(r.Message)
}

// End writes the document.
func (s *Stream) End(rep *report.Report) error {
	doc := Testsuites{Name: clean("kspec " + rep.Label()), Time: "0"}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range s.suites {
			if !yield(k) {
				return
			}
		}
	}) {
		su := s.suites[name]
		su.Timestamp = timestamp(rep.Time)
		doc.Suites = append(doc.Suites, *su)
	}
	if len(rep.InputErrors) > 0 {
		su := Testsuite{Name: InputSuite, Time: "0", Timestamp: timestamp(rep.Time)}
		for _, e := range rep.InputErrors {
			su.Cases = append(su.Cases, Testcase{
				Name: clean(fmt.Sprintf("%s:%d", e.Source, e.Line)), Classname: InputSuite, Time: "0",
				Error: &Outcome{Message: clean(e.Message), Type: "InputError", Text: clean(fmt.Sprintf("document %d: %s", e.Index, e.Message))},
			})
			su.Tests++
			su.Errors++
		}
		doc.Suites = append(doc.Suites, su)
	}
	for _, su := range doc.Suites {
		doc.Tests += su.Tests
		doc.Failures += su.Failures
		doc.Errors += su.Errors
		doc.skipped += su.Skipped
	}
	bw := bufio.NewWriter(s.w)
	_, _ = bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_ = bw.WriteByte('\n')
	return bw.Flush()
}

// timestamp is the report's time as the schema's xs:dateTime without a
// time zone, as Ant writes it; empty when the report has none.
func timestamp(t string) string {
	at, err := time.Parse(time.RFC3339, t)
	if err != nil {
		return ""
	}
	return at.UTC().Format("2006-01-02T15:04:05")
}

// clean drops what XML 1.0 cannot hold (most C0 controls, lone
// surrogates, U+FFFE/U+FFFF), which encoding/xml would otherwise write as
// an invalid document or the replacement character silently. A dropped
// character is written as a Go escape, as on a terminal.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if !isXMLChar(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isXMLChar(r) {
			b.WriteRune(r)
		} else {
			b.WriteString(report.Printable(string(r)))
		}
	}
	return b.String()
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
