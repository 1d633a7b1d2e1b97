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

package apiserver_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"

	"github.com/kspec-io/kspec/test/harness"
)

// TestKyvernoTypesMatchKyvernoCRDs checks that the Kyverno API types kspec
// pins (github.com/kyverno/api) write objects the CRDs of the Kyverno release
// kspec tests against (v1.19.1) accept with strict field validation. Policy
// rendering builds on these types.
func TestKyvernoTypesMatchKyvernoCRDs(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	pods := &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
		RuleWithOperations: admissionregistrationv1.RuleWithOperations{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
			Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
		},
	}}}
	spec := kyvernov1.ValidatingPolicySpec{
		MatchConstraints: pods,
		ValidationAction: []admissionregistrationv1.ValidationAction{admissionregistrationv1.Audit},
		Validations: []admissionregistrationv1.Validation{{
			Expression: "object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)",
			Message:    "privileged containers are not allowed",
		}},
	}
	objects := []client.Object{
		&kyvernov1.ValidatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "kspec-probe"}, Spec: spec},
		&kyvernov1.NamespacedValidatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "kspec-probe", Namespace: "team-payments"}, Spec: spec},
		&kyvernov1.PolicyException{
			ObjectMeta: metav1.ObjectMeta{Name: "kspec-probe", Namespace: "team-payments"},
			Spec: kyvernov1.PolicyExceptionSpec{
				PolicyRefs:      []kyvernov1.PolicyRef{{Name: "kspec-probe", Kind: "ValidatingPolicy"}},
				MatchConditions: []admissionregistrationv1.MatchCondition{{Name: "legacy", Expression: "object.metadata.name == 'legacy'"}},
			},
		},
	}
	for _, o := range objects {
		require.NoError(t, kyverno.Create(ctx, o, client.FieldValidation(metav1.FieldValidationStrict)), "%T", o)
		require.NoError(t, kyverno.Delete(ctx, o))
	}
}
