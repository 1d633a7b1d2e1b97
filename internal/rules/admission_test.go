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
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestAdmissionClusterRules(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Admission: &kspecv1alpha1.AdmissionRequirements{
			Required: []kspecv1alpha1.RequiredWebhook{{Type: "ValidatingWebhookConfiguration", NamePattern: "kyverno-.*", MinCount: 2}},
			Policies: &kspecv1alpha1.RequiredPolicies{MinCount: 1, RequiredPolicies: []kspecv1alpha1.NamedPolicy{{Name: "p1"}}},
		},
	}}})
	require.NoError(t, err)
	c := &Cluster{
		ValidatingWebhooks: []string{"kyverno-resource-validating-webhook-cfg", "other"},
		Policies:           []ObjectRef{{Kind: "ValidatingPolicy", Name: "p1"}},
	}
	assert.Equal(t, map[string]Status{
		"admission.controllers/webhooks kyverno-.*": Fail,
		"admission.controllers/policies":            Pass,
		"admission.controllers/policies p1":         Pass,
	}, clusterVerdicts(set, c))
	assertReads(t, clusterRule(t, set, "admission.controllers/webhooks"), c)
	assertReads(t, clusterRule(t, set, "admission.controllers/policies"), c)
}
