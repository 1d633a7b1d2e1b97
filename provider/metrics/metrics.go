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

// Package metrics declares provider-kspec's kspec_* metrics on
// controller-runtime's registry, which the manager serves.
package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// The metrics. Target labels are namespace/name of a ClusterTarget, or
// "local"; scan labels are namespace/name of a ComplianceScan.
var (
	ScanDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kspec_scan_duration_seconds",
		Help:    "Time to scan a target for a specification, reports included.",
		Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300},
	}, []string{"scan"})
	Scans = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kspec_scans_total",
		Help: "Scans run, by outcome (succeeded or failed).",
	}, []string{"scan", "outcome"})
	Checks = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "kspec_checks",
		Help: "Check results of the latest scan, by result (pass, fail, warn, skip, error).",
	}, []string{"scan", "result"})
	Score = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "kspec_compliance_score",
		Help: "Score of the latest scan: passed over evaluated checks, 0 to 100; skipped checks do not count.",
	}, []string{"scan", "specification", "target"})
	DriftEvents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kspec_drift_events_total",
		Help: "Drift events found, by type (NewViolation, ResolvedViolation, PolicyMissing, PolicyModified).",
	}, []string{"scan", "type"})
	RemediationActions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kspec_remediation_actions_total",
		Help: "Remediation actions taken on targets, by action (Create, Update).",
	}, []string{"scan", "action"})
	RemediationErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kspec_remediation_errors_total",
		Help: "Remediation actions that failed, by action.",
	}, []string{"scan", "action"})
	TargetUp = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "kspec_target_up",
		Help: "1 when the latest probe reached the target's API server, else 0.",
	}, []string{"target"})
	TargetInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "kspec_target_info",
		Help: "What the latest probe of a reachable target found; always 1.",
	}, []string{"target", "version", "platform"})
	ReconcileErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kspec_reconcile_errors_total",
		Help: "Reconciles that ended in an error, by controller.",
	}, []string{"controller"})
)

// All are every metric this package declares.
var All = []prometheus.Collector{
	ScanDuration, Scans, Checks, Score, DriftEvents, RemediationActions, RemediationErrors,
	TargetUp, TargetInfo, ReconcileErrors,
}

// Names are the names of every metric in All.
var Names = []string{
	"kspec_scan_duration_seconds", "kspec_scans_total", "kspec_checks", "kspec_compliance_score",
	"kspec_drift_events_total", "kspec_remediation_actions_total", "kspec_remediation_errors_total",
	"kspec_target_up", "kspec_target_info", "kspec_reconcile_errors_total",
}

var once sync.Once

// Register adds the metrics to controller-runtime's registry, once per
// process.
func Register() {
	once.Do(func() { ctrlmetrics.Registry.MustRegister(All...) })
}

// ForgetTarget drops the series of a deleted ClusterTarget.
func ForgetTarget(target string) {
	TargetUp.DeleteLabelValues(target)
	TargetInfo.DeletePartialMatch(prometheus.Labels{"target": target})
}

// ForgetScan drops the series of a deleted ComplianceScan.
func ForgetScan(scan string) {
	for _, v := range []interface {
		DeletePartialMatch(prometheus.Labels) int
	}{ScanDuration, Scans, Checks, Score, DriftEvents, RemediationActions, RemediationErrors} {
		v.DeletePartialMatch(prometheus.Labels{"scan": scan})
	}
}

// Failed counts err, when not nil, as a reconcile error of controller and
// returns it. Managed reconcilers report the errors of Connect, Observe and
// Update in the Synced condition and requeue without returning them, so
// the controllers count them here.
func Failed(controller string, err error) error {
	if err != nil {
		ReconcileErrors.WithLabelValues(controller).Inc()
	}
	return err
}
