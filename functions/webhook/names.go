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
	"github.com/kspec-io/kspec/internal/render"
)

// Names are the names of one ClusterSpecification's webhook stack, every
// namespaced one in Namespace. Each is a DNS-1035 label of at most 63
// characters, derived from the spec's name alone, so a spec of any name
// gets valid names and two specs never share an object but the Namespace.
type Names struct {
	// Namespace holds the stack and the spec's bundle; the webhook's own.
	Namespace string
	// Stack names the ServiceAccount, Deployment, Service,
	// PodDisruptionBudget, ClusterRole, ClusterRoleBinding and
	// ValidatingWebhookConfiguration.
	Stack string

	// The default chain: a self-signed Issuer signs a CA Certificate
	// (stored in CASecret), whose CA Issuer signs the serving Certificate.
	SelfSignedIssuer, CACertificate, CASecret, CAIssuer string
	// ServingCertificate is the webhook's serving certificate, stored in
	// ServingSecret, which the Deployment mounts.
	ServingCertificate, ServingSecret string
}

// NamesFor names the webhook stack of the cluster-wide spec in namespace.
func NamesFor(spec, namespace string) Names {
	stack := render.LabelName("kspec-webhook", spec)
	return Names{
		Namespace:          namespace,
		Stack:              stack,
		SelfSignedIssuer:   render.Shorten(stack + "-selfsigned"),
		CACertificate:      render.Shorten(stack + "-ca"),
		CASecret:           render.Shorten(stack + "-ca"),
		CAIssuer:           render.Shorten(stack + "-ca"),
		ServingCertificate: render.Shorten(stack + "-tls"),
		ServingSecret:      render.Shorten(stack + "-tls"),
	}
}

// DNSNames are the names the webhook's Service answers to inside the
// cluster, shortest first: what its serving certificate must hold.
func (n Names) DNSNames() []string {
	svc := n.Stack + "." + n.Namespace
	return []string{n.Stack, svc, svc + ".svc", svc + ".svc.cluster.local"}
}

// BundleName is the name of a spec's (or claim's) bundle ConfigMap.
func BundleName(spec string) string { return render.LabelName("kspec-bundle", spec) }
