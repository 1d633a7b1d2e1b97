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

package oscal

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/defenseunicorns/go-oscal/src/pkg/validation"
	oscaltypes "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
	"github.com/kspec-io/kspec/internal/rules"
)

// validate checks a document against the OSCAL 1.1.3 JSON schema go-oscal
// embeds, and that it decodes into go-oscal's types with no member they
// do not know.
func validate(t *testing.T, b []byte) *oscaltypes.AssessmentResults {
	t.Helper()
	v, err := validation.NewValidatorDesiredVersion(b, Version)
	require.NoError(t, err)
	if err := v.Validate(); err != nil {
		res, _ := v.GetValidationResult()
		out, _ := json.MarshalIndent(res.Errors, "", "  ")
		t.Fatalf("not valid OSCAL %s: %v\n%s", Version, err, out)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var doc oscaltypes.OscalModels
	require.NoError(t, dec.Decode(&doc))
	require.NotNil(t, doc.AssessmentResults)
	return doc.AssessmentResults
}

func TestValid(t *testing.T) {
	cases := map[string]struct {
		reason string
		rep    *report.Report
	}{
		"Sample":    {reason: "Every status, controls of three catalogs and a specification, an input error.", rep: reporttest.Sample()},
		"Hostile":   {reason: "Newlines and controls in names cannot break one-line fields.", rep: reporttest.Hostile()},
		"Fleet":     {reason: "Results of several clusters.", rep: reporttest.Fleet()},
		"Many":      {reason: "More failing objects than are observed one by one.", rep: reporttest.Failures(300, 256)},
		"Empty":     {reason: "No rules, no results, no controls.", rep: &report.Report{Version: report.Version, Specification: "s", Mode: "audit", Time: "2026-12-01T00:00:00Z"}},
		"Untrimmed": {reason: "Values OSCAL wants trimmed.", rep: &report.Report{Specification: " s ", Time: "2026-12-01T01:00:00+01:00", Results: []report.Result{{Rule: "x/y", Status: rules.Error, Object: reporttest.Pod("a"), Message: " spaces \n"}}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, Write(&b, tc.rep), tc.reason)
			validate(t, b.Bytes())
			var again bytes.Buffer
			require.NoError(t, Write(&again, tc.rep))
			assert.Equal(t, b.String(), again.String(), "the same report, the same bytes")
		})
	}
}

func TestUntimed(t *testing.T) {
	err := Write(&bytes.Buffer{}, &report.Report{Specification: "s"})
	assert.ErrorContains(t, err, "OSCAL needs the report's time", "never the clock's")
}

func TestContent(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, reporttest.Sample()))
	doc := validate(t, b.Bytes())
	require.Len(t, doc.Results, 1)
	res := doc.Results[0]
	assert.Equal(t, "2026-12-01T00:00:00Z", res.Start.Format("2006-01-02T15:04:05Z07:00"), "times are the report's")

	var ids []string
	for _, sel := range res.ReviewedControls.ControlSelections {
		for _, c := range *sel.IncludeControls {
			ids = append(ids, c.ControlId)
		}
	}
	assert.Contains(t, ids, "ac-6", "NIST ids as NIST's OSCAL catalog writes them")
	assert.Contains(t, ids, "cis-kubernetes-5.2.7")
	assert.Contains(t, ids, "pod-security-standards-restricted_running-as-non-root")

	obs := map[string]oscaltypes.Observation{}
	for _, o := range *res.Observations {
		obs[o.UUID] = o
	}
	var ac6 *oscaltypes.Finding
	for i, f := range *res.Findings {
		if f.Target.TargetId == "ac-6_obj" {
			ac6 = &(*res.Findings)[i]
		}
		require.NotNil(t, f.RelatedObservations, f.Title)
		for _, r := range *f.RelatedObservations {
			assert.Contains(t, obs, r.ObservationUuid, "a finding links observations of the document")
		}
	}
	require.NotNil(t, ac6)
	assert.Equal(t, "not-satisfied", ac6.Target.Status.State, "AC-6 has a failing rule")
	var titles []string
	for _, r := range *ac6.RelatedObservations {
		titles = append(titles, obs[r.ObservationUuid].Title)
	}
	assert.Contains(t, strings.Join(titles, "\n"), "workload.security/run-as-non-root fail on Pod/team-a/b")
	assert.Contains(t, strings.Join(titles, "\n"), "rbac.validation/forbidden-rules fail on ClusterRole/god")

	// Other results, another document.
	other := reporttest.Sample()
	other.Results[1].Message = "changed"
	var c bytes.Buffer
	require.NoError(t, Write(&c, other))
	assert.NotEqual(t, doc.UUID, validate(t, c.Bytes()).UUID, "the document's UUID derives from its content")
}

func TestControlID(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"NIST-800-53", "AC-6"}:                  "ac-6",
		{"NIST SP 800-53", "AC-6(10)"}:           "ac-6.10",
		{"CIS-Kubernetes", "5.2.7"}:              "cis-kubernetes-5.2.7",
		{"Pod-Security-Standards", "baseline/x"}: "pod-security-standards-baseline_x",
		{"42", "1.1"}:                            "_42-1.1",
	} {
		assert.Equal(t, want, ControlID(in[0], in[1]), in)
	}
}
