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

package resolve

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

// example reads examples/specs/<name>.yaml as kspec validate does.
func example(t testing.TB, name string) rules.Spec {
	t.Helper()
	file := filepath.Join("..", "..", "examples", "specs", name+".yaml")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	s, err := validate.ReadSpecification(context.Background(), file, b)
	require.NoError(t, err)
	return s
}
