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

// Package policies is function-kspec's policies step: per engine in
// spec.enforcement.engines that renders admission policies (Kyverno,
// AdmissionPolicy), the objects internal/render renders, composed on each
// target only once the engine's API is known to exist there, with their
// readiness taken from what the engine reports on them.
package policies

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/pkg/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/render"
)

// Conditions the step sets on the composite resource.
const (
	// ConditionEnginesAvailable is False when an engine's API is missing on
	// a target, Unknown while it is being checked.
	ConditionEnginesAvailable = "PolicyEnginesAvailable"
	// ConditionPoliciesReady is True when every composed policy is ready
	// as its engine reports it: Kyverno's status.conditionStatus.ready, the
	// API server's type checking of a ValidatingAdmissionPolicy.
	ConditionPoliciesReady = "PoliciesReady"
)

// Step is the policies step.
type Step struct {
	rendered renderCache
}

// New returns the policies step.
func New() *Step { return &Step{} }

// Render composes the policies of every available engine on t.
func (s *Step) Render(_ context.Context, req *step.Request, t step.Target) (*step.Output, error) {
	engines := engines(req)
	out := &step.Output{}
	if len(engines) == 0 {
		return out, nil
	}
	if req.XR.Claim() && slices.Contains(engines, kspecv1alpha1.EngineAdmissionPolicy) {
		return nil, errors.Errorf("claim %s/%s: engine %s renders ValidatingAdmissionPolicies, which are cluster-scoped and beyond a claim's namespace; a claim enforces with engine %s",
			req.XR.ClaimNamespace, req.XR.ClaimName, kspecv1alpha1.EngineAdmissionPolicy, kspecv1alpha1.EngineKyverno)
	}
	if !t.AllowEnforcement {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%s does not allow enforcement (spec.forProvider.allowEnforcement), so no policies are composed on it; it is only scanned", t))
		return out, nil
	}
	ready, total := 0, 0
	for _, e := range engines {
		objs, err := s.rendered.render(req, e)
		if err != nil {
			return nil, errors.Wrapf(err, "cannot render engine %s", e)
		}
		a := availability(req, t, e, objs)
		out.Objects = append(out.Objects, a.probes...)
		out.Require = merge(out.Require, a.require)
		out.Conditions = append(out.Conditions, a.condition)
		if a.warning != "" {
			out.Warnings = append(out.Warnings, a.warning)
		}
		if a.ttl > 0 && (out.TTL == 0 || a.ttl < out.TTL) {
			out.TTL = a.ttl
		}
		if !a.available {
			// Nothing of an engine half-applies.
			continue
		}
		for _, o := range objs {
			r, warn := readiness(req, t, o)
			if warn != "" {
				out.Warnings = append(out.Warnings, warn)
			}
			total++
			if r == resource.ReadyTrue {
				ready++
			}
			out.Objects = append(out.Objects, step.Object{Name: ObjectName(o), Resource: o, Ready: r})
		}
	}
	if total > 0 {
		c := step.Condition{Type: ConditionPoliciesReady, Status: step.ConditionTrue, Reason: "Ready", Message: "every policy is ready"}
		if ready < total {
			c = step.Condition{Type: ConditionPoliciesReady, Status: step.ConditionFalse, Reason: "NotReady",
				Message: fmt.Sprintf("%d of %d policies are ready on %s", ready, total, t)}
		}
		out.Conditions = append(out.Conditions, c)
	}
	return out, nil
}

// engines are the spec's engines that render policies, in its order.
func engines(req *step.Request) []kspecv1alpha1.Engine {
	var out []kspecv1alpha1.Engine
	for _, e := range req.Set.Engines {
		if slices.Contains(render.Engines(), e) && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// ObjectName is the step's stable name for a rendered object: its kind and
// name, lowercased.
func ObjectName(o client.Object) string {
	return strings.ToLower(o.GetObjectKind().GroupVersionKind().Kind) + "-" + o.GetName()
}

func merge(a, b map[string]step.Selector) map[string]step.Selector {
	if len(b) == 0 {
		return a
	}
	if a == nil {
		a = map[string]step.Selector{}
	}
	for k, v := range b {
		a[k] = v
	}
	return a
}
