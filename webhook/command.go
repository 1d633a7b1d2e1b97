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
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/pkg/errors"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/clock"

	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/webhook/breaker"
)

// Options are kspec-webhook's flags.
type Options struct {
	Port, HealthPort int
	CertDir          string
	BundleDir        string
	Namespace        string
	BreakerCooldown  time.Duration
	Kubeconfig       string
}

// ParseOptions parses the flags.
func ParseOptions(args []string, stderr io.Writer) (Options, error) {
	o := Options{}
	fs := flag.NewFlagSet("kspec-webhook", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ns := os.Getenv("POD_NAMESPACE")
	if ns == "" {
		ns = render.DefaultExceptionNamespace
	}
	fs.IntVar(&o.Port, "port", 9443, "HTTPS port of /validate")
	fs.IntVar(&o.HealthPort, "health-port", 8080, "plain HTTP port of /healthz, /readyz and /metrics")
	fs.StringVar(&o.CertDir, "cert-dir", "/tmp/k8s-webhook-server/serving-certs", "directory of tls.crt and tls.key, reloaded when they change")
	fs.StringVar(&o.BundleDir, "bundle-dir", "", "directory of bundle files (one specification each, as kspec validate reads it), reloaded every 10s")
	fs.StringVar(&o.Namespace, "namespace", ns, "the webhook's own namespace: never evaluated; home of cluster-wide bundles (default $POD_NAMESPACE, else kspec-system)")
	fs.DurationVar(&o.BreakerCooldown, "breaker-cooldown", 5*time.Minute, "how long the circuit breaker admits unevaluated after it trips")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "kubeconfig of the cluster whose bundle ConfigMaps and namespaces to watch (default in-cluster; none with --bundle-dir outside a cluster)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, errors.Errorf("unexpected arguments %v", fs.Args())
	}
	for name, p := range map[string]int{"port": o.Port, "health-port": o.HealthPort} {
		if p < 0 || p > 65535 {
			return o, errors.Errorf("--%s %d is not a port", name, p)
		}
	}
	if o.Port == o.HealthPort && o.Port != 0 {
		return o, errors.New("--port and --health-port must differ")
	}
	if o.Namespace == "" {
		return o, errors.New("--namespace must not be empty")
	}
	if o.BreakerCooldown <= 0 {
		return o, errors.New("--breaker-cooldown must be positive")
	}
	return o, nil
}

// Main runs kspec-webhook until ctx is done; it returns the exit code.
func Main(ctx context.Context, args []string, stderr io.Writer) int {
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	o, err := ParseOptions(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		_, _ = fmt.Fprintln(stderr, "kspec-webhook:", err)
		return 2
	}
	admission, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(o.Port)))
	if err != nil {
		log.Error("cannot listen", "error", err)
		return 1
	}
	health, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(o.HealthPort)))
	if err != nil {
		log.Error("cannot listen", "error", err)
		return 1
	}
	var kube kubernetes.Interface
	cfg, err := clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	switch {
	case err == nil:
		if kube, err = kubernetes.NewForConfig(cfg); err != nil {
			log.Error("cannot build a client", "error", err)
			return 1
		}
	case o.BundleDir != "" && o.Kubeconfig == "":
		log.Info("no cluster: serving the bundles of --bundle-dir only", "reason", err.Error())
	default:
		log.Error("cannot read the kubeconfig", "error", err)
		return 1
	}
	if err := Run(ctx, Config{Options: o, Kube: kube, Log: log, Registry: prometheus.NewRegistry()}, admission, health); err != nil {
		log.Error("kspec-webhook stopped", "error", err)
		return 1
	}
	return 0
}

// Config is what Run wires.
type Config struct {
	Options
	Kube     kubernetes.Interface // nil: no ConfigMap bundles, no namespace labels
	Clock    clock.PassiveClock   // nil: the real clock
	Log      *slog.Logger
	Registry *prometheus.Registry
}

// Run wires the webhook and serves until ctx is done.
func Run(ctx context.Context, c Config, admission, health net.Listener) error {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	c.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := NewMetrics(c.Registry)
	bundles := &Bundles{Metrics: m, Log: c.Log}
	h := &Handler{
		Sets: bundles, Clock: c.Clock, Metrics: m, Log: c.Log, Skip: []string{c.Namespace},
		Breaker: breaker.New(breaker.Options{Cooldown: c.BreakerCooldown, Clock: c.Clock, OnChange: m.breakerChanged}),
	}
	var synced []func() bool
	if c.BundleDir != "" {
		if err := bundles.LoadDir(ctx, c.BundleDir); err != nil {
			c.Log.Error("some bundle files are invalid", "error", err)
		}
		go bundles.WatchDir(ctx, c.BundleDir, 10*time.Second)
	}
	if c.Kube != nil {
		src := &ConfigMapSource{Client: c.Kube, Bundles: bundles, Home: c.Namespace, Log: c.Log}
		if err := src.Start(ctx); err != nil {
			return err
		}
		nsi := StartNamespaceInformer(ctx, c.Kube)
		h.Namespaces = nsi
		synced = append(synced, src.Synced, nsi.Synced)
	}
	cert := &Certificate{Dir: c.CertDir, Metrics: m, Log: c.Log}
	if err := cert.Load(); err != nil {
		c.Log.Error("no serving certificate yet: not ready until it loads", "error", err)
	}
	s := &Server{Handler: h, Certificate: cert, Gatherer: c.Registry, Log: c.Log, Ready: func() error {
		for _, ok := range synced {
			if !ok() {
				return errors.New("bundles and namespaces not synced yet")
			}
		}
		return nil
	}}
	c.Log.Info("serving", "admission", admission.Addr().String(), "health", health.Addr().String(), "namespace", c.Namespace)
	return s.Run(ctx, admission, health)
}
