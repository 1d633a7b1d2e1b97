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
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// restrictedSpec is a restricted pod spec: it meets every level.
func restrictedSpec() map[string]any {
	return map[string]any{
		"securityContext": map[string]any{"runAsNonRoot": true, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
		"containers": []any{map[string]any{"name": "c", "image": "nginx", "securityContext": map[string]any{
			"allowPrivilegeEscalation": false, "capabilities": map[string]any{"drop": []any{"ALL"}},
		}}},
	}
}

// baselineSpec meets baseline but not restricted.
func baselineSpec() map[string]any {
	return map[string]any{"containers": []any{map[string]any{"name": "c", "image": "nginx"}}}
}

// privilegedSpec meets privileged only.
func privilegedSpec() map[string]any {
	return map[string]any{"hostPID": true, "containers": []any{map[string]any{"name": "c", "image": "nginx", "securityContext": map[string]any{"privileged": true}}}}
}

func inNS(obj map[string]any, ns string) map[string]any {
	obj["metadata"].(map[string]any)["namespace"] = ns
	return obj
}

func workloadsVerdict(t *testing.T, set *Set, obj map[string]any, labels map[string]map[string]string) Result {
	t.Helper()
	in := Input{Now: time.Now(), NamespaceLabels: func(ns string) (map[string]string, bool) {
		l, ok := labels[ns]
		return l, ok
	}}
	for _, r := range set.Evaluate(obj, in) {
		if r.Rule.ID == RuleWorkloadsPodSecurity {
			return r
		}
	}
	t.Fatalf("no result of %s", RuleWorkloadsPodSecurity)
	return Result{}
}

func TestWorkloadsPodSecurity(t *testing.T) {
	set := mustCompile(t, Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		PodSecurity: &kspecv1alpha1.PodSecurityRequirements{
			Enforce: kspecv1alpha1.PodSecurityBaseline,
			Exemptions: []kspecv1alpha1.PodSecurityExemption{
				{Namespace: "monitoring", Level: kspecv1alpha1.PodSecurityPrivileged},
				{Namespace: "monitoring", Level: kspecv1alpha1.PodSecurityRestricted}, // the first listed wins
			},
		},
	}}})
	labels := map[string]map[string]string{
		"plain":      {},
		"strict":     {"pod-security.kubernetes.io/enforce": "restricted"},
		"strict-old": {"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.24"},
		"loose":      {"pod-security.kubernetes.io/enforce": "privileged"},
		"bogus":      {"pod-security.kubernetes.io/enforce": "bogus"},
		"monitoring": {},
	}
	for name, c := range map[string]struct {
		obj     map[string]any
		want    Status
		message string
	}{
		"baseline pod, spec requires baseline":          {inNS(podSpec(baselineSpec()), "plain"), Pass, ""},
		"privileged pod, spec requires baseline":        {inNS(podSpec(privilegedSpec()), "plain"), Fail, `violates PodSecurity "baseline:latest", which the specification requires: host namespaces (hostPID=true), privileged (container "c" must not set securityContext.privileged=true)`},
		"a namespace labelled stricter than the spec":   {inNS(podSpec(baselineSpec()), "strict"), Fail, `violates PodSecurity "restricted:latest", which namespace strict enforces: allowPrivilegeEscalation != false`},
		"at the namespace's enforce-version":            {inNS(podSpec(baselineSpec()), "strict-old"), Fail, `"restricted:v1.24", which namespace strict-old enforces`},
		"restricted pod in a restricted namespace":      {inNS(podSpec(restrictedSpec()), "strict"), Pass, ""},
		"a namespace labelled looser: the spec wins":    {inNS(podSpec(privilegedSpec()), "loose"), Fail, "which the specification requires"},
		"an unparsable label is restricted, as PSA":     {inNS(podSpec(baselineSpec()), "bogus"), Fail, `"restricted:latest", which namespace bogus enforces`},
		"an exemption lowers the spec's level":          {inNS(podSpec(privilegedSpec()), "monitoring"), Pass, ""},
		"labels unknown: the spec's level":              {inNS(podSpec(privilegedSpec()), "unknown"), Fail, "which the specification requires"},
		"a Deployment's template":                       {workload("apps/v1", "Deployment", "plain", []string{"spec", "template"}, privilegedSpec()), Fail, "privileged"},
		"a CronJob's job template":                      {workload("batch/v1", "CronJob", "plain", []string{"spec", "jobTemplate", "spec", "template"}, privilegedSpec()), Fail, "privileged"},
		"a Deployment without a template":               {map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d", "namespace": "plain"}}, Skip, "no pod template"},
		"a system namespace is out of scope, as always": {inNS(podSpec(privilegedSpec()), "kube-system"), Skip, "out of scope"},
	} {
		t.Run(name, func(t *testing.T) {
			r := workloadsVerdict(t, set, c.obj, labels)
			assert.Equal(t, c.want, r.Status, r.Message)
			assert.Contains(t, r.Message, c.message)
		})
	}

	t.Run("a malformed pod spec is an error, never a pass", func(t *testing.T) {
		r := workloadsVerdict(t, set, inNS(podSpec(map[string]any{"containers": "nope"}), "plain"), labels)
		assert.Equal(t, Error, r.Status)
	})

	t.Run("rendered policies and Admit leave it to Pod Security admission", func(t *testing.T) {
		assert.NotContains(t, set.AdmissionRules(), ruleByID(set, RuleWorkloadsPodSecurity))
		assert.Contains(t, set.ObjectRules(), ruleByID(set, RuleWorkloadsPodSecurity))
		d, err := set.Admit(context.Background(), Request{Operation: admissionv1.Create, Namespace: "plain", Object: inNS(podSpec(privilegedSpec()), "plain")}, atTime(time.Now()))
		require.NoError(t, err)
		for _, r := range d.Results {
			assert.NotEqual(t, RuleWorkloadsPodSecurity, r.Rule.ID)
		}
	})
}

func TestWorkloadsPodSecurityWithoutEnforce(t *testing.T) {
	// Only audit required: the namespace's own enforce level is what is
	// checked.
	set := mustCompile(t, Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		PodSecurity: &kspecv1alpha1.PodSecurityRequirements{Audit: kspecv1alpha1.PodSecurityRestricted},
	}}})
	labels := map[string]map[string]string{"strict": {"pod-security.kubernetes.io/enforce": "baseline"}, "plain": {}}
	assert.Equal(t, Pass, workloadsVerdict(t, set, inNS(podSpec(privilegedSpec()), "plain"), labels).Status)
	assert.Equal(t, Fail, workloadsVerdict(t, set, inNS(podSpec(privilegedSpec()), "strict"), labels).Status)

	none := mustCompile(t, Spec{Name: "s"})
	assert.Nil(t, ruleByID(none, RuleWorkloadsPodSecurity), "no podSecurity, no rule")
}

func workload(apiVersion, kind, ns string, path []string, spec map[string]any) map[string]any {
	inner := map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "x"}}, "spec": spec}
	for i := len(path) - 1; i >= 1; i-- {
		inner = map[string]any{path[i]: inner}
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": "w", "namespace": ns}, path[0]: inner}
}

func ruleByID(set *Set, id string) *Rule {
	for _, r := range set.Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}
