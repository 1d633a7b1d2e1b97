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

package policyreport

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
	"github.com/kspec-io/kspec/internal/rules"
)

func TestBuild(t *testing.T) {
	rep := reporttest.Sample()
	prs := Build(rep, rep.Results)
	require.Len(t, prs, 2, "one PolicyReport for team-a, one ClusterPolicyReport")
	ns, cl := prs[0], prs[1]
	assert.Equal(t, KindPolicyReport, ns.Kind)
	assert.Equal(t, "team-a", ns.Namespace)
	assert.Equal(t, KindClusterPolicyReport, cl.Kind)
	assert.Empty(t, cl.Namespace)
	assert.Equal(t, Summary{Pass: 1, Fail: 2, Warn: 1, Error: 1, Skip: 1}, ns.Summary)
	assert.Equal(t, Summary{Fail: 1}, cl.Summary)
	assert.Equal(t, "fail", ns.Results[0].Result, "what needs action first")
	assert.Equal(t, "pass", ns.Results[len(ns.Results)-2].Result)
	assert.Equal(t, "rbac.validation/forbidden-rules", cl.Results[0].Rule)
	assert.Equal(t, "high", cl.Results[0].Severity)
	assert.Equal(t, int64(1796083200), cl.Results[0].Timestamp.Seconds, "the report's time")
	assert.Equal(t, ns.Name, cl.Name)
}

func TestBounded(t *testing.T) {
	rep := &report.Report{Specification: "s", Time: "2026-12-01T00:00:00Z"}
	var rs []report.Result
	for i := range MaxResults + 10 {
		st := rules.Pass
		if i >= MaxResults {
			st = rules.Fail // the last ones fail: they must be kept
		}
		rs = append(rs, report.Result{Rule: "x/y", Status: st, Object: reporttest.Pod(fmt.Sprint(i)), Message: strings.Repeat("m", 100)})
	}
	prs := Build(rep, rs)
	require.Len(t, prs, 1)
	assert.Len(t, prs[0].Results, MaxResults)
	assert.Equal(t, "10", prs[0].Annotations[AnnotationOmitted])
	assert.Equal(t, Summary{Pass: MaxResults, Fail: 10}, prs[0].Summary, "the summary counts every result")
	for _, r := range prs[0].Results[:10] {
		assert.Equal(t, "fail", r.Result, "failures are kept before passes")
	}
}

func TestBoundedBytes(t *testing.T) {
	rep := &report.Report{Specification: "s", Time: "2026-12-01T00:00:00Z"}
	var rs []report.Result
	for i := range MaxResults {
		rs = append(rs, report.Result{Rule: "x/y", Status: rules.Fail, Object: reporttest.Pod(strings.Repeat("p", 250) + fmt.Sprint(i)),
			Message: strings.Repeat("m", 5000), Exemption: strings.Repeat("e", 5000), Location: &report.Location{Source: strings.Repeat("f", 5000)}})
	}
	prs := Build(rep, rs)
	b, err := json.Marshal(prs[0].Results)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(b), MaxBytes+len(prs[0].Results), "the results fit the byte budget")
	assert.Less(t, len(prs[0].Results), MaxResults)
	assert.LessOrEqual(t, len(prs[0].Results[0].Message), MaxMessage)
	assert.Equal(t, fmt.Sprint(MaxResults-len(prs[0].Results)), prs[0].Annotations[AnnotationOmitted])
}

func TestName(t *testing.T) {
	a := Name(&report.Report{Specification: "Strict_Spec.v2"})
	assert.Regexp(t, `^kspec-strict-spec-v2-[0-9a-f]{8}$`, a)
	assert.NotEqual(t, a, Name(&report.Report{Specification: "Strict_Spec.v2", Namespace: "team-a"}), "a claim's reports are not the cluster spec's")
	assert.LessOrEqual(t, len(Name(&report.Report{Specification: strings.Repeat("x", 300)})), 63)
}
