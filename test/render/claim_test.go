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

package render_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// checkClaimXR checks that the team-claim fixture is the composite resource
// Crossplane makes of examples/specs/team-claim.yaml: the claim's spec,
// and a claimRef and labels naming the claim.
func checkClaimXR(t *testing.T) {
	t.Helper()
	read := func(p string) map[string]any {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		m := map[string]any{}
		require.NoError(t, yaml.Unmarshal(b, &m))
		return m
	}
	claim := read("../../examples/specs/team-claim.yaml")
	xr := read(filepath.Join(fixtures, "team-claim", "xr.yaml"))
	cm, xm := claim["metadata"].(map[string]any), xr["metadata"].(map[string]any)
	spec := xr["spec"].(map[string]any)
	assert.Equal(t, map[string]any{
		"apiVersion": claim["apiVersion"], "kind": claim["kind"], "name": cm["name"], "namespace": cm["namespace"],
	}, spec["claimRef"])
	assert.Equal(t, map[string]any{"crossplane.io/claim-name": cm["name"], "crossplane.io/claim-namespace": cm["namespace"]}, xm["labels"])
	delete(spec, "claimRef")
	assert.Equal(t, claim["spec"], spec, "the team-claim fixture's XR must hold the claim's spec")
	assert.Equal(t, "ClusterSpecification", xr["kind"])
}
