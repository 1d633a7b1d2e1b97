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
	"k8s.io/apimachinery/pkg/util/validation"

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

func TestScanName(t *testing.T) {
	spec := &report.Report{Specification: "strict"}
	cases := map[string]struct {
		reason string
		a, b   string // two scans' identities
		ra, rb *report.Report
		same   bool
	}{
		"two scans of one spec": {
			reason: "two ComplianceScans of one spec on one target keep their own reports",
			a:      "platform/strict-hourly", b: "platform/strict-daily", ra: spec, rb: spec,
		},
		"same name in two namespaces": {a: "team-a/strict", b: "team-b/strict", ra: spec, rb: spec},
		"names sharing a long prefix": {
			reason: "names beyond what fits still differ",
			a:      "platform/" + strings.Repeat("x", 60) + "-1", b: "platform/" + strings.Repeat("x", 60) + "-2", ra: spec, rb: spec,
		},
		"two specs of one scan": {
			reason: "a scan whose specificationRef changed writes new reports (and prunes the old by its label)",
			a:      "platform/s", b: "platform/s", ra: spec, rb: &report.Report{Specification: "moderate"},
		},
		"a claim and a spec": {a: "platform/s", b: "platform/s", ra: spec, rb: &report.Report{Specification: "strict", Namespace: "team-a"}},
		"the same scan again": {
			reason: "a scan's next reports replace its last",
			a:      "platform/s", b: "platform/s", ra: spec, rb: &report.Report{Specification: "strict", Time: "2026-12-02T00:00:00Z"}, same: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, b := ScanName(tc.ra, tc.a), ScanName(tc.rb, tc.b)
			for _, n := range []string{a, b} {
				assert.Empty(t, validation.IsDNS1123Label(n), n)
			}
			if tc.same {
				assert.Equal(t, a, b, tc.reason)
				return
			}
			assert.NotEqual(t, a, b, tc.reason)
			if tc.a != tc.b {
				assert.NotEqual(t, ScanLabel(tc.a), ScanLabel(tc.b), tc.reason)
			}
		})
	}
	assert.Regexp(t, `^kspec-strict-strict-hourly-[0-9a-f]{10}$`, ScanName(spec, "platform/strict-hourly"), "readable")
	assert.NotEqual(t, Name(spec), ScanName(spec, "platform/s"), "never the name kspec check -o policyreport gives")
}

func TestScanNameBounded(t *testing.T) {
	for name, in := range map[string]struct{ spec, scan string }{
		"long":        {strings.Repeat("S", 253), strings.Repeat("n", 63) + "/" + strings.Repeat("x.y", 80)},
		"odd":         {"--Spec_with.dots--", "ns/-.-"},
		"empty":       {"", ""},
		"no slash":    {"s", "just-a-name"},
		"non-ascii":   {"spéc", "ns/ſcan"},
		"only dashes": {"---", "---/---"},
	} {
		t.Run(name, func(t *testing.T) {
			n := ScanName(&report.Report{Specification: in.spec}, in.scan)
			assert.Empty(t, validation.IsDNS1123Label(n), n)
			assert.Empty(t, validation.IsDNS1123Subdomain(n), n)
			l := ScanLabel(in.scan)
			assert.Empty(t, validation.IsValidLabelValue(l), l)
			assert.NotEmpty(t, l)
		})
	}
	assert.Equal(t, "platform.strict-hourly", ScanLabel("platform/strict-hourly"), "readable when it fits")
}

func TestForScan(t *testing.T) {
	rep := reporttest.Sample()
	prs := Build(rep, rep.Results)
	require.Len(t, prs, 2)
	ForScan(prs, rep, "platform/strict")
	for _, pr := range prs {
		assert.Equal(t, ScanName(rep, "platform/strict"), pr.Name)
		assert.Equal(t, "platform.strict", pr.Labels[LabelScan])
		assert.Equal(t, "kspec", pr.Labels[LabelManagedBy], "the builder's labels stay")
		assert.NotEmpty(t, pr.Labels[LabelSpecification])
	}
}
