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
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/rules"
	kwebhook "github.com/kspec-io/kspec/webhook"
)

func stack(t *testing.T, spec rules.Spec, namespace string) map[string]client.Object {
	t.Helper()
	objs, err := Stack(spec, compile(t, spec), namespace)
	require.NoError(t, err)
	out := map[string]client.Object{}
	for _, o := range objs {
		out[o.GetObjectKind().GroupVersionKind().Kind] = o
	}
	require.Len(t, out, len(objs), "one object per kind")
	return out
}

func TestStackObjects(t *testing.T) {
	spec := example(t, "comprehensive.yaml")
	objs := stack(t, spec, "kspec-system")
	kinds := make([]string, 0, len(objs))
	for k, o := range objs {
		kinds = append(kinds, k)
		assert.NotEmpty(t, o.GetObjectKind().GroupVersionKind().Version, "%s has its apiVersion", k)
		if k == "Namespace" {
			assert.Equal(t, "kspec-system", o.GetName())
			continue
		}
		assert.Equal(t, "kspec-webhook-comprehensive", o.GetName(), k)
		assert.Equal(t, "comprehensive", o.GetLabels()[render.LabelSpec], k)
		switch k {
		case "ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration":
			assert.Empty(t, o.GetNamespace(), "%s is cluster-scoped", k)
		default:
			assert.Equal(t, "kspec-system", o.GetNamespace(), k)
		}
	}
	slices.Sort(kinds)
	assert.Equal(t, []string{"ClusterRole", "ClusterRoleBinding", "Deployment", "Namespace", "PodDisruptionBudget", "Service", "ServiceAccount", "ValidatingWebhookConfiguration"}, kinds)
}

func TestStackOnlyWithWebhookEngine(t *testing.T) {
	cases := map[string]struct {
		reason  string
		engines []kspecv1alpha1.Engine
		want    bool
	}{
		"Kyverno":        {reason: "Kyverno alone needs no webhook.", engines: []kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno}},
		"AdmissionOnly":  {reason: "Native policies alone need no webhook.", engines: []kspecv1alpha1.Engine{kspecv1alpha1.EngineAdmissionPolicy}},
		"Webhook":        {reason: "The Webhook engine renders the stack.", engines: []kspecv1alpha1.Engine{kspecv1alpha1.EngineWebhook}, want: true},
		"KyvernoWebhook": {reason: "Webhook beside Kyverno renders it too.", engines: []kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno, kspecv1alpha1.EngineWebhook}, want: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := withEngines(example(t, "moderate.yaml"), tc.engines...)
			set := compile(t, spec)
			objs, err := Stack(spec, set, "kspec-system")
			require.NoError(t, err)
			assert.Equal(t, tc.want, len(objs) > 0, tc.reason)
			cm, err := Bundle(spec, set, "kspec-system")
			require.NoError(t, err)
			assert.Equal(t, tc.want, cm != nil, tc.reason)
		})
	}
}

func TestStackRefusesClaims(t *testing.T) {
	spec := withEngines(example(t, "team-claim.yaml"), kspecv1alpha1.EngineWebhook)
	objs, err := Stack(spec, compile(t, spec), "kspec-system")
	require.ErrorContains(t, err, "claim team-payments/payments-hardening cannot render a webhook stack")
	assert.Nil(t, objs)
}

func TestStackDeterministic(t *testing.T) {
	spec := example(t, "comprehensive.yaml")
	var first []byte
	for range 3 {
		objs, err := Stack(spec, compile(t, spec), "kspec-system")
		require.NoError(t, err)
		b, err := render.Marshal(objs)
		require.NoError(t, err)
		if first == nil {
			first = b
			continue
		}
		require.Equal(t, string(first), string(b))
	}
}

