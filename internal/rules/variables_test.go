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
	"math/rand/v2"
	"testing"

	"github.com/google/cel-go/interpreter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNativeVariablesAgree compares each native variable value with its
// expression's value, on the corpus and on generated objects (images from
// every branch of normalizeImage and random ones): where the native
// function gives a value, it is the expression's.
func TestNativeVariablesAgree(t *testing.T) {
	set := strictSet(t)
	require.Len(t, set.Variables, 3)
	objects := manifests(t)
	g := objectGen{rand.New(rand.NewPCG(5, 6))}
	for range 5000 {
		objects = append(objects, g.object())
	}
	native, declined := map[string]int{}, map[string]int{}
	for _, obj := range objects {
		apiVersion, _ := obj["apiVersion"].(string)
		kind, _ := obj["kind"].(string)
		if !podKind(apiVersion, kind) {
			continue
		}
		vars := map[string]any{}
		act, err := interpreter.NewActivation(map[string]any{"object": obj, "variables": vars})
		require.NoError(t, err)
		for i, v := range set.Variables {
			want, _, err := set.variables[i].Eval(act)
			got, ok := nativeVariables[v.Name](obj, vars)
			if !ok {
				declined[v.Name]++
			} else {
				native[v.Name]++
				require.NoError(t, err, "%s has a native value, but its expression fails on %v", v.Name, obj)
				require.Equal(t, describeVal(want), describeVal(got), "%s on %v", v.Name, obj)
			}
			if err != nil {
				break
			}
			vars[v.Name] = want
		}
	}
	t.Logf("native values: %v; declined: %v", native, declined)
	for _, v := range set.Variables {
		assert.Greater(t, native[v.Name], 1000, v.Name)
		assert.Greater(t, declined[v.Name], 100, v.Name)
	}
}

// TestNormalizedImageAgrees compares normalizedImage with normalizeImage's
// expression on many references, those of
// TestNormalizeImageAgreesWithReference among them.
func TestNormalizedImageAgrees(t *testing.T) {
	g := objectGen{rand.New(rand.NewPCG(7, 8))}
	images := append(referenceImages(), genImages...)
	for range 20000 {
		images = append(images, g.image())
	}
	want, _ := normalized(t, images)
	n := 0
	for k, image := range images {
		got, ok := normalizedImage(image)
		if !ok {
			continue
		}
		n++
		require.Equal(t, want[k], got, "%q", image)
	}
	assert.Greater(t, n, 15000)
}
