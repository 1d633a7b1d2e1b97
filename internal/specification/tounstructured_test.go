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

package specification_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/specification"
	"github.com/kspec-io/kspec/internal/validate"
)

// TestToUnstructuredRoundTrip: every example, as a ClusterSpecification
// and as a claim, is read back equal from ToUnstructured's object and
// from its YAML (what a bundle ConfigMap holds), and that object is one
// the API server accepts.
func TestToUnstructuredRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../../examples/specs/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	schema, err := validate.KspecSchema()
	require.NoError(t, err)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		u := &unstructured.Unstructured{}
		require.NoError(t, yaml.Unmarshal(b, &u.Object))
		s, err := specification.FromUnstructured(u)
		require.NoError(t, err, file)
		xr, claim := s, s
		xr.Namespace, claim.Namespace = "", "team-x"
		for name, want := range map[string]rules.Spec{"XR": xr, "Claim": claim} {
			t.Run(filepath.Base(file)+"/"+name, func(t *testing.T) {
				got, err := specification.ToUnstructured(want)
				require.NoError(t, err)
				wantKind := v1alpha1.ClusterSpecificationKind
				if want.Claim() {
					wantKind = v1alpha1.ClusterSpecificationClaimKind
				}
				assert.Equal(t, wantKind, got.GetKind())
				assert.Equal(t, "kspec.io/v1alpha1", got.GetAPIVersion())
				assert.Equal(t, want.Name, got.GetName())
				assert.Equal(t, want.Namespace, got.GetNamespace())

				back, err := specification.FromUnstructured(got)
				require.NoError(t, err)
				assert.Empty(t, cmp.Diff(want, back, cmp.AllowUnexported(v1alpha1.Value{})))

				y, err := yaml.Marshal(got.Object)
				require.NoError(t, err)
				obj := map[string]any{}
				require.NoError(t, yaml.Unmarshal(y, &obj))
				back, err = specification.FromMap(obj)
				require.NoError(t, err)
				assert.Empty(t, cmp.Diff(want, back, cmp.AllowUnexported(v1alpha1.Value{})))

				assert.Empty(t, schema.Validate(context.Background(), got.DeepCopy()))
			})
		}
	}
}

// TestToUnstructuredValuesKeepTheirForm: a boolean value stays a boolean
// and a string a string, and integers are int64 as the API server's are.
func TestToUnstructuredValuesKeepTheirForm(t *testing.T) {
	b, s := v1alpha1.BoolValue(true), v1alpha1.StringValue("true")
	spec := rules.Spec{Name: "v", Spec: v1alpha1.ClusterSpecificationSpec{Requirements: v1alpha1.Requirements{
		Workloads: &v1alpha1.WorkloadRequirements{Containers: &v1alpha1.ContainerRules{Required: []v1alpha1.FieldRule{
			{Key: v1alpha1.FieldRunAsNonRoot, Value: &b}, {Key: v1alpha1.FieldReadOnlyRootFilesystem, Value: &s},
		}}},
		Network: &v1alpha1.NetworkRequirements{DisallowedPorts: []int32{22}},
	}}}
	u, err := specification.ToUnstructured(spec)
	require.NoError(t, err)
	rs, _, _ := unstructured.NestedSlice(u.Object, "spec", "workloads", "containers", "required")
	assert.Equal(t, true, rs[0].(map[string]any)["value"])
	assert.Equal(t, "true", rs[1].(map[string]any)["value"])
	ports, _, _ := unstructured.NestedSlice(u.Object, "spec", "network", "disallowedPorts")
	assert.Equal(t, []any{int64(22)}, ports)
}
