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
	"time"

	"github.com/pkg/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/functions/webhook"
	"github.com/kspec-io/kspec/internal/rules"
)

// cert-manager's API.
const (
	Group      = "cert-manager.io"
	APIVersion = Group + "/v1"

	KindCertificate   = "Certificate"
	KindIssuer        = "Issuer"
	KindClusterIssuer = "ClusterIssuer"
)

// Lifetimes. The serving certificate lives 90 days and is renewed 30 days
// before it expires; the CA it is signed with lives five years (cert-manager
// renews it at two thirds of that).
const (
	ServingDuration    = 90 * 24 * time.Hour
	ServingRenewBefore = 30 * 24 * time.Hour
	CADuration         = 5 * 365 * 24 * time.Hour
)

// The fields of cert-manager's types that kspec sets, spelled as its CRDs
// spell them; nothing else, so no field is unknown to the API server.
type (
	issuerRef struct {
		Name  string `json:"name"`
		Kind  string `json:"kind"`
		Group string `json:"group"`
	}
	privateKey struct {
		Algorithm      string `json:"algorithm"`
		Size           int    `json:"size"`
		RotationPolicy string `json:"rotationPolicy"`
	}
	certificateSpec struct {
		SecretName  string           `json:"secretName"`
		CommonName  string           `json:"commonName,omitempty"`
		DNSNames    []string         `json:"dnsNames,omitempty"`
		Duration    *metav1.Duration `json:"duration,omitempty"`
		RenewBefore *metav1.Duration `json:"renewBefore,omitempty"`
		IsCA        bool             `json:"isCA,omitempty"`
		Usages      []string         `json:"usages,omitempty"`
		PrivateKey  privateKey       `json:"privateKey"`
		IssuerRef   issuerRef        `json:"issuerRef"`
	}
	selfSigned struct{}
	caIssuer   struct {
		SecretName string `json:"secretName"`
	}
	issuerSpec struct {
		SelfSigned *selfSigned `json:"selfSigned,omitempty"`
		CA         *caIssuer   `json:"ca,omitempty"`
	}
)

// Objects renders the certificates of a cluster-wide spec's webhook stack,
// in the stack's namespace: nothing for a claim or without the Webhook
// engine. The serving Certificate is named and stored as the webhook step
// expects (webhook.NamesFor).
//
// Each object is named by its role in the chain: issuer-selfsigned,
// certificate-ca, issuer-ca, certificate-serving.
func Objects(spec rules.Spec, set *rules.Set, namespace string) ([]step.Object, error) {
	if spec.Claim() || !webhook.Enabled(set) {
		return nil, nil
	}
	if namespace == "" {
		return nil, errors.New("the webhook's certificates need a namespace")
	}
	n := webhook.NamesFor(spec.Name, namespace)
	labels := webhook.Labels(spec.Name, n)
	serving := certificateSpec{
		SecretName:  n.ServingSecret,
		DNSNames:    n.DNSNames(),
		Duration:    &metav1.Duration{Duration: ServingDuration},
		RenewBefore: &metav1.Duration{Duration: ServingRenewBefore},
		Usages:      []string{"digital signature", "key encipherment", "server auth"},
		PrivateKey:  ecdsa(),
		IssuerRef:   issuerRef{Name: n.CAIssuer, Kind: KindIssuer, Group: Group},
	}
	var specs []struct {
		role, kind, name string
		spec             any
	}
	add := func(role, kind, name string, spec any) {
		specs = append(specs, struct {
			role, kind, name string
			spec             any
		}{role, kind, name, spec})
	}
	if ref := issuer(spec.Spec.Webhook); ref != nil {
		serving.IssuerRef = *ref
		add("certificate-serving", KindCertificate, n.ServingCertificate, &serving)
	} else {
		add("issuer-selfsigned", KindIssuer, n.SelfSignedIssuer, &issuerSpec{SelfSigned: &selfSigned{}})
		add("certificate-ca", KindCertificate, n.CACertificate, &certificateSpec{
			SecretName: n.CASecret,
			CommonName: "kspec-webhook-ca",
			Duration:   &metav1.Duration{Duration: CADuration},
			IsCA:       true,
			PrivateKey: ecdsa(),
			IssuerRef:  issuerRef{Name: n.SelfSignedIssuer, Kind: KindIssuer, Group: Group},
		})
		add("issuer-ca", KindIssuer, n.CAIssuer, &issuerSpec{CA: &caIssuer{SecretName: n.CASecret}})
		add("certificate-serving", KindCertificate, n.ServingCertificate, &serving)
	}
	out := make([]step.Object, 0, len(specs))
	for _, s := range specs {
		u, err := object(s.kind, s.name, namespace, labels, s.spec)
		if err != nil {
			return nil, err
		}
		out = append(out, step.Object{Name: s.role, Resource: u})
	}
	return out, nil
}

// issuer is the user's issuer of the serving certificate; nil for kspec's
// own chain. Its kind defaults to ClusterIssuer, as the API defaults it.
func issuer(s *kspecv1alpha1.WebhookSettings) *issuerRef {
	if s == nil || s.Certificate == nil {
		return nil
	}
	ref := s.Certificate.IssuerRef
	kind := ref.Kind
	if kind == "" {
		kind = KindClusterIssuer
	}
	return &issuerRef{Name: ref.Name, Kind: kind, Group: Group}
}

// ecdsa keys are small and fast; a new key comes with every renewal.
func ecdsa() privateKey {
	return privateKey{Algorithm: "ECDSA", Size: 256, RotationPolicy: "Always"}
}

// object builds a cert-manager object of kind from a pointer to its spec.
func object(kind, name, namespace string, labels map[string]string, spec any) (*unstructured.Unstructured, error) {
	s, err := runtime.DefaultUnstructuredConverter.ToUnstructured(spec)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot build %s %s", kind, name)
	}
	u := &unstructured.Unstructured{Object: map[string]any{"spec": s}}
	u.SetAPIVersion(APIVersion)
	u.SetKind(kind)
	u.SetName(name)
	u.SetNamespace(namespace)
	l := make(map[string]string, len(labels))
	for k, v := range labels {
		l[k] = v
	}
	u.SetLabels(l)
	return u, nil
}
