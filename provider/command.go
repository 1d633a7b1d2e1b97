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

package provider

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

	"k8s.io/client-go/tools/leaderelection"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
)

// Flags are provider-kspec's flags. Each has an environment variable
// (named in its help) that sets its default, as Crossplane's
// DeploymentRuntimeConfig sets a provider's environment.
type Flags struct {
	Kubeconfig      string
	LeaderElection  bool
	LeaseNamespace  string
	LeaseName       string
	LeaseDuration   time.Duration
	RenewDeadline   time.Duration
	RetryPeriod     time.Duration
	MaxConcurrent   int
	PollInterval    time.Duration
	RequestTimeout  time.Duration
	ScanTimeout     time.Duration
	MetricsAddress  string
	HealthAddress   string
	Debug           bool
	MaxReconcileQPS int
}

// ParseFlags parses args; the environment gives the defaults.
func ParseFlags(args []string, getenv func(string) string, stderr io.Writer) (Flags, error) {
	f := Flags{}
	fs := flag.NewFlagSet("provider-kspec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var errs []error
	str := func(p *string, name, env, def, help string) {
		if v := getenv(env); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, help+" ($"+env+")")
	}
	dur := func(p *time.Duration, name, env string, def time.Duration, help string) {
		if v := getenv(env); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("$%s: %q is not a duration", env, v))
			}
			def = d
		}
		fs.DurationVar(p, name, def, help+" ($"+env+")")
	}
	num := func(p *int, name, env string, def int, help string) {
		if v := getenv(env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("$%s: %q is not a number", env, v))
			}
			def = n
		}
		fs.IntVar(p, name, def, help+" ($"+env+")")
	}
	boolean := func(p *bool, name, env string, def bool, help string) {
		if v := getenv(env); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("$%s: %q is not a boolean", env, v))
			}
			def = b
		}
		fs.BoolVar(p, name, def, help+" ($"+env+")")
	}
	str(&f.Kubeconfig, "kubeconfig", "KUBECONFIG", "", "kubeconfig of the cluster the provider runs in (default in-cluster)")
	boolean(&f.LeaderElection, "leader-election", "LEADER_ELECTION", false, "elect a leader on a Lease so only one replica reconciles")
	str(&f.LeaseNamespace, "leader-election-namespace", "POD_NAMESPACE", "crossplane-system", "namespace of the Lease")
	str(&f.LeaseName, "leader-election-id", "LEADER_ELECTION_ID", "provider-kspec.kspec.io", "name of the Lease")
	dur(&f.LeaseDuration, "lease-duration", "LEASE_DURATION", 15*time.Second, "how long a standby waits before taking over an unrenewed Lease")
	dur(&f.RenewDeadline, "renew-deadline", "RENEW_DEADLINE", 10*time.Second, "how long the leader keeps trying to renew before it gives up leadership")
	dur(&f.RetryPeriod, "retry-period", "RETRY_PERIOD", 2*time.Second, "how often replicas try to acquire or renew the Lease")
	num(&f.MaxConcurrent, "max-concurrent-scans", "MAX_CONCURRENT_SCANS", 4, "scans (and probes) run at once, across targets")
	dur(&f.PollInterval, "poll-interval", "POLL_INTERVAL", time.Minute, "how often a ComplianceScan is looked at between scans; a failed scan retries then")
	dur(&f.RequestTimeout, "request-timeout", "REQUEST_TIMEOUT", 30*time.Second, "bound of each request to a target, so a dead target cannot hold a worker")
	dur(&f.ScanTimeout, "scan-timeout", "SCAN_TIMEOUT", 10*time.Minute, "bound of one scan of one target")
	str(&f.MetricsAddress, "metrics-bind-address", "METRICS_BIND_ADDRESS", ":8080", "address of /metrics; 0 disables it")
	str(&f.HealthAddress, "health-probe-bind-address", "HEALTH_PROBE_BIND_ADDRESS", ":8081", "address of /healthz and /readyz; 0 disables it")
	boolean(&f.Debug, "debug", "DEBUG", false, "log at debug level")
	num(&f.MaxReconcileQPS, "max-reconcile-rate", "MAX_RECONCILE_RATE", 10, "reconciles per second across all controllers")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if len(errs) > 0 {
		return f, errors.Join(errs...)
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	for name, d := range map[string]time.Duration{"lease-duration": f.LeaseDuration, "renew-deadline": f.RenewDeadline, "retry-period": f.RetryPeriod, "poll-interval": f.PollInterval, "request-timeout": f.RequestTimeout, "scan-timeout": f.ScanTimeout} {
		if d <= 0 {
			return f, fmt.Errorf("--%s must be positive", name)
		}
	}
	if f.RenewDeadline >= f.LeaseDuration {
		return f, errors.New("--renew-deadline must be shorter than --lease-duration")
	}
	// client-go's own bound, checked here so a bad pair is a flag error
	// rather than a manager that fails to start.
	if f.RenewDeadline <= time.Duration(leaderelection.JitterFactor*float64(f.RetryPeriod)) {
		return f, fmt.Errorf("--renew-deadline must be longer than %.1f × --retry-period", leaderelection.JitterFactor)
	}
	if f.MaxConcurrent < 1 {
		return f, errors.New("--max-concurrent-scans must be at least 1")
	}
	if f.MaxReconcileQPS < 1 {
		return f, errors.New("--max-reconcile-rate must be at least 1")
	}
	return f, nil
}

