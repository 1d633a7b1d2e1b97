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

package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestForbiddenRoleRules(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		RBAC: &kspecv1alpha1.RBACRequirements{ForbiddenRules: []kspecv1alpha1.RBACRule{
			{APIGroup: "*", Resource: "*", Verbs: []string{"*"}},
			{APIGroup: "", Resource: "secrets", Verbs: []string{"get", "list"}},
		}},
	}}})
	require.NoError(t, err)
	role := func(kind, name string, rules ...any) map[string]any {
		return map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": map[string]any{"name": name, "namespace": "team"}, "rules": rules}
	}
	rule := func(groups, resources, verbs []any) any {
		return map[string]any{"apiGroups": groups, "resources": resources, "verbs": verbs}
	}
	id := "rbac.validation/forbidden-rules"
	assert.Equal(t, Fail, verdict(t, set, role("Role", "r", rule([]any{"*"}, []any{"*"}, []any{"*"})), id))
	assert.Equal(t, Fail, verdict(t, set, role("Role", "r", rule([]any{"*"}, []any{"*"}, []any{"get"})), id), "wildcards grant get on secrets")
	assert.Equal(t, Fail, verdict(t, set, role("Role", "r", rule([]any{""}, []any{"secrets"}, []any{"list"})), id))
	assert.Equal(t, Pass, verdict(t, set, role("Role", "r", rule([]any{""}, []any{"secrets"}, []any{"watch"})), id))
	assert.Equal(t, Pass, verdict(t, set, role("Role", "r", rule([]any{"apps"}, []any{"*"}, []any{"*"})), id))
	assert.Equal(t, Pass, verdict(t, set, role("Role", "r"), id), "no rules")
	assert.Equal(t, Skip, verdict(t, set, role("ClusterRole", "system:x", rule([]any{"*"}, []any{"*"}, []any{"*"})), id))
}
