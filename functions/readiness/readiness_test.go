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

package readiness

import (
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func obj(t *testing.T, y string) *unstructured.Unstructured {
	t.Helper()
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

func TestOf(t *testing.T) {
	cases := map[string]struct {
		reason string
		obj    string
		ready  resource.Ready
		why    string // a substring of the reason, or of the error
		err    bool
	}{
		"DeploymentAvailable": {
			reason: "Every replica updated and available, the latest generation seen.",
			obj: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: n, generation: 2}, spec: {replicas: 3},
				status: {observedGeneration: 2, updatedReplicas: 3, availableReplicas: 3, conditions: [{type: Available, status: "True"}]}}`,
			ready: resource.ReadyTrue,
		},
		"DeploymentRollingOut": {
			reason: "A rollout that has not replaced every replica is not ready.",
			obj: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: n, generation: 2}, spec: {replicas: 3},
				status: {observedGeneration: 2, updatedReplicas: 2, availableReplicas: 3, conditions: [{type: Available, status: "True"}]}}`,
			ready: resource.ReadyFalse, why: "2 of 3 replicas updated, 3 available",
		},
		"DeploymentOldGeneration": {
			reason: "Status of an older generation says nothing about the current spec.",
			obj: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, generation: 3}, spec: {replicas: 1},
				status: {observedGeneration: 2, updatedReplicas: 1, availableReplicas: 1, conditions: [{type: Available, status: "True"}]}}`,
			ready: resource.ReadyFalse, why: "not seen generation 3",
		},
		"DeploymentUnavailable": {
			reason: "The Available condition must be True.",
			obj: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {replicas: 1},
				status: {updatedReplicas: 1, availableReplicas: 1, conditions: [{type: Available, status: "False", reason: MinimumReplicasUnavailable, message: "not enough"}]}}`,
			ready: resource.ReadyFalse, why: "Available is False (MinimumReplicasUnavailable): not enough",
		},
		"DeploymentMalformed": {
			reason: "A replica count that is not a number is an error naming the field.",
			obj:    `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: ns1}, spec: {replicas: 1}, status: {availableReplicas: "three"}}`,
			ready:  resource.ReadyFalse, err: true, why: "Deployment ns1/d: cannot read its observed state: .status.availableReplicas is three, not an integer",
		},
		"CertificateReady": {
			obj:   `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: c}, status: {conditions: [{type: Issuing, status: "False"}, {type: Ready, status: "True"}]}}`,
			ready: resource.ReadyTrue,
		},
		"CertificateNoCondition": {
			reason: "A Certificate cert-manager has not looked at yet is not ready.",
			obj:    `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: c}}`,
			ready:  resource.ReadyFalse, why: "no Ready condition yet",
		},
		"IssuerNotReady": {
			obj:   `{apiVersion: cert-manager.io/v1, kind: Issuer, metadata: {name: i}, status: {conditions: [{type: Ready, status: "False", reason: ErrGetKeyPair, message: "secret not found"}]}}`,
			ready: resource.ReadyFalse, why: "Ready is False (ErrGetKeyPair): secret not found",
		},
		"ConditionsNotAList": {
			reason: "Malformed conditions are an error, not a panic.",
			obj:    `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: c}, status: {conditions: {type: Ready}}}`,
			ready:  resource.ReadyFalse, err: true, why: ".status.conditions is map[string]interface {}, not a list",
		},
		"ConditionNotAnObject": {
			obj:   `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: c}, status: {conditions: ["Ready"]}}`,
			ready: resource.ReadyFalse, err: true, why: ".status.conditions[0] is string, not an object",
		},
		"ConditionStatusNotAString": {
			obj:   `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: c}, status: {conditions: [{type: Ready, status: true}]}}`,
			ready: resource.ReadyFalse, err: true, why: ".status.conditions[0].status is bool, not a string",
		},
		"KyvernoReady": {
			obj:   `{apiVersion: policies.kyverno.io/v1, kind: ValidatingPolicy, metadata: {name: p}, status: {conditionStatus: {ready: true}}}`,
			ready: resource.ReadyTrue,
		},
		"KyvernoNotCached": {
			reason: "Kyverno's failing condition is the reason.",
			obj: `{apiVersion: policies.kyverno.io/v1, kind: NamespacedValidatingPolicy, metadata: {name: p, namespace: team}, status: {conditionStatus: {ready: false,
				conditions: [{type: WebhookConfigured, status: "True", reason: Succeeded}, {type: PolicyCached, status: "False", reason: Failed, message: "compile error"}]}}}`,
			ready: resource.ReadyFalse, why: "PolicyCached is False (Failed): compile error",
		},
		"KyvernoNoStatus": {
			obj:   `{apiVersion: policies.kyverno.io/v1, kind: ValidatingPolicy, metadata: {name: p}}`,
			ready: resource.ReadyFalse, why: "not reported the policy ready",
		},
		"KyvernoReadyNotABool": {
			obj:   `{apiVersion: policies.kyverno.io/v1, kind: ValidatingPolicy, metadata: {name: p}, status: {conditionStatus: {ready: "yes"}}}`,
			ready: resource.ReadyFalse, err: true, why: ".status.conditionStatus.ready is yes, not a boolean",
		},
		"AdmissionPolicyChecked": {
			obj:   `{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingAdmissionPolicy, metadata: {name: p, generation: 1}, status: {observedGeneration: 1, typeChecking: {}}}`,
			ready: resource.ReadyTrue,
		},
		"AdmissionPolicyWarns": {
			reason: "A type-checking warning means an expression is wrong for its kinds.",
			obj: `{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingAdmissionPolicy, metadata: {name: p, generation: 1},
				status: {observedGeneration: 1, typeChecking: {expressionWarnings: [{fieldRef: "spec.validations[0].expression", warning: "no such key: foo"}]}}}`,
			ready: resource.ReadyFalse, why: "spec.validations[0].expression: no such key: foo",
		},
		"AdmissionPolicyUnchecked": {
			obj:   `{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingAdmissionPolicy, metadata: {name: p, generation: 2}, status: {observedGeneration: 1, typeChecking: {}}}`,
			ready: resource.ReadyFalse, why: "not type-checked generation 2",
		},
		"ManagedResource": {
			obj:   `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {conditions: [{type: Synced, status: "True"}, {type: Ready, status: "False", reason: Creating}]}}`,
			ready: resource.ReadyFalse, why: "Ready is False (Creating)",
		},
		"ConfigMap": {
			reason: "Kinds without status are ready once they exist.",
			obj:    `{apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: kspec-system}}`,
			ready:  resource.ReadyTrue,
		},
		"UnknownKindWithReady": {
			reason: "An unknown kind with a Ready condition must have it True.",
			obj:    `{apiVersion: example.org/v1, kind: Thing, metadata: {name: t}, status: {conditions: [{type: Ready, status: "Unknown"}]}}`,
			ready:  resource.ReadyFalse, why: "Ready is Unknown",
		},
		"NamespaceTerminating": {
			obj:   `{apiVersion: v1, kind: Namespace, metadata: {name: kspec-system}, status: {phase: Terminating}}`,
			ready: resource.ReadyFalse, why: "namespace is Terminating",
		},
		"CRDEstablished": {
			obj:   `{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: x}, status: {conditions: [{type: Established, status: "True"}]}}`,
			ready: resource.ReadyTrue,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v, err := Of(obj(t, tc.obj), true)
			assert.Equal(t, tc.ready, v.Ready, tc.reason)
			if tc.err {
				assert.ErrorContains(t, err, tc.why, tc.reason)
				return
			}
			assert.NoError(t, err, tc.reason)
			if tc.ready == resource.ReadyTrue {
				assert.Empty(t, v.Reason)
			} else {
				assert.Contains(t, v.Reason, tc.why, tc.reason)
			}
		})
	}
}

