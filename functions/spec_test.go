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
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestBases(t *testing.T) {
	f := newTestFunction()
	xr := example(t, "specs/comprehensive.yaml")
	strict := example(t, "specs/strict.yaml")

	// First call: the bases are asked for, nothing else happens.
	rsp := run(t, f, fixture{step: "policies", xr: xr}.build(t))
	require.Empty(t, fatal(rsp))
	reqs := rsp.GetRequirements().GetResources()
	require.Contains(t, reqs, reqSpecifications)
	assert.Equal(t, "ClusterSpecification", reqs[reqSpecifications].GetKind())
	assert.NotNil(t, reqs[reqSpecifications].GetMatchLabels(), "every ClusterSpecification at once, so bases of bases need no further round")
	assert.Empty(t, rsp.GetDesired().GetResources())

	// Second call: resolved, so the targets the merged spec names are asked for.
	rsp = run(t, f, fixture{step: "policies", xr: xr, required: map[string][]*unstructured.Unstructured{reqSpecifications: {strict, xr}}}.build(t))
	require.Empty(t, fatal(rsp))
	reqs = rsp.GetRequirements().GetResources()
	assert.Contains(t, reqs, reqSpecifications, "requirements repeat, or Crossplane would not stop calling")
	assert.Contains(t, reqs, reqTargets)

	// A base that does not exist is a Fatal result naming it.
	rsp = run(t, f, fixture{step: "policies", xr: xr, required: map[string][]*unstructured.Unstructured{reqSpecifications: {xr}}}.build(t))
	assert.Contains(t, fatal(rsp), "cannot resolve ClusterSpecification comprehensive: base specification strict not found")

	// A claim's composite is not a base.
	claimAsBase := claimXR(t, example(t, "specs/team-claim.yaml"))
	claimAsBase.SetName("strict")
	rsp = run(t, f, fixture{step: "policies", xr: xr, required: map[string][]*unstructured.Unstructured{reqSpecifications: {claimAsBase}}}.build(t))
	assert.Contains(t, fatal(rsp), "base ClusterSpecification strict is the composite of claim team-payments/payments-hardening")
}

func TestDefaultsAsTheAPIServer(t *testing.T) {
	// As crossplane render passes it: no defaults applied.
	raw := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kspec.io/v1alpha1", "kind": "ClusterSpecification",
		"metadata": map[string]any{"name": "bare"},
		"spec": map[string]any{"workloads": map[string]any{"containers": map[string]any{
			"forbidden": []any{map[string]any{"key": "securityContext.privileged", "value": true}},
		}}},
	}}
	rsp := run(t, newTestFunction(), fixture{step: "policies", xr: raw, required: kyvernoCRDs(crdVP)}.build(t))
	require.Empty(t, fatal(rsp))
	vp, _, ok := desired(t, rsp, "policies/validatingpolicy-kspec-bare-privileged")
	require.True(t, ok, "the default engine (Kyverno) renders: %v", resourceNames(rsp))
	enabled, found, _ := unstructured.NestedBool(vp.Object, "spec", "evaluation", "admission", "enabled")
	assert.True(t, found)
	assert.False(t, enabled, "the default mode (monitor) evaluates no admission")
}
