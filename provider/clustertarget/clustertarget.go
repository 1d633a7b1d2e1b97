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

// Package clustertarget reconciles ClusterTargets: every probe interval it
// reaches the cluster's API server with the credentials of the target's
// provider config and records what it found. A cluster that does not
// answer, or refuses the credentials, is Ready=False with the reason, and
// none of what an earlier probe found remains in its status.
package clustertarget

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/provider/config"
	"github.com/kspec-io/kspec/provider/metrics"
)

// DefaultProbeInterval is used when a target names none.
const DefaultProbeInterval = time.Minute

// Event reasons, for state changes only.
const (
	ReasonReachable   event.Reason = "Reachable"
	ReasonUnreachable event.Reason = "Unreachable"
)

// Options of the controller.
type Options struct {
	controller.Options
	// Resolver builds client configurations from provider configs.
	Resolver *config.Resolver
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Setup adds the ClusterTarget controller.
func Setup(mgr ctrl.Manager, o Options) error {
	name := controllerName
	if o.Now == nil {
		o.Now = time.Now
	}
	rec := event.NewAPIRecorder(mgr.GetEventRecorderFor(name)) //nolint:staticcheck // crossplane-runtime's event package takes the legacy recorder.
	c := &connector{kube: mgr.GetClient(), usage: config.NewUsageTracker(mgr.GetClient()), resolver: o.Resolver, record: rec, now: o.Now}
	r := managed.NewReconciler(mgr, resource.ManagedKind(v1alpha1.ClusterTargetGroupVersionKind),
		managed.WithExternalConnector(c),
		managed.WithLogger(o.Logger.WithValues("controller", name)),
		managed.WithRecorder(rec),
		managed.WithPollInterval(DefaultProbeInterval),
		managed.WithPollIntervalHook(func(mg resource.Managed, _ time.Duration) time.Duration {
			return NextProbe(mg.(*v1alpha1.ClusterTarget)) //nolint:forcetypeassert // The reconciler only reconciles ClusterTargets.
		}),
		managed.WithTimeout(2*o.Resolver.Timeout+30*time.Second),
	)
	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		For(&v1alpha1.ClusterTarget{}).
		WithEventFilter(resource.DesiredStateChanged()).
		Complete(ratelimiter.NewReconciler(name, r, o.GlobalRateLimiter))
}

// NextProbe is when to probe ct again: its probe interval, with up to 5 %
// jitter derived from its UID so targets spread out but a target's own
// schedule is stable.
func NextProbe(ct *v1alpha1.ClusterTarget) time.Duration {
	d := DefaultProbeInterval
	if p := ct.Spec.ForProvider.ProbeInterval; p != nil && p.Duration > 0 {
		d = p.Duration
	}
	return d + Jitter(string(ct.GetUID()), d/20)
}

// Jitter is a duration in [0, max) derived from key.
func Jitter(key string, maxJitter time.Duration) time.Duration {
	if maxJitter <= 0 {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	return time.Duration(h.Sum64() % uint64(maxJitter)) //nolint:gosec // Less than maxJitter, an int64.
}

// Key names a managed resource in metrics and reports: namespace/name.
func Key(o metav1.Object) string { return o.GetNamespace() + "/" + o.GetName() }

type connector struct {
	kube     client.Client
	usage    resource.ModernTracker
	resolver *config.Resolver
	record   event.Recorder
	now      func() time.Time
}

func (c *connector) Connect(ctx context.Context, mg resource.Managed) (managed.ExternalClient, error) {
	e, err := c.connect(ctx, mg)
	return e, metrics.Failed(controllerName, err)
}

func (c *connector) connect(ctx context.Context, mg resource.Managed) (managed.ExternalClient, error) {
	ct, ok := mg.(*v1alpha1.ClusterTarget)
	if !ok {
		return nil, errors.New("managed resource is not a ClusterTarget")
	}
	if err := c.usage.Track(ctx, ct); err != nil {
		return nil, fmt.Errorf("cannot track provider config usage: %w", err)
	}
	e := &external{record: c.record, now: c.now}
	// A missing config or bad credentials are the target's state,
	// reported by Observe; other errors are retried.
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

type external struct {
	cfg    *rest.Config
	cfgErr error
	record event.Recorder
	now    func() time.Time
}

func (e *external) Observe(ctx context.Context, mg resource.Managed) (managed.ExternalObservation, error) {
	// Every failure to reach the target is the target's state, reported
	// in its Ready condition, never an error to retry.
	return e.observe(ctx, mg), nil
}

func (e *external) observe(ctx context.Context, mg resource.Managed) managed.ExternalObservation {
	ct := mg.(*v1alpha1.ClusterTarget) //nolint:forcetypeassert // Connect checked.
	key := Key(ct)
	if meta.WasDeleted(ct) {
		metrics.ForgetTarget(key)
		return managed.ExternalObservation{ResourceExists: false}
	}
	wasReady := ct.GetCondition(xpv2.TypeReady)
	now := metav1.NewTime(e.now())
	err := e.cfgErr
	var obs *v1alpha1.ClusterTargetObservation
	if err == nil {
		obs, err = Probe(ctx, e.cfg)
	}
	if err != nil {
		err = config.Classify(err)
		reason := config.ReasonOf(err)
		// Nothing of an earlier probe stays: a dead cluster has no version.
		ct.Status.AtProvider = v1alpha1.ClusterTargetObservation{Reachable: false, LastProbeTime: &now, Message: err.Error()}
		ct.SetConditions(xpv2.Condition{
			Type: xpv2.TypeReady, Status: corev1.ConditionFalse, LastTransitionTime: now,
			Reason: xpv2.ConditionReason(reason), Message: err.Error(),
		})
		metrics.TargetUp.WithLabelValues(key).Set(0)
		metrics.TargetInfo.DeletePartialMatch(map[string]string{"target": key})
		if wasReady.Status != corev1.ConditionFalse || wasReady.Reason != xpv2.ConditionReason(reason) {
			e.record.Event(ct, event.Warning(ReasonUnreachable, err))
		}
		return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true}
	}
	obs.LastProbeTime = &now
	ct.Status.AtProvider = *obs
	ct.SetConditions(xpv2.Available())
	metrics.TargetUp.WithLabelValues(key).Set(1)
	metrics.TargetInfo.DeletePartialMatch(map[string]string{"target": key})
	metrics.TargetInfo.WithLabelValues(key, obs.Version, string(obs.Platform)).Set(1)
	if wasReady.Status != corev1.ConditionTrue {
		e.record.Event(ct, event.Normal(ReasonReachable, fmt.Sprintf("Reached the API server: %s on %s, %d nodes", obs.Version, obs.Platform, obs.NodeCount)))
	}
	return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true, ConnectionDetails: ConnectionDetails(e.cfg)}
}

// A ClusterTarget's cluster exists outside kspec: creating, updating or
// deleting a target never changes the cluster.
func (e *external) Create(context.Context, resource.Managed) (managed.ExternalCreation, error) {
	return managed.ExternalCreation{}, nil
}

func (e *external) Update(context.Context, resource.Managed) (managed.ExternalUpdate, error) {
	return managed.ExternalUpdate{}, nil
}

func (e *external) Delete(context.Context, resource.Managed) (managed.ExternalDelete, error) {
	return managed.ExternalDelete{}, nil
}

func (e *external) Disconnect(context.Context) error { return nil }

// ConnectionDetails are a kubeconfig for the target, as provider-kubernetes
// reads one (key "kubeconfig"), when cfg carries its credentials inline;
// none for an identity the provider reads from files, which another
// provider could not use.
func ConnectionDetails(cfg *rest.Config) managed.ConnectionDetails {
	if cfg == nil || cfg.BearerTokenFile != "" || cfg.CAFile != "" || cfg.CertFile != "" || cfg.KeyFile != "" {
		return nil
	}
	if cfg.BearerToken == "" && len(cfg.CertData) == 0 {
		return nil
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["target"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData, TLSServerName: cfg.ServerName, InsecureSkipTLSVerify: cfg.Insecure}
	kc.AuthInfos["target"] = &clientcmdapi.AuthInfo{Token: cfg.BearerToken, ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}
	kc.Contexts["target"] = &clientcmdapi.Context{Cluster: "target", AuthInfo: "target"}
	kc.CurrentContext = "target"
	data, err := clientcmd.Write(*kc)
	if err != nil {
		return nil
	}
	return managed.ConnectionDetails{"kubeconfig": data, "server": []byte(cfg.Host)}
}

// controllerName names the controller in logs and metrics.
var controllerName = managed.ControllerName(v1alpha1.ClusterTargetGroupVersionKind.GroupKind().String())
