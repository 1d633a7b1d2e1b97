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
	"fmt"
	"syscall"
	"testing"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	"github.com/kspec-io/kspec/functions/step"
)

// benchTargets is how many remote targets the benchmark renders for.
const benchTargets = 10

// benchRequests are the requests of a full pipeline for the comprehensive
// example on benchTargets remote targets, all resolved: its base, the
// targets and their configs, and every engine CRD observed on them.
func benchRequests(b *testing.B) []*fnv1.RunFunctionRequest {
	b.Helper()
	xr := example(b, "specs/comprehensive.yaml")
	strict := example(b, "specs/strict.yaml")
	var cts []*unstructured.Unstructured
	for i := range benchTargets {
		cts = append(cts, clusterTarget(fmt.Sprintf("prod-%02d", i), true, true, map[string]any{"kspec.io/environment": "production"}))
	}
	cts[0].SetName("prod-us-east-1")
	required := fleet(cts...)
	required[reqSpecifications] = []*unstructured.Unstructured{strict, xr}
	for _, c := range []string{crdVP, crdPE} {
		required["policies/crd-"+c] = []*unstructured.Unstructured{crd(c)}
	}
	observed := map[string]*unstructured.Unstructured{}
	for _, ct := range cts {
		for _, c := range []string{crdVP, crdPE} {
			observed["policies/crd-"+c+"@kspec-system."+ct.GetName()] = probeObserved(true, c)
		}
	}
	// As an API server serves them: with a UID and a resourceVersion.
	for i, u := range append(append([]*unstructured.Unstructured{xr, strict}, cts...), required[reqConfigs]...) {
		u.SetUID(types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i)))
		u.SetResourceVersion(fmt.Sprint(1000 + i))
	}
	var out []*fnv1.RunFunctionRequest
	for _, s := range stepOrder {
		if _, ok := Steps()[s]; !ok {
			continue
		}
		out = append(out, fixture{step: string(s), xr: xr, required: required, observed: observed}.build(b))
	}
	return out
}

// pipeline runs every request in order, each with the desired state the
// previous step returned, as Crossplane runs a Composition's pipeline. The
// requests after the first are reused: their desired state is replaced
// before each call, and the function never modifies a request.
func pipeline(b *testing.B, run func(context.Context, *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error), reqs []*fnv1.RunFunctionRequest) *fnv1.RunFunctionResponse {
	var rsp *fnv1.RunFunctionResponse
	for _, req := range reqs {
		if rsp != nil {
			req.Desired = rsp.GetDesired()
		}
		var err error
		if rsp, err = run(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	return rsp
}

// noop is the smallest function: it passes the request's desired state on.
func noop(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	return response.To(req, response.DefaultTTL), nil
}

type noopStep struct{}

func (noopStep) Render(context.Context, *step.Request, step.Target) (*step.Output, error) {
	return &step.Output{}, nil
}

func BenchmarkRunFunction(b *testing.B) {
	reqs := benchRequests(b)
	full := newTestFunction()
	// The same dispatch (spec, base, targets) with steps that compose nothing.
	noSteps := map[fnv1beta1.Step]step.Step{}
	for s := range Steps() {
		noSteps[s] = noopStep{}
	}
	dispatch := newTestFunction(WithSteps(noSteps))

	rsp := pipeline(b, full.RunFunction, reqs)
	if msg := fatal(rsp); msg != "" {
		b.Fatal(msg)
	}
	b.Logf("steps %d, targets %d, composed resources %d", len(reqs), benchTargets, len(rsp.GetDesired().GetResources()))

	// Warm: the first call of a Function compiles the spec, as the first
	// reconcile of a spec does in a running function.
	pipeline(b, dispatch.RunFunction, reqs)

	for _, bc := range []struct {
		name string
		run  func(context.Context, *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error)
	}{
		{"noop", noop},
		{"dispatch", dispatch.RunFunction},
		{"full", full.RunFunction},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				pipeline(b, bc.run, reqs)
			}
			// CPU time per op: wall time is meaningless on a shared machine.
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
