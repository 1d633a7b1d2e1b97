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

package cli

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/provider/compliancescan"
	"github.com/kspec-io/kspec/provider/config"
)

// kubeconfigFixture writes a kubeconfig whose certificates, key and token
// are files beside it, referenced by relative paths, with one context of
// every auth type.
func kubeconfigFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{"ca.crt": "CA-PEM", "client.crt": "CERT-PEM", "client.key": "KEY-PEM", "token": "s3cr3t-token\n"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600))
	}
	kc := `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster: {server: "https://prod.example:6443", certificate-authority: ca.crt}
- name: dev
  cluster: {server: "https://dev.example:6443", insecure-skip-tls-verify: true}
users:
- name: cert
  user: {client-certificate: client.crt, client-key: client.key}
- name: tok
  user: {tokenFile: token}
- name: eks
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
- name: gcp
  user:
    auth-provider: {name: gcp}
- name: basic
  user: {username: admin, password: pw}
contexts:
- name: prod
  context: {cluster: prod, user: cert, namespace: apps}
- name: dev_Token
  context: {cluster: dev, user: tok}
- name: eks
  context: {cluster: prod, user: eks}
- name: gke
  context: {cluster: prod, user: gcp}
- name: basic
  context: {cluster: dev, user: basic}
- name: anon
  context: {cluster: dev}
- name: lost
  context: {cluster: gone, user: cert}
`
	path := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(path, []byte(kc), 0o600))
	return path
}

func TestClusterDiscover(t *testing.T) {
	kc := kubeconfigFixture(t)
	code, out, errOut := run(t, "", "cluster", "discover", "--kubeconfig", kc)
	require.Equal(t, ExitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 8)
	assert.Equal(t, []string{"CURRENT", "NAME", "CLUSTER", "SERVER", "AUTH"}, strings.Fields(lines[0]))
	assert.Equal(t, []string{"anon", "dev", "https://dev.example:6443", "none"}, strings.Fields(lines[1]), "sorted by name")
	assert.Equal(t, []string{"*", "prod", "prod", "https://prod.example:6443", "client-cert"}, strings.Fields(lines[7]), "the current context marked")
	assert.Contains(t, out, "(cluster gone not found)")

	code, out, errOut = run(t, "", "cluster", "discover", "--kubeconfig", kc, "-o", "json")
	require.Equal(t, ExitOK, code, errOut)
	var got []discoveredContext
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	auth := map[string]string{}
	for _, d := range got {
		auth[d.Name] = d.Auth
		assert.Equal(t, d.Name == "prod", d.Current, d.Name)
	}
	assert.Equal(t, map[string]string{"prod": "client-cert", "dev_Token": "token", "eks": "exec", "gke": "auth-provider", "basic": "basic", "anon": "none", "lost": "client-cert"}, auth)

	code, _, errOut = run(t, "", "cluster", "discover", "--kubeconfig", filepath.Join(t.TempDir(), "absent"))
	assert.Equal(t, ExitUsage, code)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %s", errOut)
}

// addObjects runs kspec cluster add -o FILE and returns the objects
// written, the file's mode checked.
func addObjects(t *testing.T, args ...string) []manifest.Document {
	t.Helper()
	out := filepath.Join(t.TempDir(), "prod.yaml")
	require.NoError(t, os.WriteFile(out, nil, 0o644))
	code, stdout, errOut := run(t, "", append([]string{"cluster", "add", "-o", out}, args...)...)
	require.Equal(t, ExitOK, code, errOut)
	assert.Empty(t, stdout, "nothing on standard output with -o")
	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "a file with credentials is the owner's only, even one that existed")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	docs := manifest.Parse(out, data)
	for _, d := range docs {
		require.NoError(t, d.Err)
	}
	return docs
}

