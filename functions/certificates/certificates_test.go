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
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/webhook"
	"github.com/kspec-io/kspec/internal/rules"
)

func spec(name string, engines []kspecv1alpha1.Engine, ws *kspecv1alpha1.WebhookSettings) rules.Spec {
	return rules.Spec{Name: name, Spec: kspecv1alpha1.ClusterSpecificationSpec{
		Enforcement: &kspecv1alpha1.Enforcement{Mode: kspecv1alpha1.ModeEnforce, Engines: engines},
		Webhook:     ws,
	}}
}

var withWebhook = []kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno, kspecv1alpha1.EngineWebhook}

func objects(t *testing.T, s rules.Spec, namespace string) []*unstructured.Unstructured {
	t.Helper()
	set, err := rules.Compile(s)
	require.NoError(t, err)
	objs, err := Objects(s, set, namespace)
	require.NoError(t, err)
	out := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		out[i] = o.Resource.(*unstructured.Unstructured)
	}
	return out
}

func str(t *testing.T, u *unstructured.Unstructured, path ...string) string {
	t.Helper()
	v, ok, err := unstructured.NestedString(u.Object, path...)
	require.NoError(t, err)
	require.True(t, ok, "%s %s has %v", u.GetKind(), u.GetName(), path)
	return v
}

func TestDefaultChain(t *testing.T) {
	objs := objects(t, spec("prod", withWebhook, nil), "kspec-system")
	n := webhook.NamesFor("prod", "kspec-system")
	require.Len(t, objs, 4)
	want := []struct{ kind, name string }{
		{KindIssuer, n.SelfSignedIssuer},
		{KindCertificate, n.CACertificate},
		{KindIssuer, n.CAIssuer},
		{KindCertificate, n.ServingCertificate},
	}
	set, err := rules.Compile(spec("prod", withWebhook, nil))
	require.NoError(t, err)
	named, err := Objects(spec("prod", withWebhook, nil), set, "kspec-system")
	require.NoError(t, err)
	roles := []string{}
	for _, o := range named {
		roles = append(roles, o.Name)
	}
	assert.Equal(t, []string{"issuer-selfsigned", "certificate-ca", "issuer-ca", "certificate-serving"}, roles, "objects are named by their role")
	for i, w := range want {
		assert.Equal(t, APIVersion, objs[i].GetAPIVersion())
		assert.Equal(t, w.kind, objs[i].GetKind())
		assert.Equal(t, w.name, objs[i].GetName())
		assert.Equal(t, "kspec-system", objs[i].GetNamespace())
		assert.Equal(t, webhook.Labels("prod", n), objs[i].GetLabels())
	}
	selfSigned, ca, caIssuer, serving := objs[0], objs[1], objs[2], objs[3]

	_, ok, _ := unstructured.NestedMap(selfSigned.Object, "spec", "selfSigned")
	assert.True(t, ok, "the root issuer is self-signed")

	// Each link of the chain names the one before it.
	isCA, _, _ := unstructured.NestedBool(ca.Object, "spec", "isCA")
	assert.True(t, isCA)
	assert.Equal(t, selfSigned.GetName(), str(t, ca, "spec", "issuerRef", "name"))
	assert.Equal(t, KindIssuer, str(t, ca, "spec", "issuerRef", "kind"))
	assert.Equal(t, str(t, ca, "spec", "secretName"), str(t, caIssuer, "spec", "ca", "secretName"))
	assert.Equal(t, caIssuer.GetName(), str(t, serving, "spec", "issuerRef", "name"))
	assert.Equal(t, KindIssuer, str(t, serving, "spec", "issuerRef", "kind"))
	assert.Equal(t, Group, str(t, serving, "spec", "issuerRef", "group"))

	isCA, _, _ = unstructured.NestedBool(serving.Object, "spec", "isCA")
	assert.False(t, isCA)
	assert.Equal(t, "2160h0m0s", str(t, serving, "spec", "duration"), "90 days")
	assert.Equal(t, "720h0m0s", str(t, serving, "spec", "renewBefore"), "renewed 30 days before expiry")
}

