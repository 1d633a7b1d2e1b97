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

package functions

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	"github.com/kspec-io/kspec/functions/step"
)

func teamClaim(t testing.TB, edit func(*unstructured.Unstructured)) *unstructured.Unstructured {
	t.Helper()
	c := example(t, "specs/team-claim.yaml")
	if edit != nil {
		edit(c)
	}
	return claimXR(t, c)
}

func TestClaimPolicies(t *testing.T) {
	f := newTestFunction()
	xr := teamClaim(t, nil)
	rsp := run(t, f, fixture{step: "policies", xr: xr, required: kyvernoCRDs(crdNVP, crdPE)}.build(t))
	require.Empty(t, fatal(rsp))
	require.NotEmpty(t, rsp.GetDesired().GetResources())
	for n, r := range rsp.GetDesired().GetResources() {
		u := &unstructured.Unstructured{Object: r.GetResource().AsMap()}
		assert.Equal(t, "team-payments", u.GetNamespace(), n)
		assert.Contains(t, []string{"NamespacedValidatingPolicy", "PolicyException"}, u.GetKind(), n)
		if u.GetKind() == "PolicyException" {
			refs, _, _ := unstructured.NestedSlice(u.Object, "spec", "policyRefs")
			for _, r := range refs {
				assert.Equal(t, "NamespacedValidatingPolicy", r.(map[string]any)["kind"])
			}
			assert.Equal(t, "payments-lead@example.com", u.GetAnnotations()["kspec.io/approved-by"], "an exemption is traceable")
			assert.Equal(t, "migration-job", u.GetAnnotations()["kspec.io/exemption"])
			assert.NotEmpty(t, u.GetAnnotations()["kspec.io/reason"])
			assert.Equal(t, "2026-12-31T00:00:00Z", u.GetAnnotations()["kspec.io/expires-at"])
		}
	}
}

func TestClaimEscapes(t *testing.T) {
	f := newTestFunction()
	cases := map[string]struct {
		reason string
		edit   func(*unstructured.Unstructured)
		want   string
	}{
		"AdmissionPolicyEngine": {
			reason: "ValidatingAdmissionPolicies are cluster-scoped.",
			edit: func(u *unstructured.Unstructured) {
				_ = unstructured.SetNestedStringSlice(u.Object, []string{"AdmissionPolicy"}, "spec", "enforcement", "engines")
			},
			want: "engine AdmissionPolicy renders ValidatingAdmissionPolicies, which are cluster-scoped",
		},
		"TargetInAnotherNamespace": {
			reason: "A claim may only use ClusterTargets in its own namespace.",
			edit: func(u *unstructured.Unstructured) {
				_ = unstructured.SetNestedField(u.Object, map[string]any{"refs": []any{map[string]any{"name": "prod", "namespace": "kspec-system"}}}, "spec", "targets")
			},
			want: "a claim may only use ClusterTargets in its own namespace team-payments, but spec.targets.refs[0] names ClusterTarget kspec-system/prod",
		},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			rsp := run(t, f, fixture{step: "policies", xr: teamClaim(t, tc.edit), required: kyvernoCRDs(crdNVP, crdPE)}.build(t))
			assert.Contains(t, fatal(rsp), tc.want, tc.reason)
			assert.Empty(t, rsp.GetDesired().GetResources(), "nothing is rendered")
		})
	}
}

func TestClaimTargetsInItsNamespace(t *testing.T) {
	f := newTestFunction()
	xr := teamClaim(t, func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"team": "payments"}}}, "spec", "targets")
	})
	rsp := run(t, f, fixture{step: "policies", xr: xr}.build(t))
	require.Empty(t, fatal(rsp))
	sel := rsp.GetRequirements().GetResources()[reqTargets]
	require.NotNil(t, sel)
	assert.Equal(t, "team-payments", sel.GetNamespace(), "a claim's ClusterTargets are looked up in its namespace only")

	// A ClusterTarget elsewhere that Crossplane returned anyway is ignored.
	other := clusterTarget("shared", true, true, map[string]any{"team": "payments"})
	rsp = run(t, f, fixture{step: "policies", xr: xr, required: fleet(other)}.build(t))
	require.Empty(t, fatal(rsp))
	assert.Empty(t, rsp.GetDesired().GetResources())
	assert.Contains(t, condition(rsp, ConditionTargetsReady).GetMessage(), "no ClusterTarget matches")
}

// stepFunc is a Step from a function, for tests of the dispatcher.
type stepFunc func(req *step.Request, t step.Target) (*step.Output, error)

func (f stepFunc) Render(_ context.Context, req *step.Request, t step.Target) (*step.Output, error) {
	return f(req, t)
}

func objects(objs ...step.Object) stepFunc {
	return func(*step.Request, step.Target) (*step.Output, error) { return &step.Output{Objects: objs}, nil }
}

