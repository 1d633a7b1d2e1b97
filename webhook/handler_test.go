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

package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/webhook/breaker"
)

func spec(name, mode, extra string) string {
	return fmt.Sprintf(`apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata:
  name: %s
spec:
  enforcement:
    mode: %s
  network:
    allowedServiceTypes: [ClusterIP]
%s`, name, mode, extra)
}

func compile(t *testing.T, data, confine string) *rules.Set {
	t.Helper()
	s, err := CompileBundle(context.Background(), "test.yaml", []byte(data), confine)
	require.NoError(t, err)
	return s
}

type sets []*rules.Set

func (s sets) Sets() []*rules.Set { return s }

type panics struct{}

func (panics) Sets() []*rules.Set { panic("boom") }

type failingNamespaces struct{}

func (failingNamespaces) Labels(context.Context, string) (map[string]string, bool, error) {
	return nil, false, fmt.Errorf("informer down")
}

func service(ns, typ string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s", "namespace": ns}, "spec": map[string]any{"type": typ, "ports": []any{map[string]any{"port": 80}}}}
}

func reviewBody(t *testing.T, op admissionv1.Operation, ns string, obj any) []byte {
	t.Helper()
	raw, err := json.Marshal(obj)
	require.NoError(t, err)
	b, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "u-1", Operation: op, Namespace: ns, Name: "s",
			Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Service"}, Object: runtimeRaw(raw)},
	})
	require.NoError(t, err)
	return b
}

func post(t *testing.T, h http.Handler, method string, body []byte) (int, admissionv1.AdmissionReview) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, "/validate", bytes.NewReader(body)))
	var out admissionv1.AdmissionReview
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), "every answer is an AdmissionReview: %s", rec.Body.String())
	require.Equal(t, "AdmissionReview", out.Kind)
	require.NotNil(t, out.Response)
	return rec.Code, out
}

