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

// Package apiserver_test proves kspec's generated CRDs and XRD against a real
// kube-apiserver (envtest binaries built by hack/tools.sh), and that kspec
// validate agrees with the API server on what it accepts and rejects.
package apiserver_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/test/harness"
)

// kyvernoModule holds the CRDs of the Kyverno release kspec tests against;
// hack/tools.sh downloads it to build the Kyverno CLI.
const kyvernoModule = "github.com/kyverno/kyverno@v1.19.1"

var (
	k8s     client.Client
	kyverno client.Client // k8s with Kyverno's policies.kyverno.io/v1 types
	schema  *validate.Schema
)

func TestMain(m *testing.M) {
	os.Exit(harness.Envtest(m, run))
}

func run(m *testing.M) int {
	crds, err := validate.KspecCRDs()
	harness.Must(err)
	schema, err = validate.NewSchema(crds...)
	harness.Must(err)

	xp, err := harness.ModuleDir(harness.CrossplaneModule)
	harness.Must(err)
	ky, err := harness.ModuleDir(kyvernoModule)
	harness.Must(err)
	env := &envtest.Environment{
		CRDs:                  crds,
		CRDDirectoryPaths:     []string{filepath.Join(xp, "cluster", "crds"), filepath.Join(ky, "config", "crds", "policies.kyverno.io")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	harness.Must(err)
	defer func() { harness.Must(env.Stop()) }()

	s := runtime.NewScheme()
	harness.Must(clientgoscheme.AddToScheme(s))
	harness.Must(extv1.AddToScheme(s))
	k8s, err = client.New(cfg, client.Options{Scheme: s})
	harness.Must(err)
	ks := runtime.NewScheme()
	harness.Must(kyvernov1.Install(ks))
	kyverno, err = client.New(cfg, client.Options{Scheme: ks})
	harness.Must(err)
	for _, ns := range []string{"kspec-system", "team-payments"} {
		harness.Must(k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	}
	return m.Run()
}

// apply creates every document of a YAML file with strict field validation,
// as kubectl does, and returns the API server's error for each.
func apply(t *testing.T, ctx context.Context, source string, data []byte) []error {
	t.Helper()
	docs := manifest.Parse(source, data)
	require.NotEmpty(t, docs, "no documents in %s", source)
	errs := make([]error, len(docs))
	for i, d := range docs {
		require.NoError(t, d.Err, "%s document %d", source, d.Index)
		u := d.Object.DeepCopy()
		errs[i] = k8s.Create(ctx, u, client.FieldValidation(metav1.FieldValidationStrict))
		// Namespaces stay: envtest runs no namespace controller, so a
		// deleted one stays terminating and refuses the documents after it.
		if errs[i] == nil && u.GetKind() != "Namespace" {
			require.NoError(t, k8s.Delete(ctx, u))
		}
	}
	return errs
}
