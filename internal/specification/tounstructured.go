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

package specification

import (
	"encoding/json"

	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

// ToUnstructured is the inverse of FromUnstructured: the XR (or, for a claim,
// a ClusterSpecificationClaim in its namespace) that FromUnstructured reads back
// to an equal rules.Spec. The function writes it into the webhook's bundle ConfigMap.
func ToUnstructured(s rules.Spec) (*unstructured.Unstructured, error) {
	b, err := json.Marshal(s.Spec)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot encode specification %s", s.Name)
	}
	// Integers must decode as int64, as the API server's do: the schema's
	// CEL rules refuse float64.
	spec := map[string]any{}
	if err := utiljson.Unmarshal(b, &spec); err != nil {
		return nil, errors.Wrapf(err, "cannot decode specification %s", s.Name)
	}
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetAPIVersion(v1alpha1.SchemeGroupVersion.String())
	u.SetKind(v1alpha1.ClusterSpecificationKind)
	if s.Claim() {
		u.SetKind(v1alpha1.ClusterSpecificationClaimKind)
		u.SetNamespace(s.Namespace)
	}
	u.SetName(s.Name)
	return u, nil
}
