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

// Package compliancescan reconciles ComplianceScans. A scan is due when
// its interval (plus a jitter derived from its UID) has passed since its
// last scan, or when it or its ClusterSpecification changed since; other
// reconciles only look. Observe decides; Update scans: it resolves and
// compiles the spec, scans the target with internal/scan, and writes a
// bounded ComplianceReport (pruned to reportHistory), PolicyReports on the
// target, a DriftReport when something changed, and remediates only in
// mode enforce with autoRemediate on a target that allows enforcement.
package compliancescan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	xpmeta "github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/policyreport"
	"github.com/kspec-io/kspec/internal/resolve"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/scan"
	"github.com/kspec-io/kspec/internal/specification"
	"github.com/kspec-io/kspec/internal/version"
	"github.com/kspec-io/kspec/provider/clustertarget"
	"github.com/kspec-io/kspec/provider/config"
	"github.com/kspec-io/kspec/provider/metrics"
)

// Defaults.
const (
	DefaultInterval      = 10 * time.Minute
	DefaultReportHistory = 30
	// LocalCluster names the cluster the provider runs in, in reports.
	LocalCluster = "local"
)

// Labels on the reports a scan writes.
const (
	LabelScan    = "kspec.io/scan"
	LabelSpec    = render.LabelSpec
	LabelCluster = "kspec.io/cluster"
)

// Condition types and reasons beyond Ready and Synced.
const (
	// TypePolicyReports says whether PolicyReports were written to the target.
	TypePolicyReports xpv2.ConditionType = "PolicyReports"
	// TypeScanned carries, in its observedGeneration, the generation of the
	// ComplianceScan the last successful scan used.
	TypeScanned xpv2.ConditionType = "Scanned"

	ReasonScanned                xpv2.ConditionReason = "Scanned"
	ReasonSpecNotFound           xpv2.ConditionReason = "SpecificationNotFound"
	ReasonSpecInvalid            xpv2.ConditionReason = "SpecificationInvalid"
	ReasonTargetNotFound         xpv2.ConditionReason = "TargetNotFound"
	ReasonTargetUnavailable      xpv2.ConditionReason = "TargetUnavailable"
	ReasonScanFailed             xpv2.ConditionReason = "ScanFailed"
	ReasonPolicyReportsWritten   xpv2.ConditionReason = "Written"
	ReasonPolicyReportCRDsAbsent xpv2.ConditionReason = "CRDsNotInstalled"
	ReasonPolicyReportsFailed    xpv2.ConditionReason = "WriteFailed"
)

// Event reasons, for state changes only.
const (
	EventScoreChanged event.Reason = "ScoreChanged"
	EventDrift        event.Reason = "DriftDetected"
	EventRemediated   event.Reason = "Remediated"
	EventScanFailed   event.Reason = "ScanFailed"
)

// Options of the controller.
type Options struct {
	controller.Options
	// Resolver builds client configurations from provider configs.
	Resolver *config.Resolver
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// ScanTimeout bounds one scan of one target. Default 10 minutes.
	ScanTimeout time.Duration
}

// Setup adds the ComplianceScan controller.
func Setup(mgr ctrl.Manager, o Options) error {
	name := controllerName
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ScanTimeout == 0 {
		o.ScanTimeout = 10 * time.Minute
	}
	poll := o.PollInterval
	if poll == 0 {
		poll = time.Minute
	}
	rec := event.NewAPIRecorder(mgr.GetEventRecorderFor(name)) //nolint:staticcheck // crossplane-runtime's event package takes the legacy recorder.
	c := &connector{scans: &scansMade{}, kube: mgr.GetClient(), reader: mgr.GetAPIReader(), usage: config.NewUsageTracker(mgr.GetClient()), resolver: o.Resolver, record: rec, now: o.Now, timeout: o.ScanTimeout}
	r := managed.NewReconciler(mgr, resource.ManagedKind(v1alpha1.ComplianceScanGroupVersionKind),
		managed.WithExternalConnector(c),
		managed.WithLogger(o.Logger.WithValues("controller", name)),
		managed.WithRecorder(rec),
		managed.WithPollInterval(poll),
		managed.WithPollIntervalHook(func(mg resource.Managed, poll time.Duration) time.Duration {
			return NextReconcile(mg.(*v1alpha1.ComplianceScan), o.Now(), poll) //nolint:forcetypeassert // The reconciler only reconciles ComplianceScans.
		}),
		managed.WithTimeout(o.ScanTimeout+time.Minute),
	)
	if err := mgr.GetFieldIndexer().IndexField(context.Background(), &v1alpha1.ComplianceScan{}, IndexTarget, targetOf); err != nil {
		return fmt.Errorf("cannot index ComplianceScans by ClusterTarget: %w", err)
	}
	// Status writes pass neither filter: a scan's own status write, and a
	// target's probe that leaves it as Ready as it was, reconcile nothing.
	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		For(&v1alpha1.ComplianceScan{}, builder.WithPredicates(resource.DesiredStateChanged())).
		Watches(&v1alpha1.ClusterTarget{}, handler.EnqueueRequestsFromMapFunc(scansOf(mgr.GetClient())), builder.WithPredicates(readinessChanged())).
		Complete(ratelimiter.NewReconciler(name, r, o.GlobalRateLimiter))
}

