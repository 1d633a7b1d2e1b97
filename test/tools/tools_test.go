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

// Package tools_test checks that the tools hack/tools.sh builds run and are
// the pinned versions; later tests drive them for real.
package tools_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPinnedTools(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the tools: run with make test")
	}
	cases := map[string]struct {
		env  string
		bin  string
		args []string
		want string
	}{
		"KubeAPIServer": {env: "KUBEBUILDER_ASSETS", bin: "kube-apiserver", args: []string{"--version"}, want: "Kubernetes v1.37.2"},
		"Etcd":          {env: "KUBEBUILDER_ASSETS", bin: "etcd", args: []string{"--version"}, want: "etcd Version: 3.7.3"},
		"Kubectl":       {env: "KUBEBUILDER_ASSETS", bin: "kubectl", args: []string{"version", "--client"}, want: "Client Version: v1.37.2"},
		"Kyverno":       {env: "KSPEC_KYVERNO", args: []string{"version"}, want: "Version: v1.19.1"},
		"Crossplane":    {env: "KSPEC_CROSSPLANE", args: []string{"version", "--client"}, want: "Client Version: v2.2.1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := os.Getenv(tc.env)
			require.NotEmpty(t, path, "%s is not set: run with make test", tc.env)
			if tc.bin != "" {
				path = filepath.Join(path, tc.bin)
			}
			out, err := exec.Command(path, tc.args...).CombinedOutput()
			require.NoError(t, err, string(out))
			assert.Contains(t, string(out), tc.want)
		})
	}
}
