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

package provider_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/provider/config"
	"github.com/kspec-io/kspec/test/harness"
)

func TestClusterTargetReachable(t *testing.T) {
	harness.SkipShort(t)
	ns := "ct-ok"
	require.NoError(t, home.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	ct := registerTarget(t, ns, "remote", false)

	ks := &corev1.Namespace{}
	require.NoError(t, target.Get(ctx, client.ObjectKey{Name: "kube-system"}, ks))
	obs := ct.Status.AtProvider
	assert.True(t, obs.Reachable)
	assert.Equal(t, string(ks.UID), obs.UID, "the cluster's identity is its kube-system UID")
	cs := kubernetes.NewForConfigOrDie(targetCfg)
	v, err := cs.Discovery().ServerVersion()
	require.NoError(t, err)
	assert.Equal(t, v.GitVersion, obs.Version)
	assert.Equal(t, v1alpha1.Platform("vanilla"), obs.Platform)
	assert.Equal(t, int32(0), obs.NodeCount, "envtest runs no nodes")
	require.NotNil(t, obs.Capabilities)
	assert.True(t, obs.Capabilities.PolicyReports)
	assert.True(t, obs.Capabilities.Kyverno)
	assert.False(t, obs.Capabilities.CertManager)
	assert.True(t, obs.Capabilities.ValidatingAdmissionPolicy)

	// The connection secret is a kubeconfig that reaches the target, as
	// provider-kubernetes would use it.
	var conn corev1.Secret
	waitFor(t, "the connection secret", func() (bool, error) {
		err := home.Get(ctx, client.ObjectKey{Namespace: ns, Name: "remote-conn"}, &conn)
		return err == nil, client.IgnoreNotFound(err)
	})
	cfg, err := clientcmd.RESTConfigFromKubeConfig(conn.Data["kubeconfig"])
	require.NoError(t, err)
	remote, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	got, err := remote.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, ks.UID, got.UID)

	// Usage is tracked: the ProviderConfig has a usage by the target.
	waitFor(t, "a ProviderConfigUsage", func() (bool, error) {
		l := &v1alpha1.ProviderConfigUsageList{}
		err := home.List(ctx, l, client.InNamespace(ns))
		return err == nil && len(l.Items) == 1 && l.Items[0].ResourceReference.Name == "remote", err
	})
}

