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
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// resultOf evaluates the object and returns the rule's result.
func resultOf(t *testing.T, set *Set, obj map[string]any, id string) Result {
	t.Helper()
	for _, r := range set.Evaluate(obj, Input{Now: time.Now()}) {
		if r.Rule.ID == id {
			require.NotEqual(t, Error, r.Status, r.Message)
			return r
		}
	}
	t.Fatalf("no result for %s", id)
	return Result{}
}

func networkPolicy(ns, name string, sel map[string]string, types []networkingv1.PolicyType, ingress ...networkingv1.NetworkPolicyIngressRule) networkingv1.NetworkPolicy {
	return networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: sel}, PolicyTypes: types, Ingress: ingress}}
}

func namespaces(names ...string) []corev1.Namespace {
	out := make([]corev1.Namespace, len(names))
	for i, n := range names {
		out[i] = corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n}}
	}
	return out
}

func TestNetworkClusterRules(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Network: &kspecv1alpha1.NetworkRequirements{DefaultDeny: true, RequiredPolicies: []kspecv1alpha1.RequiredNetworkPolicy{
			{Name: "allow-dns"}, {Name: "deny-metadata"}, {Name: "allow-ingress", Namespace: "ingress"}, {Name: "allow-scrape", Namespace: "d"},
		}},
	}}})
	require.NoError(t, err)
	ingress, egress := networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress
	// named policies select some pods: none of them denies by default.
	named := func(ns, name string) networkingv1.NetworkPolicy {
		return networkPolicy(ns, name, map[string]string{"app": name}, nil)
	}
	c := &Cluster{
		Namespaces: namespaces("a", "b", "c", "d", "e", "kube-system"),
		NetworkPolicies: []networkingv1.NetworkPolicy{
			networkPolicy("a", "deny", nil, []networkingv1.PolicyType{ingress}),
			networkPolicy("b", "deny", nil, nil, networkingv1.NetworkPolicyIngressRule{}), // allows all: not default-deny
			networkPolicy("c", "deny", map[string]string{"app": "x"}, nil),                // selects some pods only
			networkPolicy("d", "deny", nil, nil),                                          // no policyTypes: Ingress
			networkPolicy("e", "deny", nil, []networkingv1.PolicyType{egress}),            // egress only: ingress is open
			named("a", "allow-dns"), named("a", "deny-metadata"),
			named("b", "allow-dns"),
			named("ingress", "allow-ingress"),
			named("e", "allow-scrape"), // in the wrong namespace
		},
	}
	assert.Equal(t, map[string]Status{
		"network.policies/default-deny a":                  Pass,
		"network.policies/default-deny b":                  Fail,
		"network.policies/default-deny c":                  Fail,
		"network.policies/default-deny d":                  Pass,
		"network.policies/default-deny e":                  Fail,
		"network.policies/required-policies a":             Pass, // required everywhere: a finding per namespace in scope
		"network.policies/required-policies b":             Fail,
		"network.policies/required-policies c":             Fail,
		"network.policies/required-policies d":             Fail,
		"network.policies/required-policies e":             Fail,
		"network.policies/required-policies allow-ingress": Pass, // namespaced: regardless of scope
		"network.policies/required-policies allow-scrape":  Fail,
	}, clusterVerdicts(set, c))

	msgs := map[string]string{}
	for _, r := range set.EvaluateCluster(c) {
		if r.Status == Fail {
			msgs[r.Rule.ID+" "+r.Object.Name] = r.Message
		}
	}
	assert.Equal(t, "namespace b has no default-deny NetworkPolicy", msgs["network.policies/default-deny b"])
	assert.Equal(t, "namespace b has no NetworkPolicy deny-metadata", msgs["network.policies/required-policies b"])
	assert.Equal(t, "namespace c has no NetworkPolicy allow-dns, deny-metadata", msgs["network.policies/required-policies c"])
	assert.Equal(t, "NetworkPolicy allow-scrape is missing in namespace d", msgs["network.policies/required-policies allow-scrape"])

	assertReads(t, clusterRule(t, set, "network.policies/default-deny"), c)
	assertReads(t, clusterRule(t, set, "network.policies/required-policies"), c)

	// Only namespaced requirements: the namespaces are not read.
	set, err = Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Network: &kspecv1alpha1.NetworkRequirements{RequiredPolicies: []kspecv1alpha1.RequiredNetworkPolicy{{Name: "allow-ingress", Namespace: "ingress"}}},
	}}})
	require.NoError(t, err)
	assertReads(t, clusterRule(t, set, "network.policies/required-policies"), c)
}

func TestDefaultDeny(t *testing.T) {
	ingress, egress := networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress
	cases := map[string]struct {
		policy networkingv1.NetworkPolicy
		want   bool
	}{
		"IngressNoRules":        {networkPolicy("a", "p", nil, []networkingv1.PolicyType{ingress}), true},
		"NoTypesNoRules":        {networkPolicy("a", "p", nil, nil), true},
		"IngressAndEgress":      {networkPolicy("a", "p", nil, []networkingv1.PolicyType{ingress, egress}), true},
		"EgressOnly":            {networkPolicy("a", "p", nil, []networkingv1.PolicyType{egress}), false},
		"AllowAll":              {networkPolicy("a", "p", nil, nil, networkingv1.NetworkPolicyIngressRule{}), false},
		"SelectsSomePods":       {networkPolicy("a", "p", map[string]string{"app": "x"}, nil), false},
		"SomeIngressRulesExist": {networkPolicy("a", "p", nil, []networkingv1.PolicyType{ingress}, networkingv1.NetworkPolicyIngressRule{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}}), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, DefaultDeny(&tc.policy))
		})
	}
}