// Interval is the scan's interval, DefaultInterval when unset.
func Interval(cs *v1alpha1.ComplianceScan) time.Duration {
	if i := cs.Spec.ForProvider.Interval; i != nil && i.Duration > 0 {
		return i.Duration
	}
	return DefaultInterval
}

// DueAt is when the scan is next due: its last scan plus its interval plus
// up to 10 % of it, derived from its UID so scans spread out over time but
// each keeps a stable schedule. The zero time when it never scanned.
func DueAt(cs *v1alpha1.ComplianceScan) time.Time {
	last := cs.Status.AtProvider.LastScanTime
	if last == nil {
		return time.Time{}
	}
	d := Interval(cs)
	// lastScanTime is stored to the second, rounded down: the scan
	// finished within the second after it, so count from there and no two
	// scans are closer than the interval.
	return last.Add(time.Second + d + clustertarget.Jitter(string(cs.GetUID()), d/10))
}

// AnnotationScanRequestedAt asks for a scan now: an RFC 3339 time later
// than the scan's lastScanTime makes it due (kspec cluster sync sets it).
// Changing an annotation triggers a reconcile: the watch's
// DesiredStateChanged filter passes annotation changes.
const AnnotationScanRequestedAt = "kspec.io/scan-requested-at"

// Requested is the time of the scan requested by cs's
// AnnotationScanRequestedAt, false when none or not an RFC 3339 time.
func Requested(cs *v1alpha1.ComplianceScan) (time.Time, bool) {
	v, ok := cs.GetAnnotations()[AnnotationScanRequestedAt]
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// Due reports whether cs should scan at now, given the generation of its
// ClusterSpecification: it never scanned, its interval passed, it or its
// specification changed since its last scan, or a scan was requested
// (AnnotationScanRequestedAt) after its last scan. Both times count in
// whole seconds: a scan that finished in the second of the request
// answers it.
func Due(cs *v1alpha1.ComplianceScan, specGeneration int64, now time.Time) bool {
	if cs.Status.AtProvider.LastScanTime == nil {
		return true
	}
	if r, ok := Requested(cs); ok && r.Truncate(time.Second).After(cs.Status.AtProvider.LastScanTime.Time) {
		return true
	}
	if s := cs.GetCondition(TypeScanned); s.Status != corev1.ConditionTrue || s.ObservedGeneration != cs.GetGeneration() {
		return true
	}
	if cs.Status.AtProvider.ObservedGeneration != specGeneration {
		return true
	}
	return !now.Before(DueAt(cs))
}

// NextReconcile is when to look at cs again: when it is next due, or after
// the poll interval if that comes first (a failed scan retries then).
func NextReconcile(cs *v1alpha1.ComplianceScan, now time.Time, poll time.Duration) time.Duration {
	due := DueAt(cs)
	if due.IsZero() {
		return poll
	}
	return max(min(due.Sub(now), poll), time.Second)
}

// scansMade remembers when this process last scanned each ComplianceScan,
// by UID. The status write of a scan reaches the informer cache a moment
// later; a reconcile in between reads the old lastScanTime and must not
// take it for a scan that is due (external.lagging asks the API server
// which it is).
type scansMade struct{ m sync.Map }

func (s *scansMade) made(uid types.UID, at time.Time) { s.m.Store(uid, at) }
func (s *scansMade) forget(uid types.UID)             { s.m.Delete(uid) }

// stale reports whether cs, as read, predates a scan this process made.
func (s *scansMade) stale(cs *v1alpha1.ComplianceScan) bool {
	v, ok := s.m.Load(cs.GetUID())
	if !ok {
		return false
	}
	last := cs.Status.AtProvider.LastScanTime
	return last == nil || last.Time.Before(v.(time.Time).Truncate(time.Second)) //nolint:forcetypeassert // Only times are stored.
}

type connector struct {
	scans    *scansMade
	kube     client.Client
	reader   client.Reader // uncached
	usage    resource.ModernTracker
	resolver *config.Resolver
	record   event.Recorder
	now      func() time.Time
	timeout  time.Duration
}

func (c *connector) Connect(ctx context.Context, mg resource.Managed) (managed.ExternalClient, error) {
	e, err := c.connect(ctx, mg)
	return e, metrics.Failed(controllerName, err)
}

func (c *connector) connect(ctx context.Context, mg resource.Managed) (managed.ExternalClient, error) {
	cs, ok := mg.(*v1alpha1.ComplianceScan)
	if !ok {
		return nil, errors.New("managed resource is not a ComplianceScan")
	}
	if err := c.usage.Track(ctx, cs); err != nil {
		return nil, fmt.Errorf("cannot track provider config usage: %w", err)
	}
	e := &external{scans: c.scans, kube: c.kube, reader: c.reader, record: c.record, now: c.now, timeout: c.timeout, cluster: LocalCluster, allowEnforcement: true}
	ref := cs.Spec.ForProvider.TargetRef
	if ref == nil {
		e.cfg, e.cfgErr = c.resolver.Config(ctx, &v1alpha1.ProviderConfigSpec{Credentials: v1alpha1.ProviderCredentials{Source: xpv2.CredentialsSourceInjectedIdentity}})
		return e, nil
	}
	ct := &v1alpha1.ClusterTarget{}
	if err := c.kube.Get(ctx, client.ObjectKey{Namespace: cs.GetNamespace(), Name: ref.Name}, ct); err != nil {
		if !kerrors.IsNotFound(err) {
			return nil, err
		}
		e.targetErr = &targetError{reason: ReasonTargetNotFound, msg: fmt.Sprintf("ClusterTarget %s/%s not found", cs.GetNamespace(), ref.Name)}
		return e, nil
	}
	e.cluster, e.clusterUID, e.allowEnforcement = clustertarget.Key(ct), ct.Status.AtProvider.UID, ct.Spec.ForProvider.AllowEnforcement
	e.policyReportsKnown, e.policyReports = ct.Status.AtProvider.Capabilities != nil, ct.Status.AtProvider.Capabilities != nil && ct.Status.AtProvider.Capabilities.PolicyReports
	if r := ct.GetCondition(xpv2.TypeReady); r.Status != corev1.ConditionTrue {
		// Do not spend a worker on a target its own probe finds dead.
		e.targetErr = &targetError{reason: ReasonTargetUnavailable, msg: fmt.Sprintf("ClusterTarget %s is not ready (%s): %s", ref.Name, orElse(string(r.Reason), "not probed yet"), r.Message)}
		return e, nil
	}
	cfg, state, err := c.resolver.Connect(ctx, ct.GetNamespace(), ct.GetProviderConfigReference())
	if err != nil {
		return nil, err
	}
	e.cfg = cfg
	if state != nil {
		e.cfgErr = state
	}
	return e, nil
}

type targetError struct {
	reason xpv2.ConditionReason
	msg    string
}

type external struct {
	scans              *scansMade
	kube               client.Client
	reader             client.Reader // uncached
	record             event.Recorder
	now                func() time.Time
	timeout            time.Duration
	cfg                *rest.Config
	cfgErr             error
	targetErr          *targetError
	cluster            string
	clusterUID         string
	allowEnforcement   bool
	policyReportsKnown bool
	policyReports      bool

	// spec is the ClusterSpecification Observe read, for Update.
	spec *unstructured.Unstructured
}

func (e *external) Disconnect(context.Context) error { return nil }

// SpecGVK is the kind of ClusterSpecification.
var SpecGVK = kspecv1alpha1.ClusterSpecificationGroupVersionKind

func (e *external) getSpec(ctx context.Context, name string) (*unstructured.Unstructured, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(SpecGVK)
	return u, e.kube.Get(ctx, client.ObjectKey{Name: name}, u)
}

func (e *external) Observe(ctx context.Context, mg resource.Managed) (managed.ExternalObservation, error) {
	o, err := e.observe(ctx, mg)
	return o, metrics.Failed(controllerName, err)
}

func (e *external) observe(ctx context.Context, mg resource.Managed) (managed.ExternalObservation, error) {
	cs := mg.(*v1alpha1.ComplianceScan) //nolint:forcetypeassert // Connect checked.
	if xpmeta.WasDeleted(cs) {
		e.scans.forget(cs.GetUID())
		metrics.ForgetScan(clustertarget.Key(cs))
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	u, err := e.getSpec(ctx, cs.Spec.ForProvider.SpecificationRef.Name)
	if kerrors.IsNotFound(err) {
		e.fail(cs, ReasonSpecNotFound, fmt.Sprintf("ClusterSpecification %s not found", cs.Spec.ForProvider.SpecificationRef.Name))
		return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true}, nil
	}
	if err != nil {
		return managed.ExternalObservation{}, fmt.Errorf("cannot get ClusterSpecification %s: %w", cs.Spec.ForProvider.SpecificationRef.Name, err)
	}
	lagging, err := e.lagging(ctx, cs)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	if lagging || !Due(cs, u.GetGeneration(), e.now()) {
		return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true}, nil
	}
	e.spec = u
	return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false}, nil
}

