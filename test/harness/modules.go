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

package harness

import (
	"encoding/json"
	"os/exec"
	"strings"

	"github.com/pkg/errors"
)

// The modules whose CRDs the rendered objects are checked against. Each is
// downloaded into the Go module cache by ModuleDir; none is vendored.
const (
	// ProviderKubernetesModule holds provider-kubernetes' CRDs in
	// package/crds, among them the namespaced Object
	// (kubernetes.m.crossplane.io) that wraps objects for remote targets.
	// package/configuration/crossplane.yaml depends on this same release
	// (test/packages checks). v1.3.1 is the newest release that downloads
	// under Go 1.26: v1.4 needs Go 1.27.
	ProviderKubernetesModule = "github.com/crossplane-contrib/provider-kubernetes@v1.3.1"

	// CertManagerModule holds cert-manager's CRDs in deploy/crds.
	CertManagerModule = "github.com/cert-manager/cert-manager@v1.21.2"

	// KyvernoAPI is the module of Kyverno's API types, whose config/crds
	// hold the policies.kyverno.io CRDs. Its version is the one kspec's
	// go.mod requires: see RequiredModuleDir.
	KyvernoAPI = "github.com/kyverno/api"
)

// Version returns the version of a "module@version".
func Version(mod string) string {
	_, v, _ := strings.Cut(mod, "@")
	return v
}

// RequiredModuleDir returns where the Go module cache holds the version of
// path that kspec's go.mod requires. It must run inside kspec's module, as
// tests do.
func RequiredModuleDir(path string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-json", path).Output()
	if err != nil {
		return "", errors.Wrapf(err, "cannot find %s in kspec's go.mod", path)
	}
	var info struct{ Dir, Version string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", errors.Wrapf(err, "cannot parse go list output for %s", path)
	}
	if info.Dir == "" {
		return ModuleDir(path + "@" + info.Version)
	}
	return info.Dir, nil
}
