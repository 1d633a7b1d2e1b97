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

package rules

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/cel-go/interpreter"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func pod(images ...string) map[string]any {
	cs := make([]any, len(images))
	for i, im := range images {
		cs[i] = map[string]any{"name": "c", "image": im}
	}
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "p", "namespace": "team"},
		"spec":     map[string]any{"containers": cs},
	}
}

func verdict(t *testing.T, set *Set, obj map[string]any, id string) Status {
	t.Helper()
	for _, r := range set.Evaluate(obj, Input{Now: time.Now()}) {
		if r.Rule.ID == id {
			require.NotEqual(t, Error, r.Status, r.Message)
			return r.Status
		}
	}
	t.Fatalf("no result for %s", id)
	return ""
}

func TestRegistries(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Workloads: &kspecv1alpha1.WorkloadRequirements{Images: &kspecv1alpha1.ImageRules{
			AllowedRegistries: []string{"ghcr.io/acme", "*.azurecr.io", "registry.internal:5000/platform", "docker.io/library"},
			BlockedRegistries: []string{"docker.io/library/busybox"},
		}},
	}}})
	require.NoError(t, err)
	cases := map[string]Status{
		"ghcr.io/acme/app:1.0":                  Pass,
		"ghcr.io/acme:1.0":                      Pass,
		"ghcr.io/acme@sha256:" + sha:            Pass,
		"ghcr.io/acme-evil/app":                 Fail,
		"ghcr.io/acmex":                         Fail,
		"ghcr.io:443/acme/app":                  Fail, // a port the pattern does not name
		"x.azurecr.io/app":                      Pass,
		"a.b.azurecr.io/app":                    Pass,
		"azurecr.io/app":                        Fail, // the wildcard needs a subdomain
		"evilazurecr.io/app":                    Fail,
		"registry.internal:5000/platform/app":   Pass,
		"registry.internal/platform/app":        Fail,
		"registry.internal:5001/platform/app":   Fail,
		"registry.internal:5000/platform-x/app": Fail,
		"nginx":                                 Pass, // docker.io/library/nginx
		"nginx:1.27":                            Pass,
		"index.docker.io/library/nginx":         Pass,
		"acme/app":                              Fail, // docker.io/acme/app
		"localhost/app":                         Fail,
		"docker.io/library/nginx@sha256:" + sha: Pass,
	}
	for image, want := range cases {
		assert.Equal(t, want, verdict(t, set, pod(image), "workload.security/allowed-registries"), image)
	}
	assert.Equal(t, Fail, verdict(t, set, pod("busybox:1.36"), "workload.security/blocked-registries"))
	assert.Equal(t, Pass, verdict(t, set, pod("busybox-extra:1"), "workload.security/blocked-registries"))
	assert.Equal(t, Fail, verdict(t, set, pod("ghcr.io/acme/app", "busybox"), "workload.security/blocked-registries"), "any container")
}

const sha = "a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333"

func TestRegistryPatternErrors(t *testing.T) {
	for _, p := range []string{"", "ghcr.io/", "gh*r.io", "*.", "ghcr.io/a@b", "/acme"} {
		_, err := registryPattern(p)
		assert.Error(t, err, p)
	}
}

func TestVersion(t *testing.T) {
	r, err := versionRule(&kspecv1alpha1.KubernetesRequirements{MinVersion: "1.30", MaxVersion: "1.33", ExcludedVersions: []kspecv1alpha1.KubernetesVersion{"1.31.2", "1.32"}})
	require.NoError(t, err)
	for v, want := range map[string]Status{
		"v1.29.9":             Fail,
		"v1.30.0":             Pass,
		"v1.31.1":             Pass,
		"v1.31.2":             Fail,
		"v1.31.2-eks-4f4795d": Fail, // the suffix does not hide an excluded patch
		"v1.31.3+k3s1":        Pass,
		"v1.32.5":             Fail, // the whole minor is excluded
		"v1.33.9-gke.1200":    Pass, // a bound without a patch covers every patch
		"v1.34.0":             Fail,
		"not-a-version":       Error,
	} {
		fs := r.cluster(&Cluster{Version: v})
		require.Len(t, fs, 1)
		assert.Equal(t, want, fs[0].Status, v)
	}
}

