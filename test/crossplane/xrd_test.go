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

// Package crossplane_test runs real Crossplane core against a real
// kube-apiserver, gives it kspec's XRD, and checks the CRDs Crossplane
// derives: they admit every example and reject bad specs, and they match the
// derivation kspec validate uses offline (internal/xcrd).
package crossplane_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	xpextv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/xcrd"
	"github.com/kspec-io/kspec/test/harness"
)

// settle bounds how long Crossplane may take to establish the XRD. It is a
// guard against hanging, not a performance expectation: it takes seconds.
const settle = 3 * time.Minute

func TestCrossplaneEstablishesTheXRD(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Crossplane core and a kube-apiserver: run with make test")
	}
	core := os.Getenv("KSPEC_CROSSPLANE_CORE")
	require.NotEmpty(t, core, "KSPEC_CROSSPLANE_CORE is not set: run with make test")
	require.NotEmpty(t, os.Getenv("KUBEBUILDER_ASSETS"), "KUBEBUILDER_ASSETS is not set: run with make test")
	ctx := context.Background()

	xp, err := harness.ModuleDir(harness.CrossplaneModule)
	require.NoError(t, err)
	env := &envtest.Environment{CRDDirectoryPaths: []string{filepath.Join(xp, "cluster", "crds")}, ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, env.Stop()) })

	s := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(s))
	require.NoError(t, extv1.AddToScheme(s))
	k8s, err := client.New(cfg, client.Options{Scheme: s})
	require.NoError(t, err)
	for _, ns := range []string{"crossplane-system", "team-payments"} {
		require.NoError(t, k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	}

	startCore(t, env, core)

	// Give Crossplane the XRD, exactly as the Configuration package ships it.
	b, err := os.ReadFile("../../package/configuration/definition.yaml")
	require.NoError(t, err)
	xrd := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal(b, &xrd.Object))
	require.NoError(t, k8s.Create(ctx, xrd))

	xrCRD, claimCRD := &extv1.CustomResourceDefinition{}, &extv1.CustomResourceDefinition{}
	err = wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, settle, true, func(ctx context.Context) (bool, error) {
		return established(ctx, k8s, "clusterspecifications.kspec.io", xrCRD) && established(ctx, k8s, "clusterspecificationclaims.kspec.io", claimCRD), nil
	})
	require.NoError(t, err, "Crossplane did not establish the XR and claim CRDs; its log is above")

	t.Run("DerivedCRDsMatchKspecs", func(t *testing.T) {
		typed := &xpextv1.CompositeResourceDefinition{}
		require.NoError(t, yaml.Unmarshal(b, typed))
		schema := &extv1.JSONSchemaProps{}
		require.NoError(t, json.Unmarshal(typed.Spec.Versions[0].Schema.OpenAPIV3Schema.Raw, schema))
		ours, err := xcrd.ForCompositeResource(typed)
		require.NoError(t, err)
		compareCRDs(t, xrCRD, ours, schema)
		ours, err = xcrd.ForCompositeResourceClaim(typed)
		require.NoError(t, err)
		compareCRDs(t, claimCRD, ours, schema)
	})

	t.Run("ExamplesAreAdmitted", func(t *testing.T) {
		for _, f := range []string{"minimal", "moderate", "strict", "comprehensive", "team-claim"} {
			path := filepath.Join("../../examples/specs", f+".yaml")
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			for _, d := range manifest.Parse(path, b) {
				require.NoError(t, d.Err)
				assert.NoError(t, k8s.Create(ctx, d.Object.DeepCopy(), client.FieldValidation(metav1.FieldValidationStrict)), "%s is rejected by the CRD Crossplane derived", path)
			}
		}
	})

	t.Run("BadSpecsAreRejected", func(t *testing.T) {
		for kind, ns := range map[string]string{"ClusterSpecification": "", "ClusterSpecificationClaim": "team-payments"} {
			u := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "kspec.io/v1alpha1", "kind": kind,
				"metadata": map[string]any{"name": "min-above-max", "namespace": ns},
				"spec":     map[string]any{"kubernetes": map[string]any{"minVersion": "1.31", "maxVersion": "1.29"}},
			}}
			err := k8s.Create(ctx, u)
			require.Error(t, err, kind)
			assert.Contains(t, err.Error(), "minVersion must not be greater than maxVersion", kind)
		}
	})
}

