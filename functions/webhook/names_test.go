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
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation"
)

func TestNamesFor(t *testing.T) {
	cases := map[string]struct {
		reason string
		spec   string
		want   string
	}{
		"Plain": {
			reason: "A DNS label spec name is used verbatim.",
			spec:   "prod",
			want:   "kspec-webhook-prod",
		},
		"Dotted": {
			reason: "A spec name with dots (valid for an XR, not for a Service) is slugged and hashed.",
			spec:   "prod.eu",
			want:   "kspec-webhook-prod-eu-",
		},
		"Long": {
			reason: "A 253-character name is cut to 63 characters ending in a hash.",
			spec:   strings.Repeat("a", 253),
			want:   "kspec-webhook-aaaa",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			n := NamesFor(tc.spec, "kspec-system")
			assert.True(t, strings.HasPrefix(n.Stack, tc.want), "%s\n%s does not start with %s", tc.reason, n.Stack, tc.want)
			for _, name := range []string{n.Stack, n.SelfSignedIssuer, n.CACertificate, n.CASecret, n.CAIssuer, n.ServingCertificate, n.ServingSecret} {
				assert.Empty(t, validation.IsDNS1035Label(name), "%s: %q", tc.reason, name)
			}
			for _, dns := range n.DNSNames() {
				assert.Empty(t, validation.IsDNS1123Subdomain(dns), "%s: %q", tc.reason, dns)
			}
			assert.Equal(t, n, NamesFor(tc.spec, "kspec-system"), "names are deterministic")
		})
	}
}

func TestNamesDistinct(t *testing.T) {
	// Names that slug alike, and long names that share a prefix, stay apart.
	specs := []string{"a.b", "a-b", "A-b", strings.Repeat("x", 100) + "1", strings.Repeat("x", 100) + "2"}
	seen := map[string]string{}
	for _, s := range specs {
		n := NamesFor(s, "kspec-system")
		if other, ok := seen[n.Stack]; ok {
			t.Errorf("specs %q and %q share the stack name %q", s, other, n.Stack)
		}
		seen[n.Stack] = s
		b := BundleName(s)
		if other, ok := seen[b]; ok {
			t.Errorf("specs %q and %q share the bundle name %q", s, other, b)
		}
		seen[b] = s
		require.Empty(t, validation.IsDNS1035Label(b))
	}
}

func TestDNSNames(t *testing.T) {
	n := NamesFor("prod", "kspec-system")
	assert.Equal(t, []string{
		"kspec-webhook-prod",
		"kspec-webhook-prod.kspec-system",
		"kspec-webhook-prod.kspec-system.svc",
		"kspec-webhook-prod.kspec-system.svc.cluster.local",
	}, n.DNSNames())
}

func TestTag(t *testing.T) {
	cases := map[string]string{
		"v0.1.0":                       "v0.1.0",
		"devel":                        "devel",
		"v0.0.0-20261202-abcdef+dirty": "v0.0.0-20261202-abcdef-dirty",
		"+x":                           "_x",
		"":                             "devel",
		strings.Repeat("v", 200):       strings.Repeat("v", 128),
	}
	for in, want := range cases {
		assert.Equal(t, want, tag(in), "tag(%q)", in)
	}
	assert.True(t, strings.HasPrefix(DefaultImage(), DefaultImageRepository+":"))
}
