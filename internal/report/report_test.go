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
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

func pod(name string) rules.ObjectRef {
	return rules.ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: "team-a", Name: name}
}

// sample is a report with one result of every status.
func sample() *Report {
	at := func(line int) *Location { return &Location{Source: "pods.yaml", Index: line / 10, Line: line} }
	rep := &Report{
		Version: Version, Specification: "strict", Mode: "enforce",
		Rules: []Rule{
			{ID: "workload.security/run-as-non-root", Title: "Containers run as non-root", Severity: "High", Controls: []string{"NIST-800-53 AC-6"}},
			{ID: "workload.images/digest", Title: "Images are pinned by digest", Severity: "Low"},
		},
		NotEvaluated: []string{"kubernetes.version/supported"},
		Results: []Result{
			{Rule: "workload.security/run-as-non-root", Severity: "High", Status: rules.Pass, Object: pod("a"), Location: at(1)},
			{Rule: "workload.security/run-as-non-root", Severity: "High", Status: rules.Fail, Object: pod("b"), Location: at(11), Message: "must run as non-root"},
			{Rule: "workload.images/digest", Severity: "Low", Status: rules.Fail, Object: pod("b"), Location: at(11), Message: "no digest"},
			{Rule: "workload.images/digest", Severity: "Critical", Status: rules.Warn, Object: pod("c"), Location: at(21), Message: "cannot tell"},
			{Rule: "workload.images/digest", Severity: "Low", Status: rules.Error, Object: pod("d"), Location: at(31), Message: "no such field"},
			{Rule: "workload.images/digest", Severity: "Low", Status: rules.Skip, Object: pod("e"), Message: "exempt", Exemption: "legacy"},
		},
		InputErrors: []InputError{{Location: Location{Source: "pods.yaml", Index: 5, Line: 51}, Message: "document is not an object"}},
		Warnings:    []string{"labels unknown for namespaces team-b"},
	}
	for _, r := range rep.Results {
		rep.Summary.Count(r.Status)
	}
	rep.Summary.Objects, rep.Summary.InputErrors = 5, 1
	return rep
}

func TestSummaryCount(t *testing.T) {
	var s Summary
	for _, st := range []rules.Status{rules.Pass, rules.Fail, rules.Warn, rules.Warn, rules.Skip, rules.Error, "Bogus"} {
		s.Count(st)
	}
	assert.Equal(t, Summary{Pass: 1, Fail: 1, Warn: 2, Skip: 1, Error: 2}, s, "Warn has its own count; an unknown status is an error")
	assert.False(t, Summary{Pass: 3, Warn: 2, Skip: 1}.Failed(), "a warning does not fail a gate")
	assert.True(t, Summary{Error: 1}.Failed())
	assert.True(t, Summary{Fail: 1}.Failed())
	s.Add(Summary{Objects: 2, Warn: 1, InputErrors: 1})
	assert.Equal(t, Summary{Objects: 2, Pass: 1, Fail: 1, Warn: 3, Skip: 1, Error: 2, InputErrors: 1}, s)
}

func TestNew(t *testing.T) {
	set, err := rules.Compile(rules.Spec{Name: "web", Namespace: "team-a", Spec: v1alpha1.ClusterSpecificationSpec{
		Requirements: v1alpha1.Requirements{Workloads: &v1alpha1.WorkloadRequirements{Containers: &v1alpha1.ContainerRules{
			Required: []v1alpha1.FieldRule{{Key: v1alpha1.FieldRunAsNonRoot, Value: new(v1alpha1.BoolValue(true))}},
		}}},
	}})
	require.NoError(t, err)
	rep := New(set)
	assert.Equal(t, Version, rep.Version)
	assert.Equal(t, "team-a/web", rep.Label())
	require.Len(t, rep.Rules, len(set.ObjectRules()))
	assert.Equal(t, set.ObjectRules()[0].ID, rep.Rules[0].ID)
	assert.NotNil(t, rep.Results)
	assert.NotNil(t, rep.Warnings)

	r := set.ObjectRules()[0]
	got := NewResult(rules.Result{Rule: r, Object: pod("a"), Status: rules.Warn, Message: "m"}, nil)
	want := Result{Rule: r.ID, Title: r.Title, Severity: string(r.Severity), Controls: r.Controls, Status: rules.Warn, Object: pod("a"), Message: "m"}
	assert.Empty(t, cmp.Diff(want, got))
}

