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

package sarif

import (
	"bytes"
	"encoding/json"
	"testing"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
	"github.com/kspec-io/kspec/internal/rules"
)

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, reporttest.Sample()))
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct{ Text string }
			} `json:"results"`
			Invocations []struct {
				Successful    bool `json:"executionSuccessful"`
				Notifications []struct {
					Level   string `json:"level"`
					Message struct{ Text string }
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &log))
	require.Len(t, log.Runs, 1)
	var levels []string
	for _, r := range log.Runs[0].Results {
		levels = append(levels, r.Message.Text+" "+r.Level)
	}
	assert.Equal(t, []string{
		"Pod/team-a/b: must run as non-root error", // High
		"Pod/team-a/b: no digest note",             // Low
		"Pod/team-a/c: cannot tell warning",        // a warning, whatever the severity
		"Pod/team-a/d: no such field error",        // could not evaluate
		"ClusterRole/god: grants * on * error",     // High
	}, levels, "passes and skips are not results")
	require.Len(t, log.Runs[0].Invocations, 1)
	inv := log.Runs[0].Invocations[0]
	assert.False(t, inv.Successful, "an input error means the run did not read everything")
	require.Len(t, inv.Notifications, 2)
	assert.Equal(t, "error", inv.Notifications[0].Level)
	assert.Equal(t, "warning", inv.Notifications[1].Level)
	assert.Equal(t, "labels unknown for namespaces team-b", inv.Notifications[1].Message.Text)
}

// decodeSARIF checks a log against SARIF 2.1.0: every member is one the
// specification defines (go-sarif's types mirror it), the log is valid
// against the schema, and what was validated is what was written. kspec
// does not validate at run time: on a large log the check took gigabytes.
func decodeSARIF(t *testing.T, b []byte) *gosarif.Report {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var strict gosarif.Report
	require.NoError(t, dec.Decode(&strict), "a member SARIF does not define")
	log, err := gosarif.FromBytes(b)
	require.NoError(t, err)
	require.NoError(t, log.Validate())
	// The schema check ran on go-sarif's form of the log: it must be the
	// log as written, member for member.
	validated, err := json.Marshal(log.Runs)
	require.NoError(t, err)
	var written struct{ Runs json.RawMessage }
	require.NoError(t, json.Unmarshal(b, &written))
	require.JSONEq(t, string(validated), string(written.Runs))
	return log
}

func TestWriteSARIFValid(t *testing.T) {
	cases := map[string]struct {
		reason string
		rep    *report.Report
	}{
		"Sample":   {reason: "Every status, an input error and a warning.", rep: reporttest.Sample()},
		"Hostile":  {reason: "Controls in names and files are JSON escapes.", rep: reporttest.Hostile()},
		"Many":     {reason: "Results across windows.", rep: reporttest.Failures(600, 256)},
		"Empty":    {reason: "No rules, no results.", rep: &report.Report{Version: report.Version, Specification: "s", Mode: "audit"}},
		"NoSource": {reason: "Results read from a cluster have no file.", rep: &report.Report{Results: []report.Result{{Rule: "x/y", Status: rules.Error, Object: reporttest.Pod("a")}}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, Write(&b, tc.rep))
			log := decodeSARIF(t, b.Bytes())
			require.Len(t, log.Runs, 1)
			var notable int
			for _, r := range tc.rep.Results {
				if r.Notable() {
					notable++
				}
			}
			assert.Len(t, log.Runs[0].Results, notable, tc.reason)
			var again bytes.Buffer
			require.NoError(t, Write(&again, tc.rep))
			assert.Equal(t, b.String(), again.String(), "the same report, the same bytes")
		})
	}
}
