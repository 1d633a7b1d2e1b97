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
	"fmt"
	"strings"

	"github.com/pkg/errors"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/specification"
)

// ReadSpecification reads the one ClusterSpecification or
// ClusterSpecificationClaim in a file's data, validates it as the API server
// would, applies the schema's defaults and hands it to
// specification.FromUnstructured, which every consumer shares. Other kinds
// in data are ignored. An invalid specification is an error listing every
// problem with its position.
func ReadSpecification(ctx context.Context, source string, data []byte) (rules.Spec, error) {
	var found []manifest.Document
	var problems []string
	// Only a specification needs YAML nodes, for the positions of problems.
	isSpec := func(apiVersion, kind string) bool {
		gvk := runtimeschema.FromAPIVersionAndKind(apiVersion, kind)
		return gvk == kspecv1alpha1.ClusterSpecificationGroupVersionKind || gvk == kspecv1alpha1.ClusterSpecificationClaimGroupVersionKind
	}
	for _, d := range manifest.ParseKinds(source, data, isSpec) {
		if d.Err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: document %d: %v", source, d.Line, d.Index, d.Err))
			continue
		}
		gvk := d.Object.GroupVersionKind()
		if gvk == kspecv1alpha1.ClusterSpecificationGroupVersionKind || gvk == kspecv1alpha1.ClusterSpecificationClaimGroupVersionKind {
			found = append(found, d)
		}
	}
	if len(problems) > 0 {
		return rules.Spec{}, errors.New(strings.Join(problems, "\n"))
	}
	switch len(found) {
	case 0:
		return rules.Spec{}, errors.Errorf("%s holds no %s or %s", source, kspecv1alpha1.ClusterSpecificationGroupVersionKind, kspecv1alpha1.ClusterSpecificationClaimKind)
	case 1:
	default:
		return rules.Spec{}, errors.Errorf("%s holds %d specifications; put each in its own file", source, len(found))
	}
	return ReadDocument(ctx, found[0])
}

// ReadDocument is ReadSpecification for one parsed document holding a
// ClusterSpecification or a ClusterSpecificationClaim: it validates it as
// the API server would, applies the schema's defaults and hands it to
// specification.FromUnstructured. An invalid specification is an error
// listing every problem with its position.
func ReadDocument(ctx context.Context, d manifest.Document) (rules.Spec, error) {
	if d.Err != nil {
		return rules.Spec{}, errors.Errorf("%s:%d: document %d: %v", d.Source, d.Line, d.Index, d.Err)
	}
	schema, err := KspecSchema()
	if err != nil {
		return rules.Spec{}, err
	}
	if ps := schema.Check(ctx, d); len(ps) > 0 {
		msgs := make([]string, len(ps))
		for i, p := range ps {
			at := fmt.Sprintf("%s:%s: ", d.Source, p.Position)
			if p.Field != "" {
				at += p.Field + ": "
			}
			msgs[i] = at + p.Message
		}
		return rules.Spec{}, errors.Errorf("invalid specification %s:\n%s", d.Object.GetName(), strings.Join(msgs, "\n"))
	}
	u := d.Object.DeepCopy()
	schema.Validate(ctx, u) // defaults, as the API server would
	spec, err := specification.FromUnstructured(u)
	return spec, errors.Wrapf(err, "%s:%d", d.Source, d.Line)
}
