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
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/response"
	"github.com/pkg/errors"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

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

	p, pending, err := f.prepare(ctx, req)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp
	}
	reqs := maps.Clone(p.reqs)
	if pending {
		// Crossplane calls again with what the function asked for.
		reqs.write(rsp)
		return rsp
	}
	xr, spec, set, ts := p.xr, p.spec, p.set, p.targets

	sreq := &step.Request{
		XR:      xr,
		Spec:    spec,
		Set:     set,
		Input:   *in,
		Now:     now,
		Targets: ts.found,
		Lazy:    &step.Lazy{Observed: req.GetObserved().GetResources(), Required: req.GetRequiredResources()},
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

	c := &composition{step: in.Step, xr: xr, targets: ts, reqs: reqs, ttl: ttl(f.ttl, set, now), shared: &f.objects}
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

// A preparation is what every step of a call shares: the composite
// resource, its resolved spec compiled, and its targets.
type preparation struct {
	xr      step.XR
	spec    rules.Spec
	set     *rules.Set
	targets *targetSet
	reqs    requirements
}

// prepare reads the composite resource, resolves and compiles its spec and
// finds its targets. pending is true while Crossplane has not fetched what
// the function asked for. A complete preparation is cached by the bytes of
// everything it was made from, so the steps of a pipeline, and calls while
// nothing changed, share one. Its contents are read-only.
func (f *Function) prepare(ctx context.Context, req *fnv1.RunFunctionRequest) (*preparation, bool, error) {
	key, kerr := prepKey(req)
	if kerr == nil {
		if p, ok := f.prepared.get(key); ok {
			return p, false, nil
		}
	}
	xr, spec, err := observedSpec(req)
	if err != nil {
		return nil, false, err
	}
	p := &preparation{xr: xr, reqs: requirements{}}
	spec, pending, err := f.resolveSpec(ctx, req, spec, p.reqs)
	if err != nil || pending {
		return p, pending, err
	}
	if p.set, err = f.compile(spec); err != nil {
		return nil, false, errors.Wrapf(err, "cannot compile %s", describe(spec))
	}
	p.spec = spec
	ts, pending, err := targets(req, xr, spec, p.reqs)
	if err != nil || pending {
		return p, pending, err
	}
	p.targets = ts
	if kerr == nil {
		f.prepared.put(key, p)
	}
	return p, false, nil
}

// prepKey hashes what a preparation is made from: the observed composite
// resource and the dispatcher's required resources, as Crossplane sent
// them. Objects read from an API server are identified by their UID and
// resourceVersion, which change with every write; others (crossplane
// render, tests) by their content.
func prepKey(req *fnv1.RunFunctionRequest) ([sha256.Size]byte, error) {
	h := sha256.New()
	m := proto.MarshalOptions{Deterministic: true}
	object := func(s *structpb.Struct) error {
		md := s.GetFields()["metadata"].GetStructValue().GetFields()
		uid, rv := md["uid"].GetStringValue(), md["resourceVersion"].GetStringValue()
		var b []byte
		if uid != "" && rv != "" {
			b = []byte("v\x00" + uid + "\x00" + rv)
		} else {
			var err error
			if b, err = m.Marshal(s); err != nil {
				return err
			}
		}
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
		h.Write(b)
		return nil
	}
	if err := object(req.GetObserved().GetComposite().GetResource()); err != nil {
		return [sha256.Size]byte{}, err
	}
	for _, n := range []string{reqSpecifications, reqTargets, reqConfigs, reqClusterConfigs} {
		rs, ok := req.GetRequiredResources()[n]
		if !ok {
			h.Write([]byte{0})
			continue
		}
		h.Write(binary.BigEndian.AppendUint64([]byte{1}, uint64(len(rs.GetItems()))))
		for _, i := range rs.GetItems() {
			if err := object(i.GetResource()); err != nil {
				return [sha256.Size]byte{}, err
			}
		}
	}
	var out [sha256.Size]byte
	copy(out[:], h.Sum(nil))
	return out, nil
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
