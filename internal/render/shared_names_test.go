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

package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	kvalidation "k8s.io/apimachinery/pkg/util/validation"
)

func TestLabelName(t *testing.T) {
	cases := map[string]struct {
		reason string
		name   string
		want   string // a regular expression
	}{
		"Label":  {reason: "A DNS label is kept verbatim.", name: "prod", want: `^kspec-x-prod$`},
		"Dotted": {reason: "Dots are slugged, and a hash of the verbatim name keeps it apart from prod-eu.", name: "prod.eu", want: `^kspec-x-prod-eu-[0-9a-f]{8}$`},
		"Upper":  {reason: "Upper case is slugged and hashed.", name: "Prod", want: `^kspec-x-prod-[0-9a-f]{8}$`},
		"Empty":  {reason: "An empty name leaves the prefix.", name: "", want: `^kspec-x$`},
		"Script": {reason: "A name in another script is all hash.", name: "生产", want: `^kspec-x-[0-9a-f]{8}$`},
		"Long":   {reason: "A long name is cut to 63 characters, ending in a hash.", name: strings.Repeat("a.", 126) + "a", want: `^kspec-x-a(-a)+-[0-9a-f]{8}$`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := LabelName("kspec-x", tc.name)
			assert.Regexp(t, regexp.MustCompile(tc.want), got, tc.reason)
			assert.Empty(t, kvalidation.IsDNS1035Label(got), "%s: %s", tc.reason, got)
			assert.Equal(t, got, LabelName("kspec-x", tc.name), "deterministic")
		})
	}
	assert.NotEqual(t, LabelName("p", "a.b"), LabelName("p", "a-b"))
}