func TestServingCertificateFitsTheStack(t *testing.T) {
	// The serving certificate holds the Service's names, is stored where
	// the Deployment mounts it, and is the one whose CA the webhook
	// configuration is injected from.
	s := spec("prod", withWebhook, nil)
	set, err := rules.Compile(s)
	require.NoError(t, err)
	stack, err := webhook.Stack(s, set, "platform")
	require.NoError(t, err)
	objs := objects(t, s, "platform")
	serving := objs[len(objs)-1]

	var svc *corev1.Service
	var d *appsv1.Deployment
	var vwc *admissionregistrationv1.ValidatingWebhookConfiguration
	for _, o := range stack {
		switch o := o.(type) {
		case *corev1.Service:
			svc = o
		case *appsv1.Deployment:
			d = o
		case *admissionregistrationv1.ValidatingWebhookConfiguration:
			vwc = o
		}
	}
	require.NotNil(t, svc)
	require.NotNil(t, d)
	require.NotNil(t, vwc)
	dns, _, _ := unstructured.NestedStringSlice(serving.Object, "spec", "dnsNames")
	assert.Equal(t, []string{
		svc.Name, svc.Name + ".platform", svc.Name + ".platform.svc", svc.Name + ".platform.svc.cluster.local",
	}, dns)
	assert.Equal(t, d.Spec.Template.Spec.Volumes[0].Secret.SecretName, str(t, serving, "spec", "secretName"))
	assert.Equal(t, serving.GetNamespace()+"/"+serving.GetName(), vwc.Annotations[webhook.AnnotationInjectCA])
}

func TestUserIssuer(t *testing.T) {
	cases := map[string]struct {
		reason string
		ref    kspecv1alpha1.IssuerRef
		kind   string
	}{
		"ClusterIssuer": {reason: "An issuerRef without a kind is a ClusterIssuer, as the API defaults it.", ref: kspecv1alpha1.IssuerRef{Name: "platform-ca"}, kind: KindClusterIssuer},
		"Issuer":        {reason: "An Issuer in the stack's namespace.", ref: kspecv1alpha1.IssuerRef{Name: "local-ca", Kind: "Issuer"}, kind: KindIssuer},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			objs := objects(t, spec("prod", withWebhook, &kspecv1alpha1.WebhookSettings{Certificate: &kspecv1alpha1.WebhookCertificate{IssuerRef: tc.ref}}), "kspec-system")
			require.Len(t, objs, 1, "only the serving certificate: %s", tc.reason)
			c := objs[0]
			assert.Equal(t, KindCertificate, c.GetKind())
			assert.Equal(t, webhook.NamesFor("prod", "kspec-system").ServingCertificate, c.GetName())
			assert.Equal(t, tc.ref.Name, str(t, c, "spec", "issuerRef", "name"))
			assert.Equal(t, tc.kind, str(t, c, "spec", "issuerRef", "kind"), tc.reason)
			assert.Equal(t, Group, str(t, c, "spec", "issuerRef", "group"))
			assert.Equal(t, "2160h0m0s", str(t, c, "spec", "duration"))
			assert.Equal(t, "720h0m0s", str(t, c, "spec", "renewBefore"))
		})
	}
}

func TestNothingToRender(t *testing.T) {
	cases := map[string]struct {
		reason string
		spec   rules.Spec
	}{
		"NoWebhookEngine": {reason: "Without the Webhook engine there is no webhook to serve.", spec: spec("prod", []kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno}, nil)},
		"Claim": {reason: "A claim has no webhook of its own.", spec: func() rules.Spec {
			s := spec("team", withWebhook, nil)
			s.Namespace = "team-a"
			return s
		}()},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Empty(t, objects(t, tc.spec, "kspec-system"), tc.reason)
		})
	}
}

func TestNeedsNamespace(t *testing.T) {
	s := spec("prod", withWebhook, nil)
	set, err := rules.Compile(s)
	require.NoError(t, err)
	_, err = Objects(s, set, "")
	require.ErrorContains(t, err, "need a namespace")
}

func TestDeterministicAndHostile(t *testing.T) {
	// The longest dotted name an XR may have gives valid names, the same
	// each time.
	name := "a.b-"
	for len(name) < 63 {
		name += "c"
	}
	s := spec(name, withWebhook, nil)
	first, err := yaml.Marshal(objects(t, s, "kspec-system"))
	require.NoError(t, err)
	for range 3 {
		again, err := yaml.Marshal(objects(t, s, "kspec-system"))
		require.NoError(t, err)
		require.Equal(t, string(first), string(again))
	}
	for _, o := range objects(t, s, "kspec-system") {
		assert.Empty(t, validation.IsDNS1123Subdomain(o.GetName()), o.GetName())
		assert.LessOrEqual(t, len(o.GetName()), 63)
		for k, v := range o.GetLabels() {
			assert.Empty(t, validation.IsValidLabelValue(v), "label %s", k)
		}
	}
}
