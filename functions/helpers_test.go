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
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/internal/validate"
)

// testNow is the render time of the tests: a Wednesday, inside the
// comprehensive example's weekday window, before its exemptions expire.
var testNow = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func newTestFunction(o ...Option) *Function {
	return New(logging.NewNopLogger(), append([]Option{WithClock(func() time.Time { return testNow })}, o...)...)
}

// example reads an example object from examples/, with the defaults the
// API server would apply.
func example(t testing.TB, path string) *unstructured.Unstructured {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", path))
	if err != nil {
		t.Fatal(err)
	}
	return defaulted(t, b)
}

func defaulted(t testing.TB, b []byte) *unstructured.Unstructured {
	t.Helper()
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	s, err := validate.KspecSchema()
	if err != nil {
		t.Fatal(err)
	}
	if errs := s.Validate(context.Background(), u); len(errs) > 0 {
		t.Fatalf("%s is invalid: %v", u.GetName(), errs.ToAggregate())
	}
	return u
}

// claimXR is the composite Crossplane creates for a claim.
func claimXR(t testing.TB, claim *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	xr := claim.DeepCopy()
	xr.SetKind("ClusterSpecification")
	xr.SetName(claim.GetName() + "-x7k2p")
	xr.SetNamespace("")
	if err := unstructured.SetNestedMap(xr.Object, map[string]any{
		"apiVersion": "kspec.io/v1alpha1", "kind": "ClusterSpecificationClaim",
		"name": claim.GetName(), "namespace": claim.GetNamespace(),
	}, "spec", "claimRef"); err != nil {
		t.Fatal(err)
	}
	return xr
}

func mustStruct(t testing.TB, obj map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(obj)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixture builds a RunFunctionRequest for a step.
type fixture struct {
	step     string
	xr       *unstructured.Unstructured
	required map[string][]*unstructured.Unstructured
	observed map[string]*unstructured.Unstructured
	desired  map[string]*unstructured.Unstructured
}

func (r fixture) build(t testing.TB) *fnv1.RunFunctionRequest {
	t.Helper()
	req := &fnv1.RunFunctionRequest{
		Meta:     &fnv1.RequestMeta{Tag: "test"},
		Input:    mustStruct(t, map[string]any{"apiVersion": "fn.kspec.io/v1beta1", "kind": "Input", "step": r.step}),
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: mustStruct(t, r.xr.Object)}, Resources: map[string]*fnv1.Resource{}},
		Desired:  &fnv1.State{Resources: map[string]*fnv1.Resource{}},
	}
	if r.required != nil {
		req.RequiredResources = map[string]*fnv1.Resources{}
		for n, objs := range r.required {
			rs := &fnv1.Resources{}
			for _, o := range objs {
				rs.Items = append(rs.Items, &fnv1.Resource{Resource: mustStruct(t, o.Object)})
			}
			req.RequiredResources[n] = rs
		}
	}
	for n, o := range r.observed {
		req.Observed.Resources[n] = &fnv1.Resource{Resource: mustStruct(t, o.Object)}
	}
	for n, o := range r.desired {
		req.Desired.Resources[n] = &fnv1.Resource{Resource: mustStruct(t, o.Object)}
	}
	return req
}

// run runs the function and fails on a Go error.
func run(t testing.TB, f *Function, req *fnv1.RunFunctionRequest) *fnv1.RunFunctionResponse {
	t.Helper()
	rsp, err := f.RunFunction(context.Background(), req)
	if err != nil {
		t.Fatalf("RunFunction returned an error: %v", err)
	}
	return rsp
}

// fatal returns the message of the response's Fatal result, if any.
func fatal(rsp *fnv1.RunFunctionResponse) string {
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			return r.GetMessage()
		}
	}
	return ""
}

func warnings(rsp *fnv1.RunFunctionResponse) []string {
	var out []string
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
			out = append(out, r.GetMessage())
		}
	}
	return out
}

func condition(rsp *fnv1.RunFunctionResponse, typ string) *fnv1.Condition {
	for _, c := range rsp.GetConditions() {
		if c.GetType() == typ {
			return c
		}
	}
	return nil
}

// desired returns a desired composed resource as an object.
func desired(t testing.TB, rsp *fnv1.RunFunctionResponse, name string) (*unstructured.Unstructured, fnv1.Ready, bool) {
	t.Helper()
	r, ok := rsp.GetDesired().GetResources()[name]
	if !ok {
		return nil, 0, false
	}
	return &unstructured.Unstructured{Object: r.GetResource().AsMap()}, r.GetReady(), true
}

// crd is a CustomResourceDefinition serving v1.
func crd(name string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{"versions": []any{
			map[string]any{"name": "v1", "served": true, "storage": false},
			map[string]any{"name": "v1beta1", "served": true, "storage": true},
		}},
	}}
}

// kyvernoCRDs are the required resources a cluster with Kyverno gives the
// policies step.
func kyvernoCRDs(names ...string) map[string][]*unstructured.Unstructured {
	out := map[string][]*unstructured.Unstructured{}
	for _, n := range names {
		out["policies/crd-"+n] = []*unstructured.Unstructured{crd(n)}
	}
	return out
}

var _ = resource.ReadyTrue

func nopLogger() logging.Logger { return logging.NewNopLogger() }

func protoEqual(a, b *fnv1.RunFunctionResponse) bool { return proto.Equal(a, b) }
