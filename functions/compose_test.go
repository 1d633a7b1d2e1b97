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

package functions

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kspec-io/kspec/functions/step"
)

// Conditions of one type from several targets merge to the worst status,
// with the messages of that status only.
func TestConditionMerge(t *testing.T) {
	ok := step.Condition{Type: "X", Status: step.ConditionTrue, Reason: "Available", Message: "all is well"}
	checking := step.Condition{Type: "X", Status: step.ConditionUnknown, Reason: "Checking", Message: "checking b"}
	missingA := step.Condition{Type: "X", Status: step.ConditionFalse, Reason: "Missing", Message: "missing on a"}
	missingC := step.Condition{Type: "X", Status: step.ConditionFalse, Reason: "Missing", Message: "missing on c"}
	for name, tc := range map[string]struct {
		in   []step.Condition
		want step.Condition
	}{
		"AllTrue":       {in: []step.Condition{ok, ok}, want: ok},
		"TrueThenFalse": {in: []step.Condition{ok, missingA}, want: missingA},
		"FalseThenTrue": {in: []step.Condition{missingA, ok}, want: missingA},
		"Mixed": {in: []step.Condition{ok, checking, missingA, ok, missingC, checking},
			want: step.Condition{Type: "X", Status: step.ConditionFalse, Reason: "Missing", Message: "missing on a; missing on c"}},
		"UnknownBeatsTrue": {in: []step.Condition{ok, checking}, want: checking},
	} {
		t.Run(name, func(t *testing.T) {
			c := &composition{conditions: map[string]*step.Condition{}}
			for _, n := range tc.in {
				c.condition(n)
			}
			assert.Equal(t, tc.want, *c.conditions["X"])
		})
	}
}
