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

package rules

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertReads checks a cluster-level rule's reads on a snapshot: with only
// the Cluster fields it lists filled, the rule finds what it finds on the
// full snapshot, and without any one of them it finds something else, so
// reads lists what the rule reads and nothing more.
func assertReads(t *testing.T, r *Rule, full *Cluster) {
	t.Helper()
	require.NotEmpty(t, r.reads, "%s lists no Cluster fields it reads", r.ID)
	want := r.cluster(full)
	require.NotEmpty(t, want, "%s finds nothing on the full snapshot: nothing to compare", r.ID)
	only := func(fields []string) *Cluster {
		c := &Cluster{}
		for _, f := range fields {
			v := reflect.ValueOf(c).Elem().FieldByName(f)
			require.True(t, v.IsValid(), "%s reads %s, which is not a Cluster field", r.ID, f)
			v.Set(reflect.ValueOf(full).Elem().FieldByName(f))
		}
		return c
	}
	assert.Empty(t, cmp.Diff(want, r.cluster(only(r.reads))), "%s on a snapshot of only %v", r.ID, r.reads)
	for i, f := range r.reads {
		without := slices.Delete(slices.Clone(r.reads), i, i+1)
		assert.NotEmpty(t, cmp.Diff(want, r.cluster(only(without))), "%s finds the same without %s: the snapshot does not show that it reads it", r.ID, f)
	}
}

// clusterRule returns the compiled cluster-level rule with the id.
func clusterRule(t *testing.T, set *Set, id string) *Rule {
	t.Helper()
	for _, r := range set.ClusterRules() {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no cluster-level rule %s", id)
	return nil
}

// clusterVerdicts evaluates the cluster-level rules and keys each verdict
// by rule id and object name.
func clusterVerdicts(set *Set, c *Cluster) map[string]Status {
	got := map[string]Status{}
	for _, r := range set.EvaluateCluster(c) {
		key := r.Rule.ID
		if r.Object.Name != "" {
			key += " " + r.Object.Name
		}
		got[key] = r.Status
	}
	return got
}
