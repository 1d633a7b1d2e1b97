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
//
// The requirements are combined in layers, in order: the template's, each
// base's (itself resolved first), then the specification's own, with the
// spec's basedOn.mergeStrategy (merge by default). Only the requirement
// blocks are inherited; targets, enforcement, webhook, namespaceScope,
// activation and exemptions are the specification's own. The result passes
// the same validation as a hand-written specification. docs/resolution.md
// has the field-by-field table.
package resolve

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/specification"
	"github.com/kspec-io/kspec/internal/validate"
)

// MaxDepth is how many levels of bases a specification may have: its
// bases are level 1, their bases level 2, and so on.
const MaxDepth = 5

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
	what := "base specification"
	if len(e.Names) > 1 {
		what += "s"
	}
	return fmt.Sprintf("%s %s not found", what, strings.Join(e.Names, ", "))
}

// An Error says why a specification cannot be resolved.
type Error struct {
	// Chain is the basedOn path from the specification given to Resolve
	// to the one at fault, its last element (claims as namespace/name).
	Chain []string
	// Combined is set when each layer was valid but their combination is
	// not; it names the layers, in order.
	Combined []string
	// Errors are the problems, at paths of the specification at fault
	// (of the combined one when Combined is set).
	Errors field.ErrorList
}

func (e *Error) Error() string {
	var b strings.Builder
	at := e.Chain[len(e.Chain)-1]
	if len(e.Chain) > 1 {
		fmt.Fprintf(&b, "cannot resolve base %s (%s)", at, strings.Join(e.Chain, " -> "))
	} else {
		fmt.Fprintf(&b, "cannot resolve specification %s", at)
	}
	if len(e.Combined) > 0 {
		fmt.Fprintf(&b, ": combining %s gives an invalid specification", strings.Join(e.Combined, ", then "))
	}
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.Error()
	}
	b.WriteString(": ")
	b.WriteString(strings.Join(msgs, "; "))
	return b.String()
}

// Resolve returns spec with its policyTemplate and basedOn applied: the
// result has Spec.PolicyTemplate == nil and Spec.BasedOn == nil and is what
// every consumer compiles. A spec with neither is returned as it is (a
// deep copy). Otherwise the result is validated as the API server and
// kspec validate would validate it, with the schema's defaults applied.
// spec is not modified, and the result shares no memory with it.
//
// Errors: *MissingError when bases are not in the Source (every one found
// missing so far); *Error for an unknown template or parameter, a bad
// parameter value, a cycle, bases deeper than MaxDepth, bases on a claim,
// a key repeated under append, or an invalid combination; the Source's
// own errors, wrapped.
func Resolve(ctx context.Context, spec rules.Spec, src Source) (rules.Spec, error) {
	spec.Spec = *spec.Spec.DeepCopy()
	if spec.Spec.PolicyTemplate == nil && spec.Spec.BasedOn == nil {
		return spec, nil
	}
	r := &resolver{src: src, done: map[string]*resolved{}, missing: map[string]bool{}}
	out, err := r.resolve(ctx, spec, []string{display(spec)})
	if err != nil {
		return rules.Spec{}, err
	}
	if len(r.missing) > 0 {
		return rules.Spec{}, &MissingError{Names: slices.Sorted(maps.Keys(r.missing))}
	}
	return out.spec, nil
}

// A resolver resolves one specification and, once each, its bases.
type resolver struct {
	src Source
	// done holds the resolved bases by name.
	done map[string]*resolved
	// missing are the bases the source does not have.
	missing map[string]bool
}

// A resolved specification, and the longest basedOn chain below it (its
// own name first), for the depth limit.
type resolved struct {
	spec    rules.Spec
	longest []string
}

func display(s rules.Spec) string {
	if s.Claim() {
		return s.Namespace + "/" + s.Name
	}
	return s.Name
}

