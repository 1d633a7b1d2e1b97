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

package policies

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kspec-io/kspec/functions/step"
)

func TestNeededCRDs(t *testing.T) {
	tm := func(kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: kyvernov1.GroupVersion.String(), Kind: kind}
	}
	objs := []client.Object{
		&kyvernov1.PolicyException{TypeMeta: tm("PolicyException")},
		&kyvernov1.ValidatingPolicy{TypeMeta: tm("ValidatingPolicy")},
		&kyvernov1.ValidatingPolicy{TypeMeta: tm("ValidatingPolicy")},
		&kyvernov1.NamespacedValidatingPolicy{TypeMeta: tm("NamespacedValidatingPolicy")},
	}
	assert.Equal(t, []crd{
		{name: "namespacedvalidatingpolicies.policies.kyverno.io", version: "v1"},
		{name: "policyexceptions.policies.kyverno.io", version: "v1"},
		{name: "validatingpolicies.policies.kyverno.io", version: "v1"},
	}, neededCRDs(objs))
}

func TestVAPAvailability(t *testing.T) {
	cases := map[string]struct {
		target    step.Target
		available bool
		message   string
	}{
		"Local":        {target: step.Target{Local: true}, available: true, message: "assumed on the control-plane cluster"},
		"NotProbedYet": {target: step.Target{Name: "a", Namespace: "ns"}, available: true, message: "assumed on ClusterTarget ns/a, whose version is not probed yet"},
		"Recent":       {target: step.Target{Name: "a", Namespace: "ns", Version: "v1.33.2-eks-1"}, available: true, message: "every policy engine is available"},
		"Exactly130":   {target: step.Target{Name: "a", Namespace: "ns", Version: "v1.30.0"}, available: true},
		"TooOld":       {target: step.Target{Name: "a", Namespace: "ns", Version: "v1.29.9"}, message: "engine AdmissionPolicy is missing on ClusterTarget ns/a: it runs Kubernetes v1.29.9, and ValidatingAdmissionPolicy needs 1.30 or later"},
		"Garbage":      {target: step.Target{Name: "a", Namespace: "ns", Version: "banana"}, message: "it runs Kubernetes banana"},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			c := vapAvailability(tc.target)
			assert.Equal(t, tc.available, c.available)
			assert.Contains(t, c.condition.Message, tc.message)
			assert.Equal(t, !tc.available, c.warning != "")
		})
	}
}
