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
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kspec-io/kspec/test/harness"
)

// tlsClient trusts the test CA.
func tlsClient() *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// post sends a body to the running server's /validate and returns the
// status code and the decoded answer.
func post(t *testing.T, to string, body []byte) (int, admissionv1.AdmissionReview) {
	t.Helper()
	r, err := tlsClient().Post("https://"+to+"/validate", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer r.Body.Close() //nolint:errcheck // read-only
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	var out admissionv1.AdmissionReview
	require.NoError(t, json.Unmarshal(b, &out), "every answer is an AdmissionReview: %s", b)
	require.Equal(t, "AdmissionReview", out.Kind, string(b))
	require.NotNil(t, out.Response, string(b))
	return r.StatusCode, out
}

func reviewOf(uid, ns string, kind metav1.GroupVersionKind, obj any) []byte {
	raw, err := json.Marshal(obj)
	harness.Must(err)
	b, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request:  &admissionv1.AdmissionRequest{UID: types.UID("u-" + uid), Kind: kind, Namespace: ns, Operation: admissionv1.Create, Object: runtime.RawExtension{Raw: raw}},
	})
	harness.Must(err)
	return b
}

var podKind = metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}

// rootPod fails run-as-non-root; brokenPod cannot be evaluated (its
// containers are not a list).
func rootPod(name string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": name},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "ghcr.io/x/c:1"}}}}
}

func brokenPod(name string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": name}, "spec": map[string]any{"containers": "not a list"}}
}

// metric sums the samples of a family on the running server's /metrics
// whose labels contain match; ok is false when there is none.
func metric(t *testing.T, name, match string) (sum float64, ok bool) {
	t.Helper()
	r, err := http.Get("http://" + health + "/metrics")
	require.NoError(t, err)
	defer r.Body.Close() //nolint:errcheck // read-only
	s := bufio.NewScanner(r.Body)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		line := s.Text()
		rest, found := strings.CutPrefix(line, name)
		if !found || rest == "" || (rest[0] != ' ' && rest[0] != '{') || !strings.Contains(rest, match) {
			continue
		}
		v, err := strconv.ParseFloat(rest[strings.LastIndexByte(rest, ' ')+1:], 64)
		require.NoError(t, err, line)
		sum, ok = sum+v, true
	}
	require.NoError(t, s.Err())
	return sum, ok
}

func value(t *testing.T, name, match string) float64 {
	t.Helper()
	v, _ := metric(t, name, match)
	return v
}

const breakerSpec = `apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata:
  name: breaker
spec:
  enforcement:
    mode: enforce
  namespaceScope:
    include: [wh-breaker]
  workloads:
    containers:
      required:
        - key: securityContext.runAsNonRoot
          value: true
`

const breakerOpen = "circuit breaker open"

// tripBreaker sends the running server requests that cannot be evaluated:
// the breaker (ten outcomes at least, half of them errors) trips at the
// tenth and not before. It leaves the breaker open.
func tripBreaker(t *testing.T) {
	t.Helper()
	putBundle(t, "kspec-system", "breaker", breakerSpec)
	require.Eventually(t, func() bool {
		_, r := post(t, addr, reviewOf("probe", "wh-breaker", podKind, rootPod("p")))
		return !r.Response.Allowed
	}, eventually, 200*time.Millisecond, "the breaker bundle never came into force")
	// Outcomes older than the breaker's window no longer count.
	clock.SetTime(clock.Now().Add(2 * time.Minute))
	trips := value(t, "kspec_webhook_breaker_trips_total", "")
	for i := range 10 {
		require.Zero(t, value(t, "kspec_webhook_breaker_state", ""), "closed before request %d", i+1)
		_, r := post(t, addr, reviewOf(fmt.Sprint("broken-", i), "wh-breaker", podKind, brokenPod("b")))
		require.True(t, r.Response.Allowed, "a request that cannot be evaluated is admitted")
		require.Len(t, r.Response.Warnings, 1)
		assert.Contains(t, r.Response.Warnings[0], "could not be evaluated", "request %d is evaluated", i+1)
	}
	require.Equal(t, 1.0, value(t, "kspec_webhook_breaker_state", ""), "open after the tenth")
	require.Equal(t, trips+1, value(t, "kspec_webhook_breaker_trips_total", ""))
}

