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
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/interpreter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// exampleSet compiles an example spec of examples/specs.
func exampleSet(t testing.TB, name string) *Set {
	t.Helper()
	y, err := os.ReadFile("../../examples/specs/" + name + ".yaml")
	require.NoError(t, err)
	var cs kspecv1alpha1.ClusterSpecification
	require.NoError(t, yaml.Unmarshal(y, &cs))
	s := Spec{Name: cs.Name, Spec: cs.Spec}
	if cs.Kind == kspecv1alpha1.ClusterSpecificationClaimKind {
		s.Namespace = cs.Namespace
	}
	set, err := Compile(s)
	require.NoError(t, err)
	return set
}

func TestCheckRefs(t *testing.T) {
	exemption := func(refs ...kspecv1alpha1.CheckRef) kspecv1alpha1.ClusterSpecificationSpec {
		return kspecv1alpha1.ClusterSpecificationSpec{Exemptions: []kspecv1alpha1.Exemption{{
			Name: "legacy", Reason: "r", ApprovedBy: "a", Namespaces: []string{"x"}, Rules: refs,
		}}}
	}
	control := func(refs ...kspecv1alpha1.CheckRef) kspecv1alpha1.ClusterSpecificationSpec {
		return kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{Compliance: &kspecv1alpha1.ComplianceMapping{
			Frameworks: []kspecv1alpha1.Framework{{Name: "NIST-800-53", Controls: []kspecv1alpha1.Control{{ID: "AC-6", Checks: refs}}}},
		}}}
	}
	cases := map[string]struct {
		spec kspecv1alpha1.ClusterSpecificationSpec
		want string // empty: compiles
	}{
		"Category":          {exemption("workload.security"), ""},
		"RuleNotInSpec":     {exemption("workload.security/privileged"), ""},
		"ExemptionTypo":     {exemption("workload.security/limit-cpu"), `spec.exemptions[0].rules[0]: Invalid value: "workload.security/limit-cpu": unknown rule "workload.security/limit-cpu"; the rules of workload.security are workload.security/allow-privilege-escalation, `},
		"ExemptionCategory": {exemption("workloads"), `spec.exemptions[0].rules[0]: Invalid value: "workloads": unknown check category "workloads"; the categories are admission.controllers, `},
		"ControlTypo":       {control("network.policies/default-deny", "rbac.validation/forbid-rules"), `spec.compliance.frameworks[0].controls[0].checks[1]: Invalid value: "rbac.validation/forbid-rules": unknown rule "rbac.validation/forbid-rules"; the rules of rbac.validation are rbac.validation/forbidden-rules, rbac.validation/minimum-rules`},
		"ControlRule":       {control("podsecurity.standards/enforce"), ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Compile(Spec{Name: "s", Spec: tc.spec})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestCategoriesMatchAPI ties the categories the API's CheckRef pattern
// lists to the engine's families, and every rule id to that pattern.
func TestCategoriesMatchAPI(t *testing.T) {
	src, err := os.ReadFile("../../apis/kspec/v1alpha1/requirements_types.go")
	require.NoError(t, err)
	m := regexp.MustCompile("(?m)^// \\+kubebuilder:validation:Pattern=`(.*)`\\ntype CheckRef string").FindSubmatch(src)
	require.NotNil(t, m, "the CheckRef pattern marker")
	pattern := regexp.MustCompile(string(m[1]))
	cats := regexp.MustCompile(`\^\(([^)]*)\)`).FindSubmatch(m[1])
	require.NotNil(t, cats)
	var api []string
	for _, c := range strings.Split(string(cats[1]), "|") {
		api = append(api, strings.ReplaceAll(c, "[.]", "."))
	}
	ids := RuleIDs()
	engine := make([]string, 0, len(ids))
	for c, rs := range ids {
		engine = append(engine, c)
		for _, id := range rs {
			assert.True(t, pattern.MatchString(id), "the API's pattern rejects rule id %s", id)
		}
	}
	slices.Sort(api)
	slices.Sort(engine)
	assert.Equal(t, api, engine)
}

// TestEveryRuleIDIsKnown compiles the comprehensive example and checks that
// RuleIDs lists every rule it yields.
func TestEveryRuleIDIsKnown(t *testing.T) {
	set := exampleSet(t, "comprehensive")
	ids := RuleIDs()
	require.NotEmpty(t, set.Rules)
	for _, r := range set.Rules {
		assert.Contains(t, ids[r.Category()], r.ID)
	}
}

func TestSetQueries(t *testing.T) {
	set := exampleSet(t, "comprehensive")
	var kinds []string
	for _, k := range set.Kinds() {
		kinds = append(kinds, k.APIVersion()+"/"+k.Kind)
	}
	assert.Equal(t, []string{"v1/Pod", "apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/DaemonSet", "apps/v1/ReplicaSet", "v1/ReplicationController",
		"batch/v1/Job", "batch/v1/CronJob", "v1/Service", "v1/Namespace", "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/ClusterRole"}, kinds)
	mr := set.MatchRules()
	require.Len(t, mr, 4, "one per group and version: core, apps, batch, rbac")
	assert.Equal(t, []string{"pods", "replicationcontrollers", "services", "namespaces"}, mr[0].Resources)
	reads := set.ClusterReads()
	require.NotEmpty(t, reads)
	assert.True(t, slices.IsSorted(reads))
	for _, r := range set.ClusterRules() {
		for _, f := range r.reads {
			assert.Contains(t, reads, f)
		}
	}

	claim := exampleSet(t, "team-claim")
	for _, k := range claim.Kinds() {
		assert.True(t, k.Namespaced, "a claim governs no cluster-scoped kind: %s", k.Kind)
	}
	assert.Empty(t, claim.ClusterReads(), "a claim has no cluster-level rules")
}

func TestNextChange(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	ex := func(name string, at time.Time) kspecv1alpha1.Exemption {
		return kspecv1alpha1.Exemption{Name: name, Reason: "r", ApprovedBy: "a", ExpiresAt: metav1.NewTime(at), Namespaces: []string{"x"}}
	}
	spec := kspecv1alpha1.ClusterSpecificationSpec{Exemptions: []kspecv1alpha1.Exemption{
		ex("expired", now.Add(-time.Hour)), ex("later", now.Add(48*time.Hour)), ex("sooner", now.Add(3*time.Hour)),
	}}
	set := mustCompile(t, Spec{Name: "s", Spec: spec})
	next, ok := set.NextChange(now)
	require.True(t, ok)
	assert.Equal(t, now.Add(3*time.Hour), next, "the earliest live exemption's expiry")

	spec.Activation = &kspecv1alpha1.Activation{Windows: []kspecv1alpha1.Window{{Start: "09:00", End: "13:00"}}}
	set = mustCompile(t, Spec{Name: "s", Spec: spec})
	next, ok = set.NextChange(now)
	require.True(t, ok)
	assert.Equal(t, now.Add(time.Hour), next, "the window closes before any exemption expires")

	_, ok = mustCompile(t, Spec{Name: "s"}).NextChange(now)
	assert.False(t, ok, "nothing changes by the clock")
}

// TestSetSharesNothing: a compiled set aliases neither its input nor
// another set nor package state.
func TestSetSharesNothing(t *testing.T) {
	spec := admitSpec(kspecv1alpha1.ModeEnforce)
	spec.Enforcement.Engines = []kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno}
	spec.NamespaceScope = &kspecv1alpha1.NamespaceScope{Include: []string{"team"}}
	a := mustCompile(t, Spec{Name: "a", Spec: spec})
	b := mustCompile(t, Spec{Name: "b", Spec: spec})
	podKinds := slices.Clone(podKinds)

	spec.Enforcement.Engines[0] = kspecv1alpha1.EngineWebhook
	spec.NamespaceScope.Include[0] = "other"
	spec.Workloads.Images.AllowedRegistries[0] = "docker.io"
	assert.Equal(t, kspecv1alpha1.EngineKyverno, a.Engines[0], "the input's engines")
	assert.Equal(t, []string{"team"}, a.Scope.Include, "the input's scope")

	a.Rules[0].Kinds[0] = KindService
	assert.Equal(t, podKinds, podKinds, "podKinds")
	assert.Equal(t, KindPod, b.Rules[0].Kinds[0], "another set's rules")
	assert.Equal(t, KindPod, a.Rules[1].Kinds[0], "another rule of the same set")
}

// TestScopeConditionAgrees checks the scope's CEL (what policies carry)
// against Names (what kspec evaluates) on many scopes and namespaces.
func TestScopeConditionAgrees(t *testing.T) {
	scopes := []Spec{
		{Name: "all"},
		{Name: "incl", Spec: kspecv1alpha1.ClusterSpecificationSpec{NamespaceScope: &kspecv1alpha1.NamespaceScope{Include: []string{"a", "b", "kube-system"}}}},
		{Name: "excl", Spec: kspecv1alpha1.ClusterSpecificationSpec{NamespaceScope: &kspecv1alpha1.NamespaceScope{Exclude: []string{"b", "it's"}}}},
		{Name: "both", Spec: kspecv1alpha1.ClusterSpecificationSpec{NamespaceScope: &kspecv1alpha1.NamespaceScope{Include: []string{"a", "c"}, Exclude: []string{"c"}}}},
		{Name: "claim", Namespace: "a"},
		{Name: "quotes", Spec: kspecv1alpha1.ClusterSpecificationSpec{NamespaceScope: &kspecv1alpha1.NamespaceScope{Include: []string{`x\'y`, "a"}}}},
	}
	namespaces := []string{"a", "b", "c", "d", "default", "kube-system", "kube-public", "kube-node-lease", "it's", `x\'y`, ""}
	n := 0
	for _, s := range scopes {
		set := mustCompile(t, s)
		p, err := compile(set.Scope.Condition(), cel.BoolType)
		require.NoError(t, err, s.Name)
		for _, ns := range namespaces {
			for _, obj := range []map[string]any{
				{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": ns}},
				{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}},
			} {
				act, err := interpreter.NewActivation(map[string]any{"object": obj, "variables": map[string]any{}})
				require.NoError(t, err)
				got, err := evalBool(p, act)
				require.NoError(t, err)
				// A namespaced object without a namespace is cluster-wide
				// to the condition; the reader defaults it first.
				want := ns == "" || set.Scope.Names(ns)
				assert.Equal(t, want, got, "scope %s, %s in %q", s.Name, obj["kind"], ns)
				n++
			}
		}
	}
	require.Equal(t, len(scopes)*len(namespaces)*2, n)
}

func TestClaimDropsClusterScoped(t *testing.T) {
	spec := exampleSet(t, "comprehensive")
	y, err := os.ReadFile("../../examples/specs/comprehensive.yaml")
	require.NoError(t, err)
	var cs kspecv1alpha1.ClusterSpecification
	require.NoError(t, yaml.Unmarshal(y, &cs))
	claim := mustCompile(t, Spec{Name: "c", Namespace: "team", Spec: cs.Spec})

	var kept, dropped []string
	for _, r := range spec.Rules {
		hasNamespaced := slices.ContainsFunc(r.Kinds, func(k Kind) bool { return k.Namespaced })
		if r.ClusterLevel() || !hasNamespaced {
			dropped = append(dropped, r.ID)
		} else {
			kept = append(kept, r.ID)
		}
	}
	require.NotEmpty(t, kept)
	require.NotEmpty(t, dropped)
	var got []string
	for _, r := range claim.Rules {
		got = append(got, r.ID)
		assert.False(t, r.ClusterLevel(), r.ID)
		for _, k := range r.Kinds {
			assert.True(t, k.Namespaced, "%s keeps cluster-scoped %s", r.ID, k.Kind)
		}
	}
	assert.Equal(t, kept, got)
	for _, id := range dropped {
		assert.True(t, slices.ContainsFunc(claim.Warnings, func(w string) bool { return strings.HasPrefix(w, id+" ") }), "no warning for dropped %s", id)
	}
	// The platform's rule on roles keeps ClusterRoles; the claim's does not.
	for _, r := range spec.Rules {
		if r.ID == CategoryRBAC+"/forbidden-rules" {
			assert.Contains(t, r.Kinds, KindClusterRole, fmt.Sprint(r.Kinds))
		}
	}
}
