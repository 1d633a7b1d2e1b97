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
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/pkg/errors"

	"github.com/kspec-io/kspec/internal/cli"
	"github.com/kspec-io/kspec/internal/report"
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

// Check runs kspec check -o json at the clock now and decodes its report,
// as a CI pipeline reads it. The bases of the spec's basedOn are read from
// its own directory, as the examples keep them. Exit codes 0 and 1 are
// reports; anything else, or input errors, is an error.
func Check(spec, now string, paths ...string) (*report.Report, error) {
	var out, errOut bytes.Buffer
	args := append([]string{"check", "-f", spec, "--specs", filepath.Dir(spec), "--now", now, "-o", "json"}, paths...)
	if code := cli.Run(args, nil, &out, &errOut); code != cli.ExitOK && code != cli.ExitInvalid {
		return nil, errors.Errorf("kspec check exited %d: %s", code, errOut.String())
	}
	var rep report.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return nil, errors.Wrap(err, "cannot decode kspec check's JSON")
	}
	if len(rep.InputErrors) > 0 {
		return nil, errors.Errorf("kspec check could not read %d documents, the first: %+v", len(rep.InputErrors), rep.InputErrors[0])
	}
	return &rep, nil
}