func TestClaimConfinement(t *testing.T) {
	ns := "team-payments"
	cm := func(namespace string) *corev1.ConfigMap {
		return &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Name: "bundle", Namespace: namespace}}
	}
	u := func(apiVersion, kind, namespace, name string, spec map[string]any) *unstructured.Unstructured {
		o := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
		o.SetAPIVersion(apiVersion)
		o.SetKind(kind)
		o.SetNamespace(namespace)
		o.SetName(name)
		return o
	}
	cases := map[string]struct {
		reason string
		objs   []step.Object
		want   string
	}{
		"OwnNamespace": {
			reason: "A namespaced object in the claim's namespace is composed.",
			objs:   []step.Object{{Name: "bundle", Resource: cm(ns)}},
		},
		"OtherNamespace": {
			reason: "A namespaced object elsewhere is refused.",
			objs:   []step.Object{{Name: "bundle", Resource: cm(ns)}, {Name: "bundle2", Resource: cm("kube-system")}},
			want:   `ConfigMap "bundle" for the control-plane cluster is in namespace "kube-system", not the claim's "team-payments"`,
		},
		"ClusterScoped": {
			reason: "A cluster-scoped kind is refused even with a namespace set, which the API server would ignore.",
			objs:   []step.Object{{Name: "vp", Resource: u("policies.kyverno.io/v1", "ValidatingPolicy", ns, "vp", nil)}},
			want:   `ValidatingPolicy.policies.kyverno.io "vp" for the control-plane cluster is not a namespaced kind a claim may compose`,
		},
		"UnknownKind": {
			reason: "A kind kspec does not know is refused: it may be cluster-scoped.",
			objs:   []step.Object{{Name: "x", Resource: u("example.com/v1", "Widget", ns, "x", nil)}},
			want:   "is not a namespaced kind a claim may compose",
		},
		"ExceptionForPlatformPolicy": {
			reason: "A claim cannot exempt itself from the platform's policies.",
			objs: []step.Object{{Name: "pe", Resource: u("policies.kyverno.io/v1", "PolicyException", ns, "pe",
				map[string]any{"policyRefs": []any{map[string]any{"name": "kspec-strict-privileged", "kind": "ValidatingPolicy"}}})}},
			want: "spec.policyRefs[0] is a ValidatingPolicy, and a claim may only exempt from its own NamespacedValidatingPolicies",
		},
		"BindingToClusterRole": {
			reason: "A claim cannot bind a ClusterRole.",
			objs: []step.Object{{Name: "rb", Resource: &rbacv1.RoleBinding{
				TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
				ObjectMeta: metav1.ObjectMeta{Name: "rb", Namespace: ns},
				RoleRef:    rbacv1.RoleRef{Kind: "ClusterRole", Name: "cluster-admin"},
				Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "x", Namespace: "kube-system"}},
			}}},
			want: "binds a ClusterRole",
		},
		"NoNamespace": {
			reason: "A namespaced kind without a namespace would land wherever the client defaults it.",
			objs:   []step.Object{{Name: "bundle", Resource: cm("")}},
			want:   `is in namespace "", not the claim's`,
		},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			f := newTestFunction(WithSteps(map[fnv1beta1.Step]step.Step{fnv1beta1.StepWebhook: objects(tc.objs...)}))
			prior := map[string]*unstructured.Unstructured{"policies/earlier": u("v1", "ConfigMap", ns, "earlier", nil)}
			rsp := run(t, f, fixture{step: "webhook", xr: teamClaim(t, nil), desired: prior}.build(t))
			if tc.want == "" {
				require.Empty(t, fatal(rsp), tc.reason)
				assert.Len(t, rsp.GetDesired().GetResources(), len(tc.objs)+1, tc.reason)
				return
			}
			msg := fatal(rsp)
			assert.Contains(t, msg, "claim team-payments/payments-hardening: step webhook would compose beyond the claim's namespace, so nothing is rendered", tc.reason)
			assert.Contains(t, msg, tc.want, tc.reason)
			assert.Len(t, rsp.GetDesired().GetResources(), 1, "only what earlier steps desired")
		})
	}
}

