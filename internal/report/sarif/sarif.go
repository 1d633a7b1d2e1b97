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

// Package sarif writes a report as a SARIF 2.1.0 log for code scanning.
package sarif

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	sarifreport "github.com/owenrumney/go-sarif/v3/pkg/report"
	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/pkg/errors"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/version"
)

// Levels of SARIF results.
const (
	levelError   = "error"
	levelWarning = "warning"
	levelNote    = "note"
)

// severityLevel maps a rule's severity to the SARIF level of its failures.
func severityLevel(severity string) string {
	switch severity {
	case "Critical", "High":
		return levelError
	case "Medium":
		return levelWarning
	}
	return levelNote
}

// resultLevel is a result's SARIF level: a failure's comes from its
// severity, a rule that could not be evaluated is an error, and a warning
// is a warning whatever the severity.
func resultLevel(r report.Result) (string, bool) {
	switch r.Status {
	case rules.Fail:
		return severityLevel(r.Severity), true
	case rules.Warn:
		return levelWarning, true
	case rules.Pass, rules.Skip:
		return "", false
	}
	return levelError, true
}

// A Stream writes a SARIF 2.1.0 log for code scanning as results are
// found: every rule, a result for each failure, warning and error, then
// the files results point to, and the input errors and warnings as
// notifications. Results are written one per line as they come, so memory
// does not grow with them; the files and notifications grow with the
// input's files and unreadable documents only. The pieces are go-sarif's
// types; the tests validate the log against the SARIF schema, which is too
// costly to run on a large log at every check.
type Stream struct {
	w   *bufio.Writer
	run *gosarif.Run
	// artifacts are the files results point to, in the order first seen.
	artifacts []string
	seen      map[string]bool
	n         int
}

// New returns a stream writing to w.
func New(w io.Writer) *Stream {
	return &Stream{w: bufio.NewWriter(w), seen: map[string]bool{}}
}

// Write writes a whole report as SARIF, as a Stream does.
func Write(w io.Writer, rep *report.Report) error { return report.WriteAll(New(w), rep) }

// Begin writes the log's header and the tool with every rule, and opens
// the results.
func (s *Stream) Begin(rep *report.Report) error {
	run := gosarif.NewRunWithInformationURI("kspec", "https://github.com/kspec-io/kspec")
	run.Tool.Driver.WithVersion(version.Version())
	for _, r := range rep.Rules {
		props := gosarif.NewPropertyBag().Add("severity", r.Severity).WithTags(append([]string{strings.SplitN(r.ID, "/", 2)[0]}, r.Controls...))
		run.AddRule(r.ID).WithName(r.Title).WithDescription(r.Title).WithMarkdownHelp(r.Remediation).
			WithDefaultConfiguration(gosarif.NewReportingConfiguration().WithLevel(severityLevel(r.Severity))).
			WithProperties(props)
	}
	s.run = run
	// The run's members as go-sarif writes them, but for those known only
	// as results come, which follow: results, artifacts, invocations.
	b, err := json.Marshal(run)
	if err != nil {
		return errors.Wrap(err, "cannot write SARIF run")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return errors.Wrap(err, "cannot write SARIF run")
	}
	for _, k := range []string{"results", "artifacts", "invocations"} {
		delete(members, k)
	}
	_, _ = fmt.Fprintf(s.w, "{\n  \"$schema\": %q,\n  \"version\": %q,\n  \"runs\": [\n    {", sarifreport.NewV210Report().Schema, "2.1.0")
	for _, k := range slices.Sorted(maps.Keys(members)) {
		if err := s.member(k, members[k]); err != nil {
			return err
		}
		_ = s.w.WriteByte(',')
	}
	_, err = s.w.WriteString("\n      \"results\": [")
	return err
}

