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

package validate

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestReadSpecification(t *testing.T) {
	claim, err := os.ReadFile("../../examples/specs/team-claim.yaml")
	require.NoError(t, err)
	cases := map[string]struct {
		reason        string
		data          string
		name, ns, err string
		mode          v1alpha1.Mode
	}{
		"Claim": {
			reason: "A claim keeps its namespace.",
			data:   string(claim),
			name:   "payments-hardening", ns: "team-payments", mode: v1alpha1.ModeEnforce,
		},
		"Defaults": {
			reason: "The schema's defaults apply, and a claim without a namespace is in default, as kubectl creates it.",
			data:   "apiVersion: kspec.io/v1alpha1\nkind: ClusterSpecificationClaim\nmetadata: {name: c}\nspec: {}\n",
			name:   "c", ns: "default", mode: v1alpha1.ModeMonitor,
		},
		"ClaimComposite": {
			reason: "A claim's composite in a file is read as its claim.",
			data: "apiVersion: kspec.io/v1alpha1\nkind: ClusterSpecification\nmetadata: {name: c-x7k2p}\nspec:\n  claimRef: {apiVersion: kspec.io/v1alpha1, kind: ClusterSpecificationClaim, name: c, namespace: shop}\n" +
				"  enforcement: {mode: audit}\n",
			name: "c", ns: "shop", mode: v1alpha1.ModeAudit,
		},
		"Semantic": {
			reason: "Semantic errors are reported with their position.",
			data:   "apiVersion: kspec.io/v1alpha1\nkind: ClusterSpecification\nmetadata: {name: s}\nspec:\n  activation:\n    timeZone: Mars/Olympus\n    windows: [{days: [Monday]}]\n",
			err:    "f.yaml:6:15: spec.activation.timeZone: Invalid value: \"Mars/Olympus\": not an IANA time zone",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ReadSpecification(context.Background(), "f.yaml", []byte(tc.data))
			if tc.err != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.err, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.name, got.Name, tc.reason)
			assert.Equal(t, tc.ns, got.Namespace, tc.reason)
			require.NotNil(t, got.Spec.Enforcement, tc.reason)
			assert.Equal(t, tc.mode, got.Spec.Enforcement.Mode, tc.reason)
		})
	}
}
