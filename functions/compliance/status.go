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
	"fmt"

	"github.com/pkg/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	providerv1alpha1 "github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/functions/readiness"
	"github.com/kspec-io/kspec/functions/step"
)

// Phases of a target's compliance (kspecv1alpha1.TargetStatus.Phase).
const (
	PhasePending      = "Pending"
	PhaseCompliant    = "Compliant"
	PhaseNonCompliant = "NonCompliant"
	PhaseUnreachable  = "Unreachable"
)

// MaxTargets is the most targets the composite's status lists, as its
// schema allows.
const MaxTargets = 256

// TargetName names a target in the composite's status: namespace/name of
// its ClusterTarget, or "local".
func TargetName(t step.Target) string {
	if t.Local {
		return "local"
	}
	return t.Namespace + "/" + t.Name
}

// TargetStatus is a target's compliance from its observed ComplianceScan
// (scan is what was composed; observed what Crossplane saw of it, nil if
// nothing yet). A target that is not ready is Unreachable, whatever its
// last scan said. An error says what about the observed scan cannot be
// read; the target is then Pending, with that in its message.
func TargetStatus(t step.Target, scan *providerv1alpha1.ComplianceScan, observed *unstructured.Unstructured) (kspecv1alpha1.TargetStatus, error) {
	ts := kspecv1alpha1.TargetStatus{Name: TargetName(t), Phase: PhasePending}
	what := "ComplianceScan " + scan.Namespace + "/" + scan.Name
	if observed == nil {
		ts.Message = what + " is not created yet"
		return unreachable(t, ts), nil
	}
	obs, err := observation(observed)
	if err != nil {
		err = errors.Wrapf(err, "%s of %s", what, t)
		ts.Message = "cannot read the scan's result: " + err.Error()
		return unreachable(t, ts), err
	}
	ts.Score, ts.Passed, ts.Failed, ts.Report, ts.LastScanTime = obs.Score, obs.Passed, obs.Failed, obs.Report, obs.LastScanTime

	synced, found, err := readiness.FindCondition(observed, "Synced")
	if err != nil {
		err = errors.Wrapf(err, "%s of %s", what, t)
		ts.Message = "cannot read the scan's conditions: " + err.Error()
		return unreachable(t, ts), err
	}
	switch {
	case found && synced.Status == "False":
		ts.Phase = PhaseUnreachable
		ts.Message = fmt.Sprintf("%s cannot scan: %s", what, describe(synced))
	case obs.LastScanTime == nil:
		ts.Message = what + " has not finished a scan yet"
	case obs.Failed > 0:
		ts.Phase = PhaseNonCompliant
		ts.Message = fmt.Sprintf("%d of %d evaluated checks failed", obs.Failed, obs.Passed+obs.Failed)
	default:
		ts.Phase = PhaseCompliant
	}
	return unreachable(t, ts), nil
}

// unreachable marks a target that is not ready Unreachable: its last
// result, if any, stays beside the reason.
func unreachable(t step.Target, ts kspecv1alpha1.TargetStatus) kspecv1alpha1.TargetStatus {
	if t.Ready {
		return ts
	}
	ts.Phase = PhaseUnreachable
	ts.Message = t.String() + " is not ready"
	if t.Object != nil {
		if c, found, err := readiness.FindCondition(t.Object, "Ready"); err == nil && found && c.Message != "" {
			ts.Message += ": " + c.Message
		}
	}
	return ts
}

func describe(c readiness.Condition) string {
	s := c.Reason
	if c.Message != "" {
		if s != "" {
			s += ": "
		}
		s += c.Message
	}
	if s == "" {
		s = c.Type + " is " + c.Status
	}
	return s
}

// observation decodes status.atProvider, checking what the composite's
// schema requires of the fields it copies.
func observation(u *unstructured.Unstructured) (providerv1alpha1.ComplianceScanObservation, error) {
	var obs providerv1alpha1.ComplianceScanObservation
	raw, found, err := unstructured.NestedFieldNoCopy(u.Object, "status", "atProvider")
	if err != nil {
		return obs, errors.Wrap(err, ".status.atProvider")
	}
	if !found || raw == nil {
		return obs, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return obs, errors.Errorf(".status.atProvider is %T, not an object", raw)
	}
	if err := fromUnstructured(m, &obs); err != nil {
		return obs, errors.Wrap(err, ".status.atProvider")
	}
	if obs.LastScanTime != nil {
		obs.LastScanTime = &metav1.Time{Time: obs.LastScanTime.UTC()}
	}
	if obs.Score < 0 || obs.Score > 100 {
		return obs, errors.Errorf(".status.atProvider.score is %d, not between 0 and 100", obs.Score)
	}
	if obs.Passed < 0 || obs.Failed < 0 {
		return obs, errors.Errorf(".status.atProvider counts are negative (passed %d, failed %d)", obs.Passed, obs.Failed)
	}
	return obs, nil
}

// fromUnstructured decodes m into out; a panic of the converter on hostile
// input is an error.
func fromUnstructured(m map[string]any, out any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.Errorf("cannot decode: %v", p)
		}
	}()
	return runtime.DefaultUnstructuredConverter.FromUnstructured(m, out)
}

// Summary summarizes the targets that have been scanned: how many, how
// many of them are compliant, and the lowest score. Nil when none has.
func Summary(targets []kspecv1alpha1.TargetStatus) *kspecv1alpha1.ComplianceSummary {
	var s *kspecv1alpha1.ComplianceSummary
	for _, ts := range targets {
		if ts.LastScanTime == nil {
			continue
		}
		if s == nil {
			s = &kspecv1alpha1.ComplianceSummary{Score: 100}
		}
		s.Targets++
		if ts.Phase == PhaseCompliant {
			s.CompliantTargets++
		}
		s.Score = min(s.Score, ts.Score)
	}
	return s
}

// Status is the composite's status fields for the targets, by top-level
// key, as JSON spells them.
func Status(targets []kspecv1alpha1.TargetStatus) (map[string]any, error) {
	st := kspecv1alpha1.ClusterSpecificationStatus{Targets: targets, Summary: Summary(targets)}
	if st.Targets == nil {
		st.Targets = []kspecv1alpha1.TargetStatus{}
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&st)
	if err != nil {
		return nil, errors.Wrap(err, "cannot write the composite's status")
	}
	// An empty list, so targets no longer selected leave the status.
	if _, ok := m["targets"]; !ok {
		m["targets"] = []any{}
	}
	return m, nil
}