func TestForbiddenRoleRules(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		RBAC: &kspecv1alpha1.RBACRequirements{ForbiddenRules: []kspecv1alpha1.RBACRule{
			{APIGroup: "*", Resource: "*", Verbs: []string{"*"}},
			{APIGroup: "", Resource: "secrets", Verbs: []string{"get", "list"}},
		}},
	}}})
	require.NoError(t, err)
	role := func(kind, name string, rules ...any) map[string]any {
		return map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": map[string]any{"name": name, "namespace": "team"}, "rules": rules}
	}
	rule := func(groups, resources, verbs []any) any {
		return map[string]any{"apiGroups": groups, "resources": resources, "verbs": verbs}
	}
	id := "rbac.validation/forbidden-rules"
	assert.Equal(t, Fail, verdict(t, set, role("Role", "r", rule([]any{"*"}, []any{"*"}, []any{"*"})), id))
	assert.Equal(t, Fail, verdict(t, set, role("Role", "r", rule([]any{"*"}, []any{"*"}, []any{"get"})), id), "wildcards grant get on secrets")
	assert.Equal(t, Fail, verdict(t, set, role("Role", "r", rule([]any{""}, []any{"secrets"}, []any{"list"})), id))
	assert.Equal(t, Pass, verdict(t, set, role("Role", "r", rule([]any{""}, []any{"secrets"}, []any{"watch"})), id))
	assert.Equal(t, Pass, verdict(t, set, role("Role", "r", rule([]any{"apps"}, []any{"*"}, []any{"*"})), id))
	assert.Equal(t, Pass, verdict(t, set, role("Role", "r"), id), "no rules")
	assert.Equal(t, Skip, verdict(t, set, role("ClusterRole", "system:x", rule([]any{"*"}, []any{"*"}, []any{"*"})), id))
}

func TestScopeAndExemptions(t *testing.T) {
	yes := true
	spec := kspecv1alpha1.ClusterSpecificationSpec{
		Requirements: kspecv1alpha1.Requirements{Workloads: &kspecv1alpha1.WorkloadRequirements{Containers: &kspecv1alpha1.ContainerRules{
			Required: []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldLimitsCPU, Exists: &yes}},
		}}},
		NamespaceScope: &kspecv1alpha1.NamespaceScope{Exclude: []string{"sandbox"}, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}},
		Exemptions: []kspecv1alpha1.Exemption{{
			Name: "legacy", Reason: "r", ApprovedBy: "a", ExpiresAt: metav1.NewTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)),
			Resources: []kspecv1alpha1.ResourceSelector{{Kind: "Pod", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "legacy"}}}},
		}},
	}
	set, err := Compile(Spec{Name: "s", Spec: spec})
	require.NoError(t, err)
	labels := map[string]map[string]string{"team": {"env": "prod"}, "dev": {"env": "dev"}}
	eval := func(ns string, podLabels map[string]any, now time.Time) Result {
		p := pod("ghcr.io/acme/app")
		p["metadata"] = map[string]any{"name": "p", "namespace": ns, "labels": podLabels}
		rs := set.Evaluate(p, Input{Now: now, NamespaceLabels: func(n string) map[string]string { return labels[n] }})
		require.Len(t, rs, 1)
		return rs[0]
	}
	before := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	after := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, Fail, eval("team", nil, before).Status)
	assert.Equal(t, Skip, eval("dev", nil, before).Status, "not selected")
	assert.Equal(t, Skip, eval("sandbox", nil, before).Status, "excluded")
	assert.Equal(t, Skip, eval("kube-system", nil, before).Status, "system")
	r := eval("team", map[string]any{"app": "legacy"}, before)
	assert.Equal(t, Skip, r.Status)
	assert.Equal(t, "legacy", r.Exemption)
	assert.Equal(t, Fail, eval("team", map[string]any{"app": "legacy"}, after).Status, "expired")
	p := pod("x")
	delete(p["metadata"].(map[string]any), "namespace")
	rs := set.Evaluate(p, Input{Now: before})
	assert.Equal(t, "default", rs[0].Object.Namespace)
	_, has := p["metadata"].(map[string]any)["namespace"]
	assert.False(t, has, "Evaluate must not modify its input")
}