// lagging reports whether cs, as read from the cache, predates this
// process's own last scan of it, whose status write has not reached the
// cache yet: not a scan that is due. The API server tells that apart from
// a status write that was lost (a conflict with a change to the scan made
// while it scanned): then the scan is forgotten, and scans again when due,
// rather than never.
func (e *external) lagging(ctx context.Context, cs *v1alpha1.ComplianceScan) (bool, error) {
	if !e.scans.stale(cs) {
		return false, nil
	}
	live := &v1alpha1.ComplianceScan{}
	if err := e.reader.Get(ctx, client.ObjectKeyFromObject(cs), live); err != nil {
		return false, fmt.Errorf("cannot get ComplianceScan %s: %w", clustertarget.Key(cs), err)
	}
	if e.scans.stale(live) {
		e.scans.forget(cs.GetUID())
		return false, nil
	}
	return true, nil
}

// fail marks the scan not ready, with an event when that is news.
func (e *external) fail(cs *v1alpha1.ComplianceScan, reason xpv2.ConditionReason, msg string) {
	was := cs.GetCondition(xpv2.TypeReady)
	cs.SetConditions(xpv2.Condition{Type: xpv2.TypeReady, Status: corev1.ConditionFalse, Reason: reason, Message: msg, LastTransitionTime: metav1.NewTime(e.now())})
	if was.Status != corev1.ConditionFalse || was.Reason != reason {
		e.record.Event(cs, event.Warning(EventScanFailed, errors.New(msg)))
	}
}