// resolve resolves s, the last of chain. It returns nothing and no error
// when a base is missing: the caller reports every missing base at once.
func (r *resolver) resolve(ctx context.Context, s rules.Spec, chain []string) (*resolved, error) {
	p := field.NewPath("spec")
	fail := func(errs ...*field.Error) error { return &Error{Chain: slices.Clone(chain), Errors: errs} }
	out := &resolved{spec: s, longest: []string{display(s)}}
	if s.Spec.PolicyTemplate == nil && s.Spec.BasedOn == nil {
		return out, nil // as valid as it was given
	}
	var layers []layer
	if pt := s.Spec.PolicyTemplate; pt != nil {
		reqs, errs := applyTemplate(pt, p.Child("policyTemplate"))
		if len(errs) > 0 {
			return nil, fail(errs...)
		}
		layers = append(layers, layer{name: "template " + string(pt.Name), reqs: reqs})
	}
	strategy := v1alpha1.MergeStrategyMerge
	if b := s.Spec.BasedOn; b != nil {
		bp := p.Child("basedOn")
		if s.Claim() {
			return nil, fail(field.Forbidden(bp, "a claim cannot be based on other specifications: it resolves against its own requirements only, and the platform's specifications already apply beside it, whatever the claim says; use a policyTemplate or state the requirements"))
		}
		if level := len(chain) - 1; level >= MaxDepth {
			return nil, fail(field.Invalid(bp.Child("specifications").Index(0), b.Specifications[0], fmt.Sprintf("basedOn is nested more than the limit of %d levels: %s", MaxDepth, strings.Join(append(slices.Clone(chain), b.Specifications[0]), " -> "))))
		}
		if b.MergeStrategy != "" {
			strategy = b.MergeStrategy
		}
		missing := false
		for i, name := range b.Specifications {
			ip := bp.Child("specifications").Index(i)
			if at := slices.Index(chain, name); at >= 0 {
				cycle := append(slices.Clone(chain[at:]), name)
				return nil, fail(field.Invalid(ip, name, "basedOn cycle: "+strings.Join(cycle, " -> ")))
			}
			base, err := r.base(ctx, name, append(slices.Clone(chain), name), ip)
			if err != nil {
				return nil, err
			}
			if base == nil {
				missing = true
				continue
			}
			if depth := len(chain) - 1 + len(base.longest); depth > MaxDepth {
				deep := append(slices.Clone(chain), base.longest...)
				return nil, fail(field.Invalid(ip, name, fmt.Sprintf("basedOn is nested %d levels deep, more than the limit of %d: %s", depth, MaxDepth, strings.Join(deep, " -> "))))
			}
			if len(base.longest)+1 > len(out.longest) {
				out.longest = append([]string{display(s)}, base.longest...)
			}
			layers = append(layers, layer{name: "base " + name, reqs: base.spec.Spec.Requirements})
		}
		if missing {
			return nil, nil
		}
	}
	layers = append(layers, layer{name: "its own requirements", reqs: s.Spec.Requirements})
	reqs, errs := combine(strategy, layers, p)
	if len(errs) > 0 {
		return nil, fail(errs...)
	}
	s.Spec = *s.Spec.DeepCopy()
	s.Spec.Requirements = reqs
	s.Spec.PolicyTemplate, s.Spec.BasedOn = nil, nil
	spec, errs := check(ctx, s)
	if len(errs) > 0 {
		names := make([]string, len(layers))
		for i, l := range layers {
			names[i] = l.name
		}
		return nil, &Error{Chain: slices.Clone(chain), Combined: names, Errors: errs}
	}
	out.spec = spec
	return out, nil
}

// base resolves the base of that name, once; nil when the source does
// not have it (or one of its own bases). chain ends with name; p is the
// path of the reference.
func (r *resolver) base(ctx context.Context, name string, chain []string, p *field.Path) (*resolved, error) {
	if b, ok := r.done[name]; ok {
		return b, nil
	}
	if r.missing[name] {
		return nil, nil
	}
	s, err := r.src.Specification(ctx, name)
	switch {
	case errors.Is(err, ErrNotFound):
		r.missing[name] = true
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("cannot read base %s (%s): %w", name, strings.Join(chain, " -> "), err)
	case s.Claim():
		return nil, &Error{Chain: chain[:len(chain)-1], Errors: field.ErrorList{field.Invalid(p, name, fmt.Sprintf("%s is the claim %s/%s: only a ClusterSpecification can be a base", name, s.Namespace, s.Name))}}
	}
	s.Spec = *s.Spec.DeepCopy()
	b, err := r.resolve(ctx, s, chain)
	if err != nil || b == nil {
		return nil, err
	}
	r.done[name] = b
	return b, nil
}

// check validates a resolved spec exactly as a hand-written one: the
// API's schema (with its defaults, which it applies) and then
// specification.FromUnstructured's semantic checks.
func check(ctx context.Context, s rules.Spec) (rules.Spec, field.ErrorList) {
	u, err := specification.ToUnstructured(s)
	if err != nil {
		return rules.Spec{}, field.ErrorList{field.InternalError(field.NewPath("spec"), err)}
	}
	schema, err := validate.KspecSchema()
	if err != nil {
		return rules.Spec{}, field.ErrorList{field.InternalError(field.NewPath("spec"), err)}
	}
	if errs := schema.Validate(ctx, u); len(errs) > 0 {
		return rules.Spec{}, errs
	}
	out, err := specification.FromUnstructured(u)
	var inv *specification.InvalidError
	switch {
	case errors.As(err, &inv):
		return rules.Spec{}, inv.Errors
	case err != nil:
		return rules.Spec{}, field.ErrorList{field.InternalError(field.NewPath("spec"), err)}
	}
	return out, nil
}

// Specs is a Source over an in-memory list (the CLI's files). Claims are
// not bases: only cluster-wide specifications are found, by name; the
// last of a name wins.
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
		return rules.Spec{}, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	return s, nil
}