func TestDeployment(t *testing.T) {
	spec := example(t, "comprehensive.yaml")
	spec.Spec.Webhook = &kspecv1alpha1.WebhookSettings{Replicas: 5, Image: "registry.example.com/kspec/webhook:v1"}
	d := stack(t, spec, "kspec-system")["Deployment"].(*appsv1.Deployment)
	n := NamesFor("comprehensive", "kspec-system")

	assert.Equal(t, int32(5), *d.Spec.Replicas)
	assert.Equal(t, d.Spec.Selector.MatchLabels, selector(n))
	for k, v := range d.Spec.Selector.MatchLabels {
		assert.Equal(t, v, d.Spec.Template.Labels[k], "the pod template carries selector label %s", k)
	}
	ru := d.Spec.Strategy.RollingUpdate
	assert.Equal(t, 0, ru.MaxUnavailable.IntValue(), "a rollout never lowers capacity")
	assert.Equal(t, 1, ru.MaxSurge.IntValue())

	pod := d.Spec.Template.Spec
	assert.Equal(t, n.Stack, pod.ServiceAccountName)
	assert.True(t, *pod.SecurityContext.RunAsNonRoot)
	assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, pod.SecurityContext.SeccompProfile.Type)
	keys := []string{}
	for _, c := range pod.TopologySpreadConstraints {
		keys = append(keys, c.TopologyKey)
		assert.Equal(t, selector(n), c.LabelSelector.MatchLabels)
	}
	assert.Equal(t, []string{corev1.LabelHostname, corev1.LabelTopologyZone}, keys, "spread across nodes and zones")
	require.Len(t, pod.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution, 1)

	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	assert.Equal(t, "registry.example.com/kspec/webhook:v1", c.Image)
	sc := c.SecurityContext
	assert.False(t, *sc.AllowPrivilegeEscalation)
	assert.True(t, *sc.ReadOnlyRootFilesystem)
	assert.True(t, *sc.RunAsNonRoot)
	assert.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop)
	assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, sc.SeccompProfile.Type)
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		assert.Contains(t, c.Resources.Requests, r)
		assert.Contains(t, c.Resources.Limits, r)
	}

	// The arguments are what kspec-webhook parses, and its probes and
	// certificate are where they say.
	o, err := kwebhook.ParseOptions(c.Args, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "kspec-system", o.Namespace)
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	assert.Equal(t, map[string]int32{"webhook": int32(o.Port), "health": int32(o.HealthPort)}, ports)
	assert.Equal(t, "/healthz", c.LivenessProbe.HTTPGet.Path)
	assert.Equal(t, "/readyz", c.ReadinessProbe.HTTPGet.Path)
	assert.Equal(t, "health", c.LivenessProbe.HTTPGet.Port.StrVal)
	assert.Equal(t, "health", c.ReadinessProbe.HTTPGet.Port.StrVal)
	require.Len(t, c.VolumeMounts, 1)
	assert.Equal(t, o.CertDir, c.VolumeMounts[0].MountPath)
	assert.True(t, c.VolumeMounts[0].ReadOnly)
	require.Len(t, pod.Volumes, 1)
	assert.Equal(t, n.ServingSecret, pod.Volumes[0].Secret.SecretName, "the serving certificate's Secret is mounted")
}

func TestDefaultSettings(t *testing.T) {
	spec := example(t, "moderate.yaml")
	spec = withEngines(spec, kspecv1alpha1.EngineWebhook)
	spec.Spec.Webhook = nil
	objs := stack(t, spec, "kspec-system")
	d := objs["Deployment"].(*appsv1.Deployment)
	assert.Equal(t, DefaultReplicas, *d.Spec.Replicas)
	assert.Equal(t, DefaultImage(), d.Spec.Template.Spec.Containers[0].Image)
	w := objs["ValidatingWebhookConfiguration"].(*admissionregistrationv1.ValidatingWebhookConfiguration).Webhooks[0]
	assert.Equal(t, admissionregistrationv1.Ignore, *w.FailurePolicy, "fail open by default")
	assert.Equal(t, DefaultTimeoutSeconds, *w.TimeoutSeconds)
}

func TestPodDisruptionBudget(t *testing.T) {
	for _, replicas := range []int32{1, 2, 3, 10} {
		spec := example(t, "comprehensive.yaml")
		spec.Spec.Webhook = &kspecv1alpha1.WebhookSettings{Replicas: replicas}
		objs := stack(t, spec, "kspec-system")
		pdb := objs["PodDisruptionBudget"].(*policyv1.PodDisruptionBudget)
		d := objs["Deployment"].(*appsv1.Deployment)
		assert.Equal(t, d.Spec.Selector, pdb.Spec.Selector)
		assert.Nil(t, pdb.Spec.MinAvailable, "with one replica a minAvailable would block every drain")
		assert.Equal(t, 1, pdb.Spec.MaxUnavailable.IntValue())
		assert.Equal(t, policyv1.AlwaysAllow, *pdb.Spec.UnhealthyPodEvictionPolicy)
	}
}

func TestService(t *testing.T) {
	objs := stack(t, example(t, "comprehensive.yaml"), "kspec-system")
	svc := objs["Service"].(*corev1.Service)
	d := objs["Deployment"].(*appsv1.Deployment)
	assert.Equal(t, d.Spec.Selector.MatchLabels, svc.Spec.Selector)
	require.Len(t, svc.Spec.Ports, 1)
	assert.Equal(t, "webhook", svc.Spec.Ports[0].TargetPort.StrVal)
	assert.Equal(t, int32(443), svc.Spec.Ports[0].Port)
}

