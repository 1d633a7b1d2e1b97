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
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"
	_ "time/tzdata" // Time zones must resolve on machines and images without zoneinfo.

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// Semantic returns what the schema cannot express about a ClusterSpecification
// or its claim: regular expressions that do not compile, unknown time zones,
// invalid label selectors and contradictions. The API server accepts such a
// spec; kspec would fail on it later. Other kinds have no semantic checks.
func Semantic(u *unstructured.Unstructured) field.ErrorList {
	gvk := u.GroupVersionKind()
	if gvk.Group != v1alpha1.Group || (gvk.Kind != v1alpha1.ClusterSpecificationKind && gvk.Kind != v1alpha1.ClusterSpecificationClaimKind) {
		return nil
	}
	p := field.NewPath("spec")
	if errs := nonScalarValues(u, p); len(errs) > 0 {
		return errs
	}
	spec := &v1alpha1.ClusterSpecificationSpec{}
	raw, err := json.Marshal(u.Object["spec"])
	if err == nil {
		err = json.Unmarshal(raw, spec)
	}
	if err != nil {
		// The schema rejects what does not decode, with a precise path.
		return nil
	}

	var errs field.ErrorList
	if w := spec.Workloads; w != nil && w.Containers != nil {
		cp := p.Child("workloads", "containers")
		errs = append(errs, v1alpha1.ValidateFieldRules(w.Containers.Required, cp.Child("required"))...)
		errs = append(errs, v1alpha1.ValidateFieldRules(w.Containers.Forbidden, cp.Child("forbidden"))...)
	}
	if a := spec.Admission; a != nil {
		for i, r := range a.Required {
			if _, err := regexp.Compile(r.NamePattern); err != nil {
				errs = append(errs, field.Invalid(p.Child("admission", "required").Index(i).Child("namePattern"), r.NamePattern, "not a valid RE2 regular expression: "+err.Error()))
			}
		}
	}
	if a := spec.Activation; a != nil && a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil {
			errs = append(errs, field.Invalid(p.Child("activation", "timeZone"), a.TimeZone, "not an IANA time zone such as UTC or Europe/Berlin"))
		}
	}
	if t := spec.Targets; t != nil {
		errs = append(errs, selector(t.Selector, p.Child("targets", "selector"))...)
	}
	if s := spec.NamespaceScope; s != nil {
		errs = append(errs, selector(s.Selector, p.Child("namespaceScope", "selector"))...)
		for i, ns := range s.Exclude {
			if slices.Contains(s.Include, ns) {
				errs = append(errs, field.Invalid(p.Child("namespaceScope", "exclude").Index(i), ns, "namespace is also in include; exclude would win, so remove it from one list"))
			}
		}
	}
	for i, e := range spec.Exemptions {
		for j, r := range e.Resources {
			errs = append(errs, selector(r.Selector, p.Child("exemptions").Index(i).Child("resources").Index(j).Child("selector"))...)
		}
	}
	if b := spec.BasedOn; b != nil && u.GetKind() == v1alpha1.ClusterSpecificationKind {
		for i, name := range b.Specifications {
			if name == u.GetName() {
				errs = append(errs, field.Invalid(p.Child("basedOn", "specifications").Index(i), name, fmt.Sprintf("%s cannot be based on itself", name)))
			}
		}
	}
	return errs
}

func selector(s *metav1.LabelSelector, p *field.Path) field.ErrorList {
	if s == nil {
		return nil
	}
	return metav1validation.ValidateLabelSelector(s, metav1validation.LabelSelectorValidationOptions{}, p)
}

// nonScalarValues reports field rule values that are neither booleans nor
// strings, which the free-form schema lets through.
func nonScalarValues(u *unstructured.Unstructured, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, list := range []string{"required", "forbidden"} {
		rules, _, _ := unstructured.NestedSlice(u.Object, "spec", "workloads", "containers", list)
		for i, r := range rules {
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
