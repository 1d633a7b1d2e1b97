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

// Package oscal writes a report as an OSCAL 1.1.3 assessment-results
// document (go-oscal's types): the controls the rules map to as reviewed
// controls, an observation per rule and per failing object, and a finding
// per control saying whether the rules mapped to it are satisfied, linked
// to its observations. UUIDs are derived from the content (UUIDv5), and
// every timestamp is the report's, so the same report gives the same
// bytes.
package oscal

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	oscaltypes "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"
	"github.com/google/uuid"
	"github.com/pkg/errors"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/version"
)

// Version is the OSCAL version written.
const Version = "1.1.3"

// NS is the namespace of kspec's own OSCAL properties.
const NS = "https://kspec.io/ns/oscal"

// namespace roots every UUID kspec derives.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://kspec.io/oscal"))

// MaxObjectObservations bounds the observations of failing objects per
// rule; the rule's own observation counts them all.
const MaxObjectObservations = 100

// A Stream keeps, per rule, its counts and its first failing objects, and
// a digest of every result, and writes the document at End.
type Stream struct {
	w       io.Writer
	digest  hash.Hash
	tallies report.Tallies
}

// New returns a stream writing to w.
func New(w io.Writer) *Stream {
	return &Stream{w: w, digest: sha256.New(), tallies: report.NewTallies(MaxObjectObservations)}
}

// Write writes a whole report as OSCAL assessment results.
func Write(w io.Writer, rep *report.Report) error { return report.WriteAll(New(w), rep) }

// Begin does nothing: the document needs every result.
func (s *Stream) Begin(*report.Report) error { return nil }

// Results counts each rule's results and keeps its first failing objects.
func (s *Stream) Results(rs []report.Result) error {
	for _, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, _ = s.digest.Write(b)
		s.tallies.Add(r)
	}
	return nil
}

