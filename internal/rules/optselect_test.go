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
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOptionalSelectsAgree compares optional-select chains as batch
// programs read them (selectOr) with the same expressions as written, on
// the corpus and generated objects (fields missing and of the wrong type):
// the same value, or errNotRead, which makes a batch fall back to each
// rule's own program.
func TestOptionalSelectsAgree(t *testing.T) {
	exprs := []string{
		"object.?spec.orValue({})", "object.?spec.?hostNetwork.orValue(false)", "object.?spec.?hostPID.orValue(true)",
		"object.?spec.?containers.orValue([])", "object.?metadata.?name.orValue('')", "object.?metadata.?labels.orValue({})",
		"object.?spec.?template.?spec.orValue({})", "object.?spec.?jobTemplate.?spec.?template.?spec.orValue({})",
		"object.?spec.?containers.orValue([]).map(c, c.?securityContext.?runAsNonRoot.orValue(false))",
		"object.?spec.?containers.orValue([]).map(c, c.?securityContext.?capabilities.?drop.orValue([]))",
		"object.?spec.?containers.orValue([]).all(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false)",
		"object.?spec.?containers.orValue([]).map(c, c.?ports.orValue([]).map(p, p.?containerPort.orValue(0)))",
		"object.?spec.?containers.orValue([]).map(c, c.?image.orValue('').matches('@sha256:'))",
		"object.?spec.?containers.orValue([]).map(c, 'ALL' in c.?securityContext.?capabilities.?drop.orValue([]))",
		"object.?spec.?containers.orValue([]).map(c, size(c.?securityContext.?capabilities.?add.orValue([])))",
		"object.?spec.?securityContext.?seccompProfile.?type.orValue('')", "object.?spec.?containers.orValue({})",
		"object.?spec.?containers.orValue([]) + object.?spec.?initContainers.orValue([])",
		"object.?spec.?volumes.orValue([]).exists(v, v.?hostPath.?path.orValue('') == '/')",
		"variables.?pod.?containers.orValue([])", "object.?spec.?hostNetwork.orValue(0) == 0",
		"object.?spec.?hostNetwork.hasValue()", "object.?spec.?securityContext.?runAsNonRoot.hasValue()",
		"object.?spec.?containers.orValue([]).map(c, c.?resources.?limits.?cpu.hasValue())",
		"object.?spec.?containers.orValue([]).map(c, c.?securityContext.?runAsNonRoot.or(object.?spec.?securityContext.?runAsNonRoot).orValue(false))",
		"object.?spec.?containers.orValue([]).map(c, c.?securityContext.?seccompProfile.?type.or(variables.pod.?securityContext.?seccompProfile.?type).orValue(''))",
		"object.?spec.?containers.orValue([]).map(c, c.?resources.?requests.?cpu.or(c.?resources.?limits.?cpu).hasValue())",
		"object.?spec.?containers.orValue([]).all(c, c.?resources.?requests.?memory.or(c.?resources.?limits.?memory).hasValue() || c.?name.orValue('') == '')",
		"object.?metadata.?labels.or(object.?metadata.?annotations).orValue({})",
	}
	planned, err := evalEnv()
	require.NoError(t, err)
	e, err := env()
	require.NoError(t, err)
	var got, want []cel.Program
	for _, x := range exprs {
		p, err := compileBatch(x, cel.DynType)
		require.NoError(t, err, x)
		got = append(got, p)
		checked, iss := e.Compile(x)
		require.NoError(t, iss.Err(), x)
		opt, err := cel.NewStaticOptimizer(optionalSelects{})
		require.NoError(t, err)
		be, err := batchEnv()
		require.NoError(t, err)
		rewritten, iss := opt.Optimize(be, checked)
		require.NoError(t, iss.Err(), x)
		for _, f := range []string{"orValue", "hasValue"} {
			assert.Empty(t, ast.MatchDescendants(ast.NavigateAST(rewritten.NativeRep()), ast.FunctionMatcher(f)), "%s is rewritten", x)
		}
		p, err = planned.Program(checked, cel.EvalOptions(cel.OptOptimize))
		require.NoError(t, err, x)
		want = append(want, p)
	}
	objects := manifests(t)
	g := objectGen{rand.New(rand.NewPCG(5, 6))}
	for range 2000 {
		objects = append(objects, g.object())
	}
	values, notRead := 0, 0
	for _, obj := range objects {
		spec, _ := obj["spec"].(map[string]any)
		vars := map[string]any{"object": obj, "variables": map[string]any{"pod": unstructuredAdapter{}.NativeToValue(spec)}}
		for i, x := range exprs {
			gv, _, gerr := got[i].Eval(vars)
			wv, _, werr := want[i].Eval(vars)
			if gerr != nil && gerr.Error() == errNotRead.(*types.Err).Error() {
				notRead++
				continue
			}
			// A batch's errors are not reported (its rules run their
			// own programs), but they are the same.
			require.Equal(t, sortedChars(fmt.Sprint(werr)), sortedChars(fmt.Sprint(gerr)), "%s on %v", x, obj)
			if werr == nil {
				require.Equal(t, describeVal(wv), describeVal(gv), "%s on %v", x, obj)
				values++
			}
		}
	}
	t.Logf("%d values equal, %d not read", values, notRead)
	assert.Greater(t, values, 20000)
	assert.Greater(t, notRead, 1000)
}
