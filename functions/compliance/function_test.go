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

package compliance_test

import (
	"context"
	"testing"
	"time"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/functions"
)

func structOf(t *testing.T, y string) *structpb.Struct {
	t.Helper()
	m := map[string]any{}
	require.NoError(t, yaml.Unmarshal([]byte(y), &m))
	s, err := structpb.NewStruct(m)
	require.NoError(t, err)
	return s
}

func TestRunFunctionCompliance(t *testing.T) {
	req := &fnv1.RunFunctionRequest{
		Meta:  &fnv1.RequestMeta{Tag: "test"},
		Input: structOf(t, "{apiVersion: fn.kspec.io/v1beta1, kind: Input, step: compliance}"),
		Observed: &fnv1.State{
			Composite: &fnv1.Resource{Resource: structOf(t, `{apiVersion: kspec.io/v1alpha1, kind: ClusterSpecification, metadata: {name: prod},
				spec: {enforcement: {mode: enforce, engines: [Kyverno], autoRemediate: true}, workloads: {containers: {required: [{key: securityContext.runAsNonRoot, value: true}]}}}}`)},
			Resources: map[string]*fnv1.Resource{"compliance/scan": {Resource: structOf(t, `{apiVersion: provider.kspec.io/v1alpha1, kind: ComplianceScan,
				metadata: {name: kspec-scan-prod, namespace: kspec-system},
				status: {conditions: [{type: Synced, status: "True"}, {type: Ready, status: "True"}],
				atProvider: {lastScanTime: "2026-12-02T09:50:00Z", score: 75, passed: 3, failed: 1, report: prod-1}}}`)}},
		},
		Desired: &fnv1.State{Resources: map[string]*fnv1.Resource{}},
	}
	f := functions.New(logging.NewNopLogger(), functions.WithClock(func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) }))
	rsp, err := f.RunFunction(context.Background(), req)
	require.NoError(t, err)
	for _, r := range rsp.GetResults() {
		require.NotEqual(t, fnv1.Severity_SEVERITY_FATAL, r.GetSeverity(), r.GetMessage())
	}
	scan, ok := rsp.GetDesired().GetResources()["compliance/scan"]
	require.True(t, ok)
	assert.Equal(t, fnv1.Ready_READY_TRUE, scan.GetReady())
	fp := scan.GetResource().AsMap()["spec"].(map[string]any)["forProvider"].(map[string]any)
	assert.Equal(t, map[string]any{"name": "prod"}, fp["specificationRef"])
	assert.Equal(t, "enforce", fp["mode"])
	assert.Equal(t, true, fp["autoRemediate"])

	status := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	assert.Equal(t, []any{map[string]any{
		"name": "local", "phase": "NonCompliant", "score": 75.0, "passed": 3.0, "failed": 1.0,
		"lastScanTime": "2026-12-02T09:50:00Z", "report": "prod-1", "message": "1 of 4 evaluated checks failed",
	}}, status["targets"])
	assert.Equal(t, map[string]any{"targets": 1.0, "compliantTargets": 0.0, "score": 75.0}, status["summary"])
}