// NewManager builds the provider's manager for the cluster behind cfg,
// with its controllers set up.
func NewManager(cfg *rest.Config, f Flags, log logr.Logger) (manager.Manager, error) {
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		return nil, err
	}
	lease, renew, retry := f.LeaseDuration, f.RenewDeadline, f.RetryPeriod
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                        s,
		Logger:                        log,
		LeaderElection:                f.LeaderElection,
		LeaderElectionID:              f.LeaseName,
		LeaderElectionNamespace:       f.LeaseNamespace,
		LeaderElectionResourceLock:    "leases",
		LeaderElectionReleaseOnCancel: true,
		LeaseDuration:                 &lease,
		RenewDeadline:                 &renew,
		RetryPeriod:                   &retry,
		Metrics:                       metricsserver.Options{BindAddress: f.MetricsAddress},
		HealthProbeBindAddress:        f.HealthAddress,
	})
	if err != nil {
		return nil, err
	}
	o := controller.Options{
		Logger:                  logging.NewLogrLogger(log),
		GlobalRateLimiter:       ratelimiter.NewGlobal(f.MaxReconcileQPS),
		PollInterval:            f.PollInterval,
		MaxConcurrentReconciles: f.MaxConcurrent,
	}
	if err := Setup(mgr, Options{Options: o, Local: cfg, RequestTimeout: f.RequestTimeout, ScanTimeout: f.ScanTimeout}); err != nil {
		return nil, err
	}
	if f.HealthAddress != "0" {
		if err := mgr.AddHealthzCheck("ping", func(_ *http.Request) error { return nil }); err != nil {
			return nil, err
		}
	}
	return mgr, nil
}

// Main runs provider-kspec until ctx is done; it returns the exit code.
func Main(ctx context.Context, args []string, stderr io.Writer) int {
	f, err := ParseFlags(args, os.Getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		_, _ = fmt.Fprintln(stderr, "provider-kspec:", err)
		return 2
	}
	level := slog.LevelInfo
	if f.Debug {
		level = -1 // logr's V(1), crossplane-runtime's Debug
	}
	log := logr.FromSlogHandler(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	ctrl.SetLogger(log)
	cfg, err := clientcmd.BuildConfigFromFlags("", f.Kubeconfig)
	if err != nil {
		log.Error(err, "cannot read the kubeconfig")
		return 1
	}
	mgr, err := NewManager(cfg, f, log)
	if err != nil {
		log.Error(err, "cannot set up the provider")
		return 1
	}
	if err := mgr.Start(ctx); err != nil {
		log.Error(err, "provider-kspec stopped")
		return 1
	}
	return 0
}