func TestClusterAdd(t *testing.T) {
	kc := kubeconfigFixture(t)
	docs := addObjects(t, "prod", "--kubeconfig", kc)
	require.Len(t, docs, 3)
	assert.Equal(t, []string{"Secret/prod-kubeconfig", "ProviderConfig/prod", "ClusterTarget/prod"}, []string{
		docs[0].Object.GetKind() + "/" + docs[0].Object.GetName(),
		docs[1].Object.GetKind() + "/" + docs[1].Object.GetName(),
		docs[2].Object.GetKind() + "/" + docs[2].Object.GetName(),
	})
	for _, d := range docs {
		assert.Equal(t, "kspec-system", d.Object.GetNamespace())
	}

	// The kspec objects are valid, and provider-kspec reads the Secret
	// through the ProviderConfig to the very credentials of the context.
	schema, err := validate.KspecSchema()
	require.NoError(t, err)
	for _, d := range docs[1:] {
		assert.Empty(t, schema.Check(context.Background(), d), d.Object.GetKind())
	}
	secret := &corev1.Secret{}
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(docs[0].Object.Object, secret))
	pc := &v1alpha1.ProviderConfig{}
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(docs[1].Object.Object, pc))
	s := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(s))
	r := &config.Resolver{Kube: fake.NewClientBuilder().WithScheme(s).WithObjects(secret).Build(), Timeout: time.Second}
	cfg, err := r.Config(context.Background(), &pc.Spec)
	require.NoError(t, err)
	assert.Equal(t, "https://prod.example:6443", cfg.Host)
	assert.Equal(t, "CA-PEM", string(cfg.CAData))
	assert.Equal(t, "CERT-PEM", string(cfg.CertData))
	assert.Equal(t, "KEY-PEM", string(cfg.KeyData))

	// One context only, nothing of the others.
	one, err := clientcmd.Load(secret.Data[SecretKeyKubeconfig])
	require.NoError(t, err)
	assert.Equal(t, "prod", one.CurrentContext)
	assert.Len(t, one.Contexts, 1)
	assert.Len(t, one.AuthInfos, 1)
	assert.Equal(t, "apps", one.Contexts["prod"].Namespace)

	// A token file is inlined; names become DNS labels; flags are honoured.
	docs = addObjects(t, "dev_Token", "--kubeconfig", kc, "-n", "platform")
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(docs[0].Object.Object, secret))
	assert.Equal(t, "dev-token-kubeconfig", secret.Name)
	assert.Equal(t, "platform", secret.Namespace)
	one, err = clientcmd.Load(secret.Data[SecretKeyKubeconfig])
	require.NoError(t, err)
	assert.Equal(t, "s3cr3t-token", one.AuthInfos["tok"].Token)
	assert.Empty(t, one.AuthInfos["tok"].TokenFile)
	assert.True(t, one.Clusters["dev"].InsecureSkipTLSVerify)
	docs = addObjects(t, "basic", "--kubeconfig", kc, "--name", "lab")
	assert.Equal(t, "lab", docs[2].Object.GetName())
	ref, _, _ := unstructured.NestedString(docs[2].Object.Object, "spec", "providerConfigRef", "name")
	assert.Equal(t, "lab", ref)
}

func TestClusterAddRefuses(t *testing.T) {
	kc := kubeconfigFixture(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `context "nope" not found in kubeconfig ` + kc},
		{[]string{"eks"}, `context "eks" authenticates with an exec plugin, which provider-kspec refuses`},
		{[]string{"gke"}, `context "gke" authenticates with an auth-provider plugin`},
		{[]string{"lost"}, `context "lost" names cluster "gone", which is not in`},
		{[]string{"prod", "--name", "Not_A_Label"}, `name "Not_A_Label"`},
	} {
		code, out, errOut := run(t, "", append([]string{"cluster", "add", "--kubeconfig", kc}, tc.args...)...)
		assert.Equal(t, ExitUsage, code, tc.args)
		assert.Empty(t, out, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %s", errOut)
	}

	// A missing certificate file names the file's role.
	require.NoError(t, os.Remove(filepath.Join(filepath.Dir(kc), "client.key")))
	code, _, errOut := run(t, "", "cluster", "add", "--kubeconfig", kc, "prod")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, `client-key of user "cert"`)
}

func TestClusterAddStdout(t *testing.T) {
	kc := kubeconfigFixture(t)
	// Standard output that is not a terminal (a pipe) gets the objects.
	code, out, errOut := run(t, "", "cluster", "add", "--kubeconfig", kc, "prod")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, 3, strings.Count(out, "\nkind: ")+boolInt(strings.HasPrefix(out, "kind: ")))
	assert.Contains(t, out, "kind: ClusterTarget")

	// A terminal is refused without --show-secrets, and gets it with.
	was := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	defer func() { isTerminal = was }()
	code, out, errOut = run(t, "", "cluster", "add", "--kubeconfig", kc, "prod")
	assert.Equal(t, ExitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "--show-secrets")
	code, out, errOut = run(t, "", "cluster", "add", "--kubeconfig", kc, "prod", "--show-secrets")
	assert.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "kind: Secret")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSyncAnswered(t *testing.T) {
	req := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	scan := func(last time.Time, ready corev1.ConditionStatus, reason xpv2.ConditionReason, at time.Time) *v1alpha1.ComplianceScan {
		cs := &v1alpha1.ComplianceScan{}
		if !last.IsZero() {
			cs.Status.AtProvider.LastScanTime = &metav1.Time{Time: last}
		}
		cs.SetConditions(xpv2.Condition{Type: xpv2.TypeReady, Status: ready, Reason: reason, Message: "boom", LastTransitionTime: metav1.NewTime(at)})
		return cs
	}
	assert.False(t, answered(scan(time.Time{}, corev1.ConditionTrue, "", req), req), "never scanned")
	assert.False(t, answered(scan(req.Add(-time.Second), corev1.ConditionTrue, "", req), req), "scanned before")
	assert.True(t, answered(scan(req, corev1.ConditionTrue, "", req), req), "scanned in the second of the request")
	assert.True(t, answered(scan(req.Add(time.Minute), corev1.ConditionTrue, "", req), req))

	assert.Equal(t, "ScanFailed: boom", failedSince(scan(time.Time{}, corev1.ConditionFalse, compliancescan.ReasonScanFailed, req), req))
	assert.Empty(t, failedSince(scan(time.Time{}, corev1.ConditionFalse, compliancescan.ReasonScanFailed, req.Add(-time.Second)), req), "failing since before the request")
	assert.Empty(t, failedSince(scan(time.Time{}, corev1.ConditionTrue, compliancescan.ReasonScanned, req), req))
}
