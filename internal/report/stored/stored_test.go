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

package stored

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

var t0 = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func cr(name, cluster string, at time.Time, score int32, rs ...reportsv1alpha1.CheckResult) reportsv1alpha1.ComplianceReport {
	return reportsv1alpha1.ComplianceReport{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: name},
		Spec: reportsv1alpha1.ComplianceReportSpec{
			Source: reportsv1alpha1.Source{Specification: "strict", Cluster: cluster}, ScanTime: metav1.NewTime(at),
			Summary: reportsv1alpha1.ReportSummary{Score: score}, Results: rs,
		},
	}
}

func fail(id string, violations int32, findings ...string) reportsv1alpha1.CheckResult {
	c := reportsv1alpha1.CheckResult{ID: id, Status: reportsv1alpha1.ResultFail, Severity: reportsv1alpha1.SeverityHigh, Violations: violations, Message: "failed"}
	for _, f := range findings {
		c.Findings = append(c.Findings, reportsv1alpha1.Finding{Object: &reportsv1alpha1.ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: "ns", Name: f}, Message: f + " is bad"})
	}
	return c
}

func TestFromComplianceReport(t *testing.T) {
	c := cr("a", "hub/prod", t0, 0,
		fail("workload.security/privileged", 3, "p1", "p2"),
		reportsv1alpha1.CheckResult{ID: "kubernetes.version/supported", Status: reportsv1alpha1.ResultPass, Severity: reportsv1alpha1.SeverityCritical, Controls: []string{"FedRAMP/CM-6"}},
	)
	rep := FromComplianceReport(&c)
	assert.Equal(t, "2026-12-01T00:00:00Z", rep.Time)
	assert.Equal(t, Mode, rep.Mode)
	require.Len(t, rep.Results, 3, "a result per finding, one on the cluster for a rule without")
	assert.Equal(t, "Pod/ns/p1", rep.Results[0].Object.String())
	assert.Equal(t, "hub/prod", rep.Results[0].Cluster)
	assert.Equal(t, rules.ObjectRef{Kind: ClusterKind, Name: "hub/prod"}, rep.Results[2].Object)
	assert.Equal(t, []string{"hub/prod: workload.security/privileged: 1 more violations than the report ops/a keeps"}, rep.Warnings)
	assert.Equal(t, 3, rep.Summary.Objects)
	assert.Equal(t, 2, rep.Summary.Fail)
	assert.Contains(t, rep.Rules[1].Controls, "FedRAMP CM-6", "the stored control")
	assert.Contains(t, rep.Rules[1].Controls, "NIST-800-53 SA-22", "and the catalogs'")
}

func TestLatestAndFleet(t *testing.T) {
	crs := []reportsv1alpha1.ComplianceReport{
		cr("prod-2", "prod", t0.Add(time.Hour), 40, fail("a/x", 1, "p"), fail("a/y", 5)),
		cr("staging-1", "staging", t0, 70, fail("a/x", 2, "q", "r")),
		cr("prod-1", "prod", t0, 90),
		cr("prod-0", "prod", t0, 95), // same time as prod-1: name breaks the tie, prod-1 is later
	}
	rep := Latest(crs, nil)
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Cluster+" "+r.Rule+" "+r.Object.String())
	}
	assert.Equal(t, []string{"prod a/x Pod/ns/p", "prod a/y Cluster/prod", "staging a/x Pod/ns/q", "staging a/x Pod/ns/r"}, got)
	assert.Equal(t, "2026-12-01T01:00:00Z", rep.Time)
	assert.Nil(t, rep.Fleet)

	drs := []reportsv1alpha1.DriftReport{{Spec: reportsv1alpha1.DriftReportSpec{Source: reportsv1alpha1.Source{Specification: "strict", Cluster: "prod"}, TotalEvents: 3}}}
	f := Fleet(crs, drs).Fleet
	require.Len(t, f.Targets, 2)
	assert.Equal(t, []int{95, 90, 40}, []int{f.Targets[0].Trend[0].Score, f.Targets[0].Trend[1].Score, f.Targets[0].Trend[2].Score}, "oldest first")
	assert.Equal(t, "ops/prod-2", f.Targets[0].Report)
	assert.Equal(t, 3, f.Targets[0].Drift)
	require.Len(t, f.WorstRules, 2)
	assert.Equal(t, "a/x", f.WorstRules[0].ID, "failing on two clusters")
	assert.Equal(t, 2, f.WorstRules[0].Targets)
	assert.Equal(t, 3, f.WorstRules[0].Violations)
}

func TestWorstRulesBounded(t *testing.T) {
	var rs []reportsv1alpha1.CheckResult
	for i := range 15 {
		rs = append(rs, fail(fmt.Sprintf("a/r%02d", i), int32(i)))
	}
	f := Fleet([]reportsv1alpha1.ComplianceReport{cr("x", "c", t0, 0, rs...)}, nil).Fleet
	require.Len(t, f.WorstRules, 10)
	assert.Equal(t, "a/r14", f.WorstRules[0].ID, "most violations first")
}
