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
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
)

const strict = "../../examples/specs/strict.yaml"

const goodPod = `apiVersion: v1
kind: Pod
metadata: {name: good, namespace: team-a}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: ghcr.io/my-company/app@sha256:a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
    resources:
      limits: {cpu: 500m, memory: 128Mi}
      requests: {cpu: 100m, memory: 64Mi}
`

const rootPod = `apiVersion: v1
kind: Pod
metadata: {name: root, namespace: team-a}
spec:
  containers: [{name: app, image: nginx}]
`

func TestCheckExitCodes(t *testing.T) {
	code, out, errOut := run(t, goodPod, "check", "-f", strict, "-")
	assert.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "1 objects, 24 rules: 19 pass, 0 fail")

	code, out, _ = run(t, goodPod+"---\n"+rootPod, "check", "-f", strict, "-")
	assert.Equal(t, ExitInvalid, code)
	assert.Contains(t, out, "workload.security/run-as-non-root")
	assert.Contains(t, out, "Pod/team-a/root")
	assert.Contains(t, out, "-:17") // the second document starts there

	// A malformed document is reported with its index, and the others are
	// still checked.
	code, out, _ = run(t, rootPod+"---\nkind: [\n", "check", "-f", strict, "-")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, out, "document 1")
	assert.Contains(t, out, "workload.security/run-as-non-root")

	code, out, _ = run(t, "apiVersion: v1\nkind: Pod\nspec: {}\n", "check", "-f", strict, "-")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, out, "no metadata.name")

	// Other tools' files in the same directory are not kspec's to judge;
	// documents that are no Kubernetes object at all are input errors.
	code, out, _ = run(t, goodPod+"---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [pod.yaml]\n", "check", "-f", strict, "-")
	assert.Equal(t, ExitOK, code, out)
	code, out, _ = run(t, "replicaCount: 3\n", "check", "-f", strict, "-")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, out, "no apiVersion, kind")

	code, _, errOut = run(t, "", "check", "-f", "nonexistent.yaml", "-")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "nonexistent.yaml")
}

func TestCheckBadSpec(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("apiVersion: kspec.io/v1alpha1\nkind: ClusterSpecification\nmetadata: {name: bad}\nspec:\n  enforcement:\n    mode: strictest\n"), 0o600))
	code, _, errOut := run(t, rootPod, "check", "-f", bad, "-")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, bad+":6:11: spec.enforcement.mode")

	none := filepath.Join(dir, "none.yaml")
	require.NoError(t, os.WriteFile(none, []byte(rootPod), 0o600))
	code, _, errOut = run(t, rootPod, "check", "-f", none, "-")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "holds no")
}

func TestCheckJSONAndSARIF(t *testing.T) {
	code, out, _ := run(t, rootPod, "check", "-f", strict, "-o", "json", "-")
	require.Equal(t, ExitInvalid, code)
	var rep report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "strict", rep.Specification)
	assert.Equal(t, 1, rep.Summary.Objects)
	assert.Len(t, rep.Results, rep.Summary.Pass+rep.Summary.Fail+rep.Summary.Warn+rep.Summary.Skip+rep.Summary.Error)
	assert.Contains(t, rep.NotEvaluated, "kubernetes.version/supported")

	code, out, _ = run(t, rootPod, "check", "-f", strict, "-o", "sarif", "-")
	require.Equal(t, ExitInvalid, code)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
				Level  string `json:"level"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &sarif))
	assert.Equal(t, "2.1.0", sarif.Version)
	require.Len(t, sarif.Runs, 1)
	assert.Len(t, sarif.Runs[0].Tool.Driver.Rules, 24)
	assert.Contains(t, sarif.Runs[0].Results, struct {
		RuleID string `json:"ruleId"`
		Level  string `json:"level"`
	}{"workload.security/run-as-non-root", "error"})
}

func TestCheckList(t *testing.T) {
	list := `{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "team-a"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "namespace": "kube-system"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
]}`
	code, out, _ := run(t, list, "check", "-f", strict, "-")
	assert.Equal(t, ExitInvalid, code)
	assert.Contains(t, out, "Pod/team-a/a")
	assert.NotContains(t, out, "Pod/kube-system/b")
	assert.Contains(t, out, "2 objects")
}