func TestBreakerThroughTheRunningServer(t *testing.T) {
	harness.SkipShort(t)
	register(t)
	t.Cleanup(func() {
		_ = kube.CoreV1().ConfigMaps("kspec-system").Delete(context.Background(), "breaker", metav1.DeleteOptions{})
	})
	tripBreaker(t)

	open := value(t, "kspec_webhook_requests_total", `outcome="breaker_open"`)
	_, r := post(t, addr, reviewOf("while-open", "wh-breaker", podKind, rootPod("p")))
	require.True(t, r.Response.Allowed, "an open breaker admits what the bundle would deny")
	require.Len(t, r.Response.Warnings, 1)
	require.Contains(t, r.Response.Warnings[0], breakerOpen)
	require.Equal(t, open+1, value(t, "kspec_webhook_requests_total", `outcome="breaker_open"`))

	clock.SetTime(clock.Now().Add(59 * time.Second))
	_, r = post(t, addr, reviewOf("cooling", "wh-breaker", podKind, rootPod("p")))
	require.True(t, r.Response.Allowed, "still open before the one-minute cooldown ends")

	clock.SetTime(clock.Now().Add(2 * time.Second))
	_, r = post(t, addr, reviewOf("probe", "wh-breaker", podKind, rootPod("p")))
	require.False(t, r.Response.Allowed, "after the cooldown the probe is evaluated and denied")
	require.Zero(t, value(t, "kspec_webhook_breaker_state", ""), "a good probe closes the breaker")
	_, r = post(t, addr, reviewOf("after", "wh-breaker", podKind, rootPod("p")))
	require.False(t, r.Response.Allowed, "closed: evaluated again")
}

func TestMalformedRequests(t *testing.T) {
	harness.SkipShort(t)
	register(t)
	huge := reviewOf("huge", "app", podKind, map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "h",
		"annotations": map[string]any{"a": strings.Repeat("x", 5<<20)}}})
	cases := map[string]struct {
		reason string
		body   []byte
		code   int
		want   string // in the status message, or the warning of an admitted request
	}{
		"BadJSON":           {reason: "not JSON", body: []byte(`{"apiVersion":`), code: http.StatusBadRequest, want: "cannot decode"},
		"NoRequest":         {reason: "a review without a request", body: []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), code: http.StatusBadRequest, want: "without a request"},
		"WrongKind":         {reason: "not an AdmissionReview", body: []byte(`{"apiVersion":"v1","kind":"Pod","request":{"uid":"x"}}`), code: http.StatusBadRequest, want: "want admission.k8s.io/v1"},
		"OldVersion":        {reason: "a v1beta1 review", body: []byte(`{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"x"}}`), code: http.StatusBadRequest, want: "v1beta1"},
		"NoUID":             {reason: "a request without a uid", body: []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}`), code: http.StatusBadRequest, want: "without a uid"},
		"WrongShape":        {reason: "request is a string", body: []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"CREATE"}`), code: http.StatusBadRequest, want: "cannot decode"},
		"ObjectNotAnObject": {reason: "the object is a list", body: []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE","namespace":"app","kind":{"version":"v1","kind":"Pod"},"object":[1,2]}}`), code: http.StatusOK, want: "admitted without evaluation"},
		"UnknownKind":       {reason: "a kind no rule knows", body: reviewOf("unknown", "app", metav1.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}, map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": "w"}}), code: http.StatusOK},
		"FiveMiB":           {reason: "a 5 MiB object, under the body limit", body: huge, code: http.StatusOK},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, r := post(t, addr, tc.body)
			require.Equal(t, tc.code, code, tc.reason)
			if tc.code != http.StatusOK {
				require.False(t, r.Response.Allowed)
				require.NotNil(t, r.Response.Result)
				require.EqualValues(t, tc.code, r.Response.Result.Code)
				require.Contains(t, r.Response.Result.Message, tc.want)
			} else {
				require.True(t, r.Response.Allowed, tc.reason)
				require.NotEmpty(t, r.Response.UID)
				if tc.want != "" {
					require.Len(t, r.Response.Warnings, 1)
					require.Contains(t, r.Response.Warnings[0], tc.want)
				}
			}
			// The process is alive and answers a valid review.
			code, r = post(t, addr, reviewOf("after-"+name, "app", podKind, rootPod("p")))
			require.Equal(t, http.StatusOK, code)
			require.Equal(t, "u-after-"+name, string(r.Response.UID))
		})
	}
	t.Run("TooLarge", func(t *testing.T) {
		big := reviewOf("big", "app", podKind, map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "h",
			"annotations": map[string]any{"a": strings.Repeat("x", 9<<20)}}})
		code, r := post(t, addr, big)
		require.Equal(t, http.StatusRequestEntityTooLarge, code)
		require.False(t, r.Response.Allowed)
	})
}
