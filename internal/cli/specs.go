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

package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pkg/errors"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/resolve"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

// isSpecification reports whether a document is a ClusterSpecification or
// a claim: only those need YAML nodes, for the positions of problems.
func isSpecification(apiVersion, kind string) bool {
	gvk := runtimeschema.FromAPIVersionAndKind(apiVersion, kind)
	return gvk == kspecv1alpha1.ClusterSpecificationGroupVersionKind || gvk == kspecv1alpha1.ClusterSpecificationClaimGroupVersionKind
}

// A specSource is a resolve.Source over the ClusterSpecifications of
// files: a base is read and validated, exactly as kspec validate does,
// when a specification names it.
type specSource struct {
	// where says what was searched, for a base that is not found.
	where string
	// byName holds the documents of each ClusterSpecification name.
	byName map[string][]manifest.Document
	// unreadable are the documents that could not be decoded: one of them
	// may be the base that is not found.
	unreadable []string
}

// newSpecSource indexes the ClusterSpecifications among docs; where says
// what they were read from.
func newSpecSource(where string, docs []manifest.Document) *specSource {
	s := &specSource{where: where, byName: map[string][]manifest.Document{}}
	for _, d := range docs {
		switch {
		case d.Err != nil:
			s.unreadable = append(s.unreadable, fmt.Sprintf("%s:%d", d.Source, d.Line))
		case d.Object.GroupVersionKind() == kspecv1alpha1.ClusterSpecificationGroupVersionKind:
			s.byName[d.Object.GetName()] = append(s.byName[d.Object.GetName()], d)
		}
	}
	return s
}

// readSpecSource reads the ClusterSpecifications of the --specs paths,
// with internal/manifest's limits.
func readSpecSource(paths []string) (*specSource, error) {
	if len(paths) == 0 {
		return newSpecSource("", nil), nil
	}
	if slices.Contains(paths, "-") {
		return nil, errors.New("--specs reads files and directories, not standard input (-)")
	}
	srcs, _, err := manifest.Read(paths, nil)
	if err != nil {
		return nil, errors.Wrap(err, "--specs")
	}
	var docs []manifest.Document
	for _, src := range srcs {
		docs = append(docs, manifest.ParseKinds(src.Name, src.Data, isSpecification)...)
	}
	return newSpecSource(fmt.Sprintf("--specs %s (%d files)", strings.Join(paths, ", "), len(srcs)), docs), nil
}

// Specification reads and validates the ClusterSpecification of that name.
func (s *specSource) Specification(ctx context.Context, name string) (rules.Spec, error) {
	docs := s.byName[name]
	switch len(docs) {
	case 0:
		return rules.Spec{}, errors.Wrap(resolve.ErrNotFound, name)
	case 1:
	default:
		at := make([]string, len(docs))
		for i, d := range docs {
			at[i] = fmt.Sprintf("%s:%d", d.Source, d.Line)
		}
		return rules.Spec{}, errors.Errorf("ClusterSpecification %s is defined %d times: %s", name, len(docs), strings.Join(at, ", "))
	}
	return validate.ReadDocument(ctx, docs[0])
}

// missing says which bases were not found and where kspec looked.
func (s *specSource) missing(spec string, me *resolve.MissingError) error {
	what, which := "base", "it"
	if len(me.Names) > 1 {
		what, which = "bases", "them"
	}
	msg := fmt.Sprintf("%s needs the %s %s", spec, what, strings.Join(me.Names, ", "))
	if s.where == "" {
		return errors.Errorf("%s: no --specs given; name the files or directories that hold %s with --specs", msg, which)
	}
	msg += ", not found in " + s.where
	if known := slices.Sorted(maps.Keys(s.byName)); len(known) > 0 {
		if len(known) > 10 {
			known = append(known[:10], fmt.Sprintf("and %d more", len(known)-10))
		}
		msg += ", which hold " + strings.Join(known, ", ")
	}
	if len(s.unreadable) > 0 {
		msg += fmt.Sprintf("; %d documents there could not be read (%s)", len(s.unreadable), strings.Join(s.unreadable, ", "))
	}
	return errors.New(msg)
}

// resolveSpec applies the spec's policyTemplate and basedOn, with bases
// from src; src is read only when the spec has bases.
func resolveSpec(ctx context.Context, spec rules.Spec, src func() (*specSource, error)) (rules.Spec, error) {
	if spec.Spec.PolicyTemplate == nil && spec.Spec.BasedOn == nil {
		return spec, nil
	}
	s := newSpecSource("", nil)
	if spec.Spec.BasedOn != nil {
		var err error
		if s, err = src(); err != nil {
			return rules.Spec{}, err
		}
	}
	out, err := resolve.Resolve(ctx, spec, s)
	var me *resolve.MissingError
	if errors.As(err, &me) {
		return rules.Spec{}, s.missing(spec.Name, me)
	}
	return out, err
}
