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

// Command xpkg builds kspec's Crossplane packages and images without Docker
// (make xpkg runs it from the repository root):
//
//   - the static binaries of function-kspec, kspec-webhook and provider-kspec,
//     each into an image on an empty base (hack/image), written as OCI
//     tarballs;
//   - with the real crossplane CLI, the packages: the Configuration (with
//     examples/specs as its examples), and function-kspec and provider-kspec,
//     each with its runtime image embedded.
//
// Every package is built at the version package/configuration/crossplane.yaml
// pins function-kspec and provider-kspec to, so the Configuration always
// depends on exactly the packages built with it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"

	"github.com/pkg/errors"

	"github.com/kspec-io/kspec/functions/webhook"
	"github.com/kspec-io/kspec/hack/image"
	xpkg "github.com/kspec-io/kspec/package"
)

// Registry is where kspec's packages and images are published: where the
// webhook step's default kspec-webhook image lives.
var Registry = path.Dir(webhook.DefaultImageRepository)

// binary is a kspec binary that ships as an image.
type binary struct {
	name  string // image and binary name; its main is ./cmd/<name>
	ports []string
	desc  string
}

var binaries = []binary{
	{name: "function-kspec", ports: []string{"9443/tcp"}, desc: "The kspec composition function: policies, certificates, webhook and compliance scans from a ClusterSpecification."},
	{name: "kspec-webhook", ports: []string{"9443/tcp", "8080/tcp"}, desc: "kspec's admission webhook: enforces ClusterSpecification bundles live."},
	{name: "provider-kspec", ports: []string{"8080/tcp", "8081/tcp"}, desc: "The kspec provider: probes ClusterTargets and runs ComplianceScans."},
}

func main() {
	var o options
	flag.StringVar(&o.crossplane, "crossplane", "", "path of the crossplane CLI (hack/tools.sh path crossplane)")
	flag.StringVar(&o.output, "output", "_output/xpkg", "directory the packages and image tarballs are written to")
	flag.StringVar(&o.arch, "arch", "amd64", "GOARCH of the binaries in the images")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "xpkg:", err)
		os.Exit(1)
	}
}

type options struct {
	crossplane, output, arch string
}

func run(o options) error {
	if o.crossplane == "" {
		return errors.New("--crossplane is required")
	}
	version, err := pinnedVersion()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.output, 0o750); err != nil {
		return errors.Wrap(err, "cannot create the output directory")
	}
	work, err := os.MkdirTemp("", "kspec-xpkg-")
	if err != nil {
		return errors.Wrap(err, "cannot create a work directory")
	}
	defer func() { _ = os.RemoveAll(work) }()

	tarballs := map[string]string{}
	for _, b := range binaries {
		bin := filepath.Join(work, b.name)
		if err := goBuild(bin, "./cmd/"+b.name, version, o.arch); err != nil {
			return err
		}
		img, err := image.Build(image.Spec{
			Binary: bin, Entrypoint: "/" + b.name, Arch: o.arch, Ports: b.ports,
			Labels: map[string]string{
				"org.opencontainers.image.title":       b.name,
				"org.opencontainers.image.description": b.desc,
				"org.opencontainers.image.version":     version,
				"org.opencontainers.image.source":      "https://github.com/kspec-io/kspec",
				"org.opencontainers.image.licenses":    "Apache-2.0",
			},
		})
		if err != nil {
			return errors.Wrapf(err, "cannot build the image of %s", b.name)
		}
		out := filepath.Join(o.output, fmt.Sprintf("%s-%s-%s.tar", b.name, version, o.arch))
		if err := image.Write(out, ImageRef(b.name, version), img); err != nil {
			return err
		}
		tarballs[b.name] = out
		report(out)
	}

	for _, p := range []struct{ root, file, examples, runtime string }{
		{root: "package/configuration", file: "kspec-" + version + ".xpkg", examples: "examples/specs"},
		{root: "package/function", file: fmt.Sprintf("function-kspec-%s-%s.xpkg", version, o.arch), runtime: tarballs["function-kspec"]},
		{root: "package/provider", file: fmt.Sprintf("provider-kspec-%s-%s.xpkg", version, o.arch), runtime: tarballs["provider-kspec"]},
	} {
		out := filepath.Join(o.output, p.file)
		args := []string{"xpkg", "build", "--package-root", p.root, "--package-file", out}
		// Without --examples-root the CLI looks in ./examples, which here
		// holds more than examples of one package.
		examples := p.examples
		if examples == "" {
			examples = filepath.Join(p.root, "examples")
		}
		args = append(args, "--examples-root", examples)
		if p.runtime != "" {
			args = append(args, "--embed-runtime-image-tarball", p.runtime)
		}
		cmd := exec.Command(o.crossplane, args...) //nolint:gosec // The CLI is ours to run.
		if b, err := cmd.CombinedOutput(); err != nil {
			return errors.Wrapf(err, "crossplane xpkg build of %s: %s", p.root, b)
		}
		report(out)
	}
	return nil
}

// ImageRef is the reference of a kspec image at a version. The
// kspec-webhook image is the one the webhook step deploys by default when
// function-kspec is built at that version.
func ImageRef(name, version string) string {
	return Registry + "/" + name + ":" + version
}

// pinnedVersion is the version to build: the one the Configuration pins
// kspec's own packages to, which must live in Registry.
func pinnedVersion() (string, error) {
	v, err := xpkg.Version()
	if err != nil {
		return "", err
	}
	pkgs, err := xpkg.Packages()
	if err != nil {
		return "", err
	}
	for _, own := range []string{"function-kspec", "provider-kspec"} {
		if _, ok := pkgs[Registry+"/"+own]; !ok {
			return "", errors.Errorf("package/configuration/crossplane.yaml must depend on %s/%s, where the webhook step's default image lives", Registry, own)
		}
	}
	return v, nil
}

// goBuild builds a static linux binary of pkg.
func goBuild(out, pkg, version, arch string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, //nolint:gosec // Arguments are ours.
		"-ldflags", "-s -w -X github.com/kspec-io/kspec/internal/version.version="+version, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return errors.Wrapf(err, "go build %s: %s", pkg, b)
	}
	return nil
}

// report prints a file written and its size.
func report(file string) {
	if fi, err := os.Stat(file); err == nil {
		fmt.Printf("%-56s %9.1f KiB\n", file, float64(fi.Size())/1024)
	}
}