// A ComplianceScan is always there to be observed: Create does nothing.
func (e *external) Create(context.Context, resource.Managed) (managed.ExternalCreation, error) {
	return managed.ExternalCreation{}, nil
}

// Delete leaves the reports: ComplianceReports and DriftReports are owned
// by the scan and go with it; PolicyReports on the target stay the last
// word until another scan replaces them.
func (e *external) Delete(context.Context, resource.Managed) (managed.ExternalDelete, error) {
	return managed.ExternalDelete{}, nil
}

// Update scans. Failures are the scan's state (Ready=False with a reason),
// not errors: the next poll retries, never a hot loop.
func (e *external) Update(ctx context.Context, mg resource.Managed) (managed.ExternalUpdate, error) {
	u, err := e.update(ctx, mg)
	return u, metrics.Failed(controllerName, err)
}

func (e *external) update(ctx context.Context, mg resource.Managed) (managed.ExternalUpdate, error) {
	cs := mg.(*v1alpha1.ComplianceScan) //nolint:forcetypeassert // Connect checked.
	key := clustertarget.Key(cs)
	if e.spec == nil {
		return managed.ExternalUpdate{}, nil
	}
	if e.targetErr != nil {
		e.fail(cs, e.targetErr.reason, e.targetErr.msg)
		return managed.ExternalUpdate{}, nil
	}
	if e.cfgErr != nil {
		err := config.Classify(e.cfgErr)
		e.fail(cs, xpv2.ConditionReason(config.ReasonOf(err)), err.Error())
		return managed.ExternalUpdate{}, nil
	}
	start := time.Now()
	now := e.now()
	spec, err := specification.FromUnstructured(e.spec)
	if err == nil {
		spec, err = resolve.Resolve(ctx, spec, apiSource{e})
	}
	var set *rules.Set
	if err == nil {
		set, err = rules.Compile(spec)
	}
	if err != nil {
		e.fail(cs, ReasonSpecInvalid, cut(err.Error(), 1024))
		metrics.Scans.WithLabelValues(key, "failed").Inc()
		return managed.ExternalUpdate{}, nil
	}
	sctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	col := newCollector()
	rep, err := scan.Scan(sctx, e.cfg, set, scan.Options{Now: now}, col.add)
	if err != nil {
		reason := ReasonScanFailed
		if ue, ok := errors.AsType[*scan.UnreachableError](err); ok {
			err = config.Classify(ue.Err)
			reason = xpv2.ConditionReason(config.ReasonOf(err))
		}
		e.fail(cs, reason, cut(err.Error(), 1024))
		metrics.Scans.WithLabelValues(key, "failed").Inc()
		return managed.ExternalUpdate{}, nil
	}
	tc, err := e.targetClient()
	if err != nil {
		return managed.ExternalUpdate{}, err
	}

	// The report.
	scanTime := metav1.NewTime(now.UTC().Truncate(time.Second))
	src := reportsv1alpha1.Source{Specification: set.Name, SpecificationGeneration: e.spec.GetGeneration(), Cluster: e.cluster, ClusterUID: e.clusterUID}
	cr := &reportsv1alpha1.ComplianceReport{
		ObjectMeta: e.reportMeta(cs, set.Name, now, "compliance"),
		Spec: reportsv1alpha1.ComplianceReportSpec{
			Source: src, ScanTime: scanTime, KspecVersion: version.Version(),
			Summary: summary(rep.Summary), Results: col.results(rep),
		},
	}
	prev := e.previous(ctx, cs)
	if err := e.kube.Create(ctx, cr); err != nil && !kerrors.IsAlreadyExists(err) {
		return managed.ExternalUpdate{}, fmt.Errorf("cannot create ComplianceReport %s: %w", cr.Name, err)
	}

	// Drift: results against the previous scan, policies against what
	// kspec renders, and what remediation did.
	var events []reportsv1alpha1.DriftEvent
	if prev != nil {
		events = ResultDrift(prev.Spec.Results, cr.Spec.Results)
	}
	pd, err := PolicyDrift(ctx, tc, set, render.Options{Now: now})
	if err != nil {
		e.record.Event(cs, event.Warning(EventScanFailed, fmt.Errorf("cannot compare the rendered policies with the target: %w", err)))
	}
	events = append(events, pd...)
	fp := cs.Spec.ForProvider
	if fp.Mode == string(kspecv1alpha1.ModeEnforce) && fp.AutoRemediate && e.allowEnforcement {
		m := &remediator{target: tc, set: set, now: now, apply: true}
		events = mergeRemediations(events, m.remediate(ctx, col.fixable))
		for _, ev := range events {
			if ev.Remediation == nil || ev.Remediation.Status == "Skipped" {
				continue
			}
			metrics.RemediationActions.WithLabelValues(key, string(ev.Remediation.Action)).Inc()
			if ev.Remediation.Status == "Failed" {
				metrics.RemediationErrors.WithLabelValues(key, string(ev.Remediation.Action)).Inc()
			}
		}
	}
	driftName := ""
	if len(events) > 0 {
		dr := e.driftReport(cs, set.Name, src, scanTime, now, events)
		if err := e.kube.Create(ctx, dr); err != nil && !kerrors.IsAlreadyExists(err) {
			return managed.ExternalUpdate{}, fmt.Errorf("cannot create DriftReport %s: %w", dr.Name, err)
		}
		driftName = dr.Name
		for _, ev := range events {
			metrics.DriftEvents.WithLabelValues(key, string(ev.Type)).Inc()
		}
		e.record.Event(cs, event.Normal(EventDrift, fmt.Sprintf("%d drift events since the previous scan, in DriftReport %s", len(events), dr.Name)))
	}
	if err := e.prune(ctx, cs); err != nil {
		return managed.ExternalUpdate{}, err
	}

	// PolicyReports on the target.
	e.writePolicyReports(ctx, cs, tc, col, rep)

	// Status, metrics, events.
	old := cs.Status.AtProvider
	sum := cr.Spec.Summary
	e.scans.made(cs.GetUID(), scanTime.Time)
	cs.Status.AtProvider = v1alpha1.ComplianceScanObservation{
		LastScanTime: &scanTime, ObservedGeneration: e.spec.GetGeneration(), Score: sum.Score,
		Passed: sum.Passed, Failed: sum.Failed + sum.Errors, Skipped: sum.Skipped, Report: cr.Name, DriftReport: orElse(driftName, old.DriftReport),
	}
	cs.SetConditions(
		xpv2.Available(),
		xpv2.Condition{Type: TypeScanned, Status: corev1.ConditionTrue, Reason: ReasonScanned, LastTransitionTime: scanTime, ObservedGeneration: cs.GetGeneration()},
	)
	if old.LastScanTime == nil || old.Score != sum.Score || old.Failed != cs.Status.AtProvider.Failed {
		e.record.Event(cs, event.Normal(EventScoreChanged, fmt.Sprintf("Score %d: %d passed, %d failed, %d skipped (ComplianceReport %s)", sum.Score, sum.Passed, sum.Failed+sum.Errors, sum.Skipped, cr.Name)))
	}
	metrics.Scans.WithLabelValues(key, "succeeded").Inc()
	metrics.ScanDuration.WithLabelValues(key).Observe(time.Since(start).Seconds())
	metrics.Score.WithLabelValues(key, set.Name, e.cluster).Set(float64(sum.Score))
	for r, n := range map[string]int32{"pass": sum.Passed, "fail": sum.Failed, "warn": sum.Warnings, "skip": sum.Skipped, "error": sum.Errors} {
		metrics.Checks.WithLabelValues(key, r).Set(float64(n))
	}
	return managed.ExternalUpdate{}, nil
}

