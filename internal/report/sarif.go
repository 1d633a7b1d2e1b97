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

package report

import (
	"fmt"
	"io"
	"strings"

	sarifreport "github.com/owenrumney/go-sarif/v3/pkg/report"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/pkg/errors"

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
func resultLevel(r Result) (string, bool) {
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

// WriteSARIF writes a SARIF 2.1.0 log for code scanning: every rule, a
// result for each failure, warning and error, and the input errors and
// warnings as notifications. The log is validated against the schema first.
func WriteSARIF(w io.Writer, rep *Report) error {
	run := sarif.NewRunWithInformationURI("kspec", "https://github.com/kspec-io/kspec")
	run.Tool.Driver.WithVersion(version.Version())
	for _, r := range rep.Rules {
		props := sarif.NewPropertyBag().Add("severity", r.Severity).WithTags(append([]string{strings.SplitN(r.ID, "/", 2)[0]}, r.Controls...))
		run.AddRule(r.ID).WithName(r.Title).WithDescription(r.Title).WithMarkdownHelp(r.Remediation).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(severityLevel(r.Severity))).
			WithProperties(props)
	}
	for _, r := range rep.Results {
		level, ok := resultLevel(r)
		if !ok {
			continue
		}
		loc := sarif.NewLocation()
		if r.Location != nil {
			run.AddDistinctArtifact(r.Source)
			loc = sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(r.Source)).
					WithRegion(sarif.NewRegion().WithStartLine(r.Line)))
		}
		run.CreateResultForRule(r.Rule).
			WithLevel(level).
			WithMessage(sarif.NewTextMessage(r.Object.String() + ": " + r.Message)).
			AddLocation(loc.WithLogicalLocations([]*sarif.LogicalLocation{
				sarif.NewLogicalLocation().WithFullyQualifiedName(r.Object.String()).WithKind("resource"),
			}))
	}
	notes := make([]*sarif.Notification, 0, len(rep.InputErrors)+len(rep.Warnings))
	for _, e := range rep.InputErrors {
		notes = append(notes, sarif.NewNotification().WithLevel(levelError).
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("document %d: %s", e.Index, e.Message))).
			WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(e.Source)).
					WithRegion(sarif.NewRegion().WithStartLine(e.Line)))}))
	}
	for _, msg := range rep.Warnings {
		notes = append(notes, sarif.NewNotification().WithLevel(levelWarning).WithMessage(sarif.NewTextMessage(msg)))
	}
	run.AddInvocation(sarif.NewInvocation().WithExecutionSuccessful(len(rep.InputErrors) == 0).WithToolExecutionNotifications(notes))
	out := sarifreport.NewV210Report()
	out.AddRun(run)
	if err := out.Validate(); err != nil {
		return errors.Wrap(err, "kspec wrote invalid SARIF")
	}
	return out.PrettyWrite(w)
}
