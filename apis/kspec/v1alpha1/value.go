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

// A Value is a scalar written as a YAML boolean or a string: value: true
// and value: "true" are the same value. The API server keeps what the user
// wrote; Go code reads it through String and Bool.
//
// The schema of a Value field is free-form (a structural schema cannot say
// "boolean or string"); CEL rules on FieldRule restrict it per key.
type Value string

// UnmarshalJSON accepts a JSON boolean, number or string.
func (v *Value) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = Value(s)
		return nil
	}
	var bo bool
	if err := json.Unmarshal(b, &bo); err == nil {
		*v = Value(strconv.FormatBool(bo))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*v = Value(n.String())
		return nil
	}
	return errors.Errorf("value must be a boolean or a string, not %s", string(b))
}

// MarshalJSON writes booleans as JSON booleans and everything else as strings.
func (v Value) MarshalJSON() ([]byte, error) {
	if b, ok := v.Bool(); ok {
		return json.Marshal(b)
	}
	return json.Marshal(string(v))
}

// String returns the value as written, with booleans as "true" or "false".
func (v Value) String() string { return string(v) }

// Bool returns the value as a boolean, and whether it is one.
func (v Value) Bool() (value, ok bool) {
	switch v {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}
