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

package compliancescan

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

func TestDue(t *testing.T) {
	now := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	scan := func(last time.Duration, gen, scannedGen, specGen int64) *v1alpha1.ComplianceScan {
		cs := &v1alpha1.ComplianceScan{ObjectMeta: metav1.ObjectMeta{UID: "u", Generation: gen}}
		cs.Spec.ForProvider.Interval = &metav1.Duration{Duration: 10 * time.Minute}
		if last >= 0 {
			cs.Status.AtProvider.LastScanTime = &metav1.Time{Time: now.Add(-last)}
			cs.Status.AtProvider.ObservedGeneration = specGen
			cs.SetConditions(xpv2.Condition{Type: TypeScanned, Status: corev1.ConditionTrue, ObservedGeneration: scannedGen})
		}
		return cs
	}
	assert.True(t, Due(scan(-1, 1, 0, 0), 1, now), "never scanned")
	assert.False(t, Due(scan(time.Minute, 1, 1, 1), 1, now), "scanned a minute ago")
	assert.True(t, Due(scan(12*time.Minute, 1, 1, 1), 1, now), "interval and the most jitter passed")
	assert.True(t, Due(scan(time.Minute, 2, 1, 1), 1, now), "the scan changed")
	assert.True(t, Due(scan(time.Minute, 1, 1, 1), 2, now), "the specification changed")

	requested := func(cs *v1alpha1.ComplianceScan, at string) *v1alpha1.ComplianceScan {
		cs.SetAnnotations(map[string]string{AnnotationScanRequestedAt: at})
		return cs
	}
	last := now.Add(-time.Minute)
	assert.True(t, Due(requested(scan(time.Minute, 1, 1, 1), last.Add(time.Second).Format(time.RFC3339)), 1, now), "a scan requested after the last")
	assert.False(t, Due(requested(scan(time.Minute, 1, 1, 1), last.Format(time.RFC3339)), 1, now), "requested in the second of the last scan: answered")
	assert.False(t, Due(requested(scan(time.Minute, 1, 1, 1), last.Add(-time.Hour).Format(time.RFC3339)), 1, now), "an old request")
	assert.False(t, Due(requested(scan(time.Minute, 1, 1, 1), "soon"), 1, now), "not a time")
	assert.True(t, Due(requested(scan(-1, 1, 0, 0), "soon"), 1, now), "never scanned, whatever the annotation")

	cs := scan(time.Minute, 1, 1, 1)
	next := NextReconcile(cs, now, time.Hour)
	assert.GreaterOrEqual(t, next, 9*time.Minute)
	assert.LessOrEqual(t, next, 10*time.Minute)
	assert.Equal(t, time.Minute, NextReconcile(cs, now, time.Minute), "the poll interval when it comes first")
	assert.Equal(t, time.Second, NextReconcile(scan(time.Hour, 1, 1, 1), now, time.Minute), "overdue: soon, never at once")
	assert.Equal(t, time.Minute, NextReconcile(scan(-1, 1, 0, 0), now, time.Minute))
}

func TestResultDrift(t *testing.T) {
	obj := func(n string) *reportsv1alpha1.ObjectRef {
		return &reportsv1alpha1.ObjectRef{Kind: "Pod", Namespace: "a", Name: n}
	}
	res := func(id string, st reportsv1alpha1.ResultStatus, v int32, objs ...string) reportsv1alpha1.CheckResult {
		r := reportsv1alpha1.CheckResult{ID: id, Status: st, Severity: reportsv1alpha1.SeverityHigh, Violations: v}
		for _, o := range objs {
			r.Findings = append(r.Findings, reportsv1alpha1.Finding{Object: obj(o), Message: "bad"})
		}
		return r
	}
	prev := []reportsv1alpha1.CheckResult{
		res("r/new", reportsv1alpha1.ResultPass, 0),
		res("r/gone", reportsv1alpha1.ResultFail, 1, "x"),
		res("r/both", reportsv1alpha1.ResultFail, 2, "x", "y"),
		res("r/many", reportsv1alpha1.ResultFail, 30, "x"),
		res("r/same", reportsv1alpha1.ResultFail, 1, "x"),
	}
	cur := []reportsv1alpha1.CheckResult{
		res("r/new", reportsv1alpha1.ResultFail, 1, "p"),
		res("r/gone", reportsv1alpha1.ResultPass, 0),
		res("r/both", reportsv1alpha1.ResultFail, 2, "y", "z"),
		res("r/many", reportsv1alpha1.ResultFail, 31, "x"),
		res("r/same", reportsv1alpha1.ResultFail, 1, "x"),
		res("r/added-to-spec", reportsv1alpha1.ResultFail, 1, "q"),
	}
	var got []string
	for _, e := range ResultDrift(prev, cur) {
		name := ""
		if e.Object != nil {
			name = e.Object.Name
		}
		got = append(got, fmt.Sprintf("%s %s %s", e.Type, e.Rule, name))
	}
	assert.ElementsMatch(t, []string{
		"NewViolation r/new p",
		"ResolvedViolation r/gone x",
		"NewViolation r/both z",
		"ResolvedViolation r/both x",
		"NewViolation r/many ",
	}, got)
	assert.Empty(t, ResultDrift(cur, cur), "no change, no drift")
}

