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
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/rules"
)

var (
	local  = step.Target{Local: true, Ready: true, AllowEnforcement: true}
	remote = step.Target{Name: "prod-us-east-1", Namespace: "fleet", Ready: true, AllowEnforcement: true, ProviderConfig: "east"}
)

func request(t *testing.T, spec rules.Spec, targets ...step.Target) *step.Request {
	t.Helper()
	xr := step.XR{Name: spec.Name}
	if spec.Claim() {
		xr = step.XR{Name: spec.Name + "-x7k2p", ClaimName: spec.Name, ClaimNamespace: spec.Namespace}
	}
	return &step.Request{
		XR: xr, Spec: spec, Set: compile(t, spec),
		Input:            fnv1beta1.Input{Step: fnv1beta1.StepWebhook, Namespace: step.DefaultNamespace},
		Targets:          targets,
		ObservedComposed: map[resource.Name]resource.ObservedComposed{},
	}
}

func unstructuredYAML(t *testing.T, y string) *unstructured.Unstructured {
	t.Helper()
	m := map[string]any{}
	require.NoError(t, yaml.Unmarshal([]byte(y), &m))
	return &unstructured.Unstructured{Object: m}
}

// observe records u as the observed state of the step's object name on
// target t: the object itself locally, a provider-kubernetes Object
// holding it remotely.
func observe(req *step.Request, t step.Target, name string, u *unstructured.Unstructured) {
	if !t.Local {
		u = &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "kubernetes.m.crossplane.io/v1alpha1", "kind": "Object",
			"status": map[string]any{"atProvider": map[string]any{"manifest": u.Object}},
		}}
	}
	req.ObservedComposed[step.ComposedName(req.Input.Step, t, name)] = resource.ObservedComposed{Resource: &composed.Unstructured{Unstructured: *u}}
}

func names(objs []step.Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.Name
	}
	return out
}

const availableDeployment = `{apiVersion: apps/v1, kind: Deployment, metadata: {name: kspec-webhook-comprehensive, namespace: kspec-system, generation: 1},
	spec: {replicas: 3}, status: {observedGeneration: 1, updatedReplicas: 3, availableReplicas: 3, conditions: [{type: Available, status: "True"}]}}`

func TestStepRender(t *testing.T) {
	stack := []string{"serviceaccount", "clusterrole", "clusterrolebinding", "deployment", "poddisruptionbudget", "service"}
	remoteStack := append([]string{"namespace"}, stack...)
	cases := map[string]struct {
		reason  string
		spec    rules.Spec
		target  step.Target
		observe map[string]string
		want    []string
		ttl     bool
	}{
		"FirstRender": {
			reason: "Until the Deployment is ready the webhook configuration is withheld, and the step asks to look again soon.",
			spec:   example(t, "comprehensive.yaml"), target: local,
			want: append(append([]string{}, stack...), "bundle"), ttl: true,
		},
		"DeploymentReady": {
			reason: "Once the Deployment is ready the webhook configuration is composed.",
			spec:   example(t, "comprehensive.yaml"), target: local,
			observe: map[string]string{"deployment": availableDeployment},
			want:    append(append([]string{}, stack...), "validatingwebhookconfiguration", "bundle"),
		},
		"AlreadyComposed": {
			reason: "A webhook configuration composed before stays, even while the Deployment is not ready.",
			spec:   example(t, "comprehensive.yaml"), target: local,
			observe: map[string]string{"validatingwebhookconfiguration": `{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingWebhookConfiguration, metadata: {name: x}}`},
			want:    append(append([]string{}, stack...), "validatingwebhookconfiguration", "bundle"),
		},
		"RemoteDeploymentReady": {
			reason: "On a remote target the Namespace is composed too, and the Deployment's readiness is read from the Object's manifest.",
			spec:   example(t, "comprehensive.yaml"), target: remote,
			observe: map[string]string{"deployment": availableDeployment},
			want:    append(append([]string{}, remoteStack...), "validatingwebhookconfiguration", "bundle"),
		},
		"NoEnforcement": {
			reason: "A target that does not allow enforcement gets nothing.",
			spec:   example(t, "comprehensive.yaml"), target: step.Target{Name: "audit-only", Namespace: "fleet", Ready: true},
			want: []string{},
		},
		"NoWebhookEngine": {
			reason: "Without the Webhook engine there is nothing to compose.",
			spec:   withEngines(example(t, "comprehensive.yaml"), kspecv1alpha1.EngineKyverno), target: local,
			want: []string{},
		},
		"Claim": {
			reason: "A claim composes its bundle only.",
			spec:   withEngines(example(t, "team-claim.yaml"), kspecv1alpha1.EngineWebhook), target: local,
			want: []string{"bundle"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req := request(t, tc.spec, tc.target)
			for n, y := range tc.observe {
				observe(req, tc.target, n, unstructuredYAML(t, y))
			}
			out, err := Step{}.Render(context.Background(), req, tc.target)
			require.NoError(t, err)
			assert.Equal(t, tc.want, names(out.Objects), tc.reason)
			assert.Empty(t, out.ControlPlane)
			assert.Equal(t, tc.ttl, out.TTL > 0, tc.reason)
			assert.Empty(t, out.Warnings)
			for _, o := range out.Objects {
				if _, ok := tc.observe[o.Name]; ok {
					assert.Equal(t, resource.ReadyTrue, o.Ready, "%s: observed %s", tc.reason, o.Name)
				} else {
					assert.Equal(t, resource.ReadyFalse, o.Ready, "%s: %s not observed", tc.reason, o.Name)
				}
			}
			if tc.spec.Claim() {
				assert.Equal(t, tc.spec.Namespace, out.Objects[0].Resource.GetNamespace(), "a claim's bundle stays in its namespace")
			}
		})
	}
}

func TestStepMalformedObserved(t *testing.T) {
	req := request(t, example(t, "comprehensive.yaml"), local)
	observe(req, local, "deployment", unstructuredYAML(t, `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: kspec-system}, status: {availableReplicas: three}}`))
	out, err := Step{}.Render(context.Background(), req, local)
	require.NoError(t, err)
	require.Len(t, out.Warnings, 1)
	assert.Contains(t, out.Warnings[0], "On the control-plane cluster, Deployment kspec-system/d: cannot read its observed state")
	assert.NotContains(t, names(out.Objects), "validatingwebhookconfiguration", "an unreadable Deployment is not ready")
}
