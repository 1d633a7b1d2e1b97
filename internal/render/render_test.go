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
	"strings"
	"testing"
	"time"

	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

func TestShorten(t *testing.T) {
	assert.Equal(t, "kspec-strict-run-as-non-root", shorten("kspec-strict-run-as-non-root"))
	long := "kspec-" + strings.Repeat("a", 40) + "-read-only-root-filesystem"
	other := "kspec-" + strings.Repeat("a", 40) + "-read-only-root-filesystex"
	assert.Len(t, shorten(long), 63)
	assert.NotEqual(t, shorten(long), shorten(other), "names that share 54 characters stay apart")
	assert.Equal(t, shorten(long), shorten(long))
}

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
	return set
}

func TestModes(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for mode, want := range map[kspecv1alpha1.Mode]struct {
		kyverno, vap []admissionregistrationv1.ValidationAction
		admission    bool
	}{
		kspecv1alpha1.ModeEnforce: {[]admissionregistrationv1.ValidationAction{"Deny"}, []admissionregistrationv1.ValidationAction{"Deny"}, true},
		kspecv1alpha1.ModeAudit:   {[]admissionregistrationv1.ValidationAction{"Audit"}, []admissionregistrationv1.ValidationAction{"Warn", "Audit"}, true},
		kspecv1alpha1.ModeMonitor: {[]admissionregistrationv1.ValidationAction{"Audit"}, []admissionregistrationv1.ValidationAction{"Audit"}, false},
	} {
		set := compileSpec(t, "s", "", mode)
		for _, o := range Kyverno(set, Options{Now: now}) {
			vp := o.(*kyvernov1.ValidatingPolicy)
			assert.Equal(t, want.kyverno, vp.Spec.ValidationAction, mode)
			admission := vp.Spec.EvaluationConfiguration == nil || vp.Spec.EvaluationConfiguration.Admission == nil || *vp.Spec.EvaluationConfiguration.Admission.Enabled
			assert.Equal(t, want.admission, admission, mode)
		}
		for _, o := range AdmissionPolicies(set, Options{Now: now}) {
			if b, ok := o.(*admissionregistrationv1.ValidatingAdmissionPolicyBinding); ok {
				assert.Equal(t, want.vap, b.Spec.ValidationActions, mode)
			}
		}
	}
}

func TestNamesAndScope(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	a, b := compileSpec(t, "a", "", kspecv1alpha1.ModeEnforce), compileSpec(t, "b", "", kspecv1alpha1.ModeEnforce)
	names := map[string]bool{}
	for _, set := range []*rules.Set{a, b} {
		for _, o := range append(Kyverno(set, Options{Now: now}), AdmissionPolicies(set, Options{Now: now})...) {
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
	vaps := AdmissionPolicies(claim, Options{Now: now})
	require.Len(t, vaps, 2)
	assert.Equal(t, "kspec-team.a-limits-cpu", vaps[0].GetName())
	assert.Contains(t, vaps[0].(*admissionregistrationv1.ValidatingAdmissionPolicy).Spec.MatchConditions[0].Expression, "['team']")
}

func TestExemptions(t *testing.T) {
	ex := func(name string, expires time.Time, rules ...kspecv1alpha1.CheckRef) kspecv1alpha1.Exemption {
		return kspecv1alpha1.Exemption{Name: name, Reason: "r", ApprovedBy: "a", ExpiresAt: metav1.NewTime(expires), Namespaces: []string{"legacy"}, Rules: rules}
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	set := compileSpec(t, "s", "", kspecv1alpha1.ModeEnforce,
		ex("live", now.Add(time.Hour), "workload.security/limits-cpu"),
		ex("expired", now.Add(-time.Hour)),
		ex("everything", now.Add(time.Hour)))
	var exceptions []*kyvernov1.PolicyException
	for _, o := range Kyverno(set, Options{Now: now}) {
		if e, ok := o.(*kyvernov1.PolicyException); ok {
			exceptions = append(exceptions, e)
		}
	}
	require.Len(t, exceptions, 2, "the expired exemption is not rendered")
	assert.Equal(t, "kspec-system", exceptions[0].Namespace)
	assert.Equal(t, []kyvernov1.PolicyRef{{Name: "kspec-s-limits-cpu", Kind: "ValidatingPolicy"}}, exceptions[0].Spec.PolicyRefs)
	assert.Len(t, exceptions[1].Spec.PolicyRefs, 2, "an exemption naming no rule covers every rule")
	assert.Equal(t, "2026-12-01T01:00:00Z", exceptions[0].Annotations["kspec.io/expires-at"])

	for _, o := range AdmissionPolicies(set, Options{Now: now}) {
		if p, ok := o.(*admissionregistrationv1.ValidatingAdmissionPolicy); ok {
			var conds []string
			for _, c := range p.Spec.MatchConditions {
				conds = append(conds, c.Name)
			}
			assert.NotContains(t, conds, "kspec-exemption-expired")
			assert.Contains(t, conds, "kspec-exemption-everything")
		}
	}
}