// mergeRemediations attaches each remediation to the drift event of its
// violation, or adds it as an event of its own when the violation is not
// new (it was there at the previous scan too).
func mergeRemediations(events, rems []reportsv1alpha1.DriftEvent) []reportsv1alpha1.DriftEvent {
	for _, r := range rems {
		i := slices.IndexFunc(events, func(ev reportsv1alpha1.DriftEvent) bool {
			return ev.Type == reportsv1alpha1.DriftNewViolation && ev.Rule == r.Rule && objectKey(ev.Object) == objectKey(r.Object)
		})
		if i >= 0 {
			events[i].Remediation = r.Remediation
			continue
		}
		events = append(events, r)
	}
	return events
}

// reportMeta names a report of cs at t: the scan's name and the time, so
// a retried write finds the report it wrote.
func (e *external) reportMeta(cs *v1alpha1.ComplianceScan, spec string, t time.Time, what string) metav1.ObjectMeta {
	base := cs.GetName()
	if len(base) > 200 {
		base = base[:200]
	}
	// Times serialise to the second; the digest of the scan's UID and the
	// exact time tells apart two scans within one second (a spec changed
	// right after a scan).
	sum := sha256.Sum256([]byte(string(cs.GetUID()) + t.UTC().Format(time.RFC3339Nano)))
	suffix := "-" + t.UTC().Format("20060102t150405") + "-" + hex.EncodeToString(sum[:3])
	if what == "drift" {
		suffix = "-drift" + suffix
	}
	return metav1.ObjectMeta{
		Name: strings.TrimRight(base, "-.") + suffix, Namespace: cs.GetNamespace(),
		Labels: map[string]string{
			LabelScan: render.LabelValue(cs.GetName()), LabelSpec: render.LabelValue(spec), LabelCluster: render.LabelValue(strings.ReplaceAll(e.cluster, "/", ".")),
			"app.kubernetes.io/managed-by": "kspec",
		},
		OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cs, v1alpha1.ComplianceScanGroupVersionKind)},
	}
}

