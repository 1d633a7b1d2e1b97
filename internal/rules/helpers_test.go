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
	"time"

	"github.com/stretchr/testify/require"
)

func pod(images ...string) map[string]any {
	cs := make([]any, len(images))
	for i, im := range images {
		cs[i] = map[string]any{"name": "c", "image": im}
	}
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "p", "namespace": "team"},
		"spec":     map[string]any{"containers": cs},
	}
}

// podSpec is a Pod with the spec.
func podSpec(spec map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "p", "namespace": "team"},
		"spec":     spec,
	}
}

func verdict(t *testing.T, set *Set, obj map[string]any, id string) Status {
	t.Helper()
	return result(t, set, obj, id).Status
}

// result is the result of rule id on obj, which must not be an error.
func result(t *testing.T, set *Set, obj map[string]any, id string) Result {
	t.Helper()
	for _, r := range set.Evaluate(obj, Input{Now: time.Now()}) {
		if r.Rule.ID == id {
			require.NotEqual(t, Error, r.Status, r.Message)
			return r
		}
	}
	t.Fatalf("no result for %s", id)
	return Result{}
}
