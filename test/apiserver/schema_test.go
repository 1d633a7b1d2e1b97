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

package apiserver_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/test/harness"
)

func TestXRDIsAccepted(t *testing.T) {
	harness.SkipShort(t)
	b, err := os.ReadFile("../../package/configuration/definition.yaml")
	require.NoError(t, err)
	xrd := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal(b, &xrd.Object))
	require.NoError(t, k8s.Create(context.Background(), xrd, client.FieldValidation("Strict")), "the API server rejects the XRD")

	stored := &unstructured.Unstructured{}
	stored.SetGroupVersionKind(xrd.GroupVersionKind())
	require.NoError(t, k8s.Get(context.Background(), client.ObjectKeyFromObject(xrd), stored))
	claim, _, _ := unstructured.NestedString(stored.Object, "spec", "claimNames", "kind")
	assert.Equal(t, "ClusterSpecificationClaim", claim, "the stored XRD offers the claim")
	versions, _, _ := unstructured.NestedSlice(stored.Object, "spec", "versions")
	require.Len(t, versions, 1)
	props, _, _ := unstructured.NestedMap(versions[0].(map[string]any), "schema", "openAPIV3Schema", "properties", "spec", "properties")
	assert.Contains(t, props, "kubernetes", "the stored XRD keeps the generated schema; nothing was pruned")
}

func TestExamplesAreAccepted(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	err := filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && path == "../../examples/render" {
			// crossplane render fixtures: partial required resources and
			// rendered output, which test/render dry-runs object by object.
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		t.Run(path, func(t *testing.T) {
			for i, err := range apply(t, ctx, path, b) {
				assert.NoError(t, err, "the API server rejects document %d", i)
			}
			for _, d := range manifest.Parse(path, b) {
				if schema.Knows(d.Object.GroupVersionKind()) {
					assert.Empty(t, schema.Check(ctx, d), "kspec validate rejects document %d", d.Index)
				}
			}
		})
		return nil
	})
	require.NoError(t, err)
}

// A bad document and what the API server and kspec validate say about it.
// The line marked "#<" is where kspec validate must locate the problem.
type rejection struct {
	reason string
	doc    string
	// api is part of the API server's error; empty when the API server
	// accepts the document and only kspec's semantic checks catch it.
	api string
	// field and kspec are the path and part of the message kspec reports.
	field string
	kspec string
}

func spec(body string) string {
	return "apiVersion: kspec.io/v1alpha1\nkind: ClusterSpecification\nmetadata:\n  name: bad\nspec:\n" + body
}