func (e *external) driftReport(cs *v1alpha1.ComplianceScan, spec string, src reportsv1alpha1.Source, t metav1.Time, now time.Time, events []reportsv1alpha1.DriftEvent) *reportsv1alpha1.DriftReport {
	sortEvents(events)
	total := len(events)
	if len(events) > maxDriftEvents {
		events = events[:maxDriftEvents]
	}
	return &reportsv1alpha1.DriftReport{
		ObjectMeta: e.reportMeta(cs, spec, now, "drift"),
		Spec: reportsv1alpha1.DriftReportSpec{
			Source: src, DetectionTime: t, Severity: events[0].Severity,
			TotalEvents: int32(min(total, 1<<31-1)), Events: events,
		},
	}
}

// previous is the scan's latest ComplianceReport, nil when there is none.
func (e *external) previous(ctx context.Context, cs *v1alpha1.ComplianceScan) *reportsv1alpha1.ComplianceReport {
	name := cs.Status.AtProvider.Report
	if name == "" {
		return nil
	}
	cr := &reportsv1alpha1.ComplianceReport{}
	if err := e.kube.Get(ctx, client.ObjectKey{Namespace: cs.GetNamespace(), Name: name}, cr); err != nil {
		return nil
	}
	return cr
}

// prune keeps the scan's newest reportHistory ComplianceReports and as
// many DriftReports.
func (e *external) prune(ctx context.Context, cs *v1alpha1.ComplianceScan) error {
	keep := int(cs.Spec.ForProvider.ReportHistory)
	if keep <= 0 {
		keep = DefaultReportHistory
	}
	sel := []client.ListOption{client.InNamespace(cs.GetNamespace()), client.MatchingLabels{LabelScan: render.LabelValue(cs.GetName())}}
	crs := &reportsv1alpha1.ComplianceReportList{}
	if err := e.kube.List(ctx, crs, sel...); err != nil {
		return fmt.Errorf("cannot list ComplianceReports: %w", err)
	}
	var old []client.Object
	slices.SortFunc(crs.Items, func(a, b reportsv1alpha1.ComplianceReport) int { return b.Spec.ScanTime.Compare(a.Spec.ScanTime.Time) })
	for i := keep; i < len(crs.Items); i++ {
		old = append(old, &crs.Items[i])
	}
	drs := &reportsv1alpha1.DriftReportList{}
	if err := e.kube.List(ctx, drs, sel...); err != nil {
		return fmt.Errorf("cannot list DriftReports: %w", err)
	}
	slices.SortFunc(drs.Items, func(a, b reportsv1alpha1.DriftReport) int {
		return b.Spec.DetectionTime.Compare(a.Spec.DetectionTime.Time)
	})
	for i := keep; i < len(drs.Items); i++ {
		old = append(old, &drs.Items[i])
	}
	for _, o := range old {
		if err := e.kube.Delete(ctx, o); resource.IgnoreNotFound(err) != nil {
			return fmt.Errorf("cannot delete old report %s: %w", o.GetName(), err)
		}
	}
	return nil
}

