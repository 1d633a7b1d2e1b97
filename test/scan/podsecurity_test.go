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

package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/test/harness"
)

// warnings collects the warnings of the API server's answers.
type warnings struct {
	mu   sync.Mutex
	text []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.text = append(w.text, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.text
	w.text = nil
	return out
}

// TestPodSecurityAgreesWithAdmission: podsecurity.standards/workloads
// says of every Pod and controller of the corpus what the API server's own
// Pod Security admission says when it is created in a namespace enforcing
// baseline, then restricted: a Pod it rejects fails, with the same
// reasons; a controller whose template it warns about fails, with the
// same reasons; everything else passes.
func TestPodSecurityAgreesWithAdmission(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	// The spec requires no level: the namespace's label alone decides.
	set, err := rules.Compile(rules.Spec{Name: "psa", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		PodSecurity: &kspecv1alpha1.PodSecurityRequirements{Audit: kspecv1alpha1.PodSecurityPrivileged},
	}}})
	require.NoError(t, err)

	levels := map[string]string{"psa-baseline": "baseline", "psa-restricted": "restricted"}
	labels := map[string]map[string]string{}
	for ns, level := range levels {
		labels[ns] = map[string]string{"pod-security.kubernetes.io/enforce": level}
		require.NoError(t, k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: labels[ns]}}))
	}
	in := rules.Input{Now: time.Now(), NamespaceLabels: func(ns string) (map[string]string, bool) {
		l, ok := labels[ns]
		return l, ok
	}}
	warned := &warnings{}
	c := rest.CopyConfig(cfg)
	c.WarningHandler = warned
	dyn, err := dynamic.NewForConfig(c)
	require.NoError(t, err)

	files, err := filepath.Glob(filepath.Join(corpus, "*.yaml"))
	require.NoError(t, err)
	compared, failed := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, d := range manifest.Parse(f, data) {
			require.NoError(t, d.Err)
			k, ok := rules.LookupKind(d.Object.GetAPIVersion(), d.Object.GetKind())
			if !ok || !rules.IsPodKind(k) {
				continue
			}
			for ns := range levels {
				o := d.Object.DeepCopy()
				o.SetNamespace(ns)
				warned.take()
				_, err := dyn.Resource(schema.GroupVersionResource{Group: k.Group, Version: k.Version, Resource: k.Resource}).Namespace(ns).
					Create(ctx, o, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
				// What admission said: a Pod is rejected, a controller warned about.
				var said string
				switch {
				case err != nil && apierrors.IsForbidden(err) && strings.Contains(err.Error(), "violates PodSecurity"):
					said = err.Error()
				case err != nil:
					t.Logf("%s in %s: not admitted for another reason, not compared: %v", f, ns, err)
					continue
				default:
					for _, w := range warned.take() {
						if strings.Contains(w, "would violate PodSecurity") {
							said = w
						}
					}
				}
				var got *rules.Result
				for _, r := range set.Evaluate(o.Object, in) {
					if r.Rule.ID == rules.RuleWorkloadsPodSecurity {
						got = &r
					}
				}
				require.NotNil(t, got, "%s: no result", f)
				compared++
				if said == "" {
					assert.Equal(t, rules.Pass, got.Status, "%s in %s: admission has nothing against it: %s", f, ns, got.Message)
					continue
				}
				failed++
				if assert.Equal(t, rules.Fail, got.Status, "%s in %s: admission said %s", f, ns, said) {
					// The reasons, after the level, are the evaluator's own.
					_, reasons, _ := strings.Cut(said, "\": ")
					_, mine, _ := strings.Cut(got.Message, "enforces: ")
					assert.Equal(t, reasons, mine, "%s in %s", f, ns)
				}
			}
		}
	}
	require.Greater(t, compared, 60, "the corpus has enough pods and controllers")
	require.Positive(t, failed, "some objects violate a level")
	t.Logf("agrees with Pod Security admission on %d verdicts, %d of them violations", compared, failed)
}
