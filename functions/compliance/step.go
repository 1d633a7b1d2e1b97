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

package compliance

import (
	"context"
	"fmt"

	"github.com/pkg/errors"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/readiness"
	"github.com/kspec-io/kspec/functions/step"
)

// objectScan names the step's one object per target.
const objectScan = "scan"

// Step is the compliance step.
type Step struct{}

var (
	_ step.Step       = Step{}
	_ step.Summarizer = Step{}
)

// Render composes the target's ComplianceScan on the control-plane
// cluster, Ready when provider-kspec reports it Ready. Every target is
// scanned, whether or not it allows enforcement.
func (Step) Render(_ context.Context, req *step.Request, t step.Target) (*step.Output, error) {
	scan, err := Scan(req.XR, req.Spec, req.Set, t, req.Input.Namespace)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot render the ComplianceScan of %s", t)
	}
	out := &step.Output{ControlPlane: []step.Object{{Name: objectScan, Resource: scan}}}
	out.Warnings = readiness.SetControlPlane(req, t, out.ControlPlane)
	return out, nil
}

// Summarize writes status.targets (one entry per target, in target order,
// at most MaxTargets) and status.summary from the observed scans.
func (Step) Summarize(_ context.Context, req *step.Request, outs []step.TargetOutput) (*step.Output, error) {
	out := &step.Output{}
	targets := make([]kspecv1alpha1.TargetStatus, 0, min(len(outs), MaxTargets))
	for i, to := range outs {
		if i == MaxTargets {
			out.Warnings = append(out.Warnings, fmt.Sprintf("The specification selects %d targets; its status lists the first %d only.", len(outs), MaxTargets))
			break
		}
		scan, err := Scan(req.XR, req.Spec, req.Set, to.Target, req.Input.Namespace)
		if err != nil {
			return nil, errors.Wrapf(err, "cannot render the ComplianceScan of %s", to.Target)
		}
		observed, _ := req.ObservedControlPlane(to.Target, objectScan)
		ts, err := TargetStatus(to.Target, scan, observed)
		if err != nil {
			out.Warnings = append(out.Warnings, "Cannot read the compliance of "+to.Target.String()+": "+err.Error())
		}
		targets = append(targets, ts)
	}
	st, err := Status(targets)
	if err != nil {
		return nil, err
	}
	out.Status = st
	return out, nil
}