func TestHandler(t *testing.T) {
	enforce := compile(t, spec("enforced", "enforce", ""), "")
	audit := compile(t, spec("audited", "audit", ""), "")
	monitor := compile(t, spec("monitored", "monitor", ""), "")
	claim := compile(t, spec("team", "enforce", ""), "team-a")
	cases := map[string]struct {
		sets     Sets
		method   string
		body     []byte
		code     int
		allowed  bool
		message  string // in the deny message or status
		warnings int
		audit    bool
		outcome  string
	}{
		"enforce denies":                     {sets: sets{enforce}, body: reviewBody(t, admissionv1.Create, "app", service("app", "NodePort")), code: 200, message: "kspec enforced denies Service/app/s", outcome: "denied"},
		"enforce allows a good object":       {sets: sets{enforce}, body: reviewBody(t, admissionv1.Create, "app", service("app", "ClusterIP")), code: 200, allowed: true, outcome: "allowed"},
		"audit warns":                        {sets: sets{audit}, body: reviewBody(t, admissionv1.Create, "app", service("app", "NodePort")), code: 200, allowed: true, warnings: 1, audit: true, outcome: "warned"},
		"monitor records only":               {sets: sets{monitor}, body: reviewBody(t, admissionv1.Create, "app", service("app", "NodePort")), code: 200, allowed: true, outcome: "allowed"},
		"merge: any deny denies":             {sets: sets{audit, enforce}, body: reviewBody(t, admissionv1.Update, "app", service("app", "NodePort")), code: 200, message: "kspec enforced denies", warnings: 1, audit: true, outcome: "denied"},
		"kube-system never evaluated":        {sets: sets{enforce}, body: reviewBody(t, admissionv1.Create, "kube-system", service("kube-system", "NodePort")), code: 200, allowed: true, outcome: "skipped"},
		"own namespace never evaluated":      {sets: sets{enforce}, body: reviewBody(t, admissionv1.Create, "kspec-system", service("kspec-system", "NodePort")), code: 200, allowed: true, outcome: "skipped"},
		"delete unevaluated":                 {sets: sets{enforce}, body: reviewBody(t, admissionv1.Delete, "app", nil), code: 200, allowed: true, outcome: "allowed"},
		"a claim governs its namespace":      {sets: sets{claim}, body: reviewBody(t, admissionv1.Create, "team-a", service("team-a", "NodePort")), code: 200, message: "team-a/team", outcome: "denied"},
		"a claim governs only its namespace": {sets: sets{claim}, body: reviewBody(t, admissionv1.Create, "team-b", service("team-b", "NodePort")), code: 200, allowed: true, outcome: "allowed"},
		"unknown kind":                       {sets: sets{enforce}, body: reviewBody(t, admissionv1.Create, "app", map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": "w"}}), code: 200, allowed: true, outcome: "allowed"},
		"panic still answers":                {sets: panics{}, body: reviewBody(t, admissionv1.Create, "app", service("app", "NodePort")), code: 200, allowed: true, warnings: 1, message: "", outcome: "error"},
		"object of the wrong shape":          {sets: sets{enforce}, body: []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":[1,2]}}`), code: 200, allowed: true, warnings: 1, outcome: "error"},
		"bad JSON":                           {sets: sets{enforce}, body: []byte(`{"apiVersion":`), code: 400, message: "cannot decode the admission review", outcome: "malformed"},
		"missing request":                    {sets: sets{enforce}, body: []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), code: 400, message: "without a request", outcome: "malformed"},
		"wrong kind":                         {sets: sets{enforce}, body: []byte(`{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u"}}`), code: 400, message: "want admission.k8s.io/v1", outcome: "malformed"},
		"no uid":                             {sets: sets{enforce}, body: []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}`), code: 400, message: "without a uid", outcome: "malformed"},
		"GET":                                {sets: sets{enforce}, method: http.MethodGet, code: 405, message: "POSTed", outcome: "malformed"},
		"too large":                          {sets: sets{enforce}, body: reviewBody(t, admissionv1.Create, "app", big(9<<20)), code: 413, message: "over", outcome: "malformed"},
		"5 MiB object":                       {sets: sets{enforce}, body: reviewBody(t, admissionv1.Create, "app", big(5<<20)), code: 200, allowed: true, outcome: "allowed"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			h := &Handler{Sets: tc.sets, Clock: clocktesting.NewFakePassiveClock(time.Now()), Skip: []string{"kspec-system"}, Metrics: NewMetrics(reg)}
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			code, out := post(t, h, method, tc.body)
			assert.Equal(t, tc.code, code)
			r := out.Response
			assert.Equal(t, tc.allowed, r.Allowed)
			if tc.message != "" {
				require.NotNil(t, r.Result)
				assert.Contains(t, r.Result.Message, tc.message)
			}
			if code == 200 && !tc.allowed {
				assert.Equal(t, int32(403), r.Result.Code)
				assert.EqualValues(t, "u-1", r.UID)
			}
			assert.Len(t, r.Warnings, tc.warnings, "%v", r.Warnings)
			assert.Equal(t, tc.audit, len(r.AuditAnnotations) > 0)
			assert.InDelta(t, 1, testutil.ToFloat64(h.Metrics.Requests.WithLabelValues(tc.outcome)), 0)
		})
	}
}

// big is a ConfigMap-like object of about n bytes.
func big(n int) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s", "annotations": map[string]any{"big": strings.Repeat("x", n)}}, "spec": map[string]any{"type": "ClusterIP"}}
}

func TestHandlerBreaker(t *testing.T) {
	selected := compile(t, spec("selected", "enforce", "  namespaceScope:\n    selector:\n      matchLabels:\n        team: a\n"), "")
	c := clocktesting.NewFakePassiveClock(time.Now())
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	h := &Handler{Sets: sets{selected}, Clock: c, Namespaces: failingNamespaces{}, Metrics: m,
		Breaker: breaker.New(breaker.Options{Clock: c, Cooldown: time.Minute, OnChange: m.breakerChanged})}
	bad := reviewBody(t, admissionv1.Create, "app", service("app", "NodePort"))
	for range 10 {
		_, out := post(t, h, http.MethodPost, bad)
		require.True(t, out.Response.Allowed, "fail open")
		require.Contains(t, out.Response.Warnings[0], "cannot read the labels of namespace app")
	}
	assert.InDelta(t, 1, testutil.ToFloat64(m.BreakerState), 0)
	assert.InDelta(t, 0, testutil.ToFloat64(m.BreakerErrors), 0, "a tripped breaker starts a new window")
	_, out := post(t, h, http.MethodPost, bad)
	assert.True(t, out.Response.Allowed)
	assert.Contains(t, out.Response.Warnings[0], "circuit breaker open")
	c.SetTime(c.Now().Add(time.Minute))
	h.Namespaces = rules.NamespaceLabels{"app": {"team": "a"}}
	_, out = post(t, h, http.MethodPost, bad) // the probe: evaluated, and denied
	assert.False(t, out.Response.Allowed)
	assert.InDelta(t, 0, testutil.ToFloat64(m.BreakerState), 0)
	assert.InDelta(t, 1, testutil.ToFloat64(m.BreakerTrips), 0)
}

func runtimeRaw(b []byte) runtime.RawExtension { return runtime.RawExtension{Raw: b} }

// TestHandlerVerdictMetrics: every evaluated spec's verdict is counted by
// spec and mode, and exemptions used by spec and exemption.
func TestHandlerVerdictMetrics(t *testing.T) {
	exempt := "  exemptions:\n    - {name: legacy-lb, reason: r, approvedBy: a, expiresAt: \"2099-01-01T00:00:00Z\", resources: [{name: legacy}]}\n"
	enforce := compile(t, spec("gate", "enforce", exempt), "")
	audit := compile(t, spec("advice", "audit", ""), "")
	monitor := compile(t, spec("watch", "monitor", ""), "")
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	h := &Handler{Sets: sets{enforce, audit, monitor}, Clock: clocktesting.NewFakePassiveClock(time.Now()), Metrics: m}
	post(t, h, http.MethodPost, reviewBody(t, admissionv1.Create, "app", service("app", "NodePort")))
	post(t, h, http.MethodPost, reviewBody(t, admissionv1.Create, "app", service("app", "ClusterIP")))
	legacy := service("app", "NodePort")
	legacy["metadata"].(map[string]any)["name"] = "legacy"
	post(t, h, http.MethodPost, reviewBody(t, admissionv1.Create, "app", legacy))
	for _, c := range []struct {
		spec, mode, verdict string
		want                float64
	}{
		{"gate", "enforce", "denied", 1}, {"gate", "enforce", "passed", 2},
		{"advice", "audit", "warned", 2}, {"advice", "audit", "passed", 1},
		{"watch", "monitor", "recorded", 2}, {"watch", "monitor", "passed", 1},
	} {
		assert.InDelta(t, c.want, testutil.ToFloat64(m.Verdicts.WithLabelValues(c.spec, c.mode, c.verdict)), 0, "%s %s", c.spec, c.verdict)
	}
	assert.InDelta(t, 1, testutil.ToFloat64(m.ExemptionsUsed.WithLabelValues("gate", "legacy-lb")), 0)
}
