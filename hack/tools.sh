#!/usr/bin/env bash
# Builds kspec's pinned tools from the Go module proxy into a cache outside the
# repo, and reuses them while their pins are unchanged.
#
#   hack/tools.sh build [TOOL...]   build what is missing or stale (default: all)
#   hack/tools.sh path TOOL         print the path of TOOL's binary (or envtest's asset dir)
#   hack/tools.sh list              print each tool, its version and whether it is cached
#   hack/tools.sh prune             remove cached builds of pins that are no longer current
#
# Each tool is pinned by a small wrapper module under hack/tools/<module>/ whose
# go.mod and go.sum are committed, so a fresh machine builds exactly these bytes
# of source. The cache key is the tool version plus a hash of the wrapper's
# go.mod, go.sum and build flags: change one and the tool is rebuilt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR=${KSPEC_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kspec/tools}

K8S_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
KYVERNO_VERSION=v1.19.1
CROSSPLANE_VERSION=v2.2.1
CROSSPLANE_CORE_VERSION=v2.4.0
GOLANGCI_LINT_VERSION=v2.15.0
CONTROLLER_GEN_VERSION=v0.23.0
ANGRYJET_VERSION=v0.0.0-20260719180100-659f1dc036c5

k8s_ldflags() {
	local v=$K8S_VERSION minor
	minor=$(echo "$v" | cut -d. -f2)
	echo "-s -w -X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=1" \
		"-X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" \
		"-X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=1" \
		"-X k8s.io/client-go/pkg/version.gitMinor=$minor"
}

# tool_spec TOOL prints: wrapper-module version "binary=package ..." ldflags
tool_spec() {
	case $1 in
	kubernetes | kube-apiserver | kubectl | envtest)
		echo "kubernetes|$K8S_VERSION|kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver kubectl=k8s.io/kubernetes/cmd/kubectl|$(k8s_ldflags)" ;;
	etcd) echo "etcd|$ETCD_VERSION|etcd=.|-s -w" ;;
	kyverno)
		echo "kyverno|$KYVERNO_VERSION|kyverno=github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno|-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=$KYVERNO_VERSION" ;;
	crossplane)
		echo "crossplane|$CROSSPLANE_VERSION|crossplane=github.com/crossplane/crossplane/v2/cmd/crank|-s -w -X github.com/crossplane/crossplane/v2/internal/version.version=$CROSSPLANE_VERSION" ;;
	crossplane-core)
		echo "crossplane-core|$CROSSPLANE_CORE_VERSION|crossplane-core=github.com/crossplane/crossplane/v2/cmd/crossplane|-s -w -X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=$CROSSPLANE_CORE_VERSION" ;;
	golangci-lint)
		echo "golangci-lint|$GOLANGCI_LINT_VERSION|golangci-lint=github.com/golangci/golangci-lint/v2/cmd/golangci-lint|-s -w -X main.version=${GOLANGCI_LINT_VERSION#v}" ;;
	controller-gen)
		echo "controller-gen|$CONTROLLER_GEN_VERSION|controller-gen=sigs.k8s.io/controller-tools/cmd/controller-gen|-s -w" ;;
	angryjet)
		echo "angryjet|$ANGRYJET_VERSION|angryjet=github.com/crossplane/crossplane-tools/cmd/angryjet|-s -w" ;;
	*) echo "hack/tools.sh: unknown tool \"$1\" (known: $(echo $ALL_TOOLS))" >&2; return 2 ;;
	esac
}

# Build order: the quick code generators first, the long builds last.
ALL_TOOLS="controller-gen angryjet golangci-lint etcd kubernetes crossplane crossplane-core kyverno"

field() { tool_spec "$1" | cut -d'|' -f"$2"; }

# pin_hash TOOL: a short hash of what the tool's bytes depend on: the
# wrapper module's pins and the build spec (packages, linker flags).
pin_hash() {
	local mod
	mod=$(field "$1" 1)
	{ cat "$ROOT/hack/tools/$mod/go.mod" "$ROOT/hack/tools/$mod/go.sum"; tool_spec "$1"; } | sha256sum | cut -c1-12
}

tool_dir() {
	local mod version
	mod=$(field "$1" 1) version=$(field "$1" 2)
	echo "$TOOLS_DIR/$mod-$version-$(pin_hash "$mod")"
}

cmd_path() {
	local tool=$1 dir
	[ "$tool" = kubernetes ] && tool=kube-apiserver
	dir=$(tool_dir "$tool")
	case $tool in
	envtest) echo "$TOOLS_DIR/envtest-$K8S_VERSION-$ETCD_VERSION" ;;
	*) echo "$dir/$tool" ;;
	esac
}

is_built() { [ -f "$(tool_dir "$1")/.complete" ]; }

build_one() {
	local tool=$1 mod version bins ldflags dir tmp start bin pkg
	IFS='|' read -r mod version bins ldflags < <(tool_spec "$tool")
	dir=$(tool_dir "$tool")
	if [ -f "$dir/.complete" ]; then
		echo "tools: $mod $version cached in $dir"
		return
	fi
	echo "tools: building $mod $version (binaries: $(echo "$bins" | sed 's/=[^ ]*//g')) into $dir"
	start=$(date +%s)
	tmp=$(mktemp -d "$TOOLS_DIR/.build-$mod-XXXXXX")
	for b in $bins; do
		bin=${b%%=*} pkg=${b#*=}
		(cd "$ROOT/hack/tools/$mod" &&
			CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags="$ldflags" -o "$tmp/$bin" "$pkg")
	done
	rm -rf "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.complete"
	echo "tools: built $mod $version in $(($(date +%s) - start))s"
}

# envtest wants one directory holding kube-apiserver, etcd and kubectl.
link_envtest() {
	local dir
	dir=$(cmd_path envtest)
	mkdir -p "$dir"
	ln -sf "$(cmd_path kube-apiserver)" "$dir/kube-apiserver"
	ln -sf "$(cmd_path kubectl)" "$dir/kubectl"
	ln -sf "$(cmd_path etcd)" "$dir/etcd"
}

main() {
	local verb=${1:-build}
	shift || true
	case $verb in
	path)
		[ $# -eq 1 ] || { echo "usage: hack/tools.sh path TOOL" >&2; exit 2; }
		tool_spec "$1" >/dev/null
		cmd_path "$1" ;;
	list)
		for t in $ALL_TOOLS; do
			if is_built "$t"; then s=cached; else s=missing; fi
			printf '%-15s %-40s %s\n' "$t" "$(field "$t" 2)" "$s"
		done ;;
	prune)
		local keep="$(cmd_path envtest)" d
		for t in $ALL_TOOLS; do keep="$keep $(tool_dir "$t")"; done
		for d in "$TOOLS_DIR"/*; do
			[ -e "$d" ] || continue
			case " $keep " in *" $d "*) ;; *) echo "tools: removing $d"; rm -rf "$d" ;; esac
		done ;;
	build)
		mkdir -p "$TOOLS_DIR"
		local tools=${*:-$ALL_TOOLS} start t
		start=$(date +%s)
		for t in $tools; do
			[ "$t" = envtest ] && { build_one kubernetes; build_one etcd; continue; }
			tool_spec "$t" >/dev/null
			build_one "$t"
		done
		if is_built kubernetes && is_built etcd; then link_envtest; fi
		echo "tools: ready in $(($(date +%s) - start))s ($TOOLS_DIR)" ;;
	*) echo "usage: hack/tools.sh build [TOOL...] | path TOOL | list | prune" >&2; exit 2 ;;
	esac
}

main "$@"
