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

// Package resolve applies a specification's policyTemplate and basedOn: it
// returns the one resolved spec that every consumer (the function, the
// provider, the webhook's bundle, the CLI) compiles with internal/rules.
package resolve

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kspec-io/kspec/internal/rules"
)

// A Source finds another ClusterSpecification (a cluster-scoped XR) by name.
// It returns an error satisfying errors.Is(err, ErrNotFound) when there is none.
type Source interface {
	Specification(ctx context.Context, name string) (rules.Spec, error)
}

// ErrNotFound is what a Source returns, possibly wrapped, for a name it
// does not hold.
var ErrNotFound = errors.New("specification not found")

// MissingError is returned (find it with errors.As) when some bases are not
// (yet) available from the Source; Names lists every missing name, sorted.
// The function uses it to ask Crossplane for them as required resources and
// retry.
type MissingError struct{ Names []string }

func (e *MissingError) Error() string {
	return fmt.Sprintf("base specification %s not found", strings.Join(e.Names, ", "))
}

// Resolve returns spec with its policyTemplate and basedOn applied: the
// result has Spec.PolicyTemplate == nil and Spec.BasedOn == nil and is what
// every consumer compiles. spec is not modified.
func Resolve(ctx context.Context, spec rules.Spec, src Source) (rules.Spec, error) {
	if spec.Spec.PolicyTemplate == nil && spec.Spec.BasedOn == nil {
		return spec, nil
	}
	return rules.Spec{}, errors.New("policyTemplate and basedOn are not resolved yet")
}

// Specs is a Source over an in-memory list (the CLI's files). Claims are
// not bases: only cluster-wide specifications are found, by name.
func Specs(specs ...rules.Spec) Source {
	m := mapSource{}
	for _, s := range specs {
		if !s.Claim() {
			m[s.Name] = s
		}
	}
	return m
}

type mapSource map[string]rules.Spec

func (m mapSource) Specification(_ context.Context, name string) (rules.Spec, error) {
	s, ok := m[name]
	if !ok {
		return rules.Spec{}, fmt.Errorf("%w: %s (known: %s)", ErrNotFound, name, strings.Join(slices.Sorted(maps.Keys(m)), ", "))
	}
	return s, nil
}
