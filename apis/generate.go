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

// Generation runs from "make generate", which sets CONTROLLER_GEN and
// ANGRYJET to the pinned tools built by hack/tools.sh.

// Remove generated files so types that were deleted leave nothing behind.
//go:generate rm -rf ../package/provider/crds ../package/function/input ../.work/xr-crd
//go:generate sh -c "find . -name 'zz_generated.*.go' -delete"

// Deepcopy methods, then managed resource method sets.
//go:generate $CONTROLLER_GEN object:headerFile=../hack/boilerplate.go.txt paths=./...
//go:generate $ANGRYJET generate-methodsets --header-file=../hack/boilerplate.go.txt ./...

// CRDs of the provider package and the function input.
//go:generate $CONTROLLER_GEN crd:crdVersions=v1 paths=./provider/... paths=./reports/... output:artifacts:config=../package/provider/crds
//go:generate $CONTROLLER_GEN crd:crdVersions=v1 paths=./fn/... output:artifacts:config=../package/function/input

// The XRD: controller-gen's schema for the ClusterSpecification type, wrapped
// as a Crossplane CompositeResourceDefinition with its claim.
//go:generate $CONTROLLER_GEN crd:crdVersions=v1 paths=./kspec/... output:artifacts:config=../.work/xr-crd
//go:generate go run ../hack/xrdgen --crd ../.work/xr-crd/kspec.io_clusterspecifications.yaml --out ../package/configuration/definition.yaml

package apis
