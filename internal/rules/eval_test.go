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
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/cel-go/interpreter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestScopeAndExemptions(t *testing.T) {
	yes := true
	spec := kspecv1alpha1.ClusterSpecificationSpec{
		Requirements: kspecv1alpha1.Requirements{Workloads: &kspecv1alpha1.WorkloadRequirements{Containers: &kspecv1alpha1.ContainerRules{
			Required: []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldLimitsCPU, Exists: &yes}},
		}}},
		NamespaceScope: &kspecv1alpha1.NamespaceScope{Exclude: []string{"sandbox"}, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}},
		Exemptions: []kspecv1alpha1.Exemption{{
			Name: "legacy", Reason: "r", ApprovedBy: "a", ExpiresAt: metav1.NewTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)),
			Resources: []kspecv1alpha1.ResourceSelector{{Kind: "Pod", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "legacy"}}}},
		}},
	}
	set, err := Compile(Spec{Name: "s", Spec: spec})
	require.NoError(t, err)
	labels := map[string]map[string]string{"team": {"env": "prod"}, "dev": {"env": "dev"}}
	eval := func(ns string, podLabels map[string]any, now time.Time) Result {
		p := pod("ghcr.io/acme/app")
		p["metadata"] = map[string]any{"name": "p", "namespace": ns, "labels": podLabels}
		rs := set.Evaluate(p, Input{Now: now, NamespaceLabels: func(n string) (map[string]string, bool) { l, ok := labels[n]; return l, ok }})
		require.Len(t, rs, 1)
		return rs[0]
	}
	before := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	after := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, Fail, eval("team", nil, before).Status)
	assert.Equal(t, Skip, eval("dev", nil, before).Status, "not selected")
	assert.Equal(t, Skip, eval("sandbox", nil, before).Status, "excluded")
	assert.Equal(t, Skip, eval("kube-system", nil, before).Status, "system")
	r := eval("team", map[string]any{"app": "legacy"}, before)
	assert.Equal(t, Skip, r.Status)
	assert.Equal(t, "legacy", r.Exemption)
	assert.Equal(t, Fail, eval("team", map[string]any{"app": "legacy"}, after).Status, "expired")
	p := pod("x")
	delete(p["metadata"].(map[string]any), "namespace")
	rs := set.Evaluate(p, Input{Now: before})
	assert.Empty(t, rs[0].Object.Namespace, "defaulting the namespace is the reader's business")
	assert.Equal(t, Fail, rs[0].Status)
}

// TestBatchesAgreeWithRules checks, on every pod of the agreement corpus,
// that evaluating a list's rules in one batch gives each rule's own verdict.
func TestBatchesAgreeWithRules(t *testing.T) {
	files, err := filepath.Glob("../../test/kyverno/corpus/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	n := 0
	for _, spec := range []string{"strict", "moderate", "comprehensive"} {
		y, err := os.ReadFile("../../examples/specs/" + spec + ".yaml")
		require.NoError(t, err)
		var cs kspecv1alpha1.ClusterSpecification
		require.NoError(t, yaml.Unmarshal(y, &cs))
		set, err := Compile(Spec{Name: cs.Name, Spec: cs.Spec})
		require.NoError(t, err)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			var obj map[string]any
			require.NoError(t, yaml.Unmarshal(b, &obj))
			apiVersion, _ := obj["apiVersion"].(string)
			kind, _ := obj["kind"].(string)
			if !podKind(apiVersion, kind) {
				continue
			}
			vars := map[string]any{}
			act, err := interpreter.NewActivation(map[string]any{"object": obj, "variables": vars})
			require.NoError(t, err)
			for i, v := range set.Variables {
				vars[v.Name], _, err = set.variables[i].Eval(act)
				require.NoError(t, err)
			}
			for _, b := range set.batches {
				verdicts := b.evaluate(act)
				require.NotNil(t, verdicts, "%s: the %s batch could not decide", f, b.list)
				for k, r := range b.rules {
					own, err := evalBool(r.program, act)
					require.NoError(t, err)
					assert.Equal(t, own, verdicts[k], "%s %s %s", spec, f, r.ID)
					n++
				}
			}
		}
	}
	// Thousands of verdicts: the corpus has over a hundred pods and each
	// spec batches a dozen rules. Far fewer means the test skipped them.
	require.Greater(t, n, 1000, "batched verdicts compared")
	t.Logf("%d batched verdicts equal the rules' own", n)
}
