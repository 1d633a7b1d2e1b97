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

package resolve

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/internal/rules"
)

// platform is a platform team's cluster-wide specification.
const platform = `
enforcement: {mode: enforce, engines: [Kyverno]}
policyTemplate:
  name: security-baseline
  parameters: {allowedRegistries: ghcr.io/acme, podSecurityLevel: restricted}
`

// loosening is a claim that tries every way to weaken the platform: a
// template of a lower Pod Security level and a privileged level of its
// own, a Pod Security exemption for another namespace, nothing against
// privileged containers or root users, broader registries, and
// exemptions of every rule in its own namespace, in others and for every
// Pod.
const loosening = `
enforcement: {mode: enforce}
policyTemplate:
  name: pss-baseline
  parameters: {workloadRules: "false"}
podSecurity: {enforce: privileged, exemptions: [{namespace: team-b, level: privileged, reason: r}]}
workloads:
  containers:
    required: [{key: securityContext.readOnlyRootFilesystem, value: true}]
  images: {allowedRegistries: [docker.io, quay.io, ghcr.io]}
exemptions:
  - {name: everything, reason: r, approvedBy: a, expiresAt: "2030-01-01T00:00:00Z", namespaces: [team-a, team-b, kube-system]}
  - {name: every-pod, reason: r, approvedBy: a, expiresAt: "2030-01-01T00:00:00Z", resources: [{kind: Pod}]}
`

func compileYAML(t *testing.T, name, namespace, spec string) *rules.Set {
	t.Helper()
	s := rules.Spec{Name: name, Namespace: namespace}
	require.NoError(t, yaml.UnmarshalStrict([]byte(spec), &s.Spec))
	resolved, err := Resolve(context.Background(), s, Specs())
	require.NoError(t, err)
	set, err := rules.Compile(resolved)
	require.NoError(t, err)
	return set
}

func pod(ns, image string, privileged, root bool) map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "p", "namespace": ns},
		"spec": map[string]any{"containers": []any{map[string]any{
			"name": "c", "image": image,
			"securityContext": map[string]any{"privileged": privileged, "runAsNonRoot": !root, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": false},
		}}},
	}
}

// TestClaimCannotLoosen: whatever a claim says, the platform's denials
// stand beside it, in its namespace and in every other; the claim's own
// rules add denials in its namespace only.
func TestClaimCannotLoosen(t *testing.T) {
	ctx := context.Background()
	p := compileYAML(t, "platform", "", platform)
	c := compileYAML(t, "loosen", "team-a", loosening)
	require.Equal(t, "team-a/loosen", c.String())
	env := rules.Environment{Clock: clocktesting.NewFakePassiveClock(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))}
	admit := func(obj map[string]any) (platform, claim, merged rules.Decision) {
		ns, _ := obj["metadata"].(map[string]any)["namespace"].(string)
		if obj["kind"] == "Namespace" {
			ns = ""
		}
		req := rules.Request{Operation: admissionv1.Create, Namespace: ns, Object: obj}
		dp, err := p.Admit(ctx, req, env)
		require.NoError(t, err)
		dc, err := c.Admit(ctx, req, env)
		require.NoError(t, err)
		return dp, dc, rules.Merge(dp, dc)
	}
	namespace := func(name, level string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{
			"name": name, "labels": map[string]any{"pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/warn": level},
		}}
	}

	for name, obj := range map[string]map[string]any{
		"PrivilegedInItsNamespace":     pod("team-a", "ghcr.io/acme/app:1", true, false),
		"RootInItsNamespace":           pod("team-a", "ghcr.io/acme/app:1", false, true),
		"BroaderRegistry":              pod("team-a", "docker.io/library/nginx:1", false, false),
		"ExemptedElsewhere":            pod("team-b", "quay.io/x/y:1", true, true),
		"LowerPodSecurityLevel":        namespace("team-a", "privileged"),
		"LowerPodSecurityLevelTeamB":   namespace("team-b", "baseline"),
		"PrivilegedInAnotherNamespace": pod("team-c", "ghcr.io/acme/app:1", true, false),
	} {
		t.Run(name, func(t *testing.T) {
			dp, _, merged := admit(obj)
			require.False(t, dp.Allowed, "the platform denies this on its own")
			assert.False(t, merged.Allowed, "the platform's denial stands beside the claim")
			assert.Contains(t, merged.Message, "kspec platform denies")
			for _, f := range dp.Failures {
				assert.Contains(t, merged.Failures, f)
			}
		})
	}

	t.Run("ClaimAddsInItsNamespaceOnly", func(t *testing.T) {
		// Compliant with the platform; the claim requires a read-only root
		// filesystem but exempts every Pod from its own rules: allowed.
		_, dc, merged := admit(pod("team-a", "ghcr.io/acme/app:1", false, false))
		assert.True(t, merged.Allowed, merged.Message)
		assert.Empty(t, dc.Failures)
		require.NotEmpty(t, dc.Results, "the claim's rules skip the exempted Pod")
		for _, r := range dc.Results {
			assert.Equal(t, "team-a", r.Object.Namespace)
		}
	})

	t.Run("ClaimRulesReachNoOtherNamespace", func(t *testing.T) {
		_, dc, _ := admit(pod("team-b", "docker.io/library/nginx:1", true, true))
		assert.Empty(t, dc.Failures, "the claim governs team-a only")
		require.NotEmpty(t, dc.Results, "out of the claim's scope, its rules skip")
		for _, r := range dc.Results {
			assert.NotEqual(t, rules.Fail, r.Status)
		}
	})

	t.Run("ClaimDropsWhatItCannotGovern", func(t *testing.T) {
		// Pod Security labels live on Namespaces, cluster-scoped: the
		// claim cannot require (or lower) them. It keeps the Pod Security
		// of its own namespace's workloads, which only adds.
		for _, r := range c.Rules {
			if r.ID == rules.RuleWorkloadsPodSecurity {
				continue
			}
			assert.NotEqual(t, "podsecurity.standards", r.Category(), r.ID)
		}
		assert.NotEmpty(t, c.Warnings)
	})
}

// TestClaimAddsDenials: without exemptions, a claim's own rule denies in
// its namespace and nowhere else.
func TestClaimAddsDenials(t *testing.T) {
	ctx := context.Background()
	p := compileYAML(t, "platform", "", platform)
	c := compileYAML(t, "hardening", "team-a", "enforcement: {mode: enforce}\nworkloads: {containers: {required: [{key: securityContext.readOnlyRootFilesystem, value: true}]}}\n")
	env := rules.Environment{Clock: clocktesting.NewFakePassiveClock(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))}
	for ns, want := range map[string]bool{"team-a": false, "team-b": true} {
		req := rules.Request{Operation: admissionv1.Create, Namespace: ns, Object: pod(ns, "ghcr.io/acme/app:1", false, false)}
		dp, err := p.Admit(ctx, req, env)
		require.NoError(t, err)
		require.True(t, dp.Allowed, dp.Message)
		dc, err := c.Admit(ctx, req, env)
		require.NoError(t, err)
		merged := rules.Merge(dp, dc)
		assert.Equal(t, want, merged.Allowed, ns)
		if !want {
			assert.Contains(t, merged.Message, "kspec team-a/hardening denies")
		}
	}
}
