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

// Package provider_test runs provider-kspec's controllers in-process
// against two real kube-apiservers (envtest): one holds the provider's
// objects (ClusterTargets, ComplianceScans, ClusterSpecifications,
// reports), the other is a remote target cluster, seeded with namespaces,
// workloads, RBAC and NetworkPolicies, with the PolicyReport and Kyverno
// CRDs installed.
package provider_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"

	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/provider"
	"github.com/kspec-io/kspec/test/harness"
)

// kyvernoModule holds the PolicyReport and Kyverno policy CRDs.
const kyvernoModule = "github.com/kyverno/kyverno@v1.19.1"

// pollInterval of the controllers under test.
const pollInterval = time.Second

var (
	// home is the provider's cluster, target the remote one.
	home, target       client.Client
	homeCfg, targetCfg *rest.Config
	ctx                context.Context
)

func TestMain(m *testing.M) {
	os.Exit(harness.Envtest(m, run))
}

func run(m *testing.M) int {
	crds, err := validate.KspecCRDs()
	harness.Must(err)
	homeEnv := &envtest.Environment{CRDs: crds}
	homeCfg, err = homeEnv.Start()
	harness.Must(err)
	defer func() { _ = homeEnv.Stop() }()

	ky, err := harness.ModuleDir(kyvernoModule)
	harness.Must(err)
	targetEnv := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(ky, "config", "crds", "policyreport"), filepath.Join(ky, "config", "crds", "policies.kyverno.io")},
		ErrorIfCRDPathMissing: true,
	}
	targetCfg, err = targetEnv.Start()
	harness.Must(err)
	defer func() { _ = targetEnv.Stop() }()

	s := runtime.NewScheme()
	harness.Must(provider.AddToScheme(s))
	home, err = client.New(homeCfg, client.Options{Scheme: s})
	harness.Must(err)
	ts := runtime.NewScheme()
	harness.Must(clientgoscheme.AddToScheme(ts))
	harness.Must(extv1.AddToScheme(ts))
	target, err = client.New(targetCfg, client.Options{Scheme: ts})
	harness.Must(err)

	var cancel context.CancelFunc
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	for _, ns := range []string{"kspec-system", "crossplane-system"} {
		harness.Must(home.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	}
	seedTarget(ctx)

	if os.Getenv("KSPEC_TEST_LOG") != "" {
		ctrl.SetLogger(logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.Level(-2)})))
	} else {
		ctrl.SetLogger(logr.Discard())
	}
	mgr, err := ctrl.NewManager(homeCfg, ctrl.Options{
		Scheme:                 s,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	harness.Must(err)
	o := provider.Options{
		Options: controller.Options{
			Logger:                  logging.NewLogrLogger(ctrl.Log),
			GlobalRateLimiter:       ratelimiter.NewGlobal(100),
			PollInterval:            pollInterval,
			MaxConcurrentReconciles: 4,
		},
		Local:          homeCfg,
		RequestTimeout: 5 * time.Second,
		ScanTimeout:    time.Minute,
	}
	harness.Must(provider.Setup(mgr, o))
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	code := m.Run()
	cancel()
	harness.Must(<-done)
	return code
}