func TestNotObserved(t *testing.T) {
	for _, u := range []*unstructured.Unstructured{nil, {}, {Object: map[string]any{"kind": "ConfigMap"}}} {
		v, err := Of(u, false)
		assert.NoError(t, err)
		assert.Equal(t, resource.ReadyFalse, v.Ready)
		assert.Equal(t, "not observed yet", v.Reason)
	}
	v, err := Of(nil, true)
	assert.NoError(t, err)
	assert.Equal(t, resource.ReadyFalse, v.Ready, "a nil object is not observed, whatever ok says")
}

func TestNeverPanics(t *testing.T) {
	// Every check over hostile shapes of the fields it reads.
	hostile := []any{nil, "x", 1.5, true, []any{nil, 1, "x"}, map[string]any{"a": []any{}}}
	kinds := [][2]string{{"apps/v1", "Deployment"}, {"cert-manager.io/v1", "Certificate"}, {"policies.kyverno.io/v1", "ValidatingPolicy"},
		{"admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"}, {"v1", "Namespace"}, {"v1", "ConfigMap"}, {"apiextensions.k8s.io/v1", "CustomResourceDefinition"}}
	for _, k := range kinds {
		for _, h := range hostile {
			for _, field := range []string{"status", "spec", "metadata"} {
				u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": k[0], "kind": k[1], field: h}}
				if field != "metadata" {
					u.Object["metadata"] = map[string]any{"name": "x", "generation": h}
				}
				assert.NotPanics(t, func() { _, _ = Of(u, true) }, "%s with %s %v", k[1], field, h)
			}
			u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": k[0], "kind": k[1], "metadata": map[string]any{"name": "x"},
				"status": map[string]any{"conditions": h, "conditionStatus": h, "typeChecking": h, "phase": h, "observedGeneration": h}}}
			assert.NotPanics(t, func() { _, _ = Of(u, true) }, "%s with status fields %v", k[1], h)
		}
	}
}
