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
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kspec-io/kspec/webhook/breaker"
)

// Metrics are the webhook's Prometheus metrics, all kspec_webhook_*.
type Metrics struct {
	Requests       *prometheus.CounterVec
	Duration       prometheus.Histogram
	RuleErrors     prometheus.Counter
	Panics         prometheus.Counter
	BreakerState   prometheus.Gauge
	BreakerTrips   prometheus.Counter
	Bundles        prometheus.Gauge
	BundleErrors   *prometheus.CounterVec
	BundlesInvalid prometheus.Gauge
	CertReloads    *prometheus.CounterVec

	Verdicts         *prometheus.CounterVec
	ExemptionsUsed   *prometheus.CounterVec
	BreakerErrors    prometheus.Gauge
	BundleGeneration prometheus.Counter

	// requests are Requests' children, looked up once.
	requests [outcomes]prometheus.Counter
}

// outcome is a request's outcome, the label of Requests.
type outcome int

const (
	outcomeAllowed outcome = iota
	outcomeWarned
	outcomeDenied
	outcomeError
	outcomeBreakerOpen
	outcomeMalformed
	outcomeSkipped
	outcomes // how many
)

var outcomeLabels = [outcomes]string{"allowed", "warned", "denied", "error", "breaker_open", "malformed", "skipped"}

func (o outcome) String() string { return outcomeLabels[o] }

// NewMetrics registers the webhook's metrics with r.
func NewMetrics(r prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kspec_webhook_requests_total",
			Help: "Admission requests answered, by outcome: allowed, warned, denied, error (could not be evaluated, admitted), breaker_open (admitted unevaluated), malformed, skipped (system or own namespace).",
		}, []string{"outcome"}),
		Duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "kspec_webhook_request_duration_seconds",
			Help:    "Time to answer an admission request, from reading its body to writing the answer.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 2.5, 5, 10},
		}),
		RuleErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kspec_webhook_rule_errors_total",
			Help: "Rules that could not be evaluated on an object.",
		}),
		Panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kspec_webhook_panics_total",
			Help: "Admission requests whose evaluation panicked (answered, admitted with a warning).",
		}),
		BreakerState: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kspec_webhook_breaker_state",
			Help: "The circuit breaker's state: 0 closed, 1 open, 2 half-open.",
		}),
		BreakerTrips: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kspec_webhook_breaker_trips_total",
			Help: "Times the circuit breaker opened.",
		}),
		Bundles: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kspec_webhook_bundles",
			Help: "Compiled bundles in force.",
		}),
		BundleErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kspec_webhook_bundle_errors_total",
			Help: "Bundles that could not be read or compiled (the previous good one stays in force), by source: configmap or dir.",
		}, []string{"source"}),
		BundlesInvalid: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kspec_webhook_bundles_invalid",
			Help: "Bundles whose latest version is invalid.",
		}),
		CertReloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kspec_webhook_certificate_reloads_total",
			Help: "Serving certificate loads, by result: ok or error (the previous certificate stays in use).",
		}, []string{"result"}),
	}
	m.Verdicts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kspec_webhook_verdicts_total",
		Help: "What each spec decided about an evaluated request, by spec, mode and verdict: passed, denied, warned, recorded (failures with no admission effect: monitor, or outside the activation windows).",
	}, []string{"spec", "mode", "verdict"})
	m.ExemptionsUsed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kspec_webhook_exemptions_used_total",
		Help: "Rule verdicts skipped by a live exemption, by spec and exemption.",
	}, []string{"spec", "exemption"})
	m.BreakerErrors = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "kspec_webhook_breaker_error_ratio",
		Help: "Share of the requests in the circuit breaker's window that could not be evaluated, 0 to 1.",
	})
	m.BundleGeneration = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "kspec_webhook_bundle_generation_total",
		Help: "Changes to the bundles in force (a bundle added, replaced, failed or removed).",
	})
	for o := range outcomes {
		m.requests[o] = m.Requests.WithLabelValues(o.String())
	}
	r.MustRegister(m.Requests, m.Duration, m.RuleErrors, m.Panics, m.BreakerState, m.BreakerTrips, m.Bundles, m.BundleErrors, m.BundlesInvalid, m.CertReloads,
		m.Verdicts, m.ExemptionsUsed, m.BreakerErrors, m.BundleGeneration)
	return m
}

// forget drops the series of a spec no longer in force.
func (m *Metrics) forget(spec string) {
	m.Verdicts.DeletePartialMatch(prometheus.Labels{"spec": spec})
	m.ExemptionsUsed.DeletePartialMatch(prometheus.Labels{"spec": spec})
}

// breakerChanged records a breaker's new state.
func (m *Metrics) breakerChanged(s breaker.State) {
	m.BreakerState.Set(float64(s))
	if s == breaker.Open {
		m.BreakerTrips.Inc()
	}
}
