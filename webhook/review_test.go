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
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/yaml"
)

// TestDecodeReview: the one-pass decode reads what the two-pass one did
// (the review into admissionv1 types, then the object into a map) for
// every manifest of the corpus, in every operation.
func TestDecodeReview(t *testing.T) {
	files, err := filepath.Glob("../test/kyverno/corpus/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		y, err := os.ReadFile(f)
		require.NoError(t, err)
		obj, err := yaml.YAMLToJSON(y)
		require.NoError(t, err)
		for _, op := range []admissionv1.Operation{admissionv1.Create, admissionv1.Update, admissionv1.Delete, admissionv1.Connect} {
			t.Run(filepath.Base(f)+"/"+string(op), func(t *testing.T) {
				ar := &admissionv1.AdmissionRequest{UID: "u-1", Operation: op, Namespace: "app", Name: "n",
					Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, Resource: metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
					Object: runtime.RawExtension{Raw: obj}, OldObject: runtime.RawExtension{Raw: obj}}
				if op == admissionv1.Delete {
					ar.Object = runtime.RawExtension{}
				}
				body, err := json.Marshal(admissionv1.AdmissionReview{TypeMeta: metav1.TypeMeta{APIVersion: reviewAPIVersion, Kind: reviewKind}, Request: ar})
				require.NoError(t, err)

				var want admissionv1.AdmissionReview
				require.NoError(t, json.Unmarshal(body, &want))
				var wantObj map[string]any
				if len(want.Request.Object.Raw) > 0 {
					require.NoError(t, json.Unmarshal(want.Request.Object.Raw, &wantObj))
				}

				got, err := decodeReview(body)
				require.NoError(t, err)
				require.NoError(t, got.objectErr)
				assert.Equal(t, want.Request.UID, got.UID)
				assert.Equal(t, want.Request.Kind, got.Kind)
				assert.Equal(t, want.Request.Name, got.Name)
				assert.Equal(t, want.Request.Namespace, got.Namespace)
				assert.Equal(t, want.Request.Operation, got.Operation)
				assert.Empty(t, cmp.Diff(wantObj, got.Object))
			})
		}
	}
}

// TestDecodeReviewShape: an object that is not a JSON object is the
// request's error (answered, admitted unevaluated); anything else wrong
// is the review's (answered 400); the old object is not read.
func TestDecodeReviewShape(t *testing.T) {
	const head = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"UPDATE",`
	cases := map[string]struct {
		body      string
		err       string // the review's
		objectErr string // the request's
		object    bool
	}{
		"an object":                 {body: head + `"object":{"kind":"Pod"}}}`, object: true},
		"null object":               {body: head + `"object":null}}`},
		"no object":                 {body: head + `"name":"n"}}`},
		"array object":              {body: head + `"object":[1,2]}}`, objectErr: "cannot decode the request's object"},
		"string object":             {body: head + `"object":"pod"}}`, objectErr: "cannot decode the request's object"},
		"number object":             {body: head + `"object":5}}`, objectErr: "cannot decode the request's object"},
		"old object not read":       {body: head + `"object":{"kind":"Pod"},"oldObject":[1,2]}}`, object: true},
		"wrong-typed uid":           {body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":5}}`, err: "cannot decode the admission review"},
		"wrong-typed request":       {body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":[]}`, err: "cannot decode the admission review"},
		"truncated inside object":   {body: head + `"object":{"kind":"Po`, err: "cannot decode the admission review"},
		"bad JSON after the object": {body: head + `"object":{"kind":"Pod"}},}`, err: "cannot decode the admission review"},
		"v1beta1":                   {body: `{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u"}}`, err: "want admission.k8s.io/v1, Kind=AdmissionReview"},
		"not a review":              {body: `{"apiVersion":"v1","kind":"Pod"}`, err: "cannot answer /v1, Kind=Pod"},
		"no request":                {body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, err: "without a request"},
		"no uid":                    {body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}`, err: "without a uid"},
		"empty":                     {body: ``, err: "cannot decode the admission review"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req, err := decodeReview([]byte(tc.body))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			if tc.objectErr != "" {
				require.Error(t, req.objectErr)
				assert.Contains(t, req.objectErr.Error(), tc.objectErr)
				assert.Nil(t, req.Object)
				return
			}
			require.NoError(t, req.objectErr)
			assert.Equal(t, tc.object, req.Object != nil)
		})
	}
}

// TestNoop: the baseline answers as the handler does: a readable review
// allowed with its uid, a malformed one the handler's 4xx answer.
func TestNoop(t *testing.T) {
	h := &Handler{Sets: sets{compile(t, spec("enforced", "enforce", ""), "")}}
	for name, tc := range map[string]struct {
		method string
		body   []byte
		code   int
	}{
		"a review":  {body: reviewBody(t, admissionv1.Create, "app", service("app", "NodePort")), code: 200},
		"bad JSON":  {body: []byte(`{"apiVersion":`), code: 400},
		"GET":       {method: http.MethodGet, code: 405},
		"too large": {body: reviewBody(t, admissionv1.Create, "app", big(9<<20)), code: 413},
	} {
		t.Run(name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			code, out := post(t, Noop{}, method, tc.body)
			assert.Equal(t, tc.code, code)
			if code != 200 {
				hcode, hout := post(t, h, method, tc.body)
				assert.Equal(t, hcode, code)
				assert.Empty(t, cmp.Diff(hout, out))
				return
			}
			assert.True(t, out.Response.Allowed)
			assert.EqualValues(t, "u-1", out.Response.UID)
		})
	}
}

// TestHandlerConcurrent: reviews answered at once, with their buffers
// reused, each get their own verdict and uid (run with -race).
func TestHandlerConcurrent(t *testing.T) {
	h := &Handler{Sets: sets{compile(t, spec("enforced", "enforce", ""), "")}, Clock: clocktesting.NewFakePassiveClock(time.Now())}
	bodies := map[string]func(uid string) string{}
	for _, typ := range []string{"ClusterIP", "NodePort"} {
		body := string(reviewBody(t, admissionv1.Create, "app", service("app", typ)))
		bodies[typ] = func(uid string) string { return strings.Replace(body, `"uid":"u-1"`, `"uid":"`+uid+`"`, 1) }
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				typ, allowed := "ClusterIP", true
				if (i+j)%2 == 1 {
					typ, allowed = "NodePort", false
				}
				uid := fmt.Sprintf("u-%d-%d", i, j)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate", strings.NewReader(bodies[typ](uid))))
				var out admissionv1.AdmissionReview
				if assert.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out)) && assert.NotNil(t, out.Response) {
					assert.Equal(t, allowed, out.Response.Allowed, "%s %s", uid, typ)
					assert.EqualValues(t, uid, out.Response.UID)
				}
			}
		})
	}
	wg.Wait()
}
