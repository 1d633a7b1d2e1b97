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
	"testing"
	"time"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/validate"
)

const scanned = `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s, namespace: kspec-system},
	status: {conditions: [{type: Synced, status: "True"}, {type: Ready, status: "True"}],
	atProvider: {lastScanTime: "2026-12-02T01:00:00Z", score: 80, passed: 8, failed: 2, skipped: 3, report: prod-20261202-0100}}}`

func TestTargetStatus(t *testing.T) {
	scanTime := metav1.NewTime(time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC))
	cases := map[string]struct {
		reason   string
		target   step.Target
		observed string
		want     kspecv1alpha1.TargetStatus
		err      string
	}{
		"NotCreated": {
			reason: "No scan observed yet: Pending.",
			target: local,
			want:   kspecv1alpha1.TargetStatus{Name: "local", Phase: PhasePending, Message: "ComplianceScan kspec-system/kspec-scan-prod is not created yet"},
		},
		"NoScanYet": {
			reason:   "A scan without a result: Pending.",
			target:   local,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {conditions: [{type: Synced, status: "True"}]}}`,
			want:     kspecv1alpha1.TargetStatus{Name: "local", Phase: PhasePending, Message: "ComplianceScan kspec-system/kspec-scan-prod has not finished a scan yet"},
		},
		"NonCompliant": {
			reason:   "Failed checks: NonCompliant, with the scan's figures.",
			target:   local,
			observed: scanned,
			want: kspecv1alpha1.TargetStatus{Name: "local", Phase: PhaseNonCompliant, Score: 80, Passed: 8, Failed: 2, LastScanTime: &scanTime,
				Report: "prod-20261202-0100", Message: "2 of 10 evaluated checks failed"},
		},
		"Compliant": {
			reason: "No failed check: Compliant.",
			target: east,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s},
				status: {atProvider: {lastScanTime: "2026-12-02T01:00:00Z", score: 100, passed: 10, report: r}}}`,
			want: kspecv1alpha1.TargetStatus{Name: "fleet/prod-us-east-1", Phase: PhaseCompliant, Score: 100, Passed: 10, LastScanTime: &scanTime, Report: "r"},
		},
		"CannotScan": {
			reason: "A scan that cannot reconcile says why: Unreachable.",
			target: east,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s},
				status: {conditions: [{type: Synced, status: "False", reason: ReconcileError, message: "cannot connect to the target"}]}}`,
			want: kspecv1alpha1.TargetStatus{Name: "fleet/prod-us-east-1", Phase: PhaseUnreachable,
				Message: "ComplianceScan fleet/kspec-scan-prod-prod-us-east-1-824f68e0 cannot scan: ReconcileError: cannot connect to the target"},
		},
		"TargetNotReady": {
			reason:   "A target that is not ready is Unreachable; its last result stays.",
			target:   broken,
			observed: scanned,
			want: kspecv1alpha1.TargetStatus{Name: "fleet/broken", Phase: PhaseUnreachable, Score: 80, Passed: 8, Failed: 2, LastScanTime: &scanTime,
				Report: "prod-20261202-0100", Message: "ClusterTarget fleet/broken is not ready: dial tcp 10.0.0.1:6443: connection refused"},
		},
		"AtProviderNotAnObject": {
			reason:   "Malformed observed state is an error naming the field, and Pending.",
			target:   local,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {atProvider: "done"}}`,
			err:      "ComplianceScan kspec-system/kspec-scan-prod of the control-plane cluster: .status.atProvider is string, not an object",
		},
		"ScoreNotANumber": {
			target:   local,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {atProvider: {score: high}}}`,
			err:      ".status.atProvider",
		},
		"ScoreOutOfRange": {
			reason:   "A score the composite's schema would refuse is not copied.",
			target:   local,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {atProvider: {score: 150}}}`,
			err:      ".status.atProvider.score is 150, not between 0 and 100",
		},
		"NegativeCounts": {
			target:   local,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {atProvider: {failed: -1}}}`,
			err:      "counts are negative",
		},
		"TimeNotATime": {
			target:   local,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {atProvider: {lastScanTime: yesterday}}}`,
			err:      ".status.atProvider",
		},
		"ConditionsMalformed": {
			target:   local,
			observed: `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {conditions: [{type: Synced, status: 1}]}}`,
			err:      ".status.conditions[0].status is float64, not a string",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req := request(t, step.XR{Name: "prod"}, spec("prod", "", kspecv1alpha1.ModeEnforce, false), tc.target)
			scan, err := Scan(req.XR, req.Spec, req.Set, tc.target, "kspec-system")
			require.NoError(t, err)
			var observed *unstructured.Unstructured
			if tc.observed != "" {
				observed = obj(tc.observed)
			}
			got, err := TargetStatus(tc.target, scan, observed)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err, tc.reason)
				assert.Equal(t, PhasePending, got.Phase, tc.reason)
				assert.Contains(t, got.Message, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, tc.reason)
		})
	}
}

func TestSummary(t *testing.T) {
	at := &metav1.Time{Time: time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)}
	assert.Nil(t, Summary(nil))
	assert.Nil(t, Summary([]kspecv1alpha1.TargetStatus{{Name: "local", Phase: PhasePending}}), "nothing scanned, nothing to summarize")
	got := Summary([]kspecv1alpha1.TargetStatus{
		{Name: "a", Phase: PhaseCompliant, Score: 100, LastScanTime: at},
		{Name: "b", Phase: PhaseNonCompliant, Score: 70, LastScanTime: at},
		{Name: "c", Phase: PhaseUnreachable, Score: 90, LastScanTime: at},
		{Name: "d", Phase: PhasePending},
	})
	assert.Equal(t, &kspecv1alpha1.ComplianceSummary{Targets: 3, CompliantTargets: 1, Score: 70}, got)
}

