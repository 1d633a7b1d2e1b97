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

package readiness

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kspec-io/kspec/functions/step"
)

// Set sets the readiness of a step's objects for target t from what req
// observed of them there, and returns a warning for each whose observed
// state cannot be read (it is then not ready).
func Set(req *step.Request, t step.Target, objs []step.Object) []string {
	return set(req.Observed, t, objs)
}

// SetControlPlane is Set for a step's control-plane objects.
func SetControlPlane(req *step.Request, t step.Target, objs []step.Object) []string {
	return set(req.ObservedControlPlane, t, objs)
}

func set(observed func(step.Target, string) (*unstructured.Unstructured, bool), t step.Target, objs []step.Object) []string {
	var warnings []string
	for i := range objs {
		v, err := Of(observed(t, objs[i].Name))
		objs[i].Ready = v.Ready
		if err != nil {
			warnings = append(warnings, "On "+t.String()+", "+err.Error()+"; it counts as not ready")
		}
	}
	return warnings
}
