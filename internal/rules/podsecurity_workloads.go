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

// Pod Security of workloads: Pods and the pod templates of their
// controllers judged by the Pod Security Standards, with the evaluator
// the API server's Pod Security admission runs (k8s.io/pod-security-admission).
// Admission judges a Pod once, when it is created; a namespace labelled
// later, or a spec that asks for more, leaves running Pods unjudged. This
// rule judges them where they are (kspec scan) and where they are written
// (kspec check), so CI catches what admission would reject.

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// RuleWorkloadsPodSecurity is the id of the rule judging workloads by the
// Pod Security Standards.
const RuleWorkloadsPodSecurity = CategoryPodSecurity + "/workloads"

// psaEvaluator is the upstream evaluator with its default checks, built
// once: the same checks, at the same versions, as the API server's.
var psaEvaluator = sync.OnceValues(func() (policy.Evaluator, error) {
	return policy.NewEvaluator(policy.DefaultChecks(), nil)
})

// workloadsRule judges every pod spec at the stricter of the level the spec
// requires in its namespace (podSecurity.enforce, lowered by the
// namespace's podSecurity.exemptions as the label rule lowers it) and the
// level the namespace enforces (its pod-security.kubernetes.io/enforce
// label, at its enforce-version), when its labels are known.
func workloadsRule(ps *kspecv1alpha1.PodSecurityRequirements) *Rule {
	exempt := map[string]kspecv1alpha1.PodSecurityLevel{}
	for _, e := range ps.Exemptions {
		if _, seen := exempt[e.Namespace]; !seen { // the first listed wins
			exempt[e.Namespace] = e.Level
		}
	}
	required := func(ns string) kspecv1alpha1.PodSecurityLevel {
		l := ps.Enforce
		if l == "" {
			return kspecv1alpha1.PodSecurityPrivileged
		}
		if e, ok := exempt[ns]; ok {
			l = lower(l, e)
		}
		return l
	}
	title := "Workloads meet the Pod Security level their namespace enforces"
	if ps.Enforce != "" {
		title = fmt.Sprintf("Workloads meet Pod Security level %s and the level their namespace enforces", ps.Enforce)
	}
	return &Rule{
		ID:          RuleWorkloadsPodSecurity,
		Title:       title,
		Severity:    reportsv1alpha1.SeverityHigh,
		Kinds:       podKinds,
		Message:     "the workload violates the Pod Security level of its namespace",
		Remediation: "Change the workload to meet the Pod Security Standard named in the message (https://kubernetes.io/docs/concepts/security/pod-security-standards/); Pod Security admission rejects its Pods when they are next created.",
		native: func(obj map[string]any, in Input) (Status, string) {
			return podSecurityVerdict(obj, in, required)
		},
	}
}

// podSecurityVerdict is the workloads rule's verdict on one object.
func podSecurityVerdict(obj map[string]any, in Input, required func(string) kspecv1alpha1.PodSecurityLevel) (Status, string) {
	eval, err := psaEvaluator()
	if err != nil {
		return Error, "the Pod Security evaluator: " + err.Error()
	}
	u, _ := obj["metadata"].(map[string]any)
	ns, _ := u["namespace"].(string)

	spec0 := psaapi.LevelVersion{Level: psaapi.Level(required(ns)), Version: psaapi.LatestVersion()}
	want, by := spec0, "the specification requires"
	if in.NamespaceLabels != nil {
		if labels, known := in.NamespaceLabels(ns); known {
			// As Pod Security admission reads the labels: unset is
			// privileged, an unparsable level is restricted.
			p, _ := psaapi.PolicyToEvaluate(labels, psaapi.Policy{Enforce: psaapi.LevelVersion{Level: psaapi.LevelPrivileged, Version: psaapi.LatestVersion()}})
			if psaapi.CompareLevels(p.Enforce.Level, spec0.Level) > 0 {
				want, by = p.Enforce, "namespace "+ns+" enforces"
			}
		}
	}
	if want.Level == psaapi.LevelPrivileged {
		return Pass, "" // allows every pod: nothing to read
	}
	meta, spec, err := podTemplate(obj)
	if err != nil {
		return Error, err.Error()
	}
	if spec == nil {
		return Skip, "the object has no pod template"
	}
	agg := policy.AggregateCheckResults(eval.EvaluatePod(want, meta, spec))
	if agg.Allowed {
		return Pass, ""
	}
	return Fail, fmt.Sprintf("violates PodSecurity %q, which %s: %s", want.String(), by, agg.ForbiddenDetail())
}

// podTemplate is the pod metadata and spec of a pod kind: a Pod's own, a
// controller's template, a CronJob's job template's. A nil spec means the
// object has none.
func podTemplate(obj map[string]any) (*metav1.ObjectMeta, *corev1.PodSpec, error) {
	kind, _ := obj["kind"].(string)
	var path []string
	switch kind {
	case KindPod.Kind:
	case KindCronJob.Kind:
		path = []string{"spec", "jobTemplate", "spec", "template"}
	default:
		path = []string{"spec", "template"}
	}
	cur := obj
	for _, p := range path {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return nil, nil, nil
		}
		cur = next
	}
	if _, ok := cur["spec"].(map[string]any); !ok {
		return nil, nil, nil
	}
	in := map[string]any{"spec": cur["spec"]}
	if m, ok := cur["metadata"].(map[string]any); ok {
		in["metadata"] = m
	}
	var t corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(in, &t); err != nil {
		return nil, nil, fmt.Errorf("cannot read the pod spec: %w", err)
	}
	return &t.ObjectMeta, &t.Spec, nil
}
