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

package functions

import (
	"fmt"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// clusterTarget is an observed ClusterTarget in kspec-system.
func clusterTarget(name string, ready bool, allow bool, labels map[string]any) *unstructured.Unstructured {
	status := "False"
	if ready {
		status = "True"
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "provider.kspec.io/v1alpha1", "kind": "ClusterTarget",
		"metadata": map[string]any{"name": name, "namespace": "kspec-system", "labels": labels},
		"spec": map[string]any{
			"providerConfigRef": map[string]any{"kind": "ProviderConfig", "name": name},
			"forProvider":       map[string]any{"allowEnforcement": allow},
		},
		"status": map[string]any{
			"conditions": []any{map[string]any{"type": "Ready", "status": status, "reason": "Unavailable", "message": "connection refused", "lastTransitionTime": "2026-12-02T09:00:00Z"}},
			"atProvider": map[string]any{"reachable": ready, "version": "v1.33.2"},
		},
	}}
	return u
}

func kspecProviderConfig(name string, credentials map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "provider.kspec.io/v1alpha1", "kind": "ProviderConfig",
		"metadata": map[string]any{"name": name, "namespace": "kspec-system"},
		"spec":     map[string]any{"credentials": credentials},
	}}
}

func kubeconfig(name string) map[string]any {
	return map[string]any{"source": "Secret", "format": "Kubeconfig", "secretRef": map[string]any{"namespace": "kspec-system", "name": name + "-kubeconfig", "key": "kubeconfig"}}
}

// fleet are required resources for remote targets: ClusterTargets named
// by the caller with their ProviderConfigs.
func fleet(cts ...*unstructured.Unstructured) map[string][]*unstructured.Unstructured {
	out := map[string][]*unstructured.Unstructured{reqTargets: cts, reqClusterConfigs: nil}
	for _, ct := range cts {
		out[reqConfigs] = append(out[reqConfigs], kspecProviderConfig(ct.GetName(), kubeconfig(ct.GetName())))
	}
	return out
}

const remoteSpec = kyvernoSpec + `
targets:
  refs:
    - {name: a, namespace: kspec-system}
    - {name: b, namespace: kspec-system}
    - {name: gone, namespace: kspec-system}
  selector:
    matchLabels: {env: prod}
`

// probeObserved is the wrapper of a CRD probe as provider-kubernetes
// reports it: with the CRD when found, Synced False otherwise.
func probeObserved(found bool, crdName string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kubernetes.m.crossplane.io/v1alpha1", "kind": "Object",
		"metadata": map[string]any{"name": "probe", "namespace": "kspec-system"},
		"spec":     map[string]any{},
	}}
	if found {
		u.Object["status"] = map[string]any{"atProvider": map[string]any{"manifest": crd(crdName).Object}}
		return u
	}
	u.Object["status"] = map[string]any{"conditions": []any{map[string]any{
		"type": "Synced", "status": "False", "reason": "ReconcileError", "lastTransitionTime": "2026-12-02T09:00:00Z",
		"message": fmt.Sprintf("cannot observe: customresourcedefinitions.apiextensions.k8s.io %q not found", crdName),
	}}}
	return u
}