func TestSubset(t *testing.T) {
	want := map[string]any{"a": int64(1), "l": []any{map[string]any{"x": "y"}}}
	_, ok := subset(want, map[string]any{"a": float64(1), "l": []any{map[string]any{"x": "y", "defaulted": true}}, "extra": 1}, "spec")
	assert.True(t, ok, "defaults the server adds are not drift")
	p, ok := subset(want, map[string]any{"a": int64(2), "l": []any{map[string]any{"x": "y"}}}, "spec")
	assert.False(t, ok)
	assert.Equal(t, "spec.a", p)
	p, ok = subset(want, map[string]any{"a": int64(1), "l": []any{}}, "spec")
	assert.False(t, ok)
	assert.Equal(t, "spec.l", p)
	_, ok = subset(want, nil, "spec")
	assert.False(t, ok)
}

func TestMergeRemediations(t *testing.T) {
	ns := &reportsv1alpha1.ObjectRef{Kind: "Namespace", Name: "a"}
	events := []reportsv1alpha1.DriftEvent{{Type: reportsv1alpha1.DriftNewViolation, Rule: ruleDefaultDeny, Object: ns}}
	rems := []reportsv1alpha1.DriftEvent{
		{Type: reportsv1alpha1.DriftNewViolation, Rule: ruleDefaultDeny, Object: ns, Remediation: &reportsv1alpha1.Remediation{Status: "Succeeded"}},
		{Type: reportsv1alpha1.DriftNewViolation, Rule: rulePSSEnforce, Object: ns, Remediation: &reportsv1alpha1.Remediation{Status: "Succeeded"}},
	}
	out := mergeRemediations(events, rems)
	assert.Len(t, out, 2)
	assert.NotNil(t, out[0].Remediation)
}

func TestCut(t *testing.T) {
	assert.Equal(t, "abc", cut("abc", 5))
	s := cut("ééééé", 6)
	assert.LessOrEqual(t, len(s), 6)
	assert.Equal(t, "é...", s)
}

// A read of a scan that predates this process's own last scan of it is
// stale: the status write has not reached the cache yet, and the scan is
// not due again because of it.
func TestScansMadeStale(t *testing.T) {
	at := time.Date(2026, 12, 2, 3, 0, 0, 500_000_000, time.UTC)
	read := func(last *time.Time) *v1alpha1.ComplianceScan {
		cs := &v1alpha1.ComplianceScan{ObjectMeta: metav1.ObjectMeta{UID: "u"}}
		if last != nil {
			cs.Status.AtProvider.LastScanTime = &metav1.Time{Time: *last}
		}
		return cs
	}
	s := &scansMade{}
	before, stored := at.Add(-time.Minute), at.Truncate(time.Second)
	assert.False(t, s.stale(read(&before)), "a scan this process never made is read as it is")
	s.made("u", at)
	assert.True(t, s.stale(read(nil)), "the cache has not seen the first scan yet")
	assert.True(t, s.stale(read(&before)), "the cache holds the scan before")
	assert.False(t, s.stale(read(&stored)), "the status holds the scan, to the second")
	s.forget("u")
	assert.False(t, s.stale(read(&before)), "forgotten with the scan")
}
