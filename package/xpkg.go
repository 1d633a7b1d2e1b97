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

import "embed"

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
