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

// Package packages_test builds kspec's Crossplane packages with the real
// crossplane CLI, which parses and lints every object in a package root.
package packages_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func crossplane(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the crossplane CLI: run with make test")
	}
	bin := os.Getenv("KSPEC_CROSSPLANE")
	require.NotEmpty(t, bin, "KSPEC_CROSSPLANE is not set: run with make test")
	return bin
}

// build runs crossplane xpkg build on a package root and returns its output.
func build(t *testing.T, bin, root string) (string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "package.xpkg")
	cmd := exec.Command(bin, "xpkg", "build", "--package-root", root, "--examples-root", filepath.Join(root, "examples"), "--package-file", out)
	b, err := cmd.CombinedOutput()
	if err == nil {
		fi, statErr := os.Stat(out)
		require.NoError(t, statErr)
		assert.Positive(t, fi.Size())
	}
	return string(b), err
}

func TestPackagesBuild(t *testing.T) {
	bin := crossplane(t)
	for _, root := range []string{"configuration", "provider", "function"} {
		t.Run(root, func(t *testing.T) {
			out, err := build(t, bin, filepath.Join("../../package", root))
			assert.NoError(t, err, out)
		})
	}
}

// TestForeignObjectFailsBuild shows the build really lints: a package root
// with an object a provider package may not hold does not build.
func TestForeignObjectFailsBuild(t *testing.T) {
	bin := crossplane(t)
	root := t.TempDir()
	meta, err := os.ReadFile("../../package/provider/crossplane.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "crossplane.yaml"), meta, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(root, "secret.yaml"), []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n"), 0o600))
	out, err := build(t, bin, root)
	require.Error(t, err)
	assert.Contains(t, out, `no kind "Secret" is registered`)
}
