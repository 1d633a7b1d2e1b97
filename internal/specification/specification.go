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

// Package specification turns a ClusterSpecification, a
// ClusterSpecificationClaim, or the composite resource Crossplane creates
// for a claim into the rules compiler's input. The function, the provider
// and the CLI all read specifications through it. It expects objects as the
// API server stores them (defaulted): it decodes and runs the checks the
// schema cannot, and needs no API server machinery.
package specification

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

// An InvalidError says why an object is not a usable specification, with
// the field path of every problem.
type InvalidError struct {
	// Kind and Name identify the object as it was given.
	Kind, Name string
	// Errors are the problems, in the order they were found.
	Errors field.ErrorList
}

func (e *InvalidError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.Error()
	}
	what := e.Kind
	if e.Name != "" {
		what += " " + e.Name
	}
	return fmt.Sprintf("invalid %s: %s", strings.TrimSpace(what), strings.Join(msgs, "; "))
}

// FromMap is FromUnstructured for the content of an object, as decoded
// from JSON or a protobuf Struct. obj is not modified.
func FromMap(obj map[string]any) (rules.Spec, error) {
	return FromUnstructured(&unstructured.Unstructured{Object: obj})
}

// FromUnstructured returns the compiler's input for a kspec.io/v1alpha1
// ClusterSpecification, a ClusterSpecificationClaim, or a claim's
// composite: a ClusterSpecification whose spec.claimRef names the claim,
// which gives the spec its name and namespace. An object that is not a
// usable specification is an *InvalidError. u is not modified.
func FromUnstructured(u *unstructured.Unstructured) (rules.Spec, error) {
	id, errs := identify(u)
	spec, derrs := decode(u)
	errs = append(errs, derrs...)
	if spec != nil && len(errs) == 0 {
		errs = semantic(spec, id)
	}
	if len(errs) > 0 {
		return rules.Spec{}, &InvalidError{Kind: u.GetKind(), Name: u.GetName(), Errors: errs}
	}
	id.Spec = *spec
	return id, nil
}

// Validate returns every reason obj is not a usable specification, with
// field paths; nil when FromMap would succeed. A composition function
// reports them as a condition of the composite resource.
func Validate(obj map[string]any) field.ErrorList {
	_, err := FromMap(obj)
	var inv *InvalidError
	if errors.As(err, &inv) {
		return inv.Errors
	}
	return nil
}

// Semantic returns what the schema cannot check about a ClusterSpecification
// or its claim (see v1alpha1.ValidateSpecification, and field rule values
// that are neither booleans nor strings). A spec that does not decode
// returns nothing more: the schema reports why, at a precise path. Other
// kinds have no semantic checks. kspec validate adds these to the schema's
// errors.
func Semantic(u *unstructured.Unstructured) field.ErrorList {
	if !isSpecification(u) {
		return nil
	}
	if errs := nonScalarValues(u.Object, field.NewPath("spec")); len(errs) > 0 {
		return errs
	}
	spec, errs := decode(u)
	if len(errs) > 0 {
		return nil
	}
	id, _ := identify(u)
	return semantic(spec, id)
}

// semantic is what neither the schema nor the API server checks: the
// spec's own consistency, and that its check references name rules the
// engine knows.
func semantic(spec *v1alpha1.ClusterSpecificationSpec, id rules.Spec) field.ErrorList {
	p := field.NewPath("spec")
	return append(v1alpha1.ValidateSpecification(spec, id.Name, id.Claim(), p), rules.CheckRefs(spec, p)...)
}

func isSpecification(u *unstructured.Unstructured) bool {
	gvk := u.GroupVersionKind()
	return gvk == v1alpha1.ClusterSpecificationGroupVersionKind || gvk == v1alpha1.ClusterSpecificationClaimGroupVersionKind
}

