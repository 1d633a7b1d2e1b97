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

// Package webhook is kspec-webhook: an admission webhook that answers
// AdmissionReview requests with the decision of internal/rules, for every
// bundle in force. Handlers are thin: decode, Set.Admit and rules.Merge,
// answer. Every rule, mode, scope, exemption and time semantic is the
// engine's.
package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/pkg/errors"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"

	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/webhook/breaker"
)

// DefaultMaxBodyBytes bounds a request body: above the API server's own
// 3 MiB request limit, with room for the old object of an UPDATE.
const DefaultMaxBodyBytes = 8 << 20

// Sets are the compiled bundles in force; each call returns a snapshot.
type Sets interface {
	Sets() []*rules.Set
}

// A Handler answers AdmissionReview v1 requests.
type Handler struct {
	Sets       Sets
	Clock      clock.PassiveClock
	Namespaces rules.Namespaces // nil: every namespace unknown
	Breaker    *breaker.Breaker // nil: never trips
	Metrics    *Metrics         // nil: none recorded
	Log        *slog.Logger
	// Skip are namespaces whose objects are never evaluated: the webhook's
	// own, besides the engine's system namespaces.
	Skip         []string
	MaxBodyBytes int64
}

// ServeHTTP answers one AdmissionReview. Every request gets an
// AdmissionReview answer: a malformed review an HTTP 400 with the reason
// in the response status, a request that cannot be evaluated an admission
// with a warning.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	s := getScratch()
	defer putScratch(s)
	req, resp, code := read(r, h.MaxBodyBytes, s)
	outcome := outcomeMalformed
	if req != nil {
		resp, outcome = h.decide(r.Context(), req)
		resp.UID = req.UID
	}
	if h.Metrics != nil {
		h.Metrics.requests[outcome].Inc()
	}
	respond(w, s, code, resp)
	if h.Metrics != nil {
		h.Metrics.Duration.Observe(time.Since(start).Seconds())
	}
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

// decide is the admission decision: every set's Admit, merged. Whatever
// cannot be evaluated is admitted with a warning and counted for the
// breaker; a panic is recovered into such an answer.
func (h *Handler) decide(ctx context.Context, req *request) (resp *admissionv1.AdmissionResponse, outcome outcome) {
	if h.skipped(req) {
		return &admissionv1.AdmissionResponse{Allowed: true}, outcomeSkipped
	}
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return &admissionv1.AdmissionResponse{Allowed: true}, outcomeAllowed
	}
	if h.Breaker != nil && !h.Breaker.Allow() {
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: []string{
			"kspec-webhook: admitted without evaluation: too many recent requests could not be evaluated (circuit breaker open)",
		}}, outcomeBreakerOpen
	}
	failed := true
	defer func() {
		if p := recover(); p != nil {
			h.log().Error("admission evaluation panicked", "uid", req.UID, "kind", req.Kind.Kind, "namespace", req.Namespace, "name", req.Name, "panic", fmt.Sprint(p))
			if h.Metrics != nil {
				h.Metrics.Panics.Inc()
			}
			resp, outcome = unevaluated(errors.Errorf("internal error: %v", p)), outcomeError
		}
		if h.Breaker != nil {
			h.Breaker.Record(failed)
			if h.Metrics != nil {
				h.Metrics.BreakerErrors.Set(h.Breaker.ErrorRatio())
			}
		}
	}()
	d, err := h.admit(ctx, req)
	if err != nil {
		h.log().Error("cannot evaluate admission request", "uid", req.UID, "kind", req.Kind.Kind, "namespace", req.Namespace, "name", req.Name, "error", err)
		return unevaluated(err), outcomeError
	}
	failed = len(d.Errors) > 0
	if h.Metrics != nil && len(d.Errors) > 0 {
		h.Metrics.RuleErrors.Add(float64(len(d.Errors)))
	}
	resp = &admissionv1.AdmissionResponse{Allowed: d.Allowed, Warnings: d.Warnings, AuditAnnotations: d.AuditAnnotations}
	switch {
	case !d.Allowed:
		resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, Message: d.Message}
		outcome = outcomeDenied
	case failed:
		outcome = outcomeError
	case len(d.Warnings) > 0 || len(d.AuditAnnotations) > 0:
		outcome = outcomeWarned
	default:
		outcome = outcomeAllowed
	}
	return resp, outcome
}

// admit merges every set's decision on the request's object.
func (h *Handler) admit(ctx context.Context, req *request) (rules.Decision, error) {
	if req.objectErr != nil {
		return rules.Decision{}, req.objectErr
	}
	// The engine judges the new object; the old one is not decoded.
	rq := rules.Request{Operation: req.Operation, Namespace: req.Namespace, Object: req.Object}
	env := rules.Environment{Clock: h.Clock, Namespaces: h.Namespaces}
	if env.Clock == nil {
		env.Clock = clock.RealClock{}
	}
	sets := h.Sets.Sets()
	var buf [4]rules.Decision // most clusters have a bundle or two
	ds := buf[:0]
	for _, s := range sets {
		d, err := s.Admit(ctx, rq, env)
		if err != nil {
			return rules.Decision{}, errors.Wrapf(err, "cannot evaluate %s", s)
		}
		h.record(s, d)
		ds = append(ds, d)
	}
	return rules.Merge(ds...), nil
}

// record counts one spec's decision and the exemptions it used.
func (h *Handler) record(s *rules.Set, d rules.Decision) {
	if h.Metrics == nil || len(d.Results) == 0 && d.Passed == 0 {
		return
	}
	verdict := "passed"
	switch {
	case !d.Allowed:
		verdict = "denied"
	case len(d.Failures) > 0 && len(d.Actions) > 0:
		verdict = "warned"
	case len(d.Failures) > 0:
		verdict = "recorded"
	}
	h.Metrics.Verdicts.WithLabelValues(d.Spec, string(s.Mode), verdict).Inc()
	for _, r := range d.Results {
		if r.Exemption != "" {
			h.Metrics.ExemptionsUsed.WithLabelValues(d.Spec, r.Exemption).Inc()
		}
	}
}

// unevaluated admits a request that could not be evaluated: the webhook
// fails open, and says so.
func unevaluated(err error) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Allowed: true, Warnings: []string{"kspec-webhook: admitted without evaluation: " + err.Error()}}
}

// skipped reports whether the request is in a namespace kspec never
// blocks: the engine's system namespaces and the webhook's own (for a
// Namespace, the namespace itself).
func (h *Handler) skipped(req *request) bool {
	ns := req.Namespace
	if ns == "" && req.Kind.Group == "" && req.Kind.Kind == "Namespace" {
		ns = req.Name
	}
	if ns == "" {
		return false
	}
	return rules.IsSystemNamespace(ns) || slices.Contains(h.Skip, ns)
}