func TestJSON(t *testing.T) {
	rep := sample()
	var whole bytes.Buffer
	require.NoError(t, WriteJSON(&whole, rep))

	var read Report
	require.NoError(t, json.Unmarshal(whole.Bytes(), &read))
	if diff := cmp.Diff(*rep, read, cmpopts.IgnoreFields(Result{}, "Title", "Controls")); diff != "" {
		t.Errorf("the JSON report reads back as written: -want, +got:\n%s", diff)
	}
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(whole.Bytes(), &keys))
	assert.JSONEq(t, `"kspec.io/report/v1"`, string(keys["version"]))
	assert.JSONEq(t, `{"objects":5,"pass":1,"fail":2,"warn":1,"skip":1,"error":1,"inputErrors":1}`, string(keys["summary"]))
	assert.NotContains(t, keys, "namespace", "a cluster-wide spec has no namespace")
	assert.Contains(t, whole.String(), `{"rule":"workload.images/digest","severity":"Low","status":"Skip","object":{"apiVersion":"v1","kind":"Pod","namespace":"team-a","name":"e"},"message":"exempt","exemption":"legacy"}`,
		"a result not read from a file has no source, index or line")

	// Streaming in batches writes the same bytes, every time.
	var streamed bytes.Buffer
	j := NewJSONStream(&streamed)
	results := rep.Results
	rep.Results = nil
	require.NoError(t, j.Begin(rep))
	require.NoError(t, j.Results(results[:2]))
	require.NoError(t, j.Results(nil))
	require.NoError(t, j.Results(results[2:]))
	require.NoError(t, j.End(rep))
	assert.Equal(t, whole.String(), streamed.String())

	// Empty lists are lists.
	var empty bytes.Buffer
	require.NoError(t, WriteJSON(&empty, &Report{Version: Version, Specification: "s", Mode: "audit"}))
	for _, k := range []string{`"rules": []`, `"results": []`, `"inputErrors": []`, `"warnings": []`} {
		assert.Contains(t, empty.String(), k)
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, sample()))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 7, b.String())
	assert.Regexp(t, `^FAIL +High +workload.security/run-as-non-root +Pod/team-a/b +pods.yaml:11 +must run as non-root$`, lines[0])
	assert.Regexp(t, `^WARN +Critical +workload.images/digest +Pod/team-a/c +pods.yaml:21 +cannot tell$`, lines[2])
	assert.Regexp(t, `^ERROR +Low +workload.images/digest +Pod/team-a/d`, lines[3])
	assert.Regexp(t, `^INPUT +pods.yaml:51 +document 5: document is not an object$`, lines[4])
	assert.Equal(t, "strict (enforce): 5 objects, 2 rules: 1 pass, 2 fail, 1 warn, 1 skip, 1 error; 1 input errors", lines[5])
	assert.Equal(t, "not evaluated (cluster-level, need a cluster): kubernetes.version/supported", lines[6])
	assert.NotContains(t, b.String(), "labels unknown", "warnings go to standard error, not the report")
}

func TestWriteSARIF(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteSARIF(&b, sample()))
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
	}, levels, "passes and skips are not results")
	require.Len(t, log.Runs[0].Invocations, 1)
	inv := log.Runs[0].Invocations[0]
	assert.False(t, inv.Successful, "an input error means the run did not read everything")
	require.Len(t, inv.Notifications, 2)
	assert.Equal(t, "error", inv.Notifications[0].Level)
	assert.Equal(t, "warning", inv.Notifications[1].Level)
	assert.Equal(t, "labels unknown for namespaces team-b", inv.Notifications[1].Message.Text)
}

// hostile is a report whose names, file and messages carry what a terminal
// acts on: erase line, carriage return, newline, a hyperlink and a
// right-to-left override.
func hostile() *Report {
	rep := &Report{Version: Version, Specification: "strict", Mode: "enforce", Rules: []Rule{{ID: "workload.images/digest", Severity: "Low"}}}
	evil := "x\x1b[2K\rPASS\n" + osc8 + "\u202Elmth"
	rep.Results = []Result{{
		Rule: "workload.images/digest", Severity: "Low", Status: rules.Fail,
		Object:   rules.ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: "ns" + evil, Name: "pod" + evil},
		Location: &Location{Source: "dir/" + evil + ".yaml", Line: 3},
		Message:  "container c" + evil + " image nginx" + evil + " has no digest",
	}}
	rep.InputErrors = []InputError{{Location: Location{Source: "f" + evil + ".yaml", Index: 1, Line: 9}, Message: "yaml: line 2: " + evil}}
	rep.Summary = Summary{Objects: 1, Fail: 1, InputErrors: 1}
	return rep
}

// assertPrintable fails when out holds a character a terminal would act
// on, other than the newlines that end its lines.
func assertPrintable(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		assert.Equal(t, -1, unsafeAt(line), "a control or format character in %q", line)
	}
}

