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
	"regexp"
	"slices"
	"strings"

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
