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

package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	reportjson "github.com/kspec-io/kspec/internal/report/json"
	"github.com/kspec-io/kspec/internal/rules"
)

const selectorSpec = `apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata: {name: selected}
spec:
  namespaceScope:
    selector: {matchLabels: {env: prod}}
  workloads:
    containers:
      required:
      - {key: securityContext.runAsNonRoot, value: true}
`

func rootPodIn(ns string) string {
	meta := "{name: root}"
	if ns != "" {
		meta = "{name: root, namespace: " + ns + "}"
	}
	return "apiVersion: v1\nkind: Pod\nmetadata: " + meta + "\nspec:\n  containers: [{name: app, image: nginx}]\n---\n"
}

func namespace(name, env string) string {
	return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: {env: " + env + "}}\n---\n"
}

func TestCheckNamespaceLabels(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "spec.yaml")
	require.NoError(t, os.WriteFile(spec, []byte(selectorSpec), 0o600))
	const rule = "workload.security/run-as-non-root"

	cases := map[string]struct {
		reason   string
		input    string
		flags    []string
		want     map[string]rules.Status // object → verdict of the rule
		warnings []string
	}{
		"FromTheInput": {
			reason: "Namespace documents in the input give the labels; no warning.",
			input:  namespace("shop", "prod") + namespace("lab", "dev") + rootPodIn("shop") + rootPodIn("lab"),
			want:   map[string]rules.Status{"Pod/shop/root": rules.Fail, "Pod/lab/root": rules.Skip},
		},
		"Unknown": {
			reason: "A namespace with no document is evaluated as in scope, and named once, sorted; a Pod without a namespace is in default.",
			input:  rootPodIn("zoo") + rootPodIn("") + rootPodIn("zoo") + namespace("lab", "dev"),
			want:   map[string]rules.Status{"Pod/zoo/root": rules.Fail, "Pod/default/root": rules.Fail},
			warnings: []string{"labels unknown for namespaces default, zoo (no Namespace document in the input, no --namespace-labels): " +
				"the namespace selector could not judge them, so their objects were evaluated as in scope, and at the Pod Security level the specification requires"},
		},
		"FromTheFlag": {
			reason: "--namespace-labels gives labels of namespaces not in the input; NS= says a namespace has none.",
			input:  rootPodIn("shop") + rootPodIn("lab") + rootPodIn("bare"),
			flags:  []string{"--namespace-labels", "shop=env=prod,team=a", "--namespace-labels=lab=env=dev", "--namespace-labels", "bare="},
			want:   map[string]rules.Status{"Pod/shop/root": rules.Fail, "Pod/lab/root": rules.Skip, "Pod/bare/root": rules.Skip},
		},
		"InputWins": {
			reason:   "A Namespace document wins over the flag, which is reported as ignored.",
			input:    namespace("shop", "prod") + rootPodIn("shop"),
			flags:    []string{"--namespace-labels", "shop=env=dev"},
			want:     map[string]rules.Status{"Pod/shop/root": rules.Fail},
			warnings: []string{"--namespace-labels ignored for namespaces shop: the input has their Namespace documents"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"check", "-f", spec, "--now", "2026-12-01T00:00:00Z"}, tc.flags...)
			code, out, errOut := run(t, tc.input, append(args, "-o", "json", "-")...)
			require.Equal(t, ExitInvalid, code, errOut)
			assert.Empty(t, errOut, "JSON carries the warnings")
			var rep report.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
			got := map[string]rules.Status{}
			for _, r := range rep.Results {
				if r.Rule == rule {
					got[r.Object.String()] = r.Status
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nverdicts: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(append([]string{}, tc.warnings...), rep.Warnings); diff != "" {
				t.Errorf("%s\nwarnings: -want, +got:\n%s", tc.reason, diff)
			}

			// Text prints the same warnings on standard error, once each.
			code, out, errOut = run(t, tc.input, append(args, "-")...)
			require.Equal(t, ExitInvalid, code, errOut)
			var want string
			for _, w := range tc.warnings {
				want += "kspec: warning: " + w + "\n"
			}
			assert.Equal(t, want, errOut, tc.reason)
			assert.NotContains(t, out, "warning")
		})
	}
}

