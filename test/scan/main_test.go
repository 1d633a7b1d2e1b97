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

// Package scan_test proves kspec scan and internal/scan against a real
// kube-apiserver (envtest): seeded with the Kyverno agreement corpus
// (namespaces with and without Pod Security labels, pods and controllers,
// RBAC, services), NetworkPolicies and webhook configurations, a scan
// agrees with kspec check on the same objects exported from the API
// server; lists are paged; what the scanner may not list is an input
// error; an unreachable cluster is one line and exit 2.
package scan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/test/harness"
)

// The corpus of the Kyverno agreement tests: every kind the rules govern,
// passing and failing each rule.
const corpus = "../kyverno/corpus"

var (
	env   *envtest.Environment
	cfg   *rest.Config
	k8s   client.Client
	admin string // a kubeconfig file of a cluster administrator
	// rejected are corpus documents the API server refused (Pod Security
	// admission rejects privileged Pods in namespaces enforcing a level).
	rejected []string
)

func TestMain(m *testing.M) {
	os.Exit(harness.Envtest(m, run))
}

func run(m *testing.M) int {
	env = &envtest.Environment{}
	var err error
	cfg, err = env.Start()
	harness.Must(err)
	defer func() { harness.Must(env.Stop()) }()
	s := runtime.NewScheme()
	harness.Must(clientgoscheme.AddToScheme(s))
	k8s, err = client.New(cfg, client.Options{Scheme: s})
	harness.Must(err)

	dir, err := os.MkdirTemp("", "kspec-scan-")
	harness.Must(err)
	defer func() { _ = os.RemoveAll(dir) }()
	admin = filepath.Join(dir, "admin.kubeconfig")
	harness.Must(writeKubeconfig(admin, envtest.User{Name: "admin", Groups: []string{"system:masters"}}))
	harness.Must(seed(context.Background()))
	return m.Run()
}

// writeKubeconfig writes a kubeconfig of a user envtest authenticates.
func writeKubeconfig(path string, u envtest.User) error {
	user, err := env.AddUser(u, nil)
	if err != nil {
		return err
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return err
	}
	return os.WriteFile(path, kc, 0o600)
}

// seed creates the corpus (Namespaces first), NetworkPolicies and webhook
// configurations.
func seed(ctx context.Context) error {
	files, err := filepath.Glob(filepath.Join(corpus, "*.yaml"))
	if err != nil {
		return err
	}
	var objs []*unstructured.Unstructured
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		for _, d := range manifest.Parse(f, data) {
			if d.Err != nil {
				return d.Err
			}
			objs = append(objs, d.Object.DeepCopy())
		}
	}
	// Namespaces first, then those the other objects name.
	slices.SortStableFunc(objs, func(a, b *unstructured.Unstructured) int {
		return boolOrder(a.GetKind() != "Namespace") - boolOrder(b.GetKind() != "Namespace")
	})
	for _, o := range objs {
		if o.GetNamespace() == "" && namespaced(o.GetKind()) {
			o.SetNamespace("default") // as kubectl apply reads it
		}
		if o.GetKind() != "Namespace" && o.GetNamespace() != "" {
			if err := ensureNamespace(ctx, o.GetNamespace()); err != nil {
				return err
			}
		}
		err := k8s.Create(ctx, o)
		switch {
		case apierrors.IsAlreadyExists(err):
		case err != nil && (apierrors.IsForbidden(err) || apierrors.IsInvalid(err)):
			rejected = append(rejected, fmt.Sprintf("%s %s/%s: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err))
		case err != nil:
			return fmt.Errorf("%s %s/%s: %w", o.GetKind(), o.GetNamespace(), o.GetName(), err)
		}
	}
	for _, ns := range []string{"team-a", "team-payments"} {
		if err := ensureNamespace(ctx, ns); err != nil {
			return err
		}
		if err := k8s.Create(ctx, &networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "default-deny"},
			Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}},
		}); err != nil {
			return err
		}
	}
	none := admissionregistrationv1.SideEffectClassNone
	url := "https://kyverno.example:443/validate"
	return k8s.Create(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "kyverno-resource-validating-webhook-cfg"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name: "validate.kyverno.svc", SideEffects: &none, AdmissionReviewVersions: []string{"v1"},
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url},
			// Matches nothing envtest creates, so it never calls out.
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{"example.invalid"}, APIVersions: []string{"v1"}, Resources: []string{"widgets"}},
			}},
		}},
	})
}

func boolOrder(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ensureNamespace(ctx context.Context, name string) error {
	err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

func namespaced(kind string) bool {
	return kind != "Namespace" && kind != "ClusterRole" && kind != "ClusterRoleBinding"
}
