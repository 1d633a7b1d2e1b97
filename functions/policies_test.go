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
	"strings"
	"testing"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	crdVP  = "validatingpolicies.policies.kyverno.io"
	crdNVP = "namespacedvalidatingpolicies.policies.kyverno.io"
	crdPE  = "policyexceptions.policies.kyverno.io"
)

// spec builds a ClusterSpecification XR from YAML of its spec.
func spec(t testing.TB, name, body string) *unstructured.Unstructured {
	t.Helper()
	return defaulted(t, []byte("apiVersion: kspec.io/v1alpha1\nkind: ClusterSpecification\nmetadata:\n  name: "+name+"\nspec:\n"+indent(body)))
}

func indent(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

const kyvernoSpec = `
enforcement:
  mode: enforce
  engines: [Kyverno]
workloads:
  containers:
    forbidden:
      - key: securityContext.privileged
        value: true
exemptions:
  - name: legacy
    reason: Legacy app until the migration.
    approvedBy: security@example.com
    expiresAt: "2026-12-02T12:00:00Z"
    namespaces: [legacy]
`

func resourceNames(rsp *fnv1.RunFunctionResponse) []string {
	var out []string
	for n := range rsp.GetDesired().GetResources() {
		out = append(out, n)
	}
	return out
}

func TestPoliciesLocal(t *testing.T) {
	f := newTestFunction()
	xr := spec(t, "local", kyvernoSpec)
	vapXR := spec(t, "vap", strings.Replace(kyvernoSpec, "[Kyverno]", "[AdmissionPolicy]", 1))
	oldCRD := crd(crdVP)
	_ = unstructured.SetNestedSlice(oldCRD.Object, []any{map[string]any{"name": "v1beta1", "served": true, "storage": true}}, "spec", "versions")

	cases := map[string]struct {
		reason        string
		xr            *unstructured.Unstructured
		required      map[string][]*unstructured.Unstructured
		wantResources []string
		wantEngines   fnv1.Status
		wantMessage   string
		wantWarning   string
		wantRequire   []string
	}{
		"FirstCallAsksForTheCRDs": {
			reason:      "Before Crossplane fetched the CRDs nothing is composed and the engine is being checked.",
			xr:          xr,
			wantEngines: fnv1.Status_STATUS_CONDITION_UNKNOWN,
			wantMessage: "checking that engine Kyverno is installed on the control-plane cluster",
			wantRequire: []string{"policies/crd-" + crdPE, "policies/crd-" + crdVP},
		},
		"KyvernoInstalled": {
			reason:        "With the CRDs present, the policy and the live exemption's exception are composed.",
			xr:            xr,
			required:      kyvernoCRDs(crdVP, crdPE),
			wantResources: []string{"policies/policyexception-kspec-local-legacy-", "policies/validatingpolicy-kspec-local-privileged"},
			wantEngines:   fnv1.Status_STATUS_CONDITION_TRUE,
			wantRequire:   []string{"policies/crd-" + crdPE, "policies/crd-" + crdVP},
		},
		"KyvernoMissing": {
			reason:      "A missing CRD is a False condition and a warning naming engine and cluster, and nothing of Kyverno is composed.",
			xr:          xr,
			required:    map[string][]*unstructured.Unstructured{"policies/crd-" + crdVP: nil, "policies/crd-" + crdPE: {crd(crdPE)}},
			wantEngines: fnv1.Status_STATUS_CONDITION_FALSE,
			wantMessage: "engine Kyverno is missing on the control-plane cluster: CustomResourceDefinition validatingpolicies.policies.kyverno.io not found",
			wantWarning: "engine Kyverno is missing on the control-plane cluster",
			wantRequire: []string{"policies/crd-" + crdPE, "policies/crd-" + crdVP},
		},
		"KyvernoTooOld": {
			reason:      "A Kyverno that does not serve policies.kyverno.io/v1 is missing too.",
			xr:          xr,
			required:    map[string][]*unstructured.Unstructured{"policies/crd-" + crdVP: {oldCRD}, "policies/crd-" + crdPE: {crd(crdPE)}},
			wantEngines: fnv1.Status_STATUS_CONDITION_FALSE,
			wantMessage: "validatingpolicies.policies.kyverno.io does not serve v1",
			wantRequire: []string{"policies/crd-" + crdPE, "policies/crd-" + crdVP},
		},
		"AdmissionPolicy": {
			reason:        "ValidatingAdmissionPolicy is built in: composed at once, and the condition says it is assumed.",
			xr:            vapXR,
			wantResources: []string{"policies/validatingadmissionpolicy-kspec-vap-privileged", "policies/validatingadmissionpolicybinding-kspec-vap-privileged"},
			wantEngines:   fnv1.Status_STATUS_CONDITION_TRUE,
			wantMessage:   "assumed on the control-plane cluster",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp := run(t, f, fixture{step: "policies", xr: tc.xr, required: tc.required}.build(t))
			require.Empty(t, fatal(rsp), tc.reason)
			got := resourceNames(rsp)
			require.Len(t, got, len(tc.wantResources), "%s\nresources: %v", tc.reason, got)
			for _, w := range tc.wantResources {
				assert.True(t, containsPrefix(got, w), "%s\nwant a resource %s…, got %v", tc.reason, w, got)
			}
			c := condition(rsp, "PolicyEnginesAvailable")
			require.NotNil(t, c, tc.reason)
			assert.Equal(t, tc.wantEngines, c.GetStatus(), tc.reason)
			assert.Contains(t, c.GetMessage(), tc.wantMessage, tc.reason)
			if tc.wantWarning != "" {
				assert.True(t, containsSubstring(warnings(rsp), tc.wantWarning), "%s\nwarnings: %v", tc.reason, warnings(rsp))
			}
			var req []string
			for n := range rsp.GetRequirements().GetResources() {
				req = append(req, n)
			}
			assert.ElementsMatch(t, tc.wantRequire, req, tc.reason)
		})
	}
}