// identify returns the name and namespace the compiled rules carry: a
// ClusterSpecification's name; a claim's name and namespace, read from the
// claim or from its composite's spec.claimRef.
func identify(u *unstructured.Unstructured) (rules.Spec, field.ErrorList) {
	var errs field.ErrorList
	if av := u.GetAPIVersion(); av != v1alpha1.SchemeGroupVersion.String() {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), av, []string{v1alpha1.SchemeGroupVersion.String()}))
	}
	name := field.NewPath("metadata", "name")
	namespace := field.NewPath("metadata", "namespace")
	var id rules.Spec
	switch u.GetKind() {
	case v1alpha1.ClusterSpecificationClaimKind:
		id.Name, id.Namespace = u.GetName(), u.GetNamespace()
	case v1alpha1.ClusterSpecificationKind:
		ref, ok, err := unstructured.NestedMap(u.Object, "spec", "claimRef")
		if err != nil {
			return id, append(errs, field.Invalid(field.NewPath("spec", "claimRef"), field.OmitValueType{}, "must be an object"))
		}
		if !ok || ref == nil {
			id.Name = u.GetName()
			break
		}
		p := field.NewPath("spec", "claimRef")
		name, namespace = p.Child("name"), p.Child("namespace")
		str := func(k string) string { s, _ := ref[k].(string); return s }
		if av := str("apiVersion"); av != v1alpha1.SchemeGroupVersion.String() {
			errs = append(errs, field.NotSupported(p.Child("apiVersion"), av, []string{v1alpha1.SchemeGroupVersion.String()}))
		}
		if k := str("kind"); k != v1alpha1.ClusterSpecificationClaimKind {
			errs = append(errs, field.NotSupported(p.Child("kind"), k, []string{v1alpha1.ClusterSpecificationClaimKind}))
		}
		id.Name, id.Namespace = str("name"), str("namespace")
		if id.Namespace == "" {
			// A claim's rules are confined to its namespace: without one
			// they would govern the whole cluster.
			errs = append(errs, field.Required(namespace, "the claim's namespace"))
		}
	default:
		return id, append(errs, field.NotSupported(field.NewPath("kind"), u.GetKind(), []string{v1alpha1.ClusterSpecificationKind, v1alpha1.ClusterSpecificationClaimKind}))
	}
	if id.Name == "" {
		errs = append(errs, field.Required(name, ""))
	}
	if u.GetKind() == v1alpha1.ClusterSpecificationClaimKind && id.Namespace == "" {
		errs = append(errs, field.Required(namespace, "a claim is namespaced"))
	}
	return id, errs
}

// decode decodes spec. Type errors carry the path of the field at fault.
func decode(u *unstructured.Unstructured) (*v1alpha1.ClusterSpecificationSpec, field.ErrorList) {
	p := field.NewPath("spec")
	raw, ok := u.Object["spec"]
	if !ok || raw == nil {
		return nil, field.ErrorList{field.Required(p, "")}
	}
	if errs := nonScalarValues(u.Object, p); len(errs) > 0 {
		return nil, errs
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(p, field.OmitValueType{}, "cannot encode: "+err.Error())}
	}
	spec := &v1alpha1.ClusterSpecificationSpec{}
	if err := json.Unmarshal(b, spec); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			at := p
			if te.Field != "" {
				at = p.Child(te.Field)
			}
			return nil, field.ErrorList{field.TypeInvalid(at, field.OmitValueType{}, fmt.Sprintf("must be %s, not a JSON %s", jsonType(te.Type.Kind().String()), te.Value))}
		}
		return nil, field.ErrorList{field.Invalid(p, field.OmitValueType{}, err.Error())}
	}
	return spec, nil
}

// jsonType names a Go kind the way a schema would.
func jsonType(kind string) string {
	switch {
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "a boolean"
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "slice", kind == "array":
		return "a list"
	}
	return "an object"
}

// nonScalarValues reports field rule values that are neither booleans nor
// strings, which the free-form schema lets through.
func nonScalarValues(obj map[string]any, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, list := range []string{"required", "forbidden"} {
		v, _, _ := unstructured.NestedFieldNoCopy(obj, "spec", "workloads", "containers", list)
		rs, _ := v.([]any)
		for i, r := range rs {
			m, _ := r.(map[string]any)
			switch v := m["value"].(type) {
			case nil, bool, string:
			default:
				errs = append(errs, field.Invalid(p.Child("workloads", "containers", list).Index(i).Child("value"), v, "must be a boolean or a string"))
			}
		}
	}
	return errs
}
