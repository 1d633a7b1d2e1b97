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
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/pkg/errors"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

const (
	reviewAPIVersion = "admission.k8s.io/v1"
	reviewKind       = "AdmissionReview"
)

// review is what the handler reads of an AdmissionReview, in one pass:
// the object straight into the form the engine evaluates. The old object
// (an UPDATE is judged on the new one) and the rest of the request are
// skipped, not decoded.
type review struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Request    *request `json:"request"`
}

// request is the part of an AdmissionRequest the handler reads.
type request struct {
	UID       types.UID               `json:"uid"`
	Kind      metav1.GroupVersionKind `json:"kind"`
	Name      string                  `json:"name"`
	Namespace string                  `json:"namespace"`
	Operation admissionv1.Operation   `json:"operation"`
	// Object is nil when the review has none (a DELETE's is null).
	Object map[string]any `json:"object"`

	// objectErr is set when the object is not a JSON object: the review
	// is answered, and the request admitted unevaluated.
	objectErr error
}

// objectField is where encoding/json reports a type error in the object.
const objectField = "request.object"

// decodeReview decodes a review's body. A body that is not an
// AdmissionReview v1 with a request and a uid is an error; an object of
// the wrong shape is the request's objectErr.
func decodeReview(body []byte) (*request, error) {
	var rv review
	err := json.Unmarshal(body, &rv)
	// encoding/json reports a value of the wrong type after decoding the
	// rest as best it can: such an object is the request's problem, not
	// the review's.
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == objectField && rv.Request != nil {
		rv.Request.Object, rv.Request.objectErr = nil, errors.Wrap(err, "cannot decode the request's object")
		err = nil
	}
	if err != nil {
		return nil, errors.Wrap(err, "cannot decode the admission review")
	}
	if rv.APIVersion != reviewAPIVersion || rv.Kind != reviewKind {
		return nil, errors.Errorf("cannot answer %s: want %s", schema.FromAPIVersionAndKind(rv.APIVersion, rv.Kind), admissionv1.SchemeGroupVersion.WithKind(reviewKind))
	}
	if rv.Request == nil {
		return nil, errors.New("cannot answer an admission review without a request")
	}
	if rv.Request.UID == "" {
		return nil, errors.New("cannot answer an admission request without a uid")
	}
	return rv.Request, nil
}

// scratch is a request's reusable buffers: the body read and the answer
// written. Decoding copies what it keeps, so the body buffer is free
// again once the review is decoded.
type scratch struct {
	body, answer bytes.Buffer
	enc          *json.Encoder
}

// scratchKeep bounds the buffers kept for reuse: a rare large review does
// not pin its body.
const scratchKeep = 256 << 10

var scratches = sync.Pool{New: func() any {
	s := &scratch{}
	s.enc = json.NewEncoder(&s.answer)
	return s
}}

func getScratch() *scratch { return scratches.Get().(*scratch) } //nolint:forcetypeassert // the pool holds only these

func putScratch(s *scratch) {
	if s.body.Cap() > scratchKeep || s.answer.Cap() > scratchKeep {
		return
	}
	s.body.Reset()
	s.answer.Reset()
	scratches.Put(s)
}

// read reads and decodes the review of r. A review that cannot be read
// gets the answer to send and its HTTP status instead of a request.
func read(r *http.Request, limit int64, s *scratch) (*request, *admissionv1.AdmissionResponse, int) {
	if r.Method != http.MethodPost {
		return malformed(http.StatusMethodNotAllowed, errors.Errorf("cannot answer %s: admission reviews are POSTed", r.Method))
	}
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if r.ContentLength > limit {
		return malformed(http.StatusRequestEntityTooLarge, errors.Errorf("cannot read an admission review over %d bytes", limit))
	}
	if r.ContentLength > 0 {
		s.body.Grow(int(r.ContentLength) + bytes.MinRead) // ReadFrom wants MinRead free before its last read
	}
	if _, err := s.body.ReadFrom(io.LimitReader(r.Body, limit+1)); err != nil {
		return malformed(http.StatusBadRequest, errors.Wrap(err, "cannot read the request body"))
	}
	if int64(s.body.Len()) > limit {
		return malformed(http.StatusRequestEntityTooLarge, errors.Errorf("cannot read an admission review over %d bytes", limit))
	}
	req, err := decodeReview(s.body.Bytes())
	if err != nil {
		return malformed(http.StatusBadRequest, err)
	}
	return req, nil, http.StatusOK
}

// malformed answers a review that cannot be read.
func malformed(code int32, err error) (*request, *admissionv1.AdmissionResponse, int) {
	return nil, &admissionv1.AdmissionResponse{Allowed: false, Result: &metav1.Status{
		Status: metav1.StatusFailure, Code: code, Reason: metav1.StatusReasonBadRequest, Message: err.Error(),
	}}, int(code)
}

// answer is the AdmissionReview sent back.
type answer struct {
	APIVersion string                         `json:"apiVersion"`
	Kind       string                         `json:"kind"`
	Response   *admissionv1.AdmissionResponse `json:"response"`
}

// respond writes resp as an AdmissionReview with HTTP status code.
func respond(w http.ResponseWriter, s *scratch, code int, resp *admissionv1.AdmissionResponse) {
	var b []byte
	if err := s.enc.Encode(answer{APIVersion: reviewAPIVersion, Kind: reviewKind, Response: resp}); err == nil {
		b = s.answer.Bytes()
	} else { // cannot happen for these types; answer anyway
		b = fmt.Appendf(nil, `{"apiVersion":%q,"kind":%q,"response":{"uid":%q,"allowed":true}}`, reviewAPIVersion, reviewKind, resp.UID)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// Noop answers every review it can read allowed, without evaluating it:
// it reads, decodes and answers exactly as Handler does. It is the
// baseline of kspec-webhook's benchmarks (hack/webhookload,
// BenchmarkHandlerNoop), so that they measure what kspec adds to the
// least any webhook that reads the object does.
type Noop struct {
	MaxBodyBytes int64
}

// ServeHTTP answers one AdmissionReview.
func (n Noop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := getScratch()
	defer putScratch(s)
	req, resp, code := read(r, n.MaxBodyBytes, s)
	if req != nil {
		resp = &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	}
	respond(w, s, code, resp)
}
