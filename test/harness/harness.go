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

// Package harness holds what kspec's tests against real binaries share.
package harness

import (
	"encoding/json"
	"os"
	"os/exec"

	"github.com/pkg/errors"
)

// CrossplaneModule is the module of Crossplane core, whose cluster/crds
// hold Crossplane's own CRDs. hack/tools.sh downloads it to build core.
const CrossplaneModule = "github.com/crossplane/crossplane/v2@v2.4.0"

// ModuleDir returns where the Go module cache holds mod@version,
// downloading it if needed.
func ModuleDir(mod string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Dir = os.TempDir() // Outside kspec's module: the version need not be in go.mod.
	out, err := cmd.Output()
	if err != nil {
		return "", errors.Wrapf(err, "cannot download %s", mod)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", errors.Wrapf(err, "cannot parse go mod download output for %s", mod)
	}
	if info.Dir == "" {
		return "", errors.Errorf("cannot download %s: %s", mod, info.Error)
	}
	return info.Dir, nil
}
