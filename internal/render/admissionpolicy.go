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
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kspec-io/kspec/internal/rules"
)

// An exemptionNote traces a match condition of a ValidatingAdmissionPolicy
// back to the exemption it renders, as a PolicyException's annotations do.
type exemptionNote struct {
	Condition  string `json:"condition"`
	Name       string `json:"name"`
	Reason     string `json:"reason"`
	ApprovedBy string `json:"approvedBy"`
	ExpiresAt  string `json:"expiresAt"`
}

// AdmissionPolicies renders a ValidatingAdmissionPolicy and binding per
// object rule. Live exemptions become match conditions, listed in the
// policy's kspec.io/exemptions annotation; a claim is scoped to its
// namespace by a match condition, since these objects are cluster-scoped.
func AdmissionPolicies(set *rules.Set, o Options) []client.Object {
	actions := vapActions(set.ActionsAt(o.Now))
	live := liveExemptions(set, o)
	var out []client.Object
	for _, r := range set.AdmissionRules() {
		name := Name(set, r, true)
		m := meta(set, r, name, "")
		conds := matchConditions(set, r)
		var notes []exemptionNote
		for _, e := range live {
			if !e.Covers(r) {
				continue
			}
			n := exemptionNote{
				Condition:  exemptionCondition(set, e),
				Name:       e.Name,
				Reason:     e.Reason,
				ApprovedBy: e.ApprovedBy,
				ExpiresAt:  e.ExpiresAt.UTC().Format(time.RFC3339),
			}
			notes = append(notes, n)
			conds = append(conds, admissionregistrationv1.MatchCondition{Name: n.Condition, Expression: e.NotCondition()})
		}
		if len(notes) > 0 {
			// Strings only: marshalling cannot fail.
			b, _ := json.Marshal(notes)
			m.Annotations[AnnotationExemptions] = string(b)
		}
		out = append(out,
			&admissionregistrationv1.ValidatingAdmissionPolicy{
				TypeMeta:   metav1.TypeMeta{APIVersion: admissionregistrationv1.SchemeGroupVersion.String(), Kind: "ValidatingAdmissionPolicy"},
				ObjectMeta: m,
				Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
					FailurePolicy:    ptr.To(admissionregistrationv1.Fail),
					MatchConstraints: matchResources(r, set.Scope.Selector),
					MatchConditions:  conds,
					Variables:        variables(set, r),
					Validations:      []admissionregistrationv1.Validation{validation(r)},
				},
			},
			&admissionregistrationv1.ValidatingAdmissionPolicyBinding{
				TypeMeta:   metav1.TypeMeta{APIVersion: admissionregistrationv1.SchemeGroupVersion.String(), Kind: "ValidatingAdmissionPolicyBinding"},
				ObjectMeta: meta(set, r, name, ""),
				Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
					PolicyName:        name,
					ValidationActions: actions,
				},
			})
	}
	return out
}

// vapActions turns the engine's admission actions into a binding's
// validationActions. A binding needs at least one, and no action (monitor)
// becomes Audit alone: a failure is only recorded in the API server's
// audit log, never denied nor warned about.
func vapActions(actions []rules.Action) []admissionregistrationv1.ValidationAction {
	if len(actions) == 0 {
		return []admissionregistrationv1.ValidationAction{rules.ActionAudit}
	}
	return append([]admissionregistrationv1.ValidationAction(nil), actions...)
}
