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
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShorten(t *testing.T) {
	assert.Equal(t, "kspec-strict-run-as-non-root", shorten("kspec-strict-run-as-non-root"))
	long := "kspec-" + strings.Repeat("a", 40) + "-read-only-root-filesystem"
	other := "kspec-" + strings.Repeat("a", 40) + "-read-only-root-filesystex"
	assert.Len(t, shorten(long), 63)
	assert.NotEqual(t, shorten(long), shorten(other), "names that share 54 characters stay apart")
	assert.Equal(t, shorten(long), shorten(long))
}
