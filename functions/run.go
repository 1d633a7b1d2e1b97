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
	"slices"
	"strings"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/response"
	"github.com/pkg/errors"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/rules"
)

// Condition types the dispatcher sets on the composite resource.
const (
	// ConditionTargetsReady is True when every target the spec names was
	// found and is ready.
	ConditionTargetsReady = "TargetsReady"
)

// steps in the order the Composition runs them, for messages.
var stepOrder = []fnv1beta1.Step{fnv1beta1.StepPolicies, fnv1beta1.StepCertificates, fnv1beta1.StepWebhook, fnv1beta1.StepCompliance}

// run is RunFunction without the panic guard. Every failure is a Fatal
// result on rsp.
func (f *Function) run(ctx context.Context, req *fnv1.RunFunctionRequest) *fnv1.RunFunctionResponse {
	now := f.now()
	rsp := response.To(req, f.ttl)

	in := &fnv1beta1.Input{}
	if err := request.GetInput(req, in); err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot read the function's input (fn.kspec.io/v1beta1 Input)"))
		return rsp
	}
	s, ok := f.steps[in.Step]
	if !ok {
		response.Fatal(rsp, unknownStep(in.Step, f.steps))
		return rsp
	}
	if in.Namespace == "" {
		in.Namespace = step.DefaultNamespace
	}

	xr, spec, err := observedSpec(req)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp
	}
	reqs := requirements{}
	spec, pending, err := resolveSpec(ctx, req, spec, reqs)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp
	}
	if pending {
		// Crossplane calls again with the bases it fetched.
		reqs.write(rsp)
		return rsp
	}
	set, err := rules.Compile(spec)
	if err != nil {
		response.Fatal(rsp, errors.Wrapf(err, "cannot compile %s", describe(spec)))
		return rsp
	}

	ts, pending, err := targets(req, xr, spec, reqs)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp
	}
	if pending {
		reqs.write(rsp)
		return rsp
	}

	observed, err := request.GetObservedComposedResources(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot read the observed composed resources"))
		return rsp
	}
	required, err := request.GetRequiredResources(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot read the required resources"))
		return rsp
	}
	sreq := &step.Request{
		XR:                xr,
		Spec:              spec,
		Set:               set,
		Input:             *in,
		Now:               now,
		Targets:           ts.found,
		ObservedComposed:  observed,
		RequiredResources: required,
	}

	outs := make([]step.TargetOutput, 0, len(ts.found))
	for _, t := range ts.found {
		out, err := s.Render(ctx, sreq, t)
		if err != nil {
			response.Fatal(rsp, errors.Wrapf(err, "step %s cannot render for %s", in.Step, t))
			return rsp
		}
		if out == nil {
			out = &step.Output{}
		}
		outs = append(outs, step.TargetOutput{Target: t, Output: out})
	}
	var summary *step.Output
	if sum, ok := s.(step.Summarizer); ok {
		if summary, err = sum.Summarize(ctx, sreq, outs); err != nil {
			response.Fatal(rsp, errors.Wrapf(err, "step %s cannot summarize its targets", in.Step))
			return rsp
		}
	}

	c := &composition{step: in.Step, xr: xr, targets: ts, reqs: reqs, ttl: ttl(f.ttl, set, now)}
	c.warnings = append(c.warnings, set.Warnings...)
	if err := c.add(outs, summary); err != nil {
		response.Fatal(rsp, err)
		return rsp
	}
	if err := c.write(req, rsp); err != nil {
		response.Fatal(rsp, err)
		return rsp
	}
	return rsp
}

// ttl is how long Crossplane may cache the response: until the set's next
// change by the clock (a window edge, an exemption's expiry), at most max,
// at least a second.
func ttl(max time.Duration, set *rules.Set, now time.Time) time.Duration {
	d := max
	if next, ok := set.NextChange(now); ok && next.Sub(now) < d {
		d = next.Sub(now)
	}
	return clampTTL(d)
}

func clampTTL(d time.Duration) time.Duration {
	if d < time.Second {
		return time.Second
	}
	return d
}

func unknownStep(s fnv1beta1.Step, have map[fnv1beta1.Step]step.Step) error {
	var names []string
	for _, n := range stepOrder {
		if _, ok := have[n]; ok {
			names = append(names, string(n))
		}
	}
	for n := range have {
		if !slices.Contains(stepOrder, n) {
			names = append(names, string(n))
		}
	}
	if slices.Contains(stepOrder, s) {
		return errors.Errorf("input step %q is not built into this function-kspec; it serves %s", s, strings.Join(names, ", "))
	}
	return errors.Errorf("unknown input step %q: want one of %s", s, strings.Join(names, ", "))
}
