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

package render_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	xpextv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/xcrd"
	"github.com/kspec-io/kspec/test/harness"
)

// cp is the package's one control plane, started by the first test that
// needs it and stopped by TestMain.
var cp struct {
	once sync.Once
	env  *envtest.Environment
	k8s  client.Client
	err  error
}

// controlPlane starts a kube-apiserver with the CRDs of everything kspec
// composes: Kyverno (from the github.com/kyverno/api version kspec's go.mod
// requires), cert-manager, provider-kubernetes, provider-kspec, and the
// ClusterSpecification CRD Crossplane derives from the XRD.
func controlPlane(t *testing.T) client.Client {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a kube-apiserver: run with make test")
	}
	require.NotEmpty(t, os.Getenv("KUBEBUILDER_ASSETS"), "KUBEBUILDER_ASSETS is not set: run with make test")
	cp.once.Do(func() { cp.env, cp.k8s, cp.err = startControlPlane() })
	require.NoError(t, cp.err)
	return cp.k8s
}

func startControlPlane() (*envtest.Environment, client.Client, error) {
	kyverno, err := harness.RequiredModuleDir(harness.KyvernoAPI)
	if err != nil {
		return nil, nil, err
	}
	certManager, err := harness.ModuleDir(harness.CertManagerModule)
	if err != nil {
		return nil, nil, err
	}
	providerKubernetes, err := harness.ModuleDir(harness.ProviderKubernetesModule)
	if err != nil {
		return nil, nil, err
	}
	b, err := os.ReadFile("../../package/configuration/definition.yaml")
	if err != nil {
		return nil, nil, err
	}
	xrd := &xpextv1.CompositeResourceDefinition{}
	if err := yaml.Unmarshal(b, xrd); err != nil {
		return nil, nil, err
	}
	xrCRD, err := xcrd.ForCompositeResource(xrd)
	if err != nil {
		return nil, nil, err
	}
	env := &envtest.Environment{
		CRDs: []*extv1.CustomResourceDefinition{xrCRD},
		CRDDirectoryPaths: []string{
			filepath.Join(kyverno, "config", "crds"),
			filepath.Join(certManager, "deploy", "crds"),
			filepath.Join(providerKubernetes, "package", "crds"),
			"../../package/provider/crds",
		},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot start the control plane: %w", err)
	}
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return env, nil, err
	}
	k8s, err := client.New(cfg, client.Options{Scheme: s})
	return env, k8s, err
}

// TestRenderedObjectsAreAccepted creates every object every fixture renders,
// dry-run with strict field validation, on the control plane: an unknown or
// misspelt field, a wrong type or a value the CRD's schema or CEL rules
// refuse fails. The object a provider-kubernetes Object carries to a remote
// target is checked too, and so is each fixture's XR against the CRD
// Crossplane derives from the XRD.
func TestRenderedObjectsAreAccepted(t *testing.T) {
	k8s := controlPlane(t)
	ctx := context.Background()
	checked := 0
	for _, name := range cases(t) {
		t.Run(name, func(t *testing.T) {
			r := render(t, name)
			b, err := os.ReadFile(filepath.Join(fixtures, name, "xr.yaml"))
			require.NoError(t, err)
			for _, d := range manifest.Parse("xr.yaml", b) {
				require.NoError(t, d.Err)
				assert.NoError(t, dryRun(ctx, k8s, d.Object), "the fixture's XR is not a valid ClusterSpecification")
			}
			if r.err != nil {
				return // Refused: nothing rendered.
			}
			docs := manifest.Parse("rendered", r.stdout)
			require.NotEmpty(t, docs)
			for _, d := range docs[1:] { // The first is the XR's desired status.
				require.NoError(t, d.Err)
				u := d.Object
				if u.GetAPIVersion() == "render.crossplane.io/v1beta1" {
					continue // A function result, not an object.
				}
				what := fmt.Sprintf("%s %s (composition resource %s)", u.GetKind(), u.GetName(), u.GetAnnotations()["crossplane.io/composition-resource-name"])
				assert.NoError(t, dryRun(ctx, k8s, u), what)
				checked++
				if inner, ok := wrapped(u); ok {
					assert.NoError(t, dryRun(ctx, k8s, inner), "the %s %s that %s carries", inner.GetKind(), inner.GetName(), what)
					checked++
				}
			}
		})
	}
	t.Logf("the API server accepted %d rendered objects", checked)
}

// wrapped returns the manifest a provider-kubernetes Object creates on its
// target; none for an Object that only observes.
func wrapped(u *unstructured.Unstructured) (*unstructured.Unstructured, bool) {
	if u.GroupVersionKind().Group != "kubernetes.m.crossplane.io" || u.GetKind() != "Object" {
		return nil, false
	}
	policies, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "managementPolicies")
	if len(policies) == 1 && policies[0] == "Observe" {
		return nil, false
	}
	m, ok, _ := unstructured.NestedMap(u.Object, "spec", "forProvider", "manifest")
	if !ok {
		return nil, false
	}
	return &unstructured.Unstructured{Object: m}, true
}

// fakeUID stands in for the composite resource's UID in owner references:
// crossplane render leaves it empty, and the API server requires one.
const fakeUID = "00000000-0000-4000-8000-000000000000"

// dryRun applies a copy of u server-side (creates it when it has only a
// generateName) with dryRun=All and strict field validation, after creating
// the namespace it lives in. Applying, unlike creating, also accepts an
// object that exists, such as the kspec-system Namespace the webhook step
// composes and other objects live in.
func dryRun(ctx context.Context, k8s client.Client, u *unstructured.Unstructured) error {
	u = u.DeepCopy()
	refs := u.GetOwnerReferences()
	for i := range refs {
		if refs[i].UID == "" {
			refs[i].UID = fakeUID
		}
	}
	u.SetOwnerReferences(refs)
	if ns := u.GetNamespace(); ns != "" {
		scoped, err := namespaced(k8s, u)
		if err != nil {
			return err
		}
		if scoped {
			err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
			if err != nil && !kerrors.IsAlreadyExists(err) {
				return err
			}
		}
	}
	strict := client.FieldValidation(metav1.FieldValidationStrict)
	if u.GetName() == "" {
		return k8s.Create(ctx, u, client.DryRunAll, strict)
	}
	//nolint:staticcheck // client.Apply takes typed apply configurations; render gives unstructured objects.
	return k8s.Patch(ctx, u, client.Apply, client.DryRunAll, strict, client.ForceOwnership, client.FieldOwner("kspec-render-test"))
}

func namespaced(k8s client.Client, u *unstructured.Unstructured) (bool, error) {
	gvk := u.GroupVersionKind()
	m, err := k8s.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return false, fmt.Errorf("the API server does not serve %s: %w", gvk, err)
	}
	return m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}
