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

package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSystemNamespaces(t *testing.T) {
	ns := SystemNamespaces()
	assert.Equal(t, []string{"kube-system", "kube-public", "kube-node-lease"}, ns)
	for _, n := range ns {
		assert.True(t, IsSystemNamespace(n), n)
	}
	assert.False(t, IsSystemNamespace("default"))
	ns[0] = "changed"
	assert.True(t, IsSystemNamespace("kube-system"), "callers get a copy")
}