// TestClusterTargetFailures: every way a target can fail is Ready=False
// with its own reason, within one probe, with nothing of a previous probe
// left, and no credential in the condition.
func TestClusterTargetFailures(t *testing.T) {
	harness.SkipShort(t)
	ns := "ct-fail"
	require.NoError(t, home.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))

	token := serviceAccountToken(t)
	const badToken = "kspec-test-not-a-valid-token-0123456789"
	// A CA that did not sign the target's certificate.
	wrongCA := kubeconfig(&rest.Config{Host: targetCfg.Host, TLSClientConfig: rest.TLSClientConfig{CAData: selfSignedCA(t), CertData: targetCfg.CertData, KeyData: targetCfg.KeyData}})

	secret(t, ns, "token", map[string][]byte{"token": []byte(token)})
	secret(t, ns, "bad-token", map[string][]byte{"token": []byte(badToken)})
	secret(t, ns, "wrong-ca", map[string][]byte{"kubeconfig": wrongCA})
	secret(t, ns, "no-key", map[string][]byte{"other": []byte("x")})
	secret(t, ns, "garbage", map[string][]byte{"kubeconfig": []byte("this: [is not a kubeconfig")})
	secret(t, ns, "closed-port", map[string][]byte{"kubeconfig": kubeconfig(&rest.Config{Host: "https://127.0.0.1:1", TLSClientConfig: rest.TLSClientConfig{CAData: targetCfg.CAData, CertData: targetCfg.CertData, KeyData: targetCfg.KeyData}})})
	tokenCreds := func(name string) v1alpha1.ProviderCredentials {
		return v1alpha1.ProviderCredentials{
			Source: xpv2.CredentialsSourceSecret, Format: v1alpha1.CredentialsFormatToken,
			SecretRef: &xpv2.SecretKeySelector{SecretReference: xpv2.SecretReference{Namespace: ns, Name: name}, Key: "token"},
			Server:    &v1alpha1.ServerEndpoint{URL: targetCfg.Host, CAData: targetCfg.CAData},
		}
	}
	providerConfig(t, ns, "token", tokenCreds("token"))
	providerConfig(t, ns, "bad-token", tokenCreds("bad-token"))
	providerConfig(t, ns, "wrong-ca", kubeconfigCreds(ns, "wrong-ca", "kubeconfig"))
	providerConfig(t, ns, "no-key", kubeconfigCreds(ns, "no-key", "kubeconfig"))
	providerConfig(t, ns, "no-secret", kubeconfigCreds(ns, "absent", "kubeconfig"))
	providerConfig(t, ns, "garbage", kubeconfigCreds(ns, "garbage", "kubeconfig"))
	providerConfig(t, ns, "closed-port", kubeconfigCreds(ns, "closed-port", "kubeconfig"))

	// A token with the right CA reaches the target.
	clusterTarget(t, ns, "token", "token", false)
	cases := map[string]config.Reason{
		"bad-token":   config.ReasonUnauthorized,
		"wrong-ca":    config.ReasonUntrustedCertificate,
		"no-key":      config.ReasonCredentialsInvalid,
		"no-secret":   config.ReasonCredentialsInvalid,
		"garbage":     config.ReasonCredentialsInvalid,
		"closed-port": config.ReasonUnreachable,
		"missing-pc":  config.ReasonConfigNotFound,
	}
	for name := range cases {
		clusterTarget(t, ns, name, name, false)
	}
	waitFor(t, "the token target ready", func() (bool, error) {
		ct, err := getTarget(ns, "token")
		return err == nil && ready(ct).Status == corev1.ConditionTrue && ct.Status.AtProvider.Version != "", err
	})
	for name, reason := range cases {
		t.Run(name, func(t *testing.T) {
			var ct *v1alpha1.ClusterTarget
			waitFor(t, name+" not ready", func() (bool, error) {
				var err error
				ct, err = getTarget(ns, name)
				return err == nil && ready(ct).Status == corev1.ConditionFalse, err
			})
			c := ready(ct)
			assert.Equal(t, xpv2.ConditionReason(reason), c.Reason, c.Message)
			assert.False(t, ct.Status.AtProvider.Reachable)
			assert.Empty(t, ct.Status.AtProvider.Version, "no stale data")
			assert.Empty(t, ct.Status.AtProvider.UID)
			assert.NotNil(t, ct.Status.AtProvider.LastProbeTime)
			for _, s := range []string{c.Message, ct.Status.AtProvider.Message, ready(ct).Message} {
				assert.NotContains(t, s, badToken)
				assert.NotContains(t, s, token)
				assert.NotContains(t, s, "is not a kubeconfig\n")
			}
		})
	}

	// A reachable target whose credentials go bad loses what it knew.
	t.Run("credentials revoked", func(t *testing.T) {
		s := &corev1.Secret{}
		require.NoError(t, home.Get(ctx, client.ObjectKey{Namespace: ns, Name: "token"}, s))
		s.Data["token"] = []byte(badToken)
		require.NoError(t, home.Update(ctx, s))
		var ct *v1alpha1.ClusterTarget
		waitFor(t, "the token target unauthorized", func() (bool, error) {
			var err error
			ct, err = getTarget(ns, "token")
			return err == nil && ready(ct).Status == corev1.ConditionFalse, err
		})
		assert.Equal(t, xpv2.ConditionReason(config.ReasonUnauthorized), ready(ct).Reason)
		assert.Empty(t, ct.Status.AtProvider.Version)
		assert.Nil(t, ct.Status.AtProvider.Capabilities)
		assert.NotContains(t, ready(ct).Message, badToken)

		// Events say what happened, never the token.
		evs := &corev1.EventList{}
		require.NoError(t, home.List(ctx, evs, client.InNamespace(ns)))
		for _, e := range evs.Items {
			assert.NotContains(t, e.Message, badToken)
			assert.NotContains(t, e.Message, token)
		}
	})
}

// serviceAccountToken is a token of a cluster-admin service account on
// the target.
func serviceAccountToken(t *testing.T) string {
	t.Helper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "kspec-system", Name: "scanner"}}
	require.NoError(t, target.Create(ctx, sa))
	require.NoError(t, target.Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "kspec-scanner"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "kspec-system", Name: "scanner"}},
	}))
	cs := kubernetes.NewForConfigOrDie(targetCfg)
	tr, err := cs.CoreV1().ServiceAccounts("kspec-system").CreateToken(ctx, "scanner", &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To(int64(3600))},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.True(t, strings.Count(tr.Status.Token, ".") == 2)
	return tr.Status.Token
}

func selfSignedCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "not-the-target-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