// Results writes a result for each failure, warning and error, one per
// line; passes and skips are counted in the summary only.
func (s *Stream) Results(rs []report.Result) error {
	for _, r := range rs {
		level, ok := resultLevel(r)
		if !ok {
			continue
		}
		loc := gosarif.NewLocation()
		if r.Location != nil {
			if !s.seen[r.Source] {
				s.seen[r.Source] = true
				s.artifacts = append(s.artifacts, r.Source)
			}
			loc = gosarif.NewLocationWithPhysicalLocation(
				gosarif.NewPhysicalLocation().
					WithArtifactLocation(gosarif.NewSimpleArtifactLocation(artifactURI(r.Source))).
					WithRegion(gosarif.NewRegion().WithStartLine(r.Line)))
		}
		res := gosarif.NewRuleResult(r.Rule).WithRuleIndex(s.run.GetRuleIndex(r.Rule)).
			WithLevel(level).
			WithMessage(gosarif.NewTextMessage(r.Subject() + ": " + r.Message)).
			AddLocation(loc.WithLogicalLocations([]*gosarif.LogicalLocation{
				gosarif.NewLogicalLocation().WithFullyQualifiedName(r.Object.String()).WithKind("resource"),
			}))
		b, err := json.Marshal(res)
		if err != nil {
			return errors.Wrap(err, "cannot write SARIF result")
		}
		if s.n > 0 {
			_ = s.w.WriteByte(',')
		}
		_, _ = s.w.WriteString("\n        ")
		if _, err := s.w.Write(b); err != nil {
			return err
		}
		s.n++
	}
	return nil
}

// End closes the results, writes the files and the invocation with its
// notifications, and flushes.
func (s *Stream) End(rep *report.Report) error {
	if s.n > 0 {
		_, _ = s.w.WriteString("\n      ")
	}
	_ = s.w.WriteByte(']')
	if len(s.artifacts) > 0 {
		arts := make([]*gosarif.Artifact, len(s.artifacts))
		for i, a := range s.artifacts {
			arts[i] = gosarif.NewArtifact().WithLength(-1).WithLocation(gosarif.NewSimpleArtifactLocation(artifactURI(a)))
		}
		if err := s.field("artifacts", arts); err != nil {
			return err
		}
	}
	notes := make([]*gosarif.Notification, 0, len(rep.InputErrors)+len(rep.Warnings))
	for _, e := range rep.InputErrors {
		notes = append(notes, gosarif.NewNotification().WithLevel(levelError).
			WithMessage(gosarif.NewTextMessage(fmt.Sprintf("document %d: %s", e.Index, e.Message))).
			WithLocations([]*gosarif.Location{gosarif.NewLocationWithPhysicalLocation(
				gosarif.NewPhysicalLocation().WithArtifactLocation(gosarif.NewSimpleArtifactLocation(artifactURI(e.Source))).
					WithRegion(gosarif.NewRegion().WithStartLine(e.Line)))}))
	}
	for _, msg := range rep.Warnings {
		notes = append(notes, gosarif.NewNotification().WithLevel(levelWarning).WithMessage(gosarif.NewTextMessage(msg)))
	}
	inv := gosarif.NewInvocation().WithExecutionSuccessful(len(rep.InputErrors) == 0).WithToolExecutionNotifications(notes)
	if err := s.field("invocations", []*gosarif.Invocation{inv}); err != nil {
		return err
	}
	_, _ = s.w.WriteString("\n    }\n  ]\n}\n")
	return s.w.Flush()
}

// field writes a member of the run after the results.
func (s *Stream) field(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return errors.Wrapf(err, "cannot write SARIF %s", key)
	}
	_ = s.w.WriteByte(',')
	return s.member(key, b)
}

// member writes a member of the run, indented.
func (s *Stream) member(key string, raw json.RawMessage) error {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "      ", "  "); err != nil {
		return errors.Wrapf(err, "cannot write SARIF %s", key)
	}
	_, _ = fmt.Fprintf(s.w, "\n      %q: ", key)
	_, err := b.WriteTo(s.w)
	return err
}

// artifactURI is a file as a SARIF artifact location: a URI reference, so
// characters a URI cannot hold are percent-encoded.
func artifactURI(source string) string {
	return (&url.URL{Path: filepath.ToSlash(source)}).String()
}
