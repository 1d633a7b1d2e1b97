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

// Package cluster_test proves kspec cluster add --apply and kspec cluster
// sync against a real kube-apiserver (envtest) with provider-kspec's
// controllers running in-process: the cluster registers itself as a
// target, from a kubeconfig whose certificates are files.
package cluster_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"

	"github.com/kspec-io/kspec/internal/cli"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/provider"
	"github.com/kspec-io/kspec/test/harness"
)

var (
	hub client.Client
	ctx context.Context
	// kubeconfig is the path of a kubeconfig for the envtest cluster,
	// context "envtest", certificates and key in files beside it.
	kubeconfig string
)

func TestMain(m *testing.M) {
	os.Exit(harness.Envtest(m, run))
}

func run(m *testing.M) int {
	crds, err := validate.KspecCRDs()
	harness.Must(err)
	env := &envtest.Environment{CRDs: crds}
	cfg, err := env.Start()
	harness.Must(err)
	defer func() { _ = env.Stop() }()

	dir, err := os.MkdirTemp("", "kspec-cluster-")
	harness.Must(err)
	defer func() { _ = os.RemoveAll(dir) }()
	kubeconfig = writeKubeconfig(dir, cfg)

	s := runtime.NewScheme()
	harness.Must(provider.AddToScheme(s))
	hub, err = client.New(cfg, client.Options{Scheme: s})
	harness.Must(err)
	var cancel context.CancelFunc
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	harness.Must(hub.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kspec-system"}}))

	ctrl.SetLogger(logr.Discard())
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{Scheme: s, Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0"})
	harness.Must(err)
	harness.Must(provider.Setup(mgr, provider.Options{
		Options: controller.Options{
			Logger:                  logging.NewLogrLogger(ctrl.Log),
			GlobalRateLimiter:       ratelimiter.NewGlobal(100),
			PollInterval:            time.Second,
			MaxConcurrentReconciles: 2,
		},
		Local:          cfg,
		RequestTimeout: 5 * time.Second,
		ScanTimeout:    time.Minute,
	}))
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	code := m.Run()
	cancel()
	harness.Must(<-done)
	return code
}

// writeKubeconfig writes a kubeconfig for cfg into dir that references its
// CA, client certificate and key as files, relative to the kubeconfig.
func writeKubeconfig(dir string, cfg *rest.Config) string {
	for name, data := range map[string][]byte{"ca.crt": cfg.CAData, "client.crt": cfg.CertData, "client.key": cfg.KeyData} {
		harness.Must(os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	kc := `apiVersion: v1
kind: Config
current-context: envtest
clusters:
- name: envtest
  cluster: {server: "` + cfg.Host + `", certificate-authority: ca.crt}
- name: nowhere
  cluster: {server: "https://127.0.0.1:1", certificate-authority: ca.crt}
users:
- name: admin
  user: {client-certificate: client.crt, client-key: client.key}
contexts:
- name: envtest
  context: {cluster: envtest, user: admin}
- name: nowhere
  context: {cluster: nowhere, user: admin}
`
	path := filepath.Join(dir, "config")
	harness.Must(os.WriteFile(path, []byte(kc), 0o600))
	return path
}

// kspec runs the command line.
func kspec(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli.Run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}
