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

package webhook_test

import (
	"context"
	"slices"
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

// xr is a ClusterSpecification as the API server stores it.
const xr = `
apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata: {name: prod, uid: 4f9c1d2e-0000-4000-8000-000000000001}
spec:
  enforcement: {mode: enforce, engines: [Kyverno, Webhook]}
  webhook: {failurePolicy: Fail, timeoutSeconds: 5, replicas: 2}
  workloads:
    containers:
      required:
        - {key: securityContext.runAsNonRoot, value: true}
`

func structOf(t *testing.T, y string) *structpb.Struct {
	t.Helper()
	m := map[string]any{}
	require.NoError(t, yaml.Unmarshal([]byte(y), &m))
	s, err := structpb.NewStruct(m)
	require.NoError(t, err)
	return s
}

func runStep(t *testing.T, step string, observed map[string]string) *fnv1.RunFunctionResponse {
	t.Helper()
	req := &fnv1.RunFunctionRequest{
		Meta:     &fnv1.RequestMeta{Tag: "test"},
		Input:    structOf(t, "{apiVersion: fn.kspec.io/v1beta1, kind: Input, step: "+step+"}"),
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: structOf(t, xr)}, Resources: map[string]*fnv1.Resource{}},
		Desired:  &fnv1.State{Resources: map[string]*fnv1.Resource{}},
	}
	for n, y := range observed {
		req.Observed.Resources[n] = &fnv1.Resource{Resource: structOf(t, y)}
	}
	f := functions.New(logging.NewNopLogger(), functions.WithClock(func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) }))
	rsp, err := f.RunFunction(context.Background(), req)
	require.NoError(t, err)
	for _, r := range rsp.GetResults() {
		require.NotEqual(t, fnv1.Severity_SEVERITY_FATAL, r.GetSeverity(), r.GetMessage())
	}
	return rsp
}

func desired(rsp *fnv1.RunFunctionResponse) map[string]string {
	out := map[string]string{}
	for n, r := range rsp.GetDesired().GetResources() {
		m := r.GetResource().AsMap()
		out[n] = m["kind"].(string)
	}
	return out
}

func TestRunFunctionWebhook(t *testing.T) {
	rsp := runStep(t, "webhook", nil)
	assert.Equal(t, map[string]string{
		"webhook/serviceaccount":      "ServiceAccount",
		"webhook/clusterrole":         "ClusterRole",
		"webhook/clusterrolebinding":  "ClusterRoleBinding",
		"webhook/deployment":          "Deployment",
		"webhook/poddisruptionbudget": "PodDisruptionBudget",
		"webhook/service":             "Service",
		"webhook/bundle":              "ConfigMap",
	}, desired(rsp), "the webhook configuration waits for the Deployment; the control plane's namespace is the platform's")
	assert.Positive(t, rsp.GetMeta().GetTtl().AsDuration())
	assert.LessOrEqual(t, rsp.GetMeta().GetTtl().AsDuration(), 30*time.Second, "the function looks again soon")

	rsp = runStep(t, "webhook", map[string]string{"webhook/deployment": `{apiVersion: apps/v1, kind: Deployment,
		metadata: {name: kspec-webhook-prod, namespace: kspec-system, generation: 1}, spec: {replicas: 2},
		status: {observedGeneration: 1, updatedReplicas: 2, availableReplicas: 2, conditions: [{type: Available, status: "True"}]}}`})
	got := desired(rsp)
	assert.Equal(t, "ValidatingWebhookConfiguration", got["webhook/validatingwebhookconfiguration"])
	assert.Equal(t, fnv1.Ready_READY_TRUE, rsp.GetDesired().GetResources()["webhook/deployment"].GetReady())
	assert.Equal(t, fnv1.Ready_READY_FALSE, rsp.GetDesired().GetResources()["webhook/validatingwebhookconfiguration"].GetReady())
	vwc := rsp.GetDesired().GetResources()["webhook/validatingwebhookconfiguration"].GetResource().AsMap()
	hook := vwc["webhooks"].([]any)[0].(map[string]any)
	assert.Equal(t, "Fail", hook["failurePolicy"])
	assert.EqualValues(t, 5, hook["timeoutSeconds"])
}

func TestRunFunctionCertificates(t *testing.T) {
	rsp := runStep(t, "certificates", nil)
	got := desired(rsp)
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	slices.Sort(names)
	assert.Equal(t, []string{"certificates/certificate-ca", "certificates/certificate-serving", "certificates/issuer-ca", "certificates/issuer-selfsigned"}, names)
}