func TestRBAC(t *testing.T) {
	objs := stack(t, example(t, "comprehensive.yaml"), "kspec-system")
	role := objs["ClusterRole"].(*rbacv1.ClusterRole)
	want := []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"configmaps", "namespaces"}, Verbs: []string{"list", "watch"}},
		{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create"}},
	}
	if diff := cmp.Diff(want, role.Rules); diff != "" {
		t.Errorf("ClusterRole rules: -want +got:\n%s", diff)
	}
	b := objs["ClusterRoleBinding"].(*rbacv1.ClusterRoleBinding)
	assert.Equal(t, rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name}, b.RoleRef)
	sa := objs["ServiceAccount"]
	assert.Equal(t, []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.GetName(), Namespace: sa.GetNamespace()}}, b.Subjects)
}

func TestWebhookConfiguration(t *testing.T) {
	cases := map[string]struct {
		reason    string
		namespace string
		settings  *kspecv1alpha1.WebhookSettings
		policy    admissionregistrationv1.FailurePolicyType
		timeout   int32
		excluded  []string
	}{
		"FailClosed": {
			reason:    "failurePolicy and timeoutSeconds come from the spec.",
			namespace: "kspec-system",
			settings:  &kspecv1alpha1.WebhookSettings{FailurePolicy: "Fail", TimeoutSeconds: 3},
			policy:    admissionregistrationv1.Fail,
			timeout:   3,
			excluded:  []string{"kspec-system", "kube-node-lease", "kube-public", "kube-system"},
		},
		"OtherNamespace": {
			reason:    "The webhook's own namespace, whatever it is, is excluded.",
			namespace: "platform",
			settings:  &kspecv1alpha1.WebhookSettings{FailurePolicy: "Ignore", TimeoutSeconds: 30},
			policy:    admissionregistrationv1.Ignore,
			timeout:   30,
			excluded:  []string{"kube-node-lease", "kube-public", "kube-system", "platform"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := example(t, "comprehensive.yaml")
			spec.Spec.Webhook = tc.settings
			set := compile(t, spec)
			objs := stack(t, spec, tc.namespace)
			vwc := objs["ValidatingWebhookConfiguration"].(*admissionregistrationv1.ValidatingWebhookConfiguration)
			n := NamesFor(spec.Name, tc.namespace)
			assert.Equal(t, tc.namespace+"/"+n.ServingCertificate, vwc.Annotations[AnnotationInjectCA])
			require.Len(t, vwc.Webhooks, 1)
			w := vwc.Webhooks[0]
			assert.Equal(t, tc.policy, *w.FailurePolicy, tc.reason)
			assert.Equal(t, tc.timeout, *w.TimeoutSeconds, tc.reason)
			assert.Equal(t, admissionregistrationv1.SideEffectClassNone, *w.SideEffects)
			assert.Equal(t, admissionregistrationv1.Equivalent, *w.MatchPolicy)
			assert.Equal(t, []string{"v1"}, w.AdmissionReviewVersions)
			svc := objs["Service"].(*corev1.Service)
			assert.Equal(t, svc.Name, w.ClientConfig.Service.Name)
			assert.Equal(t, svc.Namespace, w.ClientConfig.Service.Namespace)
			assert.Equal(t, svc.Spec.Ports[0].Port, *w.ClientConfig.Service.Port)
			assert.Equal(t, "/validate", *w.ClientConfig.Service.Path)

			require.NotEmpty(t, w.Rules)
			if diff := cmp.Diff(set.MatchRules(), w.Rules); diff != "" {
				t.Errorf("rules are not the kinds the set governs: -want +got:\n%s", diff)
			}
			require.Len(t, w.NamespaceSelector.MatchExpressions, 1)
			e := w.NamespaceSelector.MatchExpressions[0]
			assert.Equal(t, corev1.LabelMetadataName, e.Key)
			assert.Equal(t, tc.excluded, e.Values, tc.reason)
			for _, ns := range rules.SystemNamespaces() {
				assert.Contains(t, e.Values, ns, "every namespace the engine never evaluates is excluded")
			}
		})
	}
}

func TestStackHostileName(t *testing.T) {
	spec := example(t, "comprehensive.yaml")
	spec.Name = "x.very-long-" + strings.Repeat("y", 240)
	objs, err := Stack(spec, compile(t, spec), "kspec-system")
	require.NoError(t, err)
	for _, o := range objs {
		kind := o.GetObjectKind().GroupVersionKind().Kind
		assert.Empty(t, validation.IsDNS1035Label(o.GetName()), "%s %s", kind, o.GetName())
		for k, v := range o.GetLabels() {
			assert.Empty(t, validation.IsValidLabelValue(v), "%s label %s=%s", kind, k, v)
		}
	}
}
