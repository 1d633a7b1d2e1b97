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
	"encoding/json"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/protobuf/types/known/structpb"
)

// hostile builds a request whose observed and required state comes from
// JSON that may be anything; what does not parse as an object becomes an
// object holding it.
func hostile(t testing.TB, step string, xr, observed, required []byte) *fnv1.RunFunctionRequest {
	t.Helper()
	obj := func(b []byte) *structpb.Struct {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || m == nil {
			m = map[string]any{"garbage": string(b)}
		}
		s, err := structpb.NewStruct(m)
		if err != nil {
			s, _ = structpb.NewStruct(map[string]any{"garbage": string(b)})
		}
		return s
	}
	in, _ := structpb.NewStruct(map[string]any{"apiVersion": "fn.kspec.io/v1beta1", "kind": "Input", "step": step})
	req := &fnv1.RunFunctionRequest{
		Input: in,
		Observed: &fnv1.State{
			Composite: &fnv1.Resource{Resource: obj(xr)},
			Resources: map[string]*fnv1.Resource{},
		},
		RequiredResources: map[string]*fnv1.Resources{},
	}
	for _, n := range []string{
		"policies/crd-" + crdVP + "@kspec-system.a", "policies/crd-" + crdPE + "@kspec-system.a",
		"policies/validatingpolicy-kspec-s-privileged", "policies/validatingpolicy-kspec-s-privileged@kspec-system.a",
	} {
		req.Observed.Resources[n] = &fnv1.Resource{Resource: obj(observed)}
	}
	for _, n := range []string{reqTargets, reqConfigs, reqClusterConfigs, reqSpecifications, "policies/crd-" + crdVP, "policies/crd-" + crdPE} {
		req.RequiredResources[n] = &fnv1.Resources{Items: []*fnv1.Resource{{Resource: obj(required)}}}
	}
	return req
}

func FuzzRunFunction(f *testing.F) {
	xr, _ := json.Marshal(spec(f, "s", remoteSpec+"activation:\n  windows: [{days: [Monday], start: \"06:00\", end: \"22:00\"}]\n").Object)
	ct, _ := json.Marshal(clusterTarget("a", true, true, nil).Object)
	probe, _ := json.Marshal(probeObserved(true, crdVP).Object)
	seeds := []struct{ step, xr, observed, required string }{
		{"policies", string(xr), string(probe), string(ct)},
		{"policies", string(xr), `{"status":{"atProvider":{"manifest":"not an object"}}}`, `{"kind":"ClusterTarget","status":{"conditions":"x"}}`},
		{"policies", string(xr), `{"status":{"conditions":[{"type":"Synced","status":"False"}]}}`, `{"apiVersion":"provider.kspec.io/v1alpha1","kind":"ClusterTarget","metadata":{"name":"a","namespace":"kspec-system"},"spec":{"providerConfigRef":null}}`},
		{"policies", string(xr), `{"status":{"conditionStatus":{"ready":"yes"}}}`, `{"spec":{"versions":[{"name":"v1","served":"true"}]}}`},
		{"policies", `{"apiVersion":"kspec.io/v1alpha1","kind":"ClusterSpecification","metadata":{"name":"s"},"spec":"everything"}`, `{}`, `{}`},
		{"policies", `{"apiVersion":"kspec.io/v1alpha1","kind":"ClusterSpecification","metadata":{"name":"s"},"spec":{"claimRef":[1,2]}}`, `{}`, `{}`},
		{"policies", `{"apiVersion":"kspec.io/v1alpha1","kind":"ClusterSpecification","metadata":{"name":"s"},"spec":{"targets":{"refs":"a","selector":{"matchExpressions":[{"key":"a","operator":"Bogus"}]}}}}`, `{}`, `{}`},
		{"policies", `{"apiVersion":"kspec.io/v1alpha1","kind":"ClusterSpecification","metadata":{"name":"s"},"spec":{"targets":{"selector":{"matchExpressions":[{"key":"a","operator":"Bogus"}]}}}}`, `{}`, `{}`},
		{"policies", `{"apiVersion":"kspec.io/v1alpha1","kind":"ClusterSpecification","metadata":{"name":"s"},"spec":{"basedOn":{"specifications":["s"]}}}`, `{}`, string(xr)},
		{"webhook", `null`, `null`, `null`},
		{"", `[]`, `"x"`, `7`},
	}
	for _, s := range seeds {
		f.Add(s.step, []byte(s.xr), []byte(s.observed), []byte(s.required))
	}
	fn := newTestFunction()
	f.Fuzz(func(t *testing.T, step string, xr, observed, required []byte) {
		rsp, err := fn.RunFunction(t.Context(), hostile(t, step, xr, observed, required))
		if err != nil {
			t.Fatalf("RunFunction returned an error: %v", err)
		}
		if rsp == nil {
			t.Fatal("RunFunction returned no response")
		}
		if msg := fatal(rsp); strings.Contains(msg, "failed unexpectedly") {
			t.Fatalf("RunFunction panicked: %s", msg)
		}
	})
}