func (e *external) targetClient() (client.Client, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, err
	}
	return client.New(e.cfg, client.Options{Scheme: s})
}

// writePolicyReports replaces the scan's PolicyReports on the target: one
// per namespace with results and a ClusterPolicyReport, written by server
// side apply, named for the scan and the spec (policyreport.ScanName) and
// labelled with the scan (policyreport.LabelScan), so two scans of one
// spec on one target keep their own. The scan's reports of namespaces
// without results any more are deleted, and only the scan's. A target
// without the wgpolicyk8s.io CRDs gets none, and the condition says so.
func (e *external) writePolicyReports(ctx context.Context, cs *v1alpha1.ComplianceScan, tc client.Client, col *collector, rep *report.Report) {
	cond := xpv2.Condition{Type: TypePolicyReports, LastTransitionTime: metav1.NewTime(e.now())}
	defer func() { cs.SetConditions(cond) }()
	if !e.policyReportsKnown {
		served, err := servesPolicyReports(tc)
		if err != nil {
			cond.Status, cond.Reason, cond.Message = corev1.ConditionFalse, ReasonPolicyReportsFailed, cut(err.Error(), 1024)
			return
		}
		e.policyReports = served
	}
	if !e.policyReports {
		cond.Status, cond.Reason, cond.Message = corev1.ConditionFalse, ReasonPolicyReportCRDsAbsent, "the target does not serve wgpolicyk8s.io/v1alpha2: install the PolicyReport CRDs to see kspec's results there"
		return
	}
	nsl := &corev1.NamespaceList{}
	if err := tc.List(ctx, nsl); err != nil {
		cond.Status, cond.Reason, cond.Message = corev1.ConditionFalse, ReasonPolicyReportsFailed, cut(fmt.Sprintf("cannot list namespaces: %v", err), 1024)
		return
	}
	existing := map[string]bool{}
	for _, n := range nsl.Items {
		existing[n.Name] = n.DeletionTimestamp == nil
	}
	prs := col.policyReports(rep, func(ns string) bool { return existing[ns] })
	scan := clustertarget.Key(cs)
	policyreport.ForScan(prs, rep, scan)
	// keep holds every report this scan meant to write, written or not: a
	// report that failed to update keeps its last version rather than none.
	keep := map[string]bool{}
	written := 0
	var failed []string
	for _, pr := range prs {
		keep[pr.Kind+"/"+pr.Namespace+"/"+pr.Name] = true
		obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&pr)
		if err != nil {
			cond.Status, cond.Reason, cond.Message = corev1.ConditionFalse, ReasonPolicyReportsFailed, cut(err.Error(), 1024)
			return
		}
		u := &unstructured.Unstructured{Object: obj}
		delete(u.Object["metadata"].(map[string]any), "creationTimestamp")                                                 //nolint:forcetypeassert // ToUnstructured of an ObjectMeta.
		if err := tc.Patch(ctx, u, client.Apply, client.FieldOwner("provider-kspec"), client.ForceOwnership); err != nil { //nolint:staticcheck // client.Apply on unstructured is the simplest whole-object apply.
			failed = append(failed, fmt.Sprintf("cannot write %s %s: %v", pr.Kind, name(u), err))
			continue
		}
		written++
	}
	// A target that took none of the reports keeps the last ones.
	if len(prs) == 0 || written > 0 {
		failed = append(failed, prunePolicyReports(ctx, tc, rep, scan, keep)...)
	}
	if len(failed) > 0 {
		cond.Status, cond.Reason, cond.Message = corev1.ConditionFalse, ReasonPolicyReportsFailed, cut(fmt.Sprintf("%d of %d reports not written or pruned: %s", len(failed), len(prs), strings.Join(failed, "; ")), 1024)
		return
	}
	cond.Status, cond.Reason, cond.Message = corev1.ConditionTrue, ReasonPolicyReportsWritten, fmt.Sprintf("%d reports written", len(prs))
}

