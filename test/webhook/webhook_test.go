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

// Package webhook_test runs kspec-webhook in process behind a real
// kube-apiserver (envtest): a ValidatingWebhookConfiguration sends it
// Services, and what the API server does with them is what the bundles say.
package webhook_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/kspec-io/kspec/test/harness"
	"github.com/kspec-io/kspec/webhook"
)

var (
	kube    kubernetes.Interface
	restCfg *rest.Config
	clock   = clocktesting.NewFakePassiveClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	ca      *x509.Certificate
	caKey   *ecdsa.PrivateKey
	caPEM   []byte
	certDir string
	addr    string
	health  string
)

func TestMain(m *testing.M) { os.Exit(harness.Envtest(m, run)) }

func run(m *testing.M) int {
	env := &envtest.Environment{}
	cfg, err := env.Start()
	harness.Must(err)
	defer func() { harness.Must(env.Stop()) }()
	kube, err = kubernetes.NewForConfig(cfg)
	harness.Must(err)
	restCfg = cfg

	harness.Must(newCA())
	certDir, err = os.MkdirTemp("", "kspec-webhook-certs")
	harness.Must(err)
	defer os.RemoveAll(certDir) //nolint:errcheck // best-effort cleanup
	harness.Must(writeServingCert(1))

	adm, err := net.Listen("tcp", "127.0.0.1:0")
	harness.Must(err)
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	harness.Must(err)
	addr, health = adm.Addr().String(), hl.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- webhook.Run(ctx, webhook.Config{
			Options: webhook.Options{CertDir: certDir, Namespace: "kspec-system", BreakerCooldown: time.Minute},
			Kube:    kube, Clock: clock,
		}, adm, hl)
	}()
	code := m.Run()
	cancel()
	harness.Must(<-done)
	return code
}

func newCA() error {
	var err error
	if caKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1000), Subject: pkix.Name{CommonName: "kspec test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	if ca, err = x509.ParseCertificate(der); err != nil {
		return err
	}
	caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return nil
}

// writeServingCert writes a serving pair for 127.0.0.1 with the serial.
func writeServingCert(serial int64) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "kspec-webhook"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	// The key first: a reload between the writes sees a mismatched pair and keeps the old one.
	if err := os.WriteFile(filepath.Join(certDir, "tls.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(certDir, "tls.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}

const eventually = 60 * time.Second

func spec(name, mode, extra string) string {
	return fmt.Sprintf(`apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata:
  name: %s
spec:
  enforcement:
    mode: %s
  network:
    allowedServiceTypes: [ClusterIP]
%s`, name, mode, extra)
}

func ensureNamespace(t *testing.T, name string) {
	t.Helper()
	_, err := kube.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if !kerrors.IsAlreadyExists(err) {
		require.NoError(t, err)
	}
}

func putBundle(t *testing.T, ns, name, data string) {
	t.Helper()
	ensureNamespace(t, ns)
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{webhook.BundleLabel: "true", "kspec.io/spec": name}},
		Data: map[string]string{webhook.BundleKey: data}}
	_, err := kube.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
	if kerrors.IsAlreadyExists(err) {
		_, err = kube.CoreV1().ConfigMaps(ns).Update(ctx, cm, metav1.UpdateOptions{})
	}
	require.NoError(t, err)
}

func deleteBundle(t *testing.T, ns, name string) {
	t.Helper()
	require.NoError(t, kube.CoreV1().ConfigMaps(ns).Delete(context.Background(), name, metav1.DeleteOptions{}))
}

// createService creates (dry run) a Service of the type and returns the error.
func createService(ns, typ string) error {
	ensure := &corev1.Service{ObjectMeta: metav1.ObjectMeta{GenerateName: "s-", Namespace: ns},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceType(typ), Ports: []corev1.ServicePort{{Port: 80}}}}
	_, err := kube.CoreV1().Services(ns).Create(context.Background(), ensure, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	return err
}

func denied(ns, typ string) func() bool {
	return func() bool {
		err := createService(ns, typ)
		return err != nil && strings.Contains(err.Error(), "network.policies/service-types")
	}
}

func allowed(ns, typ string) func() bool {
	return func() bool { return createService(ns, typ) == nil }
}

var registered = false