func TestRemoteObserveOnlyForClaims(t *testing.T) {
	secret := &unstructured.Unstructured{}
	secret.SetAPIVersion("v1")
	secret.SetKind("Secret")
	secret.SetNamespace("kube-system")
	secret.SetName("admin-token")
	f := newTestFunction(WithSteps(map[fnv1beta1.Step]step.Step{fnv1beta1.StepPolicies: objects(step.Object{Name: "peek", Resource: secret, ObserveOnly: true})}))
	xr := teamClaim(t, func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, map[string]any{"refs": []any{map[string]any{"name": "a", "namespace": "team-payments"}}}, "spec", "targets")
	})
	ct := clusterTarget("a", true, true, nil)
	ct.SetNamespace("team-payments")
	pc := kspecProviderConfig("a", kubeconfig("a"))
	pc.SetNamespace("team-payments")
	req := map[string][]*unstructured.Unstructured{reqTargets: {ct}, reqConfigs: {pc}, reqClusterConfigs: nil}
	rsp := run(t, f, fixture{step: "policies", xr: xr, required: req}.build(t))
	assert.Contains(t, fatal(rsp), `Secret "admin-token" for ClusterTarget team-payments/a would be observed, and a claim may only observe CustomResourceDefinitions`)
}

func TestStepMisbehaves(t *testing.T) {
	xr := spec(t, "s", kyvernoSpec)
	cm := &unstructured.Unstructured{}
	cm.SetAPIVersion("v1")
	cm.SetKind("ConfigMap")
	cm.SetName("x")
	cases := map[string]struct {
		step stepFunc
		want string
	}{
		"Panics": {
			step: func(*step.Request, step.Target) (*step.Output, error) { panic("boom") },
			want: "function-kspec failed unexpectedly (boom)",
		},
		"Errors": {
			step: func(*step.Request, step.Target) (*step.Output, error) { return nil, assert.AnError },
			want: "step webhook cannot render for the control-plane cluster: " + assert.AnError.Error(),
		},
		"DuplicateNames": {
			step: objects(step.Object{Name: "x", Resource: cm}, step.Object{Name: "x", Resource: cm}),
			want: `composes two objects named "webhook/x"`,
		},
		"NoKind": {
			step: objects(step.Object{Name: "x", Resource: &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "x"}}}}),
			want: "apiVersion, kind and metadata.name are required",
		},
		"ObserveLocally": {
			step: objects(step.Object{Name: "x", Resource: cm, ObserveOnly: true}),
			want: "asked to observe",
		},
		"NilResource": {
			step: objects(step.Object{Name: "x"}),
			want: "no resource",
		},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			f := newTestFunction(WithSteps(map[fnv1beta1.Step]step.Step{fnv1beta1.StepWebhook: tc.step}))
			rsp := run(t, f, fixture{step: "webhook", xr: xr}.build(t))
			assert.Contains(t, fatal(rsp), tc.want)
			assert.Empty(t, rsp.GetDesired().GetResources())
		})
	}
}

func TestBadRequests(t *testing.T) {
	good := spec(t, "s", kyvernoSpec)
	badSpec := good.DeepCopy()
	_ = unstructured.SetNestedField(badSpec.Object, "not-a-list", "spec", "exemptions")
	noName := good.DeepCopy()
	noName.SetName("")
	wrongKind := good.DeepCopy()
	wrongKind.SetKind("Widget")
	claimNoNS := claimXR(t, example(t, "specs/team-claim.yaml"))
	_ = unstructured.SetNestedField(claimNoNS.Object, "", "spec", "claimRef", "namespace")

	cases := map[string]struct {
		step string
		xr   *unstructured.Unstructured
		want string
	}{
		"UnknownStep":       {step: "deploy", xr: good, want: `unknown input step "deploy": want one of policies`},
		"StepNotBuiltIn":    {step: "compliance", xr: good, want: `input step "compliance" is not built into this function-kspec`},
		"InvalidSpec":       {step: "policies", xr: badSpec, want: "spec.exemptions: Invalid value"},
		"NoName":            {step: "policies", xr: noName, want: "metadata.name: Required value"},
		"WrongKind":         {step: "policies", xr: wrongKind, want: `kind: Unsupported value: "Widget"`},
		"ClaimWithoutSpace": {step: "policies", xr: claimNoNS, want: "spec.claimRef.namespace: Required value"},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			steps := Steps()
			delete(steps, fnv1beta1.StepCompliance)
			f := newTestFunction(WithSteps(steps))
			rsp := run(t, f, fixture{step: tc.step, xr: tc.xr}.build(t))
			assert.Contains(t, fatal(rsp), tc.want)
			assert.Empty(t, rsp.GetDesired().GetResources())
		})
	}
}

func TestKeepsEarlierSteps(t *testing.T) {
	f := newTestFunction()
	xr := spec(t, "s", kyvernoSpec)
	earlier := &unstructured.Unstructured{}
	earlier.SetAPIVersion("v1")
	earlier.SetKind("ConfigMap")
	earlier.SetName("earlier")
	rsp := run(t, f, fixture{step: "policies", xr: xr, required: kyvernoCRDs(crdVP, crdPE),
		desired: map[string]*unstructured.Unstructured{"webhook/earlier": earlier}}.build(t))
	require.Empty(t, fatal(rsp))
	got, _, ok := desired(t, rsp, "webhook/earlier")
	require.True(t, ok)
	assert.Equal(t, "earlier", got.GetName())
	assert.Greater(t, len(rsp.GetDesired().GetResources()), 1)
}