func containsPrefix(ss []string, p string) bool {
	for _, s := range ss {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func containsSubstring(ss []string, sub string) bool {
	for _, s := range ss {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestPoliciesReadiness(t *testing.T) {
	f := newTestFunction()
	xr := spec(t, "local", kyvernoSpec)
	name := "policies/validatingpolicy-kspec-local-privileged"
	observed := func(ready any) map[string]*unstructured.Unstructured {
		o := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "policies.kyverno.io/v1", "kind": "ValidatingPolicy",
			"metadata": map[string]any{"name": "kspec-local-privileged"},
		}}
		if ready != nil {
			o.Object["status"] = map[string]any{"conditionStatus": map[string]any{"ready": ready}}
		}
		return map[string]*unstructured.Unstructured{name: o}
	}
	cases := map[string]struct {
		observed  map[string]*unstructured.Unstructured
		wantReady fnv1.Ready
		wantCond  fnv1.Status
	}{
		"NotComposedYet":      {wantReady: fnv1.Ready_READY_FALSE, wantCond: fnv1.Status_STATUS_CONDITION_FALSE},
		"KyvernoNotProcessed": {observed: observed(nil), wantReady: fnv1.Ready_READY_FALSE, wantCond: fnv1.Status_STATUS_CONDITION_FALSE},
		"KyvernoNotReady":     {observed: observed(false), wantReady: fnv1.Ready_READY_FALSE, wantCond: fnv1.Status_STATUS_CONDITION_FALSE},
		"KyvernoReady":        {observed: observed(true), wantReady: fnv1.Ready_READY_TRUE},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			rsp := run(t, f, fixture{step: "policies", xr: xr, required: kyvernoCRDs(crdVP, crdPE), observed: tc.observed}.build(t))
			_, ready, ok := desired(t, rsp, name)
			require.True(t, ok, resourceNames(rsp))
			assert.Equal(t, tc.wantReady, ready)
			if tc.wantCond != 0 {
				assert.Equal(t, tc.wantCond, condition(rsp, "PoliciesReady").GetStatus())
			}
		})
	}
}

func TestTimeAtRender(t *testing.T) {
	xr := spec(t, "time", kyvernoSpec)
	crds := kyvernoCRDs(crdVP, crdPE)
	cases := map[string]struct {
		now           time.Time
		wantTTL       time.Duration
		wantException bool
	}{
		"LiveExemption": {
			now:           testNow,
			wantTTL:       2 * time.Hour,
			wantException: true,
		},
		"LiveExemptionExpiresSoon": {
			now:           time.Date(2026, 12, 2, 11, 59, 0, 0, time.UTC),
			wantTTL:       time.Minute,
			wantException: true,
		},
		"ExpiredExemption": {
			now:     time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC),
			wantTTL: DefaultMaxTTL,
		},
	}
	for n, tc := range cases {
		t.Run(n, func(t *testing.T) {
			f := New(nopLogger(), WithClock(func() time.Time { return tc.now }))
			rsp := run(t, f, fixture{step: "policies", xr: xr, required: crds}.build(t))
			require.Empty(t, fatal(rsp))
			wantTTL := tc.wantTTL
			if wantTTL > DefaultMaxTTL {
				wantTTL = DefaultMaxTTL
			}
			assert.Equal(t, wantTTL, rsp.GetMeta().GetTtl().AsDuration())
			b, err := proto.Marshal(rsp.GetDesired())
			require.NoError(t, err)
			assert.Equal(t, tc.wantException, strings.Contains(string(b), "legacy"), "the exemption appears in the output only while live")
		})
	}
}
