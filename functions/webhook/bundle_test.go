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

package webhook

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
	kwebhook "github.com/kspec-io/kspec/webhook"
)

func TestBundleContract(t *testing.T) {
	// The function's constants are the webhook's.
	assert.Equal(t, kwebhook.BundleLabel, LabelBundle)
	assert.Equal(t, kwebhook.BundleKey, BundleKey)
}

func TestBundle(t *testing.T) {
	cases := map[string]struct {
		reason    string
		spec      rules.Spec
		namespace string
		labels    map[string]string
	}{
		"ClusterWide": {
			reason:    "A cluster-wide spec's bundle lives in the webhook's namespace.",
			spec:      example(t, "comprehensive.yaml"),
			namespace: "kspec-system",
			labels:    map[string]string{"kspec.io/bundle": "true", "kspec.io/spec": "comprehensive", "app.kubernetes.io/managed-by": "kspec"},
		},
		"Claim": {
			reason:    "A claim's bundle lives in the claim's namespace.",
			spec:      withEngines(example(t, "team-claim.yaml"), kspecv1alpha1.EngineKyverno, kspecv1alpha1.EngineWebhook),
			namespace: "team-payments",
			labels:    map[string]string{"kspec.io/bundle": "true", "kspec.io/spec": "payments-hardening", "kspec.io/spec-namespace": "team-payments", "app.kubernetes.io/managed-by": "kspec"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			set := compile(t, tc.spec)
			cm, err := Bundle(tc.spec, set, "kspec-system")
			require.NoError(t, err)
			require.NotNil(t, cm)
			assert.Equal(t, tc.namespace, cm.Namespace, tc.reason)
			assert.Equal(t, BundleName(tc.spec.Name), cm.Name)
			assert.Equal(t, tc.labels, cm.Labels)
			require.Equal(t, []string{BundleKey}, keys(cm.Data))

			// kspec validate reads it back to the spec rendered, and the
			// webhook compiles it, confined as it would confine it, to
			// the same rules.
			data := []byte(cm.Data[BundleKey])
			back, err := validate.ReadSpecification(ctx, "bundle", data)
			require.NoError(t, err)
			assert.Equal(t, tc.spec.Name, back.Name)
			assert.Equal(t, tc.spec.Namespace, back.Namespace)
			want := tc.spec.Spec.DeepCopy()
			want.Targets = nil
			wantJSON, err := json.Marshal(want)
			require.NoError(t, err)
			gotJSON, err := json.Marshal(back.Spec)
			require.NoError(t, err)
			assert.JSONEq(t, string(wantJSON), string(gotJSON), "spec.yaml reads back to the spec")
			confine := ""
			if cm.Namespace != "kspec-system" {
				confine = cm.Namespace
			}
			got, err := kwebhook.CompileBundle(ctx, "bundle", data, confine)
			require.NoError(t, err)
			assert.Equal(t, set.String(), got.String())
			assert.Equal(t, ruleIDs(set), ruleIDs(got))
			assert.Equal(t, set.Mode, got.Mode)
			assert.Len(t, got.Exemptions, len(set.Exemptions))
		})
	}
}

func TestBundleStripsResolution(t *testing.T) {
	// What resolution already applied, and the fleet's targets, are not in
	// the bundle.
	spec := example(t, "comprehensive.yaml")
	spec.Spec.PolicyTemplate = &kspecv1alpha1.PolicyTemplate{Name: "security-baseline"}
	spec.Spec.BasedOn = &kspecv1alpha1.BasedOn{Specifications: []string{"base"}}
	require.NotNil(t, spec.Spec.Targets)
	data, err := BundleData(spec)
	require.NoError(t, err)
	back, err := validate.ReadSpecification(context.Background(), "bundle", data)
	require.NoError(t, err)
	assert.Nil(t, back.Spec.PolicyTemplate)
	assert.Nil(t, back.Spec.BasedOn)
	assert.Nil(t, back.Spec.Targets)
	assert.NotNil(t, spec.Spec.PolicyTemplate, "the input is not modified")
	set, err := rules.Compile(back)
	require.NoError(t, err)
	assert.Empty(t, set.Warnings, "nothing unresolved is left for the webhook to warn about")
}

func TestBundleDeterministic(t *testing.T) {
	spec := example(t, "comprehensive.yaml")
	first, err := BundleData(spec)
	require.NoError(t, err)
	for range 5 {
		again, err := BundleData(spec)
		require.NoError(t, err)
		require.Equal(t, string(first), string(again))
	}
}

func TestBundleHostileName(t *testing.T) {
	spec := example(t, "comprehensive.yaml")
	// The longest name the XRD admits, dotted: a valid XR name, not a
	// valid label.
	spec.Name = "a.b-" + strings.Repeat("c", 59)
	cm, err := Bundle(spec, compile(t, spec), "kspec-system")
	require.NoError(t, err)
	assert.Empty(t, validation.IsDNS1035Label(cm.Name))
	for k, v := range cm.Labels {
		assert.Empty(t, validation.IsValidLabelValue(v), "label %s", k)
	}
	back, err := validate.ReadSpecification(context.Background(), "bundle", []byte(cm.Data[BundleKey]))
	require.NoError(t, err)
	assert.Equal(t, spec.Name, back.Name, "the bundle holds the full name")
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func ruleIDs(s *rules.Set) []string {
	out := make([]string, len(s.Rules))
	for i, r := range s.Rules {
		out[i] = r.ID
	}
	return out
}
