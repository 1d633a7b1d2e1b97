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

package certificates

import (
	"context"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/rules"
)

func request(t *testing.T, s rules.Spec) *step.Request {
	t.Helper()
	set, err := rules.Compile(s)
	require.NoError(t, err)
	return &step.Request{
		XR: step.XR{Name: s.Name}, Spec: s, Set: set,
		Input:            fnv1beta1.Input{Step: fnv1beta1.StepCertificates, Namespace: step.DefaultNamespace},
		ObservedComposed: map[resource.Name]resource.ObservedComposed{},
	}
}

func observe(req *step.Request, tg step.Target, name string, obj map[string]any) {
	req.ObservedComposed[step.ComposedName(req.Input.Step, tg, name)] = resource.ObservedComposed{Resource: &composed.Unstructured{Unstructured: unstructured.Unstructured{Object: obj}}}
}

func TestStepRender(t *testing.T) {
	local := step.Target{Local: true, Ready: true, AllowEnforcement: true}
	req := request(t, spec("prod", withWebhook, nil))
	observe(req, local, "certificate-serving", map[string]any{
		"apiVersion": APIVersion, "kind": KindCertificate, "metadata": map[string]any{"name": "x", "namespace": "kspec-system"},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}},
	})
	observe(req, local, "issuer-ca", map[string]any{
		"apiVersion": APIVersion, "kind": KindIssuer, "metadata": map[string]any{"name": "y", "namespace": "kspec-system"},
		"status": map[string]any{"conditions": "Ready"},
	})
	out, err := Step{}.Render(context.Background(), req, local)
	require.NoError(t, err)
	ready := map[string]resource.Ready{}
	for _, o := range out.Objects {
		ready[o.Name] = o.Ready
	}
	assert.Equal(t, map[string]resource.Ready{
		"issuer-selfsigned":   resource.ReadyFalse,
		"certificate-ca":      resource.ReadyFalse,
		"issuer-ca":           resource.ReadyFalse,
		"certificate-serving": resource.ReadyTrue,
	}, ready, "a Certificate is ready when cert-manager says so")
	require.Len(t, out.Warnings, 1, "malformed observed state is a warning")
	assert.Contains(t, out.Warnings[0], "Issuer kspec-system/y: cannot read its observed state: .status.conditions is string, not a list")

	// A target that does not allow enforcement gets no webhook, so no
	// certificates.
	out, err = Step{}.Render(context.Background(), req, step.Target{Name: "audit", Namespace: "fleet", Ready: true})
	require.NoError(t, err)
	assert.Empty(t, out.Objects)

	// A claim gets none either.
	claim := spec("team", withWebhook, nil)
	claim.Namespace = "team-a"
	out, err = Step{}.Render(context.Background(), request(t, claim), local)
	require.NoError(t, err)
	assert.Empty(t, out.Objects)

	// Without the Webhook engine, none.
	out, err = Step{}.Render(context.Background(), request(t, spec("prod", []kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno}, nil)), local)
	require.NoError(t, err)
	assert.Empty(t, out.Objects)
}
