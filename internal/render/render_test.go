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

package render

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func compileSpec(t *testing.T, name, namespace string, mode kspecv1alpha1.Mode, exemptions ...kspecv1alpha1.Exemption) *rules.Set {
	t.Helper()
	yes := true
	set, err := rules.Compile(rules.Spec{Name: name, Namespace: namespace, Spec: kspecv1alpha1.ClusterSpecificationSpec{
		Requirements: kspecv1alpha1.Requirements{
			Workloads: &kspecv1alpha1.WorkloadRequirements{Containers: &kspecv1alpha1.ContainerRules{
				Required: []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldLimitsCPU, Exists: &yes}},
			}},
			PodSecurity: &kspecv1alpha1.PodSecurityRequirements{Enforce: kspecv1alpha1.PodSecurityRestricted},
		},
		Enforcement: &kspecv1alpha1.Enforcement{Mode: mode},
		Exemptions:  exemptions,
	}})
	require.NoError(t, err)
	require.NotEmpty(t, set.AdmissionRules())
	return set
}

// of returns the objects of type T, in order.
func of[T client.Object](objs []client.Object) []T {
	var out []T
	for _, o := range objs {
		if t, ok := o.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func TestEngines(t *testing.T) {
	for in, want := range map[string]kspecv1alpha1.Engine{
		"Kyverno": kspecv1alpha1.EngineKyverno, "kyverno": kspecv1alpha1.EngineKyverno, "KYVERNO": kspecv1alpha1.EngineKyverno,
		"AdmissionPolicy": kspecv1alpha1.EngineAdmissionPolicy, "admissionpolicy": kspecv1alpha1.EngineAdmissionPolicy,
		"Webhook": kspecv1alpha1.EngineWebhook, "webhook": kspecv1alpha1.EngineWebhook,
	} {
		got, err := ParseEngine(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "vap", "kyverno ", "admission-policy"} {
		_, err := ParseEngine(in)
		assert.ErrorContains(t, err, "want Kyverno or AdmissionPolicy", in)
	}

	set := compileSpec(t, "s", "", kspecv1alpha1.ModeEnforce)
	for _, e := range Engines() {
		objs, err := Render(set, e, Options{Now: now})
		require.NoError(t, err, e)
		assert.NotEmpty(t, objs, e)
	}
	_, err := Render(set, kspecv1alpha1.EngineWebhook, Options{Now: now})
	assert.ErrorContains(t, err, "kspec-webhook enforces the rules from a bundle")
	_, err = Render(set, "kyverno", Options{Now: now})
	assert.ErrorContains(t, err, `unknown engine "kyverno"`, "Render takes the API's names; ParseEngine reads aliases")

	cases := map[string]struct {
		engines []kspecv1alpha1.Engine
		want    kspecv1alpha1.Engine
	}{
		"None":             {nil, kspecv1alpha1.EngineKyverno},
		"OnlyWebhook":      {[]kspecv1alpha1.Engine{kspecv1alpha1.EngineWebhook}, kspecv1alpha1.EngineKyverno},
		"FirstThatRenders": {[]kspecv1alpha1.Engine{kspecv1alpha1.EngineWebhook, kspecv1alpha1.EngineAdmissionPolicy, kspecv1alpha1.EngineKyverno}, kspecv1alpha1.EngineAdmissionPolicy},
		"KyvernoFirst":     {[]kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno, kspecv1alpha1.EngineAdmissionPolicy}, kspecv1alpha1.EngineKyverno},
		"AdmissionPolicy":  {[]kspecv1alpha1.Engine{kspecv1alpha1.EngineAdmissionPolicy}, kspecv1alpha1.EngineAdmissionPolicy},
	}
	for name, tc := range cases {
		assert.Equal(t, tc.want, DefaultEngine(&rules.Set{Engines: tc.engines}), name)
	}
}

func TestModes(t *testing.T) {
	type actions = []admissionregistrationv1.ValidationAction
	off := &kyvernov1.EvaluationConfiguration{
		Admission:  &kyvernov1.AdmissionConfiguration{Enabled: ptrTo(false)},
		Background: &kyvernov1.BackgroundConfiguration{Enabled: ptrTo(true)},
	}
	cases := map[kspecv1alpha1.Mode]struct {
		reason     string
		kyverno    actions
		evaluation *kyvernov1.EvaluationConfiguration
		vap        actions
	}{
		kspecv1alpha1.ModeEnforce: {"enforce denies", actions{"Deny"}, nil, actions{"Deny"}},
		kspecv1alpha1.ModeAudit:   {"audit warns and records", actions{"Warn", "Audit"}, nil, actions{"Warn", "Audit"}},
		kspecv1alpha1.ModeMonitor: {"monitor: Kyverno only scans; the API server only writes its audit log", actions{"Audit"}, off, actions{"Audit"}},
	}
	for mode, want := range cases {
		set := compileSpec(t, "s", "", mode)
		n := len(set.AdmissionRules())

		objs := Kyverno(set, Options{Now: now})
		vps := of[*kyvernov1.ValidatingPolicy](objs)
		require.Len(t, vps, n, mode)
		require.Len(t, objs, n, "%s: no exemptions, so only policies", mode)
		for _, vp := range vps {
			assert.Equal(t, want.kyverno, vp.Spec.ValidationAction, want.reason)
			assert.Empty(t, cmp.Diff(want.evaluation, vp.Spec.EvaluationConfiguration), want.reason)
		}

		objs = AdmissionPolicies(set, Options{Now: now})
		bindings := of[*admissionregistrationv1.ValidatingAdmissionPolicyBinding](objs)
		require.Len(t, bindings, n, mode)
		require.Len(t, of[*admissionregistrationv1.ValidatingAdmissionPolicy](objs), n, mode)
		for _, b := range bindings {
			assert.Equal(t, want.vap, b.Spec.ValidationActions, want.reason)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestActivation: outside its windows an enforce spec renders as monitor
// (nothing denies); inside, it denies. The function re-renders at the
// set's NextChange.
func TestActivation(t *testing.T) {
	y, err := yamlSpec(`
enforcement: {mode: enforce}
activation:
  timeZone: Europe/Berlin
  windows: [{start: "09:00", end: "17:00"}]
workloads:
  containers:
    required: [{key: securityContext.runAsNonRoot, value: true}]
`)
	require.NoError(t, err)
	set, err := rules.Compile(rules.Spec{Name: "office-hours", Spec: y})
	require.NoError(t, err)
	inside := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) // 11:00 in Berlin
	outside := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		at      time.Time
		kyverno []admissionregistrationv1.ValidationAction
		vap     []admissionregistrationv1.ValidationAction
	}{
		{inside, []admissionregistrationv1.ValidationAction{"Deny"}, []admissionregistrationv1.ValidationAction{"Deny"}},
		{outside, []admissionregistrationv1.ValidationAction{"Audit"}, []admissionregistrationv1.ValidationAction{"Audit"}},
	} {
		vps := of[*kyvernov1.ValidatingPolicy](Kyverno(set, Options{Now: tc.at}))
		require.Len(t, vps, 1)
		assert.Equal(t, tc.kyverno, vps[0].Spec.ValidationAction, tc.at)
		assert.Equal(t, tc.at.Equal(outside), vps[0].Spec.EvaluationConfiguration != nil, "admission off outside the window")
		bs := of[*admissionregistrationv1.ValidatingAdmissionPolicyBinding](AdmissionPolicies(set, Options{Now: tc.at}))
		require.Len(t, bs, 1)
		assert.Equal(t, tc.vap, bs[0].Spec.ValidationActions, tc.at)
	}
	next, ok := set.NextChange(inside)
	require.True(t, ok)
	assert.True(t, time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC).Equal(next), "17:00 in Berlin, got %s", next)
}

func yamlSpec(y string) (kspecv1alpha1.ClusterSpecificationSpec, error) {
	var s kspecv1alpha1.ClusterSpecificationSpec
	err := yaml.UnmarshalStrict([]byte(y), &s)
	return s, err
}

func TestMessagesAndMatch(t *testing.T) {
	set := compileSpec(t, "s", "", kspecv1alpha1.ModeEnforce)
	rs := set.AdmissionRules()
	vps := of[*kyvernov1.ValidatingPolicy](Kyverno(set, Options{Now: now}))
	vaps := of[*admissionregistrationv1.ValidatingAdmissionPolicy](AdmissionPolicies(set, Options{Now: now}))
	require.Len(t, vps, len(rs))
	require.Len(t, vaps, len(rs))
	for i, r := range rs {
		want := admissionregistrationv1.Validation{Expression: r.Expression, Message: r.AdmissionMessage(), MessageExpression: r.AdmissionMessageExpression()}
		assert.Equal(t, []admissionregistrationv1.Validation{want}, vps[i].Spec.Validations, r.ID)
		assert.Equal(t, []admissionregistrationv1.Validation{want}, vaps[i].Spec.Validations, r.ID)
		var rules []admissionregistrationv1.RuleWithOperations
		for _, rr := range vaps[i].Spec.MatchConstraints.ResourceRules {
			rules = append(rules, rr.RuleWithOperations)
		}
		assert.Empty(t, cmp.Diff(rulesMatch(r), rules), r.ID)
		assert.Equal(t, vaps[i].Spec.MatchConstraints, vps[i].Spec.MatchConstraints, r.ID)
	}
}

func rulesMatch(r *rules.Rule) []admissionregistrationv1.RuleWithOperations {
	return rules.MatchRules(r.Kinds)
}

func TestNamesAndScope(t *testing.T) {
	a, b := compileSpec(t, "a", "", kspecv1alpha1.ModeEnforce), compileSpec(t, "b", "", kspecv1alpha1.ModeEnforce)
	names := map[string]bool{}
	for _, set := range []*rules.Set{a, b} {
		objs := append(Kyverno(set, Options{Now: now}), AdmissionPolicies(set, Options{Now: now})...)
		require.Len(t, objs, 3*len(set.AdmissionRules()), "a policy, a VAP and a binding per rule")
		for _, o := range objs {
			key := o.GetObjectKind().GroupVersionKind().Kind + "/" + o.GetNamespace() + "/" + o.GetName()
			assert.False(t, names[key], "two specs render %s", key)
			names[key] = true
			assert.Equal(t, set.Name, o.GetLabels()[LabelSpec])
		}
	}

	// A claim: namespaced Kyverno policies in its namespace, no rule on
	// cluster-scoped Namespaces, and VAPs confined to the namespace.
	claim := compileSpec(t, "a", "team", kspecv1alpha1.ModeEnforce)
	objs := Kyverno(claim, Options{Now: now})
	require.Len(t, objs, 1)
	assert.Equal(t, "team", objs[0].GetNamespace())
	assert.IsType(t, &kyvernov1.NamespacedValidatingPolicy{}, objs[0])
	assert.Equal(t, "kspec-a-limits-cpu", objs[0].GetName())
	vaps := AdmissionPolicies(claim, Options{Now: now})
	require.Len(t, vaps, 2)
	assert.Equal(t, "kspec-team.a-limits-cpu", vaps[0].GetName())
	require.IsType(t, &admissionregistrationv1.ValidatingAdmissionPolicy{}, vaps[0])
	assert.Contains(t, vaps[0].(*admissionregistrationv1.ValidatingAdmissionPolicy).Spec.MatchConditions[0].Expression, "['team']")
}

func ex(name string, expires time.Time, rs ...kspecv1alpha1.CheckRef) kspecv1alpha1.Exemption {
	return kspecv1alpha1.Exemption{Name: name, Reason: "r", ApprovedBy: "a", ExpiresAt: metav1.NewTime(expires), Namespaces: []string{"legacy"}, Rules: rs}
}

// notes reads a ValidatingAdmissionPolicy's exemptions annotation.
func notes(t *testing.T, p *admissionregistrationv1.ValidatingAdmissionPolicy) []exemptionNote {
	t.Helper()
	a, ok := p.Annotations[AnnotationExemptions]
	if !ok {
		return nil
	}
	var out []exemptionNote
	require.NoError(t, json.Unmarshal([]byte(a), &out), p.Name)
	return out
}

func TestExemptions(t *testing.T) {
	set := compileSpec(t, "s", "", kspecv1alpha1.ModeEnforce,
		ex("live", now.Add(time.Hour), "workload.security/limits-cpu"),
		ex("expired", now.Add(-time.Hour)),
		ex("everything", now.Add(time.Hour)))
	n := len(set.AdmissionRules())
	require.Equal(t, 2, n)

	exceptions := of[*kyvernov1.PolicyException](Kyverno(set, Options{Now: now}))
	require.Len(t, exceptions, 2, "the expired exemption is not rendered")
	assert.Equal(t, DefaultExceptionNamespace, exceptions[0].Namespace)
	assert.Equal(t, "live", exceptions[0].Annotations[AnnotationExemption])
	assert.Equal(t, []kyvernov1.PolicyRef{{Name: "kspec-s-limits-cpu", Kind: "ValidatingPolicy"}}, exceptions[0].Spec.PolicyRefs)
	assert.Len(t, exceptions[1].Spec.PolicyRefs, 2, "an exemption naming no rule covers every rule")
	assert.Equal(t, "2026-12-01T01:00:00Z", exceptions[0].Annotations[AnnotationExpiresAt])
	exceptions = of[*kyvernov1.PolicyException](Kyverno(set, Options{Now: now, ExceptionNamespace: "policy"}))
	require.Len(t, exceptions, 2)
	assert.Equal(t, "policy", exceptions[1].Namespace)

	vaps := of[*admissionregistrationv1.ValidatingAdmissionPolicy](AdmissionPolicies(set, Options{Now: now}))
	require.Len(t, vaps, n)
	want := map[string][]string{"kspec-s-limits-cpu": {"live", "everything"}, "kspec-s-enforce": {"everything"}}
	for _, p := range vaps {
		var got []string
		ns := notes(t, p)
		for i, note := range ns {
			got = append(got, note.Name)
			assert.Equal(t, "r", note.Reason)
			assert.Equal(t, "a", note.ApprovedBy)
			assert.Equal(t, "2026-12-01T01:00:00Z", note.ExpiresAt)
			// The exemptions' conditions come last, in the annotation's order.
			c := p.Spec.MatchConditions[len(p.Spec.MatchConditions)-len(ns)+i]
			assert.Equal(t, note.Condition, c.Name)
			assert.Regexp(t, `^!\(.*'legacy'.*\)$`, c.Expression)
		}
		assert.Equal(t, want[p.Name], got, p.Name)
	}
}
