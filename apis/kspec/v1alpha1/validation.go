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

package v1alpha1

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Time zones must resolve on machines and images without zoneinfo.

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var capabilityName = regexp.MustCompile(`^[A-Z][A-Z_]*$`)

// seccompTypes are the seccompProfile types a requirement may name.
var seccompTypes = []string{"RuntimeDefault", "Localhost", "Unconfined"}

// ValidateFieldRules checks what the schema cannot: that each rule sets
// exactly one of value or exists, and that a value suits its key.
func ValidateFieldRules(rules []FieldRule, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, r := range rules {
		rp := p.Index(i)
		switch {
		case r.Value == nil && r.Exists == nil:
			errs = append(errs, field.Required(rp.Child("value"), "set exactly one of value or exists"))
			continue
		case r.Value != nil && r.Exists != nil:
			errs = append(errs, field.Invalid(rp.Child("exists"), *r.Exists, "set exactly one of value or exists"))
			continue
		case r.Value == nil:
			continue
		}
		vp, v := rp.Child("value"), *r.Value
		switch {
		case strings.HasPrefix(string(r.Key), "resources."):
			errs = append(errs, field.Forbidden(vp, "resources fields take exists, not value"))
		case r.Key == FieldCapabilitiesDrop || r.Key == FieldCapabilitiesAdd:
			if !capabilityName.MatchString(v.String()) {
				errs = append(errs, field.Invalid(vp, v.String(), "must be a capability name such as ALL or NET_RAW"))
			}
		case r.Key == FieldSeccompProfileType:
			if !slices.Contains(seccompTypes, v.String()) {
				errs = append(errs, field.NotSupported(vp, v.String(), seccompTypes))
			}
		default:
			if _, ok := v.Bool(); !ok {
				errs = append(errs, field.Invalid(vp, v.String(), "must be a boolean: true or false"))
			}
		}
	}
	return errs
}

// ValidateSpecification checks what the API server cannot: field rule
// values against their keys, regular expressions that do not compile,
// namespace names that no namespace can have,
// unknown time zones, invalid label selectors, contradictions, and a
// ClusterSpecification based on itself. The API server accepts such a spec;
// kspec would fail on it later. name is the specification's name; claim
// says the spec is a ClusterSpecificationClaim's (whose bases are other
// specs by construction). p is the path of spec.
func ValidateSpecification(spec *ClusterSpecificationSpec, name string, claim bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if w := spec.Workloads; w != nil && w.Containers != nil {
		cp := p.Child("workloads", "containers")
		errs = append(errs, ValidateFieldRules(w.Containers.Required, cp.Child("required"))...)
		errs = append(errs, ValidateFieldRules(w.Containers.Forbidden, cp.Child("forbidden"))...)
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
		errs = append(errs, validateSelector(t.Selector, p.Child("targets", "selector"))...)
	}
	if s := spec.NamespaceScope; s != nil {
		errs = append(errs, validateSelector(s.Selector, p.Child("namespaceScope", "selector"))...)
		errs = append(errs, validateNamespaces(s.Include, p.Child("namespaceScope", "include"))...)
		errs = append(errs, validateNamespaces(s.Exclude, p.Child("namespaceScope", "exclude"))...)
		for i, ns := range s.Exclude {
			if slices.Contains(s.Include, ns) {
				errs = append(errs, field.Invalid(p.Child("namespaceScope", "exclude").Index(i), ns, "namespace is also in include; exclude would win, so remove it from one list"))
			}
		}
	}
	if ps := spec.PodSecurity; ps != nil {
		for i, e := range ps.Exemptions {
			errs = append(errs, validateNamespace(e.Namespace, p.Child("podSecurity", "exemptions").Index(i).Child("namespace"))...)
		}
	}
	if n := spec.Network; n != nil {
		for i, r := range n.RequiredPolicies {
			if r.Namespace != "" {
				errs = append(errs, validateNamespace(r.Namespace, p.Child("network", "requiredPolicies").Index(i).Child("namespace"))...)
			}
		}
	}
	for i, e := range spec.Exemptions {
		errs = append(errs, validateNamespaces(e.Namespaces, p.Child("exemptions").Index(i).Child("namespaces"))...)
		for j, r := range e.Resources {
			errs = append(errs, validateSelector(r.Selector, p.Child("exemptions").Index(i).Child("resources").Index(j).Child("selector"))...)
		}
	}
	if b := spec.BasedOn; b != nil && !claim {
		for i, base := range b.Specifications {
			if base == name {
				errs = append(errs, field.Invalid(p.Child("basedOn", "specifications").Index(i), base, fmt.Sprintf("%s cannot be based on itself", base)))
			}
		}
	}
	return errs
}

// validateNamespace checks that a namespace name is a DNS-1123 label, as
// every namespace's is: any other name can never match one.
func validateNamespace(ns string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(ns) {
		errs = append(errs, field.Invalid(p, ns, "not a namespace name: "+msg))
	}
	return errs
}

func validateNamespaces(nss []string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ns := range nss {
		errs = append(errs, validateNamespace(ns, p.Index(i))...)
	}
	return errs
}

func validateSelector(s *metav1.LabelSelector, p *field.Path) field.ErrorList {
	if s == nil {
		return nil
	}
	return metav1validation.ValidateLabelSelector(s, metav1validation.LabelSelectorValidationOptions{}, p)
}
