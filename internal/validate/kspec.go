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
	"cmp"
	"context"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/pkg/errors"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	xpextv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/specification"
	"github.com/kspec-io/kspec/internal/xcrd"
	xpkg "github.com/kspec-io/kspec/package"
)

// KspecCRDs returns the CRD of every kspec kind, as a cluster running kspec
// has them: the ClusterSpecification XR and claim derived from the XRD, the
// provider's CRDs and the function input.
func KspecCRDs() ([]*extv1.CustomResourceDefinition, error) {
	xrd := &xpextv1.CompositeResourceDefinition{}
	if err := yaml.UnmarshalStrict(xpkg.Definition, xrd); err != nil {
		return nil, errors.Wrap(err, "cannot parse the embedded XRD")
	}
	xr, err := xcrd.ForCompositeResource(xrd)
	if err != nil {
		return nil, err
	}
	claim, err := xcrd.ForCompositeResourceClaim(xrd)
	if err != nil {
		return nil, err
	}
	crds := []*extv1.CustomResourceDefinition{xr, claim}
	for _, fsys := range []fs.FS{xpkg.ProviderCRDs, xpkg.FunctionInput} {
		more, err := ReadCRDs(fsys)
		if err != nil {
			return nil, err
		}
		crds = append(crds, more...)
	}
	return crds, nil
}

// KspecSchema is the schema of every kspec kind (KspecCRDs), compiled once
// per process: it is read-only, and compiling it costs more than
// validating a spec, so a webhook reloading bundles must not pay it each
// time.
var KspecSchema = sync.OnceValues(func() (*Schema, error) {
	crds, err := KspecCRDs()
	if err != nil {
		return nil, err
	}
	return NewSchema(crds...)
})

// ReadCRDs reads every *.yaml file of fsys as a CRD.
func ReadCRDs(fsys fs.FS) ([]*extv1.CustomResourceDefinition, error) {
	var crds []*extv1.CustomResourceDefinition
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		crd := &extv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(b, crd); err != nil {
			return errors.Wrapf(err, "cannot parse CRD %s", path)
		}
		crds = append(crds, crd)
		return nil
	})
	return crds, errors.Wrap(err, "cannot read CRDs")
}

// A Problem is one reason a document is invalid.
type Problem struct {
	manifest.Position
	// Field is the path of the offending field; empty for the whole document.
	Field string
	// Message says what is wrong.
	Message string
}

// Check returns every problem with a document: decoding, schema and CEL
// errors as the API server reports them, then semantic errors. The
// document's object is not changed.
func (s *Schema) Check(ctx context.Context, d manifest.Document) []Problem {
	if d.Err != nil {
		return []Problem{{Position: manifest.Position{Line: d.Line, Column: 1}, Message: d.Err.Error()}}
	}
	u := d.Object.DeepCopy()
	errs := s.Validate(ctx, u)
	errs = append(errs, specification.Semantic(u)...)
	problems := make([]Problem, 0, len(errs))
	for _, e := range errs {
		if e.Field == "<nil>" { // A note about the whole object.
			problems = append(problems, Problem{Position: d.Locate(""), Message: e.Detail})
			continue
		}
		problems = append(problems, Problem{Position: d.Locate(e.Field), Field: e.Field, Message: e.ErrorBody()})
	}
	// CEL reports in map order; readers want source order, every time.
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), strings.Compare(a.Field, b.Field), strings.Compare(a.Message, b.Message))
	})
	return problems
}