func TestRemoteTargets(t *testing.T) {
	f := newTestFunction()
	xr := spec(t, "fleet", remoteSpec)

	// First call: the function asks for ClusterTargets and their configs.
	rsp := run(t, f, fixture{step: "policies", xr: xr}.build(t))
	require.Empty(t, fatal(rsp))
	assert.Empty(t, rsp.GetDesired().GetResources())
	for _, n := range []string{reqTargets, reqConfigs, reqClusterConfigs} {
		assert.Contains(t, rsp.GetRequirements().GetResources(), n)
	}

	required := fleet(
		clusterTarget("a", true, true, nil),
		clusterTarget("b", false, true, nil),
		clusterTarget("c", true, true, map[string]any{"env": "prod"}),
		clusterTarget("d", true, false, map[string]any{"env": "prod"}),
		clusterTarget("e", true, true, map[string]any{"env": "dev"}),
	)

	// Second call: probes for the CRDs on every target that allows
	// enforcement, wrapped, with a ProviderConfig each.
	rsp = run(t, f, fixture{step: "policies", xr: xr, required: required}.build(t))
	require.Empty(t, fatal(rsp))
	tr := condition(rsp, ConditionTargetsReady)
	require.NotNil(t, tr)
	assert.Equal(t, fnv1.Status_STATUS_CONDITION_FALSE, tr.GetStatus())
	assert.Contains(t, tr.GetMessage(), "ClusterTarget kspec-system/gone is not found")
	assert.Contains(t, tr.GetMessage(), "ClusterTarget kspec-system/b is not ready (Unavailable: connection refused)")
	assert.True(t, containsSubstring(warnings(rsp), "ClusterTarget kspec-system/d does not allow enforcement"), warnings(rsp))

	probe, _, ok := desired(t, rsp, "policies/crd-"+crdVP+"@kspec-system.a")
	require.True(t, ok, resourceNames(rsp))
	assert.Equal(t, "kubernetes.m.crossplane.io/v1alpha1", probe.GetAPIVersion())
	assert.Equal(t, "Object", probe.GetKind())
	assert.Equal(t, "kspec-system", probe.GetNamespace())
	mp, _, _ := unstructured.NestedStringSlice(probe.Object, "spec", "managementPolicies")
	assert.Equal(t, []string{"Observe"}, mp)
	pcName, _, _ := unstructured.NestedString(probe.Object, "spec", "providerConfigRef", "name")
	pc, ready, ok := desired(t, rsp, "kspec/provider-config@kspec-system.a")
	require.True(t, ok, resourceNames(rsp))
	assert.Equal(t, fnv1.Ready_READY_TRUE, ready)
	assert.Equal(t, pcName, pc.GetName())
	assert.Equal(t, "kspec-system", pc.GetNamespace())
	secret, _, _ := unstructured.NestedString(pc.Object, "spec", "credentials", "secretRef", "name")
	assert.Equal(t, "a-kubeconfig", secret)
	for _, n := range resourceNames(rsp) {
		assert.NotContains(t, n, "@kspec-system.d", "a target that does not allow enforcement gets nothing")
		assert.NotContains(t, n, "@kspec-system.e", "a target the selector does not match gets nothing")
		assert.NotContains(t, n, "validatingpolicy", "no policy before the engine is confirmed")
	}
	assert.Equal(t, fnv1.Status_STATUS_CONDITION_UNKNOWN, condition(rsp, "PolicyEnginesAvailable").GetStatus())

	// Third call: Kyverno found on a, missing on c, b not observed yet.
	observed := map[string]*unstructured.Unstructured{
		"policies/crd-" + crdVP + "@kspec-system.a": probeObserved(true, crdVP),
		"policies/crd-" + crdPE + "@kspec-system.a": probeObserved(true, crdPE),
		"policies/crd-" + crdVP + "@kspec-system.c": probeObserved(false, crdVP),
		"policies/crd-" + crdPE + "@kspec-system.c": probeObserved(true, crdPE),
	}
	rsp = run(t, f, fixture{step: "policies", xr: xr, required: required, observed: observed}.build(t))
	require.Empty(t, fatal(rsp))
	obj, _, ok := desired(t, rsp, "policies/validatingpolicy-kspec-fleet-privileged@kspec-system.a")
	require.True(t, ok, resourceNames(rsp))
	kind, _, _ := unstructured.NestedString(obj.Object, "spec", "forProvider", "manifest", "kind")
	assert.Equal(t, "ValidatingPolicy", kind)
	_, hasMP := obj.Object["spec"].(map[string]any)["managementPolicies"]
	assert.False(t, hasMP, "policies are fully managed")
	_, _, ok = desired(t, rsp, "policies/validatingpolicy-kspec-fleet-privileged@kspec-system.c")
	assert.False(t, ok, "nothing of Kyverno on a target without it")
	ea := condition(rsp, "PolicyEnginesAvailable")
	assert.Equal(t, fnv1.Status_STATUS_CONDITION_FALSE, ea.GetStatus())
	assert.Contains(t, ea.GetMessage(), "engine Kyverno is missing on ClusterTarget kspec-system/c: CustomResourceDefinition validatingpolicies.policies.kyverno.io could not be observed")
	assert.True(t, containsSubstring(warnings(rsp), "engine Kyverno is missing on ClusterTarget kspec-system/c"), warnings(rsp))
}

func TestTargetCredentials(t *testing.T) {
	f := newTestFunction()
	xr := spec(t, "creds", kyvernoSpec+"targets:\n  refs: [{name: a, namespace: kspec-system}]\n")
	cases := map[string]struct {
		configs     []*unstructured.Unstructured
		clusterCfgs []*unstructured.Unstructured
		wantWarning string
		wantSource  string
	}{
		"Kubeconfig":       {configs: []*unstructured.Unstructured{kspecProviderConfig("a", kubeconfig("a"))}, wantSource: "Secret"},
		"InjectedIdentity": {configs: []*unstructured.Unstructured{kspecProviderConfig("a", map[string]any{"source": "InjectedIdentity"})}, wantSource: "InjectedIdentity"},
		"Token": {
			configs:     []*unstructured.Unstructured{kspecProviderConfig("a", map[string]any{"source": "Secret", "format": "Token", "secretRef": map[string]any{"namespace": "kspec-system", "name": "t", "key": "token"}, "server": map[string]any{"url": "https://a"}})},
			wantWarning: "holds a bearer token, which provider-kubernetes cannot use",
		},
		"MissingConfig": {wantWarning: "its ProviderConfig kspec-system/a is not found"},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			req := map[string][]*unstructured.Unstructured{reqTargets: {clusterTarget("a", true, true, nil)}, reqConfigs: tc.configs, reqClusterConfigs: tc.clusterCfgs}
			rsp := run(t, f, fixture{step: "policies", xr: xr, required: req}.build(t))
			require.Empty(t, fatal(rsp))
			pc, _, ok := desired(t, rsp, "kspec/provider-config@kspec-system.a")
			if tc.wantWarning != "" {
				assert.False(t, ok)
				assert.True(t, containsSubstring(warnings(rsp), tc.wantWarning), warnings(rsp))
				assert.Equal(t, fnv1.Status_STATUS_CONDITION_FALSE, condition(rsp, ConditionTargetsReady).GetStatus())
				assert.Empty(t, rsp.GetDesired().GetResources(), "nothing is composed on a target without usable credentials")
				return
			}
			require.True(t, ok, resourceNames(rsp))
			src, _, _ := unstructured.NestedString(pc.Object, "spec", "credentials", "source")
			assert.Equal(t, tc.wantSource, src)
		})
	}
}