// prunePolicyReports deletes the reports of the scan (by its label) that
// are not in keep, and the report of the same specification under the
// name provider-kspec gave before reports were named for their scan (and
// kspec check -o policyreport still gives): the scan's reports replace
// it. Reports of other scans are never touched. It returns what failed.
func prunePolicyReports(ctx context.Context, tc client.Client, rep *report.Report, scan string, keep map[string]bool) []string {
	legacyName := policyreport.Name(rep)
	unowned, err := labels.Parse(policyreport.LabelManagedBy + "=kspec,!" + policyreport.LabelScan)
	if err != nil {
		return []string{fmt.Sprintf("cannot select earlier reports: %v", err)}
	}
	var failed []string
	for _, kind := range []string{policyreport.KindPolicyReport, policyreport.KindClusterPolicyReport} {
		for _, q := range []struct {
			sel   client.ListOption
			stale func(u *unstructured.Unstructured) bool
		}{
			{
				sel:   client.MatchingLabels{policyreport.LabelManagedBy: "kspec", policyreport.LabelScan: policyreport.ScanLabel(scan)},
				stale: func(u *unstructured.Unstructured) bool { return !keep[kind+"/"+u.GetNamespace()+"/"+u.GetName()] },
			},
			{
				sel:   client.MatchingLabelsSelector{Selector: unowned},
				stale: func(u *unstructured.Unstructured) bool { return u.GetName() == legacyName },
			},
		} {
			l := &unstructured.UnstructuredList{}
			l.SetAPIVersion(policyreport.APIVersion)
			l.SetKind(kind + "List")
			if err := tc.List(ctx, l, q.sel); err != nil {
				failed = append(failed, fmt.Sprintf("cannot list %ss: %v", kind, err))
				continue
			}
			for i := range l.Items {
				it := &l.Items[i]
				if !q.stale(it) {
					continue
				}
				if err := tc.Delete(ctx, it); client.IgnoreNotFound(err) != nil {
					failed = append(failed, fmt.Sprintf("cannot delete %s %s: %v", kind, name(it), err))
				}
			}
		}
	}
	return failed
}

func servesPolicyReports(tc client.Client) (bool, error) {
	_, err := tc.RESTMapper().RESTMapping(schema.GroupKind{Group: "wgpolicyk8s.io", Kind: policyreport.KindPolicyReport}, "v1alpha2")
	if meta.IsNoMatchError(err) {
		return false, nil
	}
	return err == nil, err
}

// apiSource finds the bases of a specification on the API server.
type apiSource struct{ e *external }

func (s apiSource) Specification(ctx context.Context, name string) (rules.Spec, error) {
	u, err := s.e.getSpec(ctx, name)
	if kerrors.IsNotFound(err) {
		return rules.Spec{}, fmt.Errorf("ClusterSpecification %s: %w", name, resolve.ErrNotFound)
	}
	if err != nil {
		return rules.Spec{}, err
	}
	return specification.FromUnstructured(u)
}

// controllerName names the controller in logs and metrics.
var controllerName = managed.ControllerName(v1alpha1.ComplianceScanGroupVersionKind.GroupKind().String())
