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

package json

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
)

func TestJSON(t *testing.T) {
	rep := reporttest.Sample()
	var whole bytes.Buffer
	require.NoError(t, Write(&whole, rep))

	var read report.Report
	require.NoError(t, json.Unmarshal(whole.Bytes(), &read))
	if diff := cmp.Diff(*rep, read, cmpopts.IgnoreFields(report.Result{}, "Title", "Controls")); diff != "" {
		t.Errorf("the JSON report reads back as written: -want, +got:\n%s", diff)
	}
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(whole.Bytes(), &keys))
	assert.JSONEq(t, `"kspec.io/report/v1"`, string(keys["version"]))
	assert.JSONEq(t, `{"objects":6,"pass":1,"fail":3,"warn":1,"skip":1,"error":1,"inputErrors":1}`, string(keys["summary"]))
	assert.NotContains(t, keys, "namespace", "a cluster-wide spec has no namespace")
	assert.Contains(t, whole.String(), `{"rule":"workload.security/require-digests","severity":"Low","status":"Skip","object":{"apiVersion":"v1","kind":"Pod","namespace":"team-a","name":"e"},"message":"exempt","exemption":"legacy"}`,
		"a result not read from a file has no source, index or line")

	// Streaming in batches writes the same bytes, every time.
	var streamed bytes.Buffer
	j := New(&streamed)
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
	require.NoError(t, Write(&empty, &report.Report{Version: report.Version, Specification: "s", Mode: "audit"}))
	for _, k := range []string{`"rules": []`, `"results": []`, `"inputErrors": []`, `"warnings": []`} {
		assert.Contains(t, empty.String(), k)
	}
}

func TestSchema(t *testing.T) {
	cases := map[string]struct {
		reason string
		rep    *report.Report
	}{
		"Sample":  {reason: "Every status, controls, an input error and a warning.", rep: reporttest.Sample()},
		"Hostile": {reason: "Controls in names are JSON escapes.", rep: reporttest.Hostile()},
		"Fleet":   {reason: "A fleet summary.", rep: reporttest.Fleet()},
		"Empty":   {reason: "No rules, no results.", rep: &report.Report{Version: report.Version, Specification: "s", Mode: "audit"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, Write(&b, tc.rep))
			assert.NoError(t, Validate(b.Bytes()), tc.reason)
		})
	}
	// The schema is strict: it would catch a field written by mistake.
	assert.Error(t, Validate([]byte(`{"version":"kspec.io/report/v1","specification":"s","mode":"m","rules":[],"results":[],"inputErrors":[],"warnings":[],"summary":{"objects":0,"pass":0,"fail":0,"warn":0,"skip":0,"error":0,"inputErrors":0},"extra":1}`)))
	assert.Error(t, Validate([]byte(`{"version":"kspec.io/report/v2"}`)), "another version is another schema")
}