func TestClusterRules(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Network: &kspecv1alpha1.NetworkRequirements{DefaultDeny: true, RequiredPolicies: []kspecv1alpha1.RequiredNetworkPolicy{{Name: "allow-dns"}}},
		RBAC:    &kspecv1alpha1.RBACRequirements{MinimumRules: []kspecv1alpha1.RBACRule{{APIGroup: "", Resource: "pods", Verbs: []string{"get", "list"}}}},
		Admission: &kspecv1alpha1.AdmissionRequirements{
			Required: []kspecv1alpha1.RequiredWebhook{{Type: "ValidatingWebhookConfiguration", NamePattern: "kyverno-.*", MinCount: 2}},
			Policies: &kspecv1alpha1.RequiredPolicies{MinCount: 1, RequiredPolicies: []kspecv1alpha1.NamedPolicy{{Name: "p1"}}},
		},
		Observability: &kspecv1alpha1.ObservabilityRequirements{
			Metrics: &kspecv1alpha1.MetricsRequirements{Required: true, Providers: []string{"prometheus", "metrics-server"}},
			Logging: &kspecv1alpha1.LoggingRequirements{AuditLog: &kspecv1alpha1.AuditLogRequirements{Required: true, MinRetentionDays: 30}},
		},
	}}})
	require.NoError(t, err)
	np := func(ns string, sel map[string]string, types []networkingv1.PolicyType, ingress ...networkingv1.NetworkPolicyIngressRule) networkingv1.NetworkPolicy {
		return networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "deny", Namespace: ns},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: sel}, PolicyTypes: types, Ingress: ingress}}
	}
	c := &Cluster{
		Namespaces: []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "a"}}, {ObjectMeta: metav1.ObjectMeta{Name: "b"}}, {ObjectMeta: metav1.ObjectMeta{Name: "c"}}, {ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}}},
		NetworkPolicies: []networkingv1.NetworkPolicy{
			np("a", nil, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}),
			np("b", nil, nil, networkingv1.NetworkPolicyIngressRule{}), // allows all: not default-deny
			np("c", map[string]string{"app": "x"}, nil),                // selects some pods only
		},
		ClusterRoles:       []rbacv1.ClusterRole{{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}, {APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"list", "get"}}}}},
		ValidatingWebhooks: []string{"kyverno-resource-validating-webhook-cfg", "other"},
		Policies:           []ObjectRef{{Kind: "ValidatingPolicy", Name: "p1"}},
		Workloads:          []Workload{{Kind: "StatefulSet", Namespace: "monitoring", Name: "prom", Labels: map[string]string{"app.kubernetes.io/name": "prometheus"}}},
		ControlPlanePods: []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "kube-apiserver-cp", Namespace: "kube-system"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Command: []string{"kube-apiserver", "--audit-policy-file=/etc/audit.yaml", "--audit-log-path=/var/log/audit.log", "--audit-log-maxage=7"},
		}}}}},
	}
	got := map[string]Status{}
	for _, r := range set.EvaluateCluster(c) {
		key := r.Rule.ID
		if r.Object.Name != "" {
			key += " " + r.Object.Name
		}
		got[key] = r.Status
	}
	assert.Equal(t, map[string]Status{
		"network.policies/default-deny a":                      Pass,
		"network.policies/default-deny b":                      Fail,
		"network.policies/default-deny c":                      Fail,
		"network.policies/required-policies allow-dns":         Fail,
		"rbac.validation/minimum-rules":                        Pass,
		"admission.controllers/webhooks kyverno-.*":            Fail,
		"admission.controllers/policies":                       Pass,
		"admission.controllers/policies p1":                    Pass,
		"observability.validation/metrics prometheus":          Pass,
		"observability.validation/metrics metrics-server":      Fail,
		"observability.validation/audit-log kube-apiserver-cp": Fail,
	}, got)
}

// TestBatchesAgreeWithRules checks, on every pod of the agreement corpus,
// that evaluating a list's rules in one batch gives each rule's own verdict.
func TestBatchesAgreeWithRules(t *testing.T) {
	files, err := filepath.Glob("../../test/kyverno/corpus/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	n := 0
	for _, spec := range []string{"strict", "moderate", "comprehensive"} {
		y, err := os.ReadFile("../../examples/specs/" + spec + ".yaml")
		require.NoError(t, err)
		var cs kspecv1alpha1.ClusterSpecification
		require.NoError(t, yaml.Unmarshal(y, &cs))
		set, err := Compile(Spec{Name: cs.Name, Spec: cs.Spec})
		require.NoError(t, err)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			var obj map[string]any
			require.NoError(t, yaml.Unmarshal(b, &obj))
			apiVersion, _ := obj["apiVersion"].(string)
			kind, _ := obj["kind"].(string)
			if !podKind(apiVersion, kind) {
				continue
			}
			vars := map[string]any{}
			act, err := interpreter.NewActivation(map[string]any{"object": obj, "variables": vars})
			require.NoError(t, err)
			for i, v := range set.Variables {
				vars[v.Name], _, err = set.variables[i].Eval(act)
				require.NoError(t, err)
			}
			for _, b := range set.batches {
				verdicts := b.evaluate(act)
				require.NotNil(t, verdicts, "%s: the %s batch could not decide", f, b.list)
				for k, r := range b.rules {
					own, err := evalBool(r.program, act)
					require.NoError(t, err)
					assert.Equal(t, own, verdicts[k], "%s %s %s", spec, f, r.ID)
					n++
				}
			}
		}
	}
	t.Logf("%d batched verdicts equal the rules' own", n)
}
