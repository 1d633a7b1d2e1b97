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
	"time"

	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kspec-io/kspec/internal/rules"
)

// Kyverno renders a ValidatingPolicy per object rule (a
// NamespacedValidatingPolicy for a claim) and a PolicyException per live
// exemption. Pod controllers are matched explicitly, with autogen off, so
// the same CEL runs in Kyverno, the API server and kspec.
func Kyverno(set *rules.Set, o Options) []client.Object {
	claim := set.Namespace != ""
	actions, evaluation := kyvernoActions(set.ActionsAt(o.Now))
	var out []client.Object
	names := map[*rules.Rule]string{}
	for _, r := range set.AdmissionRules() {
		spec := kyvernov1.ValidatingPolicySpec{
			MatchConstraints:        matchResources(r, set.Scope.Selector),
			MatchConditions:         matchConditions(set, r),
			Variables:               variables(set, r),
			Validations:             []admissionregistrationv1.Validation{validation(r)},
			ValidationAction:        actions,
			EvaluationConfiguration: evaluation,
			AutogenConfiguration: &kyvernov1.ValidatingPolicyAutogenConfiguration{
				PodControllers: &kyvernov1.PodControllersGenerationConfiguration{Controllers: []string{}},
			},
		}
		if claim {
			name := Name(set, r, false)
			names[r] = name
			out = append(out, &kyvernov1.NamespacedValidatingPolicy{
				TypeMeta:   metav1.TypeMeta{APIVersion: kyvernov1.GroupVersion.String(), Kind: "NamespacedValidatingPolicy"},
				ObjectMeta: meta(set, r, name, set.Namespace),
				Spec:       spec,
			})
			continue
		}
		name := Name(set, r, true)
		names[r] = name
		out = append(out, &kyvernov1.ValidatingPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: kyvernov1.GroupVersion.String(), Kind: "ValidatingPolicy"},
			ObjectMeta: meta(set, r, name, ""),
			Spec:       spec,
		})
	}
	exNamespace := o.ExceptionNamespace
	if exNamespace == "" {
		exNamespace = DefaultExceptionNamespace
	}
	kind := "ValidatingPolicy"
	if claim {
		exNamespace, kind = set.Namespace, "NamespacedValidatingPolicy"
	}
	for _, e := range liveExemptions(set, o) {
		var refs []kyvernov1.PolicyRef
		for _, r := range set.AdmissionRules() {
			if e.Covers(r) {
				refs = append(refs, kyvernov1.PolicyRef{Name: names[r], Kind: kind})
			}
		}
		if len(refs) == 0 {
			continue
		}
		m := meta(set, nil, exceptionName(set, e), exNamespace)
		m.Annotations = map[string]string{
			AnnotationExemption:  e.Name,
			AnnotationReason:     e.Reason,
			AnnotationApprovedBy: e.ApprovedBy,
			AnnotationExpiresAt:  e.ExpiresAt.UTC().Format(time.RFC3339),
		}
		out = append(out, &kyvernov1.PolicyException{
			TypeMeta:   metav1.TypeMeta{APIVersion: kyvernov1.GroupVersion.String(), Kind: "PolicyException"},
			ObjectMeta: m,
			Spec: kyvernov1.PolicyExceptionSpec{
				PolicyRefs:      refs,
				MatchConditions: []admissionregistrationv1.MatchCondition{{Name: "kspec-exemption", Expression: e.Condition}},
			},
		})
	}
	return out
}

// kyvernoActions turns the engine's admission actions into a
// ValidatingPolicy's validationActions and evaluation settings. Kyverno
// takes the actions as they are (its CRD accepts Deny, Warn and Audit, and
// Warn answers with a warning as the API server does). No actions
// (monitor) turns admission evaluation off and keeps background scans,
// which write the policy reports; the CRD requires validationActions, so
// it holds Audit, which admission never reaches.
func kyvernoActions(actions []rules.Action) ([]admissionregistrationv1.ValidationAction, *kyvernov1.EvaluationConfiguration) {
	if len(actions) == 0 {
		return []admissionregistrationv1.ValidationAction{rules.ActionAudit}, &kyvernov1.EvaluationConfiguration{
			Admission:  &kyvernov1.AdmissionConfiguration{Enabled: ptr.To(false)},
			Background: &kyvernov1.BackgroundConfiguration{Enabled: ptr.To(true)},
		}
	}
	return append([]admissionregistrationv1.ValidationAction(nil), actions...), nil
}