// End writes the document.
func (s *Stream) End(rep *report.Report) error {
	doc, err := s.build(rep)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(s.w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(oscaltypes.OscalModels{AssessmentResults: doc}); err != nil {
		return err
	}
	return bw.Flush()
}

func (s *Stream) build(rep *report.Report) (*oscaltypes.AssessmentResults, error) {
	// OSCAL dates every document, observation and result; they are the
	// report's time, never the clock's.
	t, err := time.Parse(time.RFC3339, rep.Time)
	if err != nil {
		return nil, errors.Wrapf(err, "OSCAL needs the report's time, an RFC 3339 time, not %q", rep.Time)
	}
	at := t.UTC()
	// The document's identity is everything it is made of.
	head, err := json.Marshal(struct {
		Label, Mode, Time string
		Rules             []report.Rule
		Summary           report.Summary
		InputErrors       []report.InputError
		Fleet             *report.Fleet
	}{rep.Label(), rep.Mode, rep.Time, rep.Rules, rep.Summary, rep.InputErrors, rep.Fleet})
	if err != nil {
		return nil, err
	}
	_, _ = s.digest.Write(head)
	docID := uuid.NewSHA1(namespace, s.digest.Sum(nil))
	id := func(parts ...string) string { return uuid.NewSHA1(docID, []byte(strings.Join(parts, "\x00"))).String() }

	ruleList := slices.Clone(rep.Rules)
	idx := rep.RuleIndex()
	for _, r := range s.tallies.Order {
		if idx[r] == nil {
			ruleList = append(ruleList, report.Rule{ID: r})
		}
	}

	// Observations: one per rule evaluated, one per failing object.
	var observations []oscaltypes.Observation
	ruleObs := map[string][]string{}
	for _, r := range ruleList {
		t := s.tallies.ByRule[r.ID]
		if t == nil {
			continue
		}
		oid := id("observation", r.ID)
		ruleObs[r.ID] = append(ruleObs[r.ID], oid)
		sm := t.Summary
		desc := fmt.Sprintf("kspec evaluated rule %s on the objects it governs: %d pass, %d fail, %d warn, %d skip, %d error.", r.ID, sm.Pass, sm.Fail, sm.Warn, sm.Skip, sm.Error)
		if t.More > 0 {
			desc += fmt.Sprintf(" The first %d failing objects are observed individually; %d more are counted only.", len(t.Notable), t.More)
		}
		observations = append(observations, oscaltypes.Observation{
			UUID: oid, Title: line(fmt.Sprintf("%s: %s", r.ID, orElse(r.Title, r.ID))), Description: desc,
			Methods: []string{"TEST"}, Types: &[]string{"control-objective"}, Collected: at,
			Props: props(
				prop("rule", r.ID), prop("severity", r.Severity),
				prop("pass", fmt.Sprint(sm.Pass)), prop("fail", fmt.Sprint(sm.Fail)), prop("warn", fmt.Sprint(sm.Warn)),
				prop("skip", fmt.Sprint(sm.Skip)), prop("error", fmt.Sprint(sm.Error)),
			),
			Remarks: r.Remediation,
		})
		for i, f := range t.Notable {
			foid := id("observation", r.ID, fmt.Sprint(i))
			ruleObs[r.ID] = append(ruleObs[r.ID], foid)
			ev := fmt.Sprintf("%s: %s", f.Subject(), f.Message)
			o := oscaltypes.Observation{
				UUID: foid, Title: line(fmt.Sprintf("%s %s on %s", f.Rule, strings.ToLower(string(f.Status)), f.Subject())),
				Description: ev, Methods: []string{"TEST"}, Types: &[]string{"finding"}, Collected: at,
				Props: props(prop("rule", f.Rule), prop("status", string(f.Status)), prop("severity", f.Severity),
					prop("object", f.Object.String()), prop("cluster", f.Cluster)),
			}
			if f.Location != nil {
				o.RelevantEvidence = &[]oscaltypes.RelevantEvidence{{
					Href:        (&url.URL{Path: f.Source}).String(),
					Description: fmt.Sprintf("document %d at line %d of %s", f.Index, f.Line, f.Source),
				}}
			}
			observations = append(observations, o)
		}
	}

	// Controls, by framework, and the rules giving evidence for each.
	type control struct {
		c     report.Control
		rules []string
	}
	controls := map[string]*control{}
	var keys []string
	for _, r := range ruleList {
		for _, c := range r.Mappings {
			k := c.Framework + "\x00" + c.ID
			if controls[k] == nil {
				controls[k] = &control{c: c}
				keys = append(keys, k)
			}
			controls[k].rules = append(controls[k].rules, r.ID)
		}
	}
	slices.Sort(keys)
	byFramework := map[string][]oscaltypes.AssessedControlsSelectControlById{}
	var frameworks []string
	var findings []oscaltypes.Finding
	for _, k := range keys {
		c := controls[k]
		cid := ControlID(c.c.Framework, c.c.ID)
		fw := c.c.Framework
		if _, ok := byFramework[fw]; !ok {
			frameworks = append(frameworks, fw)
		}
		byFramework[fw] = append(byFramework[fw], oscaltypes.AssessedControlsSelectControlById{ControlId: cid})

		var sum report.Summary
		var related []oscaltypes.RelatedObservation
		for _, r := range c.rules {
			if t := s.tallies.ByRule[r]; t != nil {
				sum.Add(t.Summary)
			}
			for _, o := range ruleObs[r] {
				related = append(related, oscaltypes.RelatedObservation{ObservationUuid: o})
			}
		}
		state, reason := "satisfied", "pass"
		switch {
		case sum.Failed():
			state, reason = "not-satisfied", "fail"
		case sum.Pass+sum.Warn == 0:
			state, reason = "not-satisfied", "other"
		}
		f := oscaltypes.Finding{
			UUID:  id("finding", k),
			Title: line(fmt.Sprintf("%s %s: %s", c.c.Framework, c.c.ID, orElse(c.c.Title, c.c.ID))),
			Description: fmt.Sprintf("%s %s is %s by kspec rules %s: %d pass, %d fail, %d warn, %d skip, %d error.",
				c.c.Framework, c.c.ID, strings.ReplaceAll(state, "-", " "), strings.Join(c.rules, ", "), sum.Pass, sum.Fail, sum.Warn, sum.Skip, sum.Error),
			Target: oscaltypes.FindingTarget{
				Type: "objective-id", TargetId: cid + "_obj",
				Title:  line(orElse(c.c.Title, c.c.ID)),
				Status: oscaltypes.ObjectiveStatus{State: state, Reason: reason},
			},
			Props: props(prop("framework", c.c.Framework), prop("revision", c.c.Revision), prop("control", c.c.ID)),
		}
		if state == "not-satisfied" && reason == "other" {
			f.Target.Status.Remarks = "No rule mapped to this control was evaluated."
		}
		if len(related) > 0 {
			f.RelatedObservations = &related
		}
		findings = append(findings, f)
	}
	selections := []oscaltypes.AssessedControls{}
	for _, fw := range frameworks {
		include := byFramework[fw]
		selections = append(selections, oscaltypes.AssessedControls{
			Description:     "Controls of " + fw + " that kspec's rules give evidence for.",
			IncludeControls: &include,
			Props:           props(prop("framework", fw)),
		})
	}
	if len(selections) == 0 {
		// The schema needs a selection; a report mapping no control
		// reviewed none.
		selections = append(selections, oscaltypes.AssessedControls{
			Description: "No rule of the specification maps to a control.", IncludeControls: &[]oscaltypes.AssessedControlsSelectControlById{},
		})
		selections[0].IncludeControls = nil
		selections[0].ExcludeControls = nil
		selections[0].IncludeAll = nil
	}

	sm := rep.Summary
	result := oscaltypes.Result{
		UUID:  id("result"),
		Title: line("kspec assessment of " + rep.Label()),
		Description: fmt.Sprintf("kspec evaluated specification %s (mode %s) on %d objects: %d pass, %d fail, %d warn, %d skip, %d error; %d documents could not be read; score %d%%.",
			rep.Label(), rep.Mode, sm.Objects, sm.Pass, sm.Fail, sm.Warn, sm.Skip, sm.Error, sm.InputErrors, sm.Score()),
		Start: at, End: &at,
		ReviewedControls: oscaltypes.ReviewedControls{ControlSelections: selections},
		Props: props(prop("specification", rep.Label()), prop("mode", rep.Mode), prop("score", fmt.Sprint(sm.Score())),
			prop("not-evaluated", strings.Join(rep.NotEvaluated, ", "))),
	}
	if len(observations) > 0 {
		result.Observations = &observations
	}
	if len(findings) > 0 {
		result.Findings = &findings
	}
	var remarks []string
	for _, e := range rep.InputErrors {
		remarks = append(remarks, fmt.Sprintf("input error: %s:%d document %d: %s", e.Source, e.Line, e.Index, e.Message))
	}
	for _, w := range rep.Warnings {
		remarks = append(remarks, "warning: "+w)
	}
	result.Remarks = strings.Join(remarks, "\n")

	return &oscaltypes.AssessmentResults{
		UUID: docID.String(),
		Metadata: oscaltypes.Metadata{
			Title:        line("kspec compliance assessment: " + rep.Label()),
			LastModified: at, Version: version.Version(), OscalVersion: Version,
			Props: props(prop("tool", "kspec")),
		},
		ImportAp: oscaltypes.ImportAp{
			Href:    "kspec:specification/" + url.PathEscape(rep.Label()),
			Remarks: "The assessment plan is the kspec specification " + rep.Label() + ": its rules are the assessment's tests.",
		},
		Results: []oscaltypes.Result{result},
	}, nil
}

var nonToken = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// ControlID is a control's id as an OSCAL token. NIST SP 800-53 ids take
// the form of NIST's OSCAL catalog (AC-6(10) is ac-6.10); other
// frameworks' ids are prefixed by the framework, since OSCAL ids begin
// with a letter and hold no slash (CIS 5.2.7 is cis-kubernetes-5.2.7).
func ControlID(framework, id string) string {
	if strings.Contains(strings.ToLower(framework), "800-53") || strings.Contains(strings.ToLower(framework), "80053") {
		s := strings.ToLower(strings.NewReplacer("(", ".", ")", "", " ", "").Replace(id))
		if tokenRE.MatchString(s) {
			return s
		}
	}
	s := strings.Trim(nonToken.ReplaceAllString(strings.ToLower(framework)+"-"+id, "_"), "_.-")
	if !tokenRE.MatchString(s) {
		s = "_" + s
	}
	return s
}

var tokenRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9._-]*$`)

func orElse(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// line makes s an OSCAL markup-line: one line.
func line(s string) string { return strings.Join(strings.Fields(s), " ") }

// prop is a kspec property; an empty value is no property, as OSCAL
// values cannot be empty or begin or end with spaces.
func prop(name, value string) *oscaltypes.Property {
	v := line(value)
	if v == "" {
		return nil
	}
	return &oscaltypes.Property{Name: name, Ns: NS, Value: v}
}

func props(ps ...*oscaltypes.Property) *[]oscaltypes.Property {
	var out []oscaltypes.Property
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}