// established reads a CRD and reports whether it is Established.
func established(ctx context.Context, k8s client.Client, name string, into *extv1.CustomResourceDefinition) bool {
	if err := k8s.Get(ctx, types.NamespacedName{Name: name}, into); err != nil {
		return false
	}
	for _, c := range into.Status.Conditions {
		if c.Type == extv1.Established && c.Status == extv1.ConditionTrue {
			return true
		}
	}
	return false
}

// compareCRDs checks that kspec's offline derivation has Crossplane's scope
// and kind, every field of the XRD's spec and status exactly as Crossplane
// has it, and otherwise only machinery fields Crossplane adds too (kspec
// keeps those permissive).
func compareCRDs(t *testing.T, crossplane, ours *extv1.CustomResourceDefinition, xrd *extv1.JSONSchemaProps) {
	t.Helper()
	assert.Equal(t, crossplane.Spec.Scope, ours.Spec.Scope)
	assert.Equal(t, crossplane.Spec.Names.Kind, ours.Spec.Names.Kind)
	require.Len(t, ours.Spec.Versions, len(crossplane.Spec.Versions))
	for i := range crossplane.Spec.Versions {
		xs, os := crossplane.Spec.Versions[i].Schema.OpenAPIV3Schema, ours.Spec.Versions[i].Schema.OpenAPIV3Schema
		for _, part := range []string{"spec", "status"} {
			x, o := xs.Properties[part], os.Properties[part]
			for name, prop := range o.Properties {
				xprop, ok := x.Properties[name]
				if !assert.True(t, ok, "%s.%s: kspec derives a field Crossplane does not add", part, name) {
					continue
				}
				if _, fromXRD := xrd.Properties[part].Properties[name]; fromXRD {
					assert.Equal(t, xprop, prop, "%s.%s differs from the CRD Crossplane derived", part, name)
				}
			}
			for name := range xrd.Properties[part].Properties {
				assert.Contains(t, o.Properties, name, "%s.%s of the XRD is missing from kspec's derivation", part, name)
			}
			assert.ElementsMatch(t, x.Required, o.Required, "%s: required fields", part)
			assert.Equal(t, x.XValidations, o.XValidations, "%s: CEL rules", part)
		}
	}
}

// startCore runs "crossplane core start" against the control plane with the
// package runtime left to the test (External) and webhooks off, as in
// shared/reference/crossplane-core-local.md. Its log is printed on failure.
func startCore(t *testing.T, env *envtest.Environment, core string) {
	t.Helper()
	user, err := env.AddUser(envtest.User{Name: "crossplane", Groups: []string{"system:masters"}}, nil)
	require.NoError(t, err)
	kc, err := user.KubeConfig()
	require.NoError(t, err)
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	require.NoError(t, os.WriteFile(kubeconfig, kc, 0o600))
	certs := filepath.Join(dir, "certs")
	writeClientCerts(t, certs)

	var log bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, core, "core", "start",
		"--namespace=crossplane-system", "--enable-webhooks=false", "--package-runtime=External",
		"--cache-dir="+filepath.Join(dir, "cache"), "--tls-client-certs-dir="+certs,
		"--metrics-port="+freePort(t), "--health-probe-port="+freePort(t), "--webhook-port="+freePort(t))
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	cmd.Stdout, cmd.Stderr = &log, &log
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "cache"), 0o700))
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("crossplane core log:\n%s", log.String())
		}
	})
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = l.Close() }()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// writeClientCerts writes the CA and client certificate Crossplane presents
// to functions. This test runs none, but core will not start without them.
func writeClientCerts(t *testing.T, dir string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o700))
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kspec-test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "crossplane"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	for name, block := range map[string]*pem.Block{
		"ca.crt":  {Type: "CERTIFICATE", Bytes: caDER},
		"tls.crt": {Type: "CERTIFICATE", Bytes: leafDER},
		"tls.key": {Type: "EC PRIVATE KEY", Bytes: keyDER},
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600))
	}
}
