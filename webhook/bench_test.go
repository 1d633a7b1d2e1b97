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
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/webhook/breaker"
)

// benchReview is the AdmissionReview the API server sends for creating the
// restricted Pod of the corpus, which the strict example admits.
func benchReview(b *testing.B) []byte {
	b.Helper()
	y, err := os.ReadFile("../test/kyverno/corpus/pod-restricted.yaml")
	if err != nil {
		b.Fatal(err)
	}
	pod, err := yaml.YAMLToJSON(y)
	if err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       "705ab4f5-6393-11e8-b7cc-42010a800002",
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Name:      "restricted",
			Namespace: "team-a",
			Operation: admissionv1.Create,
			Object:    runtime.RawExtension{Raw: pod},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// benchStrictHandler is the handler Run wires (metrics, breaker) with the
// strict example as its only bundle.
func benchStrictHandler(b *testing.B) *Handler {
	b.Helper()
	y, err := os.ReadFile("../examples/specs/strict.yaml")
	if err != nil {
		b.Fatal(err)
	}
	set, err := CompileBundle(context.Background(), "strict.yaml", y, "")
	if err != nil {
		b.Fatal(err)
	}
	bundles := &Bundles{}
	bundles.Put("strict.yaml", set)
	m := NewMetrics(prometheus.NewRegistry())
	return &Handler{Sets: bundles, Metrics: m, Breaker: breaker.New(breaker.Options{OnChange: m.breakerChanged})}
}

// benchEnvelope is the baseline this benchmark had before the handler
// decoded the review in one pass: the review decoded into
// admissionv1.AdmissionReview (the object left as bytes) and answered
// with json.Marshal. It is kept to show what the baseline's change did.
var benchEnvelope = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil || review.Request == nil {
		http.Error(w, "cannot decode the admission review", http.StatusBadRequest)
		return
	}
	out, _ := json.Marshal(admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true}})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
})

// checkAdmits posts body to h once and checks the answer admits, without
// warnings.
func checkAdmits(b *testing.B, h http.Handler, body []byte) {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body)))
	if rec.Code != http.StatusOK {
		b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil || !out.Response.Allowed || len(out.Response.Warnings) > 0 {
		b.Fatalf("want a plain admission, got %s", rec.Body)
	}
}

// benchServe posts body to h b.N times and checks every answer admits.
func benchServe(b *testing.B, h http.Handler, body []byte) {
	b.Helper()
	checkAdmits(b, h, body)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			b.Fatalf("HTTP %d", rec.Code)
		}
	}
}

// BenchmarkHandlerStrict answers the restricted Pod's review against the
// strict example: decode, every Pod rule, merge, answer.
func BenchmarkHandlerStrict(b *testing.B) {
	benchServe(b, benchStrictHandler(b), benchReview(b))
}

// BenchmarkHandlerNoop is BenchmarkHandlerStrict's baseline: the same
// review read, decoded (the object too) and answered by the same code,
// admitted without evaluation.
func BenchmarkHandlerNoop(b *testing.B) {
	benchServe(b, Noop{}, benchReview(b))
}

// BenchmarkHandlerNoopEnvelope is the earlier baseline (benchEnvelope),
// for comparison only.
func BenchmarkHandlerNoopEnvelope(b *testing.B) {
	benchServe(b, benchEnvelope, benchReview(b))
}

// BenchmarkHandlerStrictVsNoop is BenchmarkHandlerStrict and
// BenchmarkHandlerNoop in one: rounds of 500 reviews each, alternating,
// so that both see the same machine (a shared one drifts by tens of
// percent between two benchmarks run a second apart). It reports each
// one's time per review and their ratio, the handler target's measure.
func BenchmarkHandlerStrictVsNoop(b *testing.B) {
	body := benchReview(b)
	strict, noop := benchStrictHandler(b), http.Handler(Noop{})
	checkAdmits(b, strict, body)
	checkAdmits(b, noop, body)
	serve := func(h http.Handler, n int) time.Duration {
		start := time.Now()
		for range n {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body)))
			if rec.Code != http.StatusOK {
				b.Fatalf("HTTP %d", rec.Code)
			}
		}
		return time.Since(start)
	}
	const round = 500
	var ts, tn time.Duration
	n := 0
	for b.Loop() {
		ts += serve(strict, round)
		tn += serve(noop, round)
		n += round
	}
	b.ReportMetric(float64(ts.Nanoseconds())/float64(n), "strict-ns/review")
	b.ReportMetric(float64(tn.Nanoseconds())/float64(n), "noop-ns/review")
	b.ReportMetric(float64(ts)/float64(tn), "strict/noop")
}