func TestBadDocumentsAreRejected(t *testing.T) {
	harness.SkipShort(t)
	cases := map[string]rejection{
		"MinAboveMax": {
			reason: "A minimum version above the maximum is a contradiction.",
			doc:    spec("  kubernetes: #<\n    minVersion: \"1.31\"\n    maxVersion: \"1.29\"\n"),
			api:    "minVersion must not be greater than maxVersion",
			field:  "spec.kubernetes",
			kspec:  "minVersion must not be greater than maxVersion",
		},
		"MinAboveMaxByPatch": {
			reason: "Patches are compared numerically when both bounds have one.",
			doc:    spec("  kubernetes: #<\n    minVersion: v1.30.10\n    maxVersion: \"1.30.9\"\n"),
			api:    "minVersion must not be greater than maxVersion",
			field:  "spec.kubernetes",
			kspec:  "minVersion must not be greater than maxVersion",
		},
		"BadVersion": {
			reason: "Versions must be MAJOR.MINOR[.PATCH].",
			doc:    spec("  kubernetes:\n    minVersion: \"1.3x\" #<\n"),
			api:    "must be a Kubernetes version such as 1.30 or 1.30.2",
			field:  "spec.kubernetes.minVersion",
			kspec:  "must be a Kubernetes version such as 1.30 or 1.30.2",
		},
		"BadExcludedVersion": {
			reason: "Excluded versions have the same syntax.",
			doc:    spec("  kubernetes:\n    excludedVersions: [\"1.29.0\", \"latest\"] #<\n"),
			api:    "must be a Kubernetes version",
			field:  "spec.kubernetes.excludedVersions[1]",
			kspec:  "must be a Kubernetes version",
		},
		"UnknownMode": {
			reason: "Modes are monitor, audit and enforce.",
			doc:    spec("  enforcement:\n    mode: enforcing #<\n"),
			api:    `Unsupported value: "enforcing": supported values: "monitor", "audit", "enforce"`,
			field:  "spec.enforcement.mode",
			kspec:  `Unsupported value: "enforcing": supported values: "monitor", "audit", "enforce"`,
		},
		"AutoRemediateWithoutEnforce": {
			reason: "Remediation only makes sense when enforcing.",
			doc:    spec("  enforcement: #<\n    mode: audit\n    autoRemediate: true\n"),
			api:    "autoRemediate requires mode enforce",
			field:  "spec.enforcement",
			kspec:  "autoRemediate requires mode enforce",
		},
		"UnknownField": {
			reason: "A misspelt field is an error, not silently dropped.",
			doc:    spec("  kubernetes:\n    minVersion: \"1.30\"\n    maxVersoin: \"1.31\" #<\n"),
			api:    `unknown field "spec.kubernetes.maxVersoin"`,
			field:  "spec.kubernetes.maxVersoin",
			kspec:  "unknown field",
		},
		"UnknownPodSecurityLevel": {
			reason: "Pod Security levels are privileged, baseline and restricted.",
			doc:    spec("  podSecurity:\n    enforce: strict #<\n"),
			api:    `Unsupported value: "strict"`,
			field:  "spec.podSecurity.enforce",
			kspec:  `Unsupported value: "strict"`,
		},
		"UnknownContainerKey": {
			reason: "Keys nothing would check are rejected, not ignored.",
			doc:    spec("  workloads:\n    containers:\n      required:\n        - key: securityContext.runAsUser #<\n          value: true\n"),
			api:    `Unsupported value: "securityContext.runAsUser"`,
			field:  "spec.workloads.containers.required[0].key",
			kspec:  `Unsupported value: "securityContext.runAsUser"`,
		},
		"RegistryWithScheme": {
			reason: "Registries are matched without a scheme.",
			doc:    spec("  workloads:\n    images:\n      allowedRegistries: [\"https://ghcr.io\"] #<\n"),
			api:    "each registry must be a host",
			field:  "spec.workloads.images.allowedRegistries",
			kspec:  "each registry must be a host",
		},
		"PortOutOfRange": {
			reason: "Ports are 1 to 65535.",
			doc:    spec("  network:\n    disallowedPorts: [22, 70000] #<\n"),
			api:    "should be less than or equal to 65535",
			field:  "spec.network.disallowedPorts[1]",
			kspec:  "should be less than or equal to 65535",
		},
		"ExemptionWithoutScope": {
			reason: "An exemption must say what it exempts.",
			doc:    spec("  exemptions:\n    - name: everything #<\n      reason: because\n      approvedBy: nobody\n      expiresAt: \"2030-01-01T00:00:00Z\"\n"),
			api:    "an exemption must list namespaces or resources",
			field:  "spec.exemptions[0]",
			kspec:  "an exemption must list namespaces or resources",
		},
		"ExemptionWithoutExpiry": {
			reason: "Exemptions expire.",
			doc:    spec("  exemptions:\n    - name: forever #<\n      reason: because\n      approvedBy: nobody\n      namespaces: [legacy]\n"),
			api:    "spec.exemptions[0].expiresAt: Required value",
			field:  "spec.exemptions[0].expiresAt",
			kspec:  "Required value",
		},
		"DuplicateExemption": {
			reason: "Exemption names are keys.",
			doc: spec("  exemptions:\n    - {name: x, reason: r, approvedBy: a, expiresAt: \"2030-01-01T00:00:00Z\", namespaces: [a]}\n" +
				"    - {name: x, reason: r, approvedBy: a, expiresAt: \"2030-01-01T00:00:00Z\", namespaces: [b]} #<\n"),
			api:   "Duplicate value",
			field: "spec.exemptions[1]",
			kspec: "Duplicate value",
		},
		"BadTimeOfDay": {
			reason: "Window times are HH:MM.",
			doc:    spec("  activation:\n    windows:\n      - start: \"25:00\" #<\n        end: \"06:00\"\n"),
			api:    "must be a time of day from 00:00 to 23:59",
			field:  "spec.activation.windows[0].start",
			kspec:  "must be a time of day from 00:00 to 23:59",
		},
		"WindowWithStartOnly": {
			reason: "A window has both times or neither.",
			doc:    spec("  activation:\n    windows:\n      - start: \"08:00\" #<\n"),
			api:    "set both start and end, or neither for whole days",
			field:  "spec.activation.windows[0]",
			kspec:  "set both start and end",
		},
		"UnknownComplianceCheck": {
			reason: "Controls map to checks that exist.",
			doc:    spec("  compliance:\n    frameworks:\n      - name: NIST\n        controls:\n          - id: SC-7\n            title: Boundary Protection\n            checks: [network.validation] #<\n"),
			api:    "checks[0] in body should match '^(kubernetes[.]version|podsecurity[.]standards|network[.]policies",
			field:  "spec.compliance.frameworks[0].controls[0].checks[0]",
			kspec:  "should match '^(kubernetes[.]version|podsecurity[.]standards|network[.]policies",
		},
		"MetricsWithoutProviders": {
			reason: "Required metrics need a provider to look for.",
			doc:    spec("  observability:\n    metrics: #<\n      required: true\n"),
			api:    "providers must list at least one provider",
			field:  "spec.observability.metrics",
			kspec:  "providers must list at least one provider",
		},
		"ClaimMinAboveMax": {
			reason: "Claims share the XR's schema and rules.",
			doc:    "apiVersion: kspec.io/v1alpha1\nkind: ClusterSpecificationClaim\nmetadata:\n  name: bad\n  namespace: team-payments\nspec:\n  kubernetes: #<\n    minVersion: \"1.31\"\n    maxVersion: \"1.29\"\n",
			api:    "minVersion must not be greater than maxVersion",
			field:  "spec.kubernetes",
			kspec:  "minVersion must not be greater than maxVersion",
		},
		"ProviderConfigWithoutSecret": {
			reason: "Secret credentials need a secret.",
			doc:    "apiVersion: provider.kspec.io/v1alpha1\nkind: ProviderConfig\nmetadata:\n  name: bad\n  namespace: kspec-system\nspec:\n  credentials: #<\n    source: Secret\n",
			api:    "secretRef is required when source is Secret",
			field:  "spec.credentials",
			kspec:  "secretRef is required when source is Secret",
		},
		"ScanRemediatingInMonitorMode": {
			reason: "A scan only remediates in enforce mode.",
			doc:    "apiVersion: provider.kspec.io/v1alpha1\nkind: ComplianceScan\nmetadata:\n  name: bad\n  namespace: kspec-system\nspec: #<\n  forProvider:\n    specificationRef: {name: strict}\n    autoRemediate: true\n",
			api:    "autoRemediate requires mode enforce",
			field:  "spec",
			kspec:  "autoRemediate requires mode enforce",
		},
		// The API server accepts these; kspec's semantic checks catch them.
		"ExemptionRuleTypo": {
			reason: "An exemption naming a rule that does not exist would exempt nothing, silently.",
			doc:    spec("  exemptions:\n    - name: legacy\n      reason: r\n      approvedBy: a\n      expiresAt: \"2030-01-01T00:00:00Z\"\n      namespaces: [legacy]\n      rules: [workload.security/limit-cpu] #<\n"),
			field:  "spec.exemptions[0].rules[0]",
			kspec:  "unknown rule \"workload.security/limit-cpu\"; the rules of workload.security are workload.security/allow-privilege-escalation,",
		},
		"ComplianceCheckTypo": {
			reason: "A control mapped to a rule that does not exist would have no evidence.",
			doc:    spec("  compliance:\n    frameworks:\n      - name: NIST-800-53\n        controls:\n          - id: AC-6\n            title: Least privilege\n            checks: [rbac.validation/forbid-rules] #<\n"),
			field:  "spec.compliance.frameworks[0].controls[0].checks[0]",
			kspec:  "unknown rule \"rbac.validation/forbid-rules\"",
		},
		"ValueNotBoolean": {
			reason: "Boolean fields take true or false; the schema cannot say so.",
			doc:    spec("  workloads:\n    containers:\n      required:\n        - key: securityContext.runAsNonRoot\n          value: maybe #<\n"),
			field:  "spec.workloads.containers.required[0].value",
			kspec:  "must be a boolean: true or false",
		},
		"ValueAndExists": {
			reason: "A rule states a value or existence, not both.",
			doc:    spec("  workloads:\n    containers:\n      forbidden:\n        - key: hostPID\n          value: true\n          exists: true #<\n"),
			field:  "spec.workloads.containers.forbidden[0].exists",
			kspec:  "set exactly one of value or exists",
		},
		"BadRegularExpression": {
			reason: "Name patterns must compile.",
			doc:    spec("  admission:\n    required:\n      - type: ValidatingWebhookConfiguration\n        namePattern: \"kyverno-(\" #<\n"),
			field:  "spec.admission.required[0].namePattern",
			kspec:  "not a valid RE2 regular expression",
		},
		"NamespaceIncludedAndExcluded": {
			reason: "Exclude would silently win; say so.",
			doc:    spec("  namespaceScope:\n    include: [payments, billing]\n    exclude: [billing] #<\n"),
			field:  "spec.namespaceScope.exclude[0]",
			kspec:  "namespace is also in include",
		},
		"BasedOnItself": {
			reason: "A specification cannot inherit from itself.",
			doc:    spec("  basedOn:\n    specifications: [bad] #<\n"),
			field:  "spec.basedOn.specifications[0]",
			kspec:  "bad cannot be based on itself",
		},
		"BadLabelSelector": {
			reason: "Selectors must be valid label selectors.",
			doc:    spec("  targets:\n    selector:\n      matchExpressions:\n        - key: env\n          operator: Near #<\n"),
			field:  "spec.targets.selector.matchExpressions[0].operator",
			kspec:  "not a valid selector operator",
		},
		"UnknownTimeZone": {
			reason: "Time zones must be IANA names.",
			doc:    spec("  activation:\n    timeZone: Mars/Olympus #<\n    windows: [{days: [Monday]}]\n"),
			field:  "spec.activation.timeZone",
			kspec:  "not an IANA time zone",
		},
	}
	ctx := context.Background()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := apply(t, ctx, name, []byte(tc.doc))
			require.Len(t, errs, 1)
			if tc.api == "" {
				assert.NoError(t, errs[0], "the API server should accept this: %s", tc.reason)
			} else {
				require.Error(t, errs[0], "the API server should reject this: %s", tc.reason)
				assert.Contains(t, errs[0].Error(), tc.api)
			}

			docs := manifest.Parse(name, []byte(tc.doc))
			problems := schema.Check(ctx, docs[0])
			require.NotEmpty(t, problems, "kspec validate should reject this: %s", tc.reason)
			found := false
			for _, p := range problems {
				if p.Field == tc.field && strings.Contains(p.Message, tc.kspec) {
					found = true
					assert.Equal(t, markedLine(tc.doc), p.Line, "kspec validate locates %s on the wrong line", p.Field)
				}
			}
			assert.True(t, found, "kspec validate should report %q at %s, reported %+v", tc.kspec, tc.field, problems)
		})
	}
}

// markedLine returns the line (from 1) that ends with the "#<" marker.
func markedLine(doc string) int {
	for i, l := range strings.Split(doc, "\n") {
		if strings.HasSuffix(l, "#<") {
			return i + 1
		}
	}
	return 0
}