func TestParseNamespaceLabels(t *testing.T) {
	cases := map[string]struct {
		reason string
		flags  []string
		want   map[string]map[string]string
		err    string
	}{
		"Several": {
			reason: "Labels of one namespace add up across flags.",
			flags:  []string{"a=env=prod,example.com/tier=web", "b=", "a=env=prod,x=1"},
			want:   map[string]map[string]string{"a": {"env": "prod", "example.com/tier": "web", "x": "1"}, "b": {}},
		},
		"ValueWithEquals": {
			reason: "Only the first = of a label separates key and value; a value cannot hold =.",
			flags:  []string{"a=k=v=w"},
			err:    `label value "v=w"`,
		},
		"NoEquals":     {reason: "A namespace alone says nothing.", flags: []string{"a"}, err: `--namespace-labels "a": no =`},
		"BadNamespace": {reason: "Namespaces are DNS labels.", flags: []string{"Team_A=env=prod"}, err: `namespace "Team_A"`},
		"BadKey":       {reason: "Keys are qualified names.", flags: []string{"a=-env=prod"}, err: `label key "-env"`},
		"NoValue":      {reason: "Each label is KEY=VALUE.", flags: []string{"a=env"}, err: `label "env" has no =`},
		"Conflict":     {reason: "One key, two values, is a mistake.", flags: []string{"a=env=prod", "a=env=dev"}, err: `label env of namespace a is already "prod"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := parseNamespaceLabels(tc.flags)
			if tc.err != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.err, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestCheckBadNamespaceLabelsFlag(t *testing.T) {
	code, _, errOut := run(t, rootPod, "check", "-f", strict, "--namespace-labels", "a", "-")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "--namespace-labels")
}

func TestDefaultNamespace(t *testing.T) {
	cases := map[string]struct {
		reason string
		obj    map[string]any
		want   string
	}{
		"NamespacedWithout": {
			reason: "kubectl apply puts a namespaced object without a namespace in default.",
			obj:    map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "a"}},
			want:   "default",
		},
		"NoMetadata": {
			reason: "Even without metadata.",
			obj:    map[string]any{"apiVersion": "v1", "kind": "Pod"},
			want:   "default",
		},
		"NamespacedWith": {
			reason: "A namespace given is kept.",
			obj:    map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "a", "namespace": "shop"}},
			want:   "shop",
		},
		"ClusterScoped": {
			reason: "Cluster-scoped kinds have no namespace.",
			obj:    map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": map[string]any{"name": "a"}},
		},
		"Namespace": {
			reason: "A Namespace is not in a namespace.",
			obj:    map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "shop"}},
		},
		"UnknownKind": {
			reason: "Whether an unknown kind is namespaced is not known offline; it is left alone.",
			obj:    map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": "a"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before, err := json.Marshal(tc.obj)
			require.NoError(t, err)
			got := defaultNamespace(tc.obj)
			meta, _ := got["metadata"].(map[string]any)
			ns, _ := meta["namespace"].(string)
			assert.Equal(t, tc.want, ns, tc.reason)
			after, err := json.Marshal(tc.obj)
			require.NoError(t, err)
			assert.JSONEq(t, string(before), string(after), "the input is not modified")
		})
	}
}

func TestCheckJSONSchema(t *testing.T) {
	code, out, _ := run(t, rootPod, "check", "-f", strict, "-o", "json", "-")
	require.Equal(t, ExitInvalid, code)
	var keys map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &keys))
	var got []string
	for k := range keys {
		got = append(got, k)
	}
	assert.ElementsMatch(t, []string{"version", "specification", "mode", "time", "rules", "notEvaluated", "results", "inputErrors", "warnings", "summary"}, got)
	assert.JSONEq(t, `"kspec.io/report/v1"`, string(keys["version"]))
	assert.Contains(t, string(keys["summary"]), `"warn": 0`)
	assert.True(t, strings.HasPrefix(out, "{\n  \"version\": "), "version comes first, so a reader can check it before the results")
	assert.NoError(t, reportjson.Validate([]byte(out)), "the output is valid against the documented schema")
}
