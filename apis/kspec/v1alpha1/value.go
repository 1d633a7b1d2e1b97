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
	"encoding/json"
	"strconv"

	"github.com/pkg/errors"
)

// A Value is a scalar written as a YAML boolean or a string. value: true and
// value: "true" both mean true to a boolean field; a Value remembers which
// was written so it can be written back the same way.
//
// The schema of a Value field is free-form: a structural schema cannot say
// "boolean or string". ValidateFieldRules checks values against their keys.
type Value struct {
	s      string
	isBool bool
}

// BoolValue returns a Value written as a boolean.
func BoolValue(b bool) Value { return Value{s: strconv.FormatBool(b), isBool: true} }

// StringValue returns a Value written as a string.
func StringValue(s string) Value { return Value{s: s} }

// UnmarshalJSON accepts a JSON boolean or string.
func (v *Value) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = StringValue(s)
		return nil
	}
	var bo bool
	if err := json.Unmarshal(b, &bo); err == nil {
		*v = BoolValue(bo)
		return nil
	}
	return errors.Errorf("value must be a boolean or a string, not %s", string(b))
}

// MarshalJSON writes the value the way it was written.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.isBool {
		return json.Marshal(v.s == "true")
	}
	return json.Marshal(v.s)
}

// String returns the value, with booleans as "true" or "false".
func (v Value) String() string { return v.s }

// Bool returns the value as a boolean, and whether it is one: a boolean, or
// the string "true" or "false".
func (v Value) Bool() (value, ok bool) {
	switch v.s {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}
