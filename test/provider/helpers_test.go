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
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/provider/clustertarget"
	"github.com/kspec-io/kspec/test/harness"
)

// waitFor polls cond with backoff until it holds; the bound is only there
// so a broken controller fails the test instead of hanging it.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(context.Context) (bool, error) {
		ok, err := cond()
		last = err
		return ok && err == nil, nil
	})
	require.NoError(t, err, "waiting for %s (last error: %v)", what, last)
}

// kubeconfig is a kubeconfig for cfg, with its credentials inline.
func kubeconfig(cfg *rest.Config) []byte {
	return clustertarget.ConnectionDetails(cfg)["kubeconfig"]
}

func secret(t *testing.T, ns, name string, data map[string][]byte) {
	t.Helper()
	require.NoError(t, home.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: data}))
}

func providerConfig(t *testing.T, ns, name string, creds v1alpha1.ProviderCredentials) {
	t.Helper()
	require.NoError(t, home.Create(ctx, &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: v1alpha1.ProviderConfigSpec{Credentials: creds}}))
}

func kubeconfigCreds(ns, secret, key string) v1alpha1.ProviderCredentials {
	return v1alpha1.ProviderCredentials{
		Source: xpv2.CredentialsSourceSecret, Format: v1alpha1.CredentialsFormatKubeconfig,
		SecretRef: &xpv2.SecretKeySelector{SecretReference: xpv2.SecretReference{Namespace: ns, Name: secret}, Key: key},
	}
}

func clusterTarget(t *testing.T, ns, name, pc string, allowEnforcement bool) *v1alpha1.ClusterTarget {
	t.Helper()
	ct := &v1alpha1.ClusterTarget{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.ClusterTargetSpec{
			ManagedResourceSpec: xpv2.ManagedResourceSpec{
				ProviderConfigReference:          &xpv2.ProviderConfigReference{Kind: v1alpha1.ProviderConfigKind, Name: pc},
				WriteConnectionSecretToReference: &xpv2.LocalSecretReference{Name: name + "-conn"},
			},
			ForProvider: v1alpha1.ClusterTargetParameters{AllowEnforcement: allowEnforcement, ProbeInterval: &metav1.Duration{Duration: 2 * time.Second}},
		},
	}
	require.NoError(t, home.Create(ctx, ct))
	return ct
}

func getTarget(ns, name string) (*v1alpha1.ClusterTarget, error) {
	ct := &v1alpha1.ClusterTarget{}
	return ct, home.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, ct)
}

func ready(c interface {
	GetCondition(xpv2.ConditionType) xpv2.Condition
}) xpv2.Condition {
	return c.GetCondition(xpv2.TypeReady)
}

// registerTarget creates a kubeconfig secret, a ProviderConfig and a
// ClusterTarget for the target cluster in ns and waits until it is ready.
func registerTarget(t *testing.T, ns, name string, allowEnforcement bool) *v1alpha1.ClusterTarget {
	t.Helper()
	secret(t, ns, name+"-creds", map[string][]byte{"kubeconfig": kubeconfig(targetCfg)})
	providerConfig(t, ns, name, kubeconfigCreds(ns, name+"-creds", "kubeconfig"))
	clusterTarget(t, ns, name, name, allowEnforcement)
	var ct *v1alpha1.ClusterTarget
	waitFor(t, "ClusterTarget "+name+" ready", func() (bool, error) {
		var err error
		ct, err = getTarget(ns, name)
		return err == nil && ready(ct).Status == corev1.ConditionTrue, err
	})
	return ct
}

// example creates examples/specs/<name>.yaml on the provider's cluster.
func example(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "specs", name+".yaml"))
	require.NoError(t, err)
	u := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal(data, &u.Object))
	existing := u.DeepCopy()
	if err := home.Get(ctx, client.ObjectKeyFromObject(u), existing); err == nil {
		return existing
	}
	require.NoError(t, home.Create(ctx, u))
	return u
}

// spec creates a ClusterSpecification from YAML.
func spec(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal([]byte(doc), &u.Object))
	require.NoError(t, home.Create(ctx, u))
	return u
}

type scanOpts struct {
	target        string
	mode          string
	autoRemediate bool
	interval      time.Duration
	history       int32
}

func complianceScan(t *testing.T, ns, name, spec string, o scanOpts) *v1alpha1.ComplianceScan {
	t.Helper()
	cs := &v1alpha1.ComplianceScan{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.ComplianceScanSpec{
			ForProvider: v1alpha1.ComplianceScanParameters{
				SpecificationRef: v1alpha1.SpecificationRef{Name: spec},
				Mode:             o.mode, AutoRemediate: o.autoRemediate, ReportHistory: o.history,
			},
		},
	}
	if o.target != "" {
		cs.Spec.ForProvider.TargetRef = &v1alpha1.LocalRef{Name: o.target}
	}
	if o.interval > 0 {
		cs.Spec.ForProvider.Interval = &metav1.Duration{Duration: o.interval}
	}
	require.NoError(t, home.Create(ctx, cs))
	return cs
}

func getScan(ns, name string) (*v1alpha1.ComplianceScan, error) {
	cs := &v1alpha1.ComplianceScan{}
	return cs, home.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, cs)
}

// scanned waits until the scan has a report other than prev, and returns
// the scan.
func scanned(t *testing.T, ns, name string, prev string) *v1alpha1.ComplianceScan {
	t.Helper()
	var cs *v1alpha1.ComplianceScan
	waitFor(t, "a scan by "+name, func() (bool, error) {
		var err error
		cs, err = getScan(ns, name)
		if err != nil {
			return false, err
		}
		last := cs.Status.AtProvider.LastScanTime
		if r := ready(cs); r.Status == corev1.ConditionFalse {
			return false, fmt.Errorf("not ready: %s: %s", r.Reason, r.Message)
		}
		ok := last != nil && cs.Status.AtProvider.Report != "" && cs.Status.AtProvider.Report != prev
		if !ok {
			return false, fmt.Errorf("status %+v", cs.Status)
		}
		return true, nil
	})
	return cs
}

// seedTarget fills the target cluster: a team with violations, a
// compliant team, a team whose NetworkPolicy named like kspec's
// default-deny one allows traffic, workloads, RBAC.
func seedTarget(ctx context.Context) {
	restricted := map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted",
	}
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-b", Labels: restricted}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-c"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kspec-system"}},
		&corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "privileged"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "app", Image: "nginx:latest",
				SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
			}}},
		},
		&corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team-b", Name: "hardened"},
			Spec: corev1.PodSpec{
				AutomountServiceAccountToken: ptr.To(false),
				SecurityContext:              &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To(int64(1000)), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
				Containers: []corev1.Container{{
					Name: "app", Image: "registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097",
					SecurityContext: &corev1.SecurityContext{
						AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true), RunAsNonRoot: ptr.To(true),
						Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
					},
				}},
			},
		},
		&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "web"},
			Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
					Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}},
				},
			},
		},
		&networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team-b", Name: "default-deny"},
			Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}},
		},
		&networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team-c", Name: "kspec-default-deny"},
			Spec: networkingv1.NetworkPolicySpec{
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
				Ingress:     []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: ptr.To(intstr.FromInt32(80))}}}},
			},
		},
		&rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: "everything"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}},
		},
		&rbacv1.Role{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "secrets"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}}},
		},
	}
	for _, o := range objs {
		harness.Must(target.Create(ctx, o))
	}
}
