# kspec — see README.md. Every tool comes from hack/tools.sh, which builds
# pinned versions from the Go module proxy into ~/.cache/kspec/tools.

SHELL := /usr/bin/env bash -o pipefail
TOOLS := hack/tools.sh
GO_TEST_FLAGS ?= -count=1 -timeout 60m
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

CONTROLLER_GEN = $(shell $(TOOLS) path controller-gen)
ANGRYJET       = $(shell $(TOOLS) path angryjet)
GOLANGCI_LINT  = $(shell $(TOOLS) path golangci-lint)
CROSSPLANE     = $(shell $(TOOLS) path crossplane)
XPKG_DIR      ?= _output/xpkg
XPKG_ARCH     ?= amd64
TEST_ENV = KUBEBUILDER_ASSETS=$(shell $(TOOLS) path envtest) \
           KSPEC_KYVERNO=$(shell $(TOOLS) path kyverno) \
           KSPEC_CROSSPLANE=$(shell $(TOOLS) path crossplane) \
           KSPEC_CROSSPLANE_CORE=$(shell $(TOOLS) path crossplane-core)

.PHONY: all build tools generate check-generated lint test unit golden-update render-update xpkg reviewable clean

all: build

## build: the kspec CLI into bin/
build:
	go build -ldflags "-X github.com/kspec-io/kspec/internal/version.version=$(VERSION)" -o bin/kspec ./cmd/kspec

## tools: build the pinned tools (slow once on a fresh machine, then cached)
tools:
	@$(TOOLS) build

## generate: deepcopy, managed methods, CRDs and the XRD from the Go types in apis/
generate:
	@$(TOOLS) build controller-gen angryjet
	CONTROLLER_GEN=$(CONTROLLER_GEN) ANGRYJET=$(ANGRYJET) go generate ./apis/...

GENERATED := ':(glob)apis/**/zz_generated.*.go' package/configuration/definition.yaml package/provider/crds package/function/input

## check-generated: fail when generated files differ from what is committed
check-generated: generate
	@if [ -n "$$(git status --porcelain -- $(GENERATED))" ]; then \
		echo "Generated files are stale; run 'make generate' and commit:"; \
		git status --porcelain -- $(GENERATED); exit 1; fi

## lint: golangci-lint with .golangci.yml
lint:
	@$(TOOLS) build golangci-lint
	$(GOLANGCI_LINT) run ./...

## test: build the tools, check generated files, run every test against real tools
test: tools check-generated
	$(TEST_ENV) go test $(GO_TEST_FLAGS) ./...

## unit: the tests that need no tools
unit:
	go test $(GO_TEST_FLAGS) -short ./...

## golden-update: rewrite the golden files of kspec render (internal/render/testdata) and of the report formats (internal/report/output/testdata) after an intended change
golden-update:
	go test -count=1 ./internal/render/ -run '^TestGolden$$' -update
	go test -count=1 ./internal/report/output/ -run '^TestGolden$$' -update

## render-update: rewrite the crossplane render goldens (examples/render/*/expected.yaml) after an intended change
render-update:
	@$(TOOLS) build crossplane
	KSPEC_CROSSPLANE=$(CROSSPLANE) go test -count=1 ./test/render/ -run '^TestRender$$' -update

## xpkg: build the Configuration, function-kspec (runtime image embedded) and provider-kspec packages, and the
## kspec-webhook image, into $(XPKG_DIR) with the real crossplane CLI; no Docker
xpkg:
	@$(TOOLS) build crossplane
	go run ./hack/xpkg --crossplane=$(CROSSPLANE) --output=$(XPKG_DIR) --arch=$(XPKG_ARCH)

## reviewable: generate, lint and test: run before sending a change
reviewable: generate lint test

clean:
	rm -rf bin .work _output