func TestWriteTextHostile(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, hostile()))
	assertPrintable(t, b.String())
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 3, "one result, one input error, the summary:\n%s", b.String())
	e := `x\x1b[2K\rPASS\n\x1b]8;;https://evil.example/\x1b\docs\x1b]8;;\x1b\\u202elmth`
	assert.Equal(t, "FAIL   Low  workload.images/digest  Pod/ns"+e+"/pod"+e+"  dir/"+e+".yaml:3  container c"+e+" image nginx"+e+" has no digest", lines[0])
	assert.Regexp(t, `^INPUT +f\Q`+e+`\E\.yaml:9 +document 1: yaml: line 2: \Q`+e+`\E$`, lines[1])
	assert.Equal(t, "strict (enforce): 1 objects, 1 rules: 0 pass, 1 fail, 0 warn, 0 skip, 0 error; 1 input errors", lines[2])
}

// failures is a report with n failing results whose object names grow
// longer, so each window of lines is aligned differently.
func failures(n int) *Report {
	rep := &Report{Version: Version, Specification: "strict", Mode: "enforce", Rules: []Rule{{ID: "workload.images/digest", Title: "Images are pinned by digest", Severity: "Low"}}}
	for i := range n {
		rep.Results = append(rep.Results, Result{
			Rule: "workload.images/digest", Severity: "Low", Status: rules.Fail, Object: pod(strings.Repeat("p", 1+i/textWindow*10)),
			Location: &Location{Source: "pods.yaml", Index: i, Line: 1 + 20*i}, Message: "no digest",
		})
		rep.Summary.Count(rules.Fail)
	}
	rep.Summary.Objects = n
	return rep
}

// recorder records what has reached it.
type recorder struct{ bytes.Buffer }

func TestStreamsWriteAsTheyGo(t *testing.T) {
	n := 3 * textWindow
	cases := map[string]struct {
		reason string
		stream func(w io.Writer) Stream
		whole  func(w io.Writer, rep *Report) error
	}{
		"Text":  {reason: "Text aligns a window of lines at a time, then lets it go.", stream: func(w io.Writer) Stream { return NewTextStream(w) }, whole: WriteText},
		"JSON":  {reason: "JSON writes each result as it comes.", stream: func(w io.Writer) Stream { return NewJSONStream(w) }, whole: WriteJSON},
		"SARIF": {reason: "SARIF writes each result as it comes; validating the whole log on every run needed gigabytes.", stream: func(w io.Writer) Stream { return NewSARIFStream(w) }, whole: WriteSARIF},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rep := failures(n)
			var whole bytes.Buffer
			require.NoError(t, tc.whole(&whole, rep))

			results := rep.Results
			rep.Results = nil
			var out recorder
			s := tc.stream(&out)
			require.NoError(t, s.Begin(rep))
			var before int
			for i, r := range results {
				require.NoError(t, s.Results([]Result{r}))
				if i == n-textWindow-1 {
					before = out.Len()
				}
			}
			require.NoError(t, s.Results(nil))
			// All but the last window and a write buffer are out before
			// the end: what a stream holds does not grow with results.
			assert.Greater(t, before, whole.Len()/2, tc.reason)
			require.NoError(t, s.End(rep))
			assert.Equal(t, whole.String(), out.String(), "streamed one at a time, the same bytes as the whole report")
		})
	}
}

func TestWriteTextAlignsPerWindow(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, failures(2*textWindow)))
	lines := strings.Split(b.String(), "\n")
	first, second := lines[0], lines[textWindow]
	assert.Equal(t, "FAIL  Low  workload.images/digest  Pod/team-a/p  pods.yaml:1     no digest", first, "the first window is aligned to its own widest cells")
	assert.Regexp(t, `^FAIL  Low  workload.images/digest  Pod/team-a/p{11}  pods.yaml:\d+ +no digest$`, second, "the second window to its own")
	assert.Equal(t, strings.Index(lines[1], "pods.yaml"), strings.Index(first, "pods.yaml"), "lines of a window share columns")
}

// decodeSARIF checks a log against SARIF 2.1.0: every member is one the
// specification defines (go-sarif's types mirror it), the log is valid
// against the schema, and what was validated is what was written. kspec
// does not validate at run time: on a large log the check took gigabytes.
func decodeSARIF(t *testing.T, b []byte) *sarif.Report {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var strict sarif.Report
	require.NoError(t, dec.Decode(&strict), "a member SARIF does not define")
	log, err := sarif.FromBytes(b)
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
		rep    *Report
	}{
		"Sample":   {reason: "Every status, an input error and a warning.", rep: sample()},
		"Hostile":  {reason: "Controls in names and files are JSON escapes.", rep: hostile()},
		"Many":     {reason: "Results across windows.", rep: failures(600)},
		"Empty":    {reason: "No rules, no results.", rep: &Report{Version: Version, Specification: "s", Mode: "audit"}},
		"NoSource": {reason: "Results read from a cluster have no file.", rep: &Report{Results: []Result{{Rule: "x/y", Status: rules.Error, Object: pod("a")}}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteSARIF(&b, tc.rep))
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
			require.NoError(t, WriteSARIF(&again, tc.rep))
			assert.Equal(t, b.String(), again.String(), "the same report, the same bytes")
		})
	}
}
