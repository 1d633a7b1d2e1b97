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
	"slices"

	"github.com/pkg/errors"
	ext "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// kind is what the API server knows about one served version of a CRD.
type kind struct {
	namespaced bool
	structural *schema.Structural
	validator  validation.SchemaValidator
	cel        *cel.Validator
}

// Schema validates objects against a set of CRDs.
type Schema struct {
	kinds map[runtimeschema.GroupVersionKind]*kind
}

// NewSchema compiles the schemas (and CEL rules) of the CRDs' versions.
func NewSchema(crds ...*extv1.CustomResourceDefinition) (*Schema, error) {
	s := &Schema{kinds: map[runtimeschema.GroupVersionKind]*kind{}}
	for _, crd := range crds {
		internal := &ext.CustomResourceDefinition{}
		if err := extv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(crd, internal, nil); err != nil {
			return nil, errors.Wrapf(err, "cannot convert CRD %s", crd.Name)
		}
		for _, v := range internal.Spec.Versions {
			// Conversion hoists the schema of a single-version CRD to the top.
			sch := internal.Spec.Validation
			if v.Schema != nil {
				sch = v.Schema
			}
			if sch == nil || sch.OpenAPIV3Schema == nil {
				continue
			}
			st, err := schema.NewStructural(sch.OpenAPIV3Schema)
			if err != nil {
				return nil, errors.Wrapf(err, "schema of CRD %s version %s is not structural", crd.Name, v.Name)
			}
			sv, _, err := validation.NewSchemaValidator(sch.OpenAPIV3Schema)
			if err != nil {
				return nil, errors.Wrapf(err, "cannot compile schema of CRD %s version %s", crd.Name, v.Name)
			}
			gvk := runtimeschema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
			s.kinds[gvk] = &kind{
				namespaced: crd.Spec.Scope == extv1.NamespaceScoped,
				structural: st,
				validator:  sv,
				cel:        cel.NewValidator(st, true, celconfig.PerCallLimit),
			}
		}
	}
	return s, nil
}

// Knows reports whether the schema has the object's kind.
func (s *Schema) Knows(gvk runtimeschema.GroupVersionKind) bool {
	_, ok := s.kinds[gvk]
	return ok
}

// Validate defaults the object in place and returns what a kube-apiserver
// would reject when kubectl creates the object with strict field validation.
// It follows the API server's custom resource strategy step by step.
func (s *Schema) Validate(ctx context.Context, u *unstructured.Unstructured) field.ErrorList {
	gvk := u.GroupVersionKind()
	k, ok := s.kinds[gvk]
	if !ok {
		return field.ErrorList{field.NotSupported(field.NewPath("kind"), gvk.Kind, s.kindNames(gvk.Group))}
	}
	if k.namespaced && u.GetNamespace() == "" {
		u.SetNamespace("default") // What kubectl does without --namespace.
	}

	errs := apimachineryvalidation.ValidateObjectMetaAccessor(u, k.namespaced, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))

	// Unknown fields are pruned, and rejected under strict field validation,
	// before defaulting and validation.
	for _, p := range pruning.PruneWithOptions(u.Object, k.structural, true, schema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}) {
		errs = append(errs, field.Forbidden(field.NewPath(p), "unknown field"))
	}
	structuraldefaulting.Default(u.Object, k.structural)

	errs = append(errs, validation.ValidateCustomResource(nil, u.Object, k.validator)...)
	errs = append(errs, schemaobjectmeta.Validate(nil, u.Object, k.structural, false)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, k.structural, u.Object)...)

	// CEL rules run unless the schema found errors that make them unsafe.
	if err := blockingError(errs); err != nil {
		return append(errs, err)
	}
	celErrs, _ := k.cel.Validate(ctx, nil, k.structural, u.Object, nil, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

// blockingError is the API server's rule for skipping CEL validation: type,
// enum, required, length and count errors block it.
func blockingError(errs field.ErrorList) *field.Error {
	for _, e := range errs {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")
		}
	}
	return nil
}

func (s *Schema) kindNames(group string) []string {
	var names []string
	for gvk := range s.kinds {
		if group == "" || gvk.Group == group {
			names = append(names, gvk.GroupVersion().String()+" "+gvk.Kind)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
