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

// Package xpkg embeds the generated schemas of kspec's Crossplane packages
// (this directory holds their package roots) so the kspec CLI validates
// against exactly what it ships.
package xpkg

import (
	"embed"
	"path"

	"github.com/pkg/errors"
	"golang.org/x/mod/semver"
	"sigs.k8s.io/yaml"
)

// Definition is the XRD of ClusterSpecification and its claim.
//
//go:embed configuration/definition.yaml
var Definition []byte

// ProviderCRDs are the CRDs of provider-kspec.
//
//go:embed provider/crds/*.yaml
var ProviderCRDs embed.FS

// FunctionInput is the CRD-shaped schema of function-kspec's input.
//
//go:embed function/input/*.yaml
var FunctionInput embed.FS

// configurationMeta is the Configuration's crossplane.yaml.
//
//go:embed configuration/crossplane.yaml
var configurationMeta []byte

// Packages returns the packages the Configuration depends on: each
// package reference (registry/repository) with the version it is pinned to.
func Packages() (map[string]string, error) {
	var meta struct {
		Spec struct {
			DependsOn []struct {
				Package, Version string
			} `json:"dependsOn"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(configurationMeta, &meta); err != nil {
		return nil, errors.Wrap(err, "cannot parse package/configuration/crossplane.yaml")
	}
	out := map[string]string{}
	for _, d := range meta.Spec.DependsOn {
		out[d.Package] = d.Version
	}
	return out, nil
}

// Version is the version kspec's packages are released at: the exact
// version the Configuration pins both function-kspec and provider-kspec to
// (they are built and released together, by make xpkg).
func Version() (string, error) {
	pkgs, err := Packages()
	if err != nil {
		return "", err
	}
	pins := map[string]string{}
	for ref, v := range pkgs {
		pins[path.Base(ref)] = v
	}
	f, p := pins["function-kspec"], pins["provider-kspec"]
	switch {
	case f == "" || p == "":
		return "", errors.New("package/configuration/crossplane.yaml must pin both function-kspec and provider-kspec in spec.dependsOn")
	case f != p:
		return "", errors.Errorf("package/configuration/crossplane.yaml pins function-kspec at %s but provider-kspec at %s: kspec's packages are released together at one version", f, p)
	case !semver.IsValid(f) || semver.Canonical(f) != f:
		return "", errors.Errorf("package/configuration/crossplane.yaml pins kspec's packages at %q: want one exact version such as v0.1.0", f)
	}
	return f, nil
}