func register(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		r, err := http.Get("http://" + health + "/readyz")
		if err != nil {
			return false
		}
		_ = r.Body.Close()
		return r.StatusCode == http.StatusOK
	}, eventually, 100*time.Millisecond, "the webhook never became ready")
	if registered {
		return
	}
	url := "https://" + addr + "/validate"
	ops := []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "kspec"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:         "validate.kspec.io",
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caPEM},
			Rules: []admissionregistrationv1.RuleWithOperations{
				{Operations: ops, Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"services", "pods", "pods/ephemeralcontainers", "namespaces"}}},
				{Operations: ops, Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps"}, APIVersions: []string{"v1"}, Resources: []string{"deployments"}}},
			},
			FailurePolicy:           ptr.To(admissionregistrationv1.Ignore),
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr.To[int32](10),
		}},
	}
	_, err := kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(context.Background(), vwc, metav1.CreateOptions{})
	require.NoError(t, err)
	registered = true
}

func TestAdmissionThroughTheAPIServer(t *testing.T) {
	harness.SkipShort(t)
	register(t)
	for _, ns := range []string{"app", "team-a", "team-b", "legacy"} {
		ensureNamespace(t, ns)
	}

	putBundle(t, "kspec-system", "cluster", spec("cluster", "enforce", ""))
	require.Eventually(t, denied("app", "NodePort"), eventually, 200*time.Millisecond, "an enforced bundle denies")
	require.NoError(t, createService("app", "ClusterIP"), "a good Service is admitted")
	require.NoError(t, createService("kube-system", "NodePort"), "kube-system is never blocked")
	require.NoError(t, createService("kspec-system", "NodePort"), "the webhook's own namespace is never blocked")

	putBundle(t, "kspec-system", "cluster", spec("cluster", "audit", ""))
	require.Eventually(t, allowed("app", "NodePort"), eventually, 200*time.Millisecond, "an audit bundle admits")

	putBundle(t, "kspec-system", "cluster", "not: a spec")
	require.Never(t, denied("app", "NodePort"), 2*time.Second, 200*time.Millisecond, "a bad bundle keeps the previous good (audit) one")
	require.Eventually(t, func() bool {
		evs, err := kube.CoreV1().Events("kspec-system").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			return false
		}
		for _, e := range evs.Items {
			if e.Reason == "InvalidBundle" && e.InvolvedObject.Name == "cluster" {
				return true
			}
		}
		return false
	}, eventually, 200*time.Millisecond, "a bad bundle is reported by an Event")
	deleteBundle(t, "kspec-system", "cluster")

	// A cluster-wide spec in a team namespace governs only that namespace.
	putBundle(t, "team-a", "team", spec("team", "enforce", ""))
	require.Eventually(t, denied("team-a", "NodePort"), eventually, 200*time.Millisecond)
	require.NoError(t, createService("team-b", "NodePort"), "a team's bundle cannot reach another namespace")
	require.NoError(t, createService("app", "NodePort"))
	deleteBundle(t, "team-a", "team")
	require.Eventually(t, allowed("team-a", "NodePort"), eventually, 200*time.Millisecond, "a deleted bundle stops applying")

	// An exemption applies until it expires, by the webhook's clock.
	exp := clock.Now().Add(time.Hour).Format(time.RFC3339)
	putBundle(t, "kspec-system", "exempt", spec("exempt", "enforce", fmt.Sprintf(`  exemptions:
    - name: legacy-nodeport
      reason: migrating
      approvedBy: sec@example.com
      expiresAt: %q
      namespaces: [legacy]
      rules: [network.policies/service-types]
`, exp)))
	require.Eventually(t, denied("app", "NodePort"), eventually, 200*time.Millisecond)
	require.NoError(t, createService("legacy", "NodePort"), "the exemption applies")
	clock.SetTime(clock.Now().Add(2 * time.Hour))
	require.True(t, denied("legacy", "NodePort")(), "the expired exemption no longer applies")
	deleteBundle(t, "kspec-system", "exempt")
	require.Eventually(t, allowed("app", "NodePort"), eventually, 200*time.Millisecond)
}

func serial(t *testing.T) int64 {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	require.NoError(t, err)
	defer c.Close() //nolint:errcheck // read-only connection
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

func TestCertificateRotation(t *testing.T) {
	harness.SkipShort(t)
	register(t)
	before := serial(t)
	require.NoError(t, writeServingCert(before+1))
	require.Equal(t, before+1, serial(t), "a new handshake gets the new certificate")
	require.NoError(t, os.WriteFile(filepath.Join(certDir, "tls.crt"), []byte("garbage"), 0o600))
	require.Equal(t, before+1, serial(t), "a bad certificate keeps the previous one")
	require.NoError(t, writeServingCert(before+2))
	require.Equal(t, before+2, serial(t))
}