func TestStatusFitsTheSchema(t *testing.T) {
	// The status the step writes is what the composite's schema accepts.
	schema, err := validate.KspecSchema()
	require.NoError(t, err)
	at := &metav1.Time{Time: time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)}
	for _, targets := range [][]kspecv1alpha1.TargetStatus{
		nil,
		{{Name: "local", Phase: PhaseCompliant, Score: 100, Passed: 4, LastScanTime: at, Report: "r"}, {Name: "fleet/x", Phase: PhaseUnreachable, Message: "down"}},
	} {
		st, err := Status(targets)
		require.NoError(t, err)
		assert.Contains(t, st, "targets", "an empty list clears targets no longer selected")
		xr := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "kspec.io/v1alpha1", "kind": "ClusterSpecification",
			"metadata": map[string]any{"name": "prod"}, "spec": map[string]any{}, "status": st,
		}}
		assert.Empty(t, schema.Validate(context.Background(), xr))
	}
}

func TestStepRender(t *testing.T) {
	req := request(t, step.XR{Name: "prod"}, spec("prod", "", kspecv1alpha1.ModeEnforce, false), local, east, west)
	observe(req, local, obj(scanned))
	observe(req, east, obj(`{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {conditions: [{type: Ready, status: "False", reason: Creating}]}}`))
	observe(req, west, obj(`{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {conditions: "broken"}}`))
	want := map[string]resource.Ready{local.Key(): resource.ReadyTrue, east.Key(): resource.ReadyFalse, west.Key(): resource.ReadyFalse}
	for _, target := range req.Targets {
		out, err := Step{}.Render(context.Background(), req, target)
		require.NoError(t, err)
		assert.Empty(t, out.Objects, "scans are composed on the control plane, never wrapped")
		require.Len(t, out.ControlPlane, 1)
		assert.Equal(t, "scan", out.ControlPlane[0].Name)
		assert.Equal(t, "ComplianceScan", out.ControlPlane[0].Resource.GetObjectKind().GroupVersionKind().Kind)
		assert.Equal(t, want[target.Key()], out.ControlPlane[0].Ready, target.String())
		if target.Key() == west.Key() {
			require.Len(t, out.Warnings, 1, "a malformed scan is a warning")
			assert.Contains(t, out.Warnings[0], "ClusterTarget fleet/prod-eu-west-1")
			assert.Contains(t, out.Warnings[0], ".status.conditions is string, not a list")
		} else {
			assert.Empty(t, out.Warnings)
		}
	}
}

func TestStepSummarize(t *testing.T) {
	req := request(t, step.XR{Name: "prod"}, spec("prod", "", kspecv1alpha1.ModeEnforce, false), local, east, west)
	observe(req, local, obj(scanned))
	observe(req, west, obj(`{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan, metadata: {name: s}, status: {atProvider: {score: -5}}}`))
	var outs []step.TargetOutput
	for _, target := range req.Targets {
		out, err := Step{}.Render(context.Background(), req, target)
		require.NoError(t, err)
		outs = append(outs, step.TargetOutput{Target: target, Output: out})
	}
	out, err := Step{}.Summarize(context.Background(), req, outs)
	require.NoError(t, err)
	require.Len(t, out.Warnings, 1)
	assert.Contains(t, out.Warnings[0], "Cannot read the compliance of ClusterTarget fleet/prod-eu-west-1")
	assert.Contains(t, out.Warnings[0], ".status.atProvider.score is -5")

	targets, ok := out.Status["targets"].([]any)
	require.True(t, ok)
	require.Len(t, targets, 3)
	var names, phases []string
	for _, x := range targets {
		m := x.(map[string]any)
		names = append(names, m["name"].(string))
		phases = append(phases, m["phase"].(string))
	}
	assert.Equal(t, []string{"local", "fleet/prod-us-east-1", "fleet/prod-eu-west-1"}, names, "in target order")
	assert.Equal(t, []string{PhaseNonCompliant, PhasePending, PhasePending}, phases)
	assert.Equal(t, map[string]any{"targets": int64(1), "compliantTargets": int64(0), "score": int64(80)}, out.Status["summary"])
	assert.Equal(t, "2026-12-02T01:00:00Z", targets[0].(map[string]any)["lastScanTime"])
}

func TestStepSummarizeCaps(t *testing.T) {
	var targets []step.Target
	for i := range MaxTargets + 5 {
		targets = append(targets, step.Target{Name: "t" + string(rune('a'+i%26)) + time.Duration(i).String(), Namespace: "fleet", Ready: true})
	}
	req := request(t, step.XR{Name: "prod"}, spec("prod", "", kspecv1alpha1.ModeMonitor, false), targets...)
	outs := make([]step.TargetOutput, len(targets))
	for i, target := range targets {
		outs[i] = step.TargetOutput{Target: target, Output: &step.Output{}}
	}
	out, err := Step{}.Summarize(context.Background(), req, outs)
	require.NoError(t, err)
	assert.Len(t, out.Status["targets"], MaxTargets)
	require.Len(t, out.Warnings, 1)
	assert.Contains(t, out.Warnings[0], "selects 261 targets; its status lists the first 256 only")
}
