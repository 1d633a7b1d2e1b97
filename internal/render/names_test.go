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

package render

import (
	"fmt"
	"strings"
	"testing"
	"time"

	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

func TestShorten(t *testing.T) {
	assert.Equal(t, "kspec-strict-run-as-non-root", shorten("kspec-strict-run-as-non-root"), "a short name stays as it is")
	at63 := "kspec-" + strings.Repeat("a", 57)
	assert.Equal(t, at63, shorten(at63))

	// Long names sharing their first 54 characters, and a whole family
	// of them: each within 63, all distinct.
	long := "kspec-" + strings.Repeat("a", 40) + "-read-only-root-filesystem"
	seen := map[string]string{}
	for i, n := range []string{long, long[:len(long)-1] + "x", long + "-", long + ".", long + long} {
		for j := range 20 {
			in := fmt.Sprintf("%s%d", n, j)
			if i == 0 && j == 0 {
				in = n
			}
			got := shorten(in)
			assert.LessOrEqual(t, len(got), 63, in)
			assert.Empty(t, k8svalidation.IsDNS1123Subdomain(got), in)
			if prev, ok := seen[got]; ok {
				t.Errorf("%q and %q both shorten to %q", prev, in, got)
			}
			seen[got] = in
		}
	}
	require.Len(t, seen, 100)
	// Stable: a change to shorten renames every rendered object.
	assert.Equal(t, "kspec-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-read-on-8ee6876e", shorten(long))
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"legacy-billing":      "legacy-billing",
		"Legacy billing (Q3)": "legacy-billing-q3",
		"../../etc/passwd":    "etc-passwd",
		"  --a__b..c--  ":     "a-b-c",
		"日本語":                 "",
		"élan":                "lan",
	} {
		assert.Equal(t, want, slug(in), in)
	}
}

// hostile are exemption names kspec validate lets through (or that a
// looser producer might send): every one must render valid, distinct
// names.
var hostile = []string{
	"Legacy billing (Q3)", "legacy billing (q3)", "legacy-billing-q3", "legacy_billing_q3", "legacy.billing.q3", "LEGACY BILLING Q3",
	"legacy billing q3!", "a/b", `a\b`, "../../etc/passwd", "..", ".", "-", " ", "", "a..b", "a--b",
	"Ünïcödé", "日本語", "🔥", "tab\there", "new\nline", "-leading", "trailing-", "kspec-scope", "kspec-rule-0",
	strings.Repeat("x", 300), strings.Repeat("x", 299) + "y", strings.Repeat("X", 300), strings.Repeat("a b ", 75),
	strings.Repeat("n", 47), strings.Repeat("n", 48), strings.Repeat("n", 63),
}

func TestHostileExemptionNames(t *testing.T) {
	var exemptions []kspecv1alpha1.Exemption
	for _, n := range hostile {
		exemptions = append(exemptions, ex(n, now.Add(24*time.Hour)))
	}
	for _, tc := range []struct{ name, namespace string }{
		{"platform", ""},
		{strings.Repeat("long-spec-name.", 16) + "x", ""},
		{"claim", "team-a"},
	} {
		set := compileSpec(t, tc.name, tc.namespace, kspecv1alpha1.ModeEnforce, exemptions...)

		exceptions := of[*kyvernov1.PolicyException](Kyverno(set, Options{Now: now}))
		require.Len(t, exceptions, len(hostile), "one PolicyException per exemption")
		names := map[string]string{}
		for i, e := range exceptions {
			assert.Empty(t, k8svalidation.IsDNS1123Subdomain(e.Name), "%q renders %q", hostile[i], e.Name)
			assert.LessOrEqual(t, len(e.Name), 63, e.Name)
			assert.Equal(t, hostile[i], e.Annotations[AnnotationExemption], "the original name is traceable")
			if prev, ok := names[e.Name]; ok {
				t.Errorf("%q and %q both render PolicyException %s", prev, hostile[i], e.Name)
			}
			names[e.Name] = hostile[i]
		}

		vaps := of[*admissionregistrationv1.ValidatingAdmissionPolicy](AdmissionPolicies(set, Options{Now: now}))
		require.Len(t, vaps, len(set.AdmissionRules()))
		for _, p := range vaps {
			ns := notes(t, p)
			require.Len(t, ns, len(hostile), p.Name)
			conds := map[string]bool{}
			for _, c := range p.Spec.MatchConditions {
				assert.Empty(t, k8svalidation.IsQualifiedName(c.Name), "%s: match condition %q", p.Name, c.Name)
				assert.False(t, conds[c.Name], "%s: two match conditions named %q", p.Name, c.Name)
				conds[c.Name] = true
			}
			for i, n := range ns {
				assert.Equal(t, hostile[i], n.Name, "the original name is traceable")
				assert.True(t, conds[n.Condition], "%s: the annotation names match condition %q, which the policy lacks", p.Name, n.Condition)
			}
		}
	}
}

func TestExemptionNamesStable(t *testing.T) {
	set := &rules.Set{Name: "platform"}
	claim := &rules.Set{Name: "platform", Namespace: "team-a"}
	e := &rules.Exemption{Exemption: kspecv1alpha1.Exemption{Name: "Legacy billing (Q3)"}}
	assert.Equal(t, "kspec-platform-legacy-billing-q3-779ad011", exceptionName(set, e))
	assert.Equal(t, "kspec-exemption-legacy-billing-q3-779ad011", exemptionCondition(set, e))
	assert.NotEqual(t, exceptionName(set, e), exceptionName(claim, e), "a claim's exemption is not a spec's")
	long := &rules.Exemption{Exemption: kspecv1alpha1.Exemption{Name: strings.Repeat("x", 300)}}
	assert.Equal(t, "kspec-platform-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-d491ea18", exceptionName(set, long))
}