func TestDeterministic(t *testing.T) {
	f := newTestFunction()
	xr := spec(t, "fleet", remoteSpec)
	required := fleet(clusterTarget("a", true, true, nil), clusterTarget("b", true, true, nil), clusterTarget("c", true, true, map[string]any{"env": "prod"}))
	observed := map[string]*unstructured.Unstructured{}
	for _, k := range []string{"a", "b", "c"} {
		observed["policies/crd-"+crdVP+"@kspec-system."+k] = probeObserved(true, crdVP)
		observed["policies/crd-"+crdPE+"@kspec-system."+k] = probeObserved(true, crdPE)
	}
	req := fixture{step: "policies", xr: xr, required: required, observed: observed}.build(t)
	first := run(t, f, req)
	require.Empty(t, fatal(first))
	for range 5 {
		again := run(t, f, req)
		require.True(t, protoEqual(first, again), "the same request renders the same response")
	}
	// Every remote object has a distinct, valid name.
	names := map[string]bool{}
	for n, r := range first.GetDesired().GetResources() {
		u := &unstructured.Unstructured{Object: r.GetResource().AsMap()}
		if u.GetKind() != "Object" {
			continue
		}
		key := u.GetNamespace() + "/" + u.GetName()
		assert.False(t, names[key], "duplicate Object name %s (%s)", key, n)
		names[key] = true
		assert.LessOrEqual(t, len(u.GetName()), 63)
		assert.Equal(t, strings.ToLower(u.GetName()), u.GetName())
	}
	assert.Equal(t, "ClusterTarget kspec-system/gone is not found", condition(first, ConditionTargetsReady).GetMessage())
}

func TestClaimCredentials(t *testing.T) {
	f := newTestFunction()
	xr := teamClaim(t, func(u *unstructured.Unstructured) {
		_ = unstructured.SetNestedField(u.Object, map[string]any{"refs": []any{map[string]any{"name": "a", "namespace": "team-payments"}}}, "spec", "targets")
	})
	ct := func(kind string) *unstructured.Unstructured {
		c := clusterTarget("a", true, true, nil)
		c.SetNamespace("team-payments")
		_ = unstructured.SetNestedField(c.Object, kind, "spec", "providerConfigRef", "kind")
		return c
	}
	pc := func(creds map[string]any) *unstructured.Unstructured {
		p := kspecProviderConfig("a", creds)
		p.SetNamespace("team-payments")
		return p
	}
	cases := map[string]struct {
		ct      *unstructured.Unstructured
		configs []*unstructured.Unstructured
		cluster []*unstructured.Unstructured
		want    string
	}{
		"OwnSecret": {
			ct:      ct("ProviderConfig"),
			configs: []*unstructured.Unstructured{pc(map[string]any{"source": "Secret", "secretRef": map[string]any{"namespace": "team-payments", "name": "kc", "key": "kubeconfig"}})},
		},
		"PlatformSecret": {
			ct:      ct("ProviderConfig"),
			configs: []*unstructured.Unstructured{pc(map[string]any{"source": "Secret", "secretRef": map[string]any{"namespace": "kspec-system", "name": "kc", "key": "kubeconfig"}})},
			want:    "reads a secret in namespace kspec-system, and a claim may only use credentials of its own namespace",
		},
		"ProviderIdentity": {
			ct:      ct("ProviderConfig"),
			configs: []*unstructured.Unstructured{pc(map[string]any{"source": "InjectedIdentity"})},
			want:    "uses the provider's own identity",
		},
		"ClusterProviderConfig": {
			ct:      ct("ClusterProviderConfig"),
			cluster: []*unstructured.Unstructured{kspecProviderConfig("a", map[string]any{"source": "InjectedIdentity"})},
			want:    "uses ClusterProviderConfig a, and a claim may only use credentials of its own namespace",
		},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			req := map[string][]*unstructured.Unstructured{reqTargets: {tc.ct}, reqConfigs: tc.configs, reqClusterConfigs: tc.cluster}
			rsp := run(t, f, fixture{step: "policies", xr: xr, required: req}.build(t))
			require.Empty(t, fatal(rsp))
			_, _, composed := desired(t, rsp, "kspec/provider-config@team-payments.a")
			if tc.want == "" {
				assert.True(t, composed, resourceNames(rsp))
				return
			}
			assert.False(t, composed)
			assert.Empty(t, rsp.GetDesired().GetResources())
			assert.Contains(t, condition(rsp, ConditionTargetsReady).GetMessage(), tc.want)
		})
	}
}