func TestServiceTypes(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Network: &kspecv1alpha1.NetworkRequirements{AllowedServiceTypes: []kspecv1alpha1.ServiceType{"ClusterIP", "LoadBalancer"}},
	}}})
	require.NoError(t, err)
	svc := func(spec map[string]any) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s", "namespace": "team"}, "spec": spec}
	}
	id := "network.policies/service-types"
	assert.Equal(t, Pass, resultOf(t, set, svc(map[string]any{}), id).Status, "ClusterIP when unset")
	assert.Equal(t, Pass, resultOf(t, set, svc(map[string]any{"type": "LoadBalancer"}), id).Status)
	r := resultOf(t, set, svc(map[string]any{"type": "NodePort"}), id)
	assert.Equal(t, Fail, r.Status)
	assert.Equal(t, "Service type NodePort is not allowed; allowed: ClusterIP, LoadBalancer", r.Message)
}

func TestDisallowedPorts(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Network: &kspecv1alpha1.NetworkRequirements{DisallowedPorts: []int32{22, 3389, 30022}},
	}}})
	require.NoError(t, err)
	svc := func(ports ...any) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s", "namespace": "team"}, "spec": map[string]any{"ports": ports}}
	}
	ctr := func(name string, ports ...any) map[string]any {
		return map[string]any{"name": name, "image": "app", "ports": ports}
	}
	podSpec := func(field string, cs ...any) map[string]any {
		return map[string]any{"containers": []any{ctr("main")}, field: cs}
	}
	object := func(apiVersion, kind string, spec map[string]any) map[string]any {
		return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": "w", "namespace": "team"}, "spec": spec}
	}
	template := func(spec map[string]any) map[string]any {
		return map[string]any{"template": map[string]any{"spec": spec}}
	}
	badPod := map[string]any{"containers": []any{ctr("ssh", map[string]any{"containerPort": int64(22)})}}
	const tail = "; disallowed: 22, 3389, 30022"
	cases := map[string]struct {
		obj  map[string]any
		want string // the failure message; "" passes
	}{
		"ServicePort":           {svc(map[string]any{"name": "ssh", "port": int64(22)}), "Service port ssh uses port 22" + tail},
		"ServiceUnnamedPort":    {svc(map[string]any{"port": int64(3389)}), "Service port 3389 uses port 3389" + tail},
		"ServiceTargetPort":     {svc(map[string]any{"name": "http", "port": int64(80), "targetPort": int64(22)}), "Service port http uses targetPort 22" + tail},
		"ServiceNamedTarget":    {svc(map[string]any{"name": "http", "port": int64(80), "targetPort": "ssh"}), ""},
		"ServiceNodePort":       {svc(map[string]any{"name": "web", "port": int64(80), "nodePort": int64(30022)}), "Service port web uses nodePort 30022" + tail},
		"ServiceEveryField":     {svc(map[string]any{"port": int64(22), "targetPort": int64(3389), "nodePort": int64(30022)}), "Service port 22 uses port 22, targetPort 3389, nodePort 30022" + tail},
		"ServiceSeveralPorts":   {svc(map[string]any{"name": "http", "port": int64(80)}, map[string]any{"name": "rdp", "port": int64(3389)}, map[string]any{"name": "ssh", "port": int64(22)}), "Service port rdp uses port 3389; Service port ssh uses port 22" + tail},
		"ServiceAllowed":        {svc(map[string]any{"port": int64(443), "targetPort": int64(8443)}), ""},
		"ServiceNoPorts":        {svc(), ""},
		"PodContainerPort":      {object("v1", "Pod", badPod), "container ssh uses containerPort 22" + tail},
		"PodHostPort":           {object("v1", "Pod", map[string]any{"containers": []any{ctr("rdp", map[string]any{"containerPort": int64(8080), "hostPort": int64(3389)})}}), "container rdp uses hostPort 3389" + tail},
		"PodBothPorts":          {object("v1", "Pod", map[string]any{"containers": []any{ctr("ssh", map[string]any{"containerPort": int64(22), "hostPort": int64(22)}, map[string]any{"containerPort": int64(3389)})}}), "container ssh uses containerPort 22, hostPort 22, containerPort 3389" + tail},
		"PodInitContainer":      {object("v1", "Pod", podSpec("initContainers", ctr("init", map[string]any{"containerPort": int64(22)}))), "container init uses containerPort 22" + tail},
		"PodEphemeral":          {object("v1", "Pod", podSpec("ephemeralContainers", ctr("debug", map[string]any{"hostPort": int64(22)}))), "container debug uses hostPort 22" + tail},
		"PodAllowed":            {object("v1", "Pod", map[string]any{"containers": []any{ctr("web", map[string]any{"containerPort": int64(8080)})}}), ""},
		"Deployment":            {object("apps/v1", "Deployment", template(badPod)), "container ssh uses containerPort 22" + tail},
		"ReplicationController": {object("v1", "ReplicationController", template(badPod)), "container ssh uses containerPort 22" + tail},
		"CronJob":               {object("batch/v1", "CronJob", map[string]any{"jobTemplate": map[string]any{"spec": template(badPod)}}), "container ssh uses containerPort 22" + tail},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := resultOf(t, set, tc.obj, "network.policies/disallowed-ports")
			if tc.want == "" {
				assert.Equal(t, Pass, r.Status)
				return
			}
			assert.Equal(t, Fail, r.Status)
			assert.Equal(t, tc.want, r.Message)
		})
	}
}
