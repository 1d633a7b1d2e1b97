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
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestClusterRules(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Network: &kspecv1alpha1.NetworkRequirements{DefaultDeny: true, RequiredPolicies: []kspecv1alpha1.RequiredNetworkPolicy{{Name: "allow-dns"}}},
		RBAC:    &kspecv1alpha1.RBACRequirements{MinimumRules: []kspecv1alpha1.RBACRule{{APIGroup: "", Resource: "pods", Verbs: []string{"get", "list"}}}},
		Admission: &kspecv1alpha1.AdmissionRequirements{
			Required: []kspecv1alpha1.RequiredWebhook{{Type: "ValidatingWebhookConfiguration", NamePattern: "kyverno-.*", MinCount: 2}},
			Policies: &kspecv1alpha1.RequiredPolicies{MinCount: 1, RequiredPolicies: []kspecv1alpha1.NamedPolicy{{Name: "p1"}}},
		},
		Observability: &kspecv1alpha1.ObservabilityRequirements{
			Metrics: &kspecv1alpha1.MetricsRequirements{Required: true, Providers: []string{"prometheus", "metrics-server"}},
			Logging: &kspecv1alpha1.LoggingRequirements{AuditLog: &kspecv1alpha1.AuditLogRequirements{Required: true, MinRetentionDays: 30}},
		},
	}}})
	require.NoError(t, err)
	np := func(ns string, sel map[string]string, types []networkingv1.PolicyType, ingress ...networkingv1.NetworkPolicyIngressRule) networkingv1.NetworkPolicy {
		return networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "deny", Namespace: ns},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: sel}, PolicyTypes: types, Ingress: ingress}}
	}
	c := &Cluster{
		Namespaces: []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "a"}}, {ObjectMeta: metav1.ObjectMeta{Name: "b"}}, {ObjectMeta: metav1.ObjectMeta{Name: "c"}}, {ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}}},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			np("a", nil, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}),
			np("b", nil, nil, networkingv1.NetworkPolicyIngressRule{}), // allows all: not default-deny
			np("c", map[string]string{"app": "x"}, nil),                // selects some pods only
		},
		ClusterRoles:       []rbacv1.ClusterRole{{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}, {APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"list", "get"}}}}},
		ValidatingWebhooks: []string{"kyverno-resource-validating-webhook-cfg", "other"},
		Policies:           []ObjectRef{{Kind: "ValidatingPolicy", Name: "p1"}},
		Workloads:          []Workload{{Kind: "StatefulSet", Namespace: "monitoring", Name: "prom", Labels: map[string]string{"app.kubernetes.io/name": "prometheus"}}},
		ControlPlanePods: []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "kube-apiserver-cp", Namespace: "kube-system"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Command: []string{"kube-apiserver", "--audit-policy-file=/etc/audit.yaml", "--audit-log-path=/var/log/audit.log", "--audit-log-maxage=7"},
		}}}}},
	}
	got := map[string]Status{}
	for _, r := range set.EvaluateCluster(c) {
		key := r.Rule.ID
		if r.Object.Name != "" {
			key += " " + r.Object.Name
		}
		got[key] = r.Status
	}
	assert.Equal(t, map[string]Status{
		"network.policies/default-deny a":                      Pass,
		"network.policies/default-deny b":                      Fail,
		"network.policies/default-deny c":                      Fail,
		"network.policies/required-policies allow-dns":         Fail,
		"rbac.validation/minimum-rules":                        Pass,
		"admission.controllers/webhooks kyverno-.*":            Fail,
		"admission.controllers/policies":                       Pass,
		"admission.controllers/policies p1":                    Pass,
		"observability.validation/metrics prometheus":          Pass,
		"observability.validation/metrics metrics-server":      Fail,
		"observability.validation/audit-log kube-apiserver-cp": Fail,
	}, got)
}
