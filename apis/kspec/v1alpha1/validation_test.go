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
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

func TestValueJSON(t *testing.T) {
	cases := map[string]struct {
		reason   string
		in       string
		want     string
		wantBool bool
		isBool   bool
		err      bool
	}{
		"YAMLBoolean":   {reason: "value: true is a boolean", in: `true`, want: "true", wantBool: true, isBool: true},
		"StringBoolean": {reason: "value: \"false\" reads as a boolean", in: `"false"`, want: "false", isBool: true},
		"Name":          {reason: "capability names are strings", in: `"ALL"`, want: "ALL"},
		"Number":        {reason: "numbers are neither", in: `3`, err: true},
		"Object":        {reason: "objects are neither", in: `{"a":1}`, err: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var v Value
			err := json.Unmarshal([]byte(tc.in), &v)
			if tc.err {
				require.Error(t, err, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.want, v.String(), tc.reason)
			b, ok := v.Bool()
			assert.Equal(t, tc.isBool, ok, tc.reason)
			assert.Equal(t, tc.wantBool, b, tc.reason)
			out, err := json.Marshal(v)
			require.NoError(t, err)
			assert.JSONEq(t, tc.in, string(out), "a value is written back as it was written")
		})
	}
}

func TestValidateFieldRules(t *testing.T) {
	v := func(s Value) *Value { return &s }
	p := field.NewPath("required")
	cases := map[string]struct {
		reason string
		rules  []FieldRule
		want   field.ErrorList
	}{
		"Valid": {
			reason: "Each key with the kind of value it takes.",
			rules: []FieldRule{
				{Key: FieldRunAsNonRoot, Value: v(BoolValue(true))},
				{Key: FieldPrivileged, Value: v(StringValue("false"))},
				{Key: FieldCapabilitiesDrop, Value: v(StringValue("ALL"))},
				{Key: FieldSeccompProfileType, Value: v(StringValue("RuntimeDefault"))},
				{Key: FieldLimitsCPU, Exists: ptr.To(true)},
			},
		},
		"Neither": {
			reason: "A rule must state something.",
			rules:  []FieldRule{{Key: FieldHostPID}},
			want:   field.ErrorList{field.Required(p.Index(0).Child("value"), "set exactly one of value or exists")},
		},
		"Both": {
			reason: "A rule states a value or existence, not both.",
			rules:  []FieldRule{{Key: FieldHostPID, Value: v(BoolValue(true)), Exists: ptr.To(true)}},
			want:   field.ErrorList{field.Invalid(p.Index(0).Child("exists"), true, "set exactly one of value or exists")},
		},
		"ResourceValue": {
			reason: "Resources are required to exist, not to equal something.",
			rules:  []FieldRule{{Key: FieldLimitsMemory, Value: v(StringValue("1Gi"))}},
			want:   field.ErrorList{field.Forbidden(p.Index(0).Child("value"), "resources fields take exists, not value")},
		},
		"NotBoolean": {
			reason: "Boolean fields take true or false.",
			rules:  []FieldRule{{Key: FieldRunAsNonRoot, Value: v(StringValue("yes please"))}},
			want:   field.ErrorList{field.Invalid(p.Index(0).Child("value"), "yes please", "must be a boolean: true or false")},
		},
		"BadCapability": {
			reason: "Capabilities are upper-case names.",
			rules:  []FieldRule{{Key: FieldCapabilitiesAdd, Value: v(BoolValue(true))}},
			want:   field.ErrorList{field.Invalid(p.Index(0).Child("value"), "true", "must be a capability name such as ALL or NET_RAW")},
		},
		"BadSeccomp": {
			reason: "Seccomp profile types are a closed set.",
			rules:  []FieldRule{{Key: FieldSeccompProfileType, Value: v(StringValue("Strict"))}},
			want:   field.ErrorList{field.NotSupported(p.Index(0).Child("value"), "Strict", seccompTypes)},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := ValidateFieldRules(tc.rules, p)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nValidateFieldRules(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
