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
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

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
	got := NewResult(rules.Result{Rule: r, Object: new(pod("a")), Status: rules.Warn, Message: "m"}, nil)
	want := Result{Rule: r.ID, Title: r.Title, Severity: string(r.Severity), Controls: r.Controls, Status: rules.Warn, Object: pod("a"), Message: "m"}
	assert.Empty(t, cmp.Diff(want, got))
}

func pod(name string) rules.ObjectRef {
	return rules.ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: "team-a", Name: name}
}

// TestTallies: counts every result, keeps the first notable ones of each
// rule up to the bound and counts the rest, and lists rules as first seen.
func TestTallies(t *testing.T) {
	ts := NewTallies(2)
	for _, r := range []Result{
		{Rule: "b", Status: rules.Pass}, {Rule: "a", Status: rules.Fail}, {Rule: "b", Status: rules.Skip},
		{Rule: "a", Status: rules.Warn}, {Rule: "a", Status: rules.Error}, {Rule: "a", Status: rules.Fail},
	} {
		ts.Add(r)
	}
	assert.Equal(t, []string{"b", "a"}, ts.Order)
	assert.Empty(t, ts.ByRule["b"].Notable, "passes and skips are counted, not kept")
	assert.Equal(t, Summary{Pass: 1, Skip: 1}, ts.ByRule["b"].Summary)
	a := ts.ByRule["a"]
	assert.Equal(t, []rules.Status{rules.Fail, rules.Warn}, []rules.Status{a.Notable[0].Status, a.Notable[1].Status})
	assert.Equal(t, 2, a.More)
	assert.Equal(t, Summary{Fail: 2, Warn: 1, Error: 1}, a.Summary)
}
