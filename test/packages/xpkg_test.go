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

// Package packages_test builds kspec's Crossplane packages as make xpkg does
// (hack/xpkg, with the real crossplane CLI, which parses and lints every
// object in a package root), then reads each package back as Crossplane
// would: its metadata, its objects, and the runtime image it embeds.
package packages_test

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"encoding/json"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	"github.com/kspec-io/kspec/functions/webhook"
	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/test/harness"
)

// arch is the architecture the packages are built for here.
const arch = "amd64"

// registry is where kspec's packages and images are published: where the
// webhook step's default image lives.
var registry = path.Dir(webhook.DefaultImageRepository)

func crossplane(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the crossplane CLI: run with make test")
	}
	bin := os.Getenv("KSPEC_CROSSPLANE")
	require.NotEmpty(t, bin, "KSPEC_CROSSPLANE is not set: run with make test")
	return bin
}

var (
	once     sync.Once
	built    string // the directory hack/xpkg wrote into
	buildOut []byte
	buildErr error
)

// xpkgs runs hack/xpkg, as make xpkg does, once for every test here, and
// returns the directory holding the packages.
func xpkgs(t *testing.T) string {
	t.Helper()
	bin := crossplane(t)
	once.Do(func() {
		built, buildErr = os.MkdirTemp("", "kspec-xpkg-test-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "run", "./hack/xpkg", "--crossplane="+bin, "--output="+built, "--arch="+arch)
		cmd.Dir = "../.."
		buildOut, buildErr = cmd.CombinedOutput()
	})
	require.NoError(t, buildErr, "hack/xpkg failed:\n%s", buildOut)
	t.Logf("hack/xpkg:\n%s", buildOut)
	return built
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		_ = os.RemoveAll(built)
	}
	os.Exit(code)
}

// pin is one entry of the Configuration's spec.dependsOn.
type pin struct {
	APIVersion, Kind, Package, Version string
}

type configurationMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		DependsOn []pin `json:"dependsOn"`
	} `json:"spec"`
}

// version is the version kspec's own packages are built at: the one the
// Configuration pins them to.
func version(t *testing.T) string {
	t.Helper()
	var meta configurationMeta
	b, err := os.ReadFile("../../package/configuration/crossplane.yaml")
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &meta))
	for _, d := range meta.Spec.DependsOn {
		if d.Package == registry+"/function-kspec" {
			return d.Version
		}
	}
	t.Fatal("package/configuration/crossplane.yaml does not depend on function-kspec")
	return ""
}

// pkg is a package read back from its .xpkg file.
type pkg struct {
	img      v1.Image
	config   *v1.ConfigFile
	meta     map[string]any   // crossplane.yaml
	objects  []map[string]any // everything else in package.yaml, in order
	examples []map[string]any
}

// read opens an .xpkg as Crossplane does: the layers the image config labels
// io.crossplane.xpkg "base" (package.yaml) and "upbound" (examples).
func read(t *testing.T, file string) pkg {
	t.Helper()
	img, err := tarball.ImageFromPath(file, nil)
	require.NoError(t, err)
	cf, err := img.ConfigFile()
	require.NoError(t, err)
	p := pkg{img: img, config: cf}
	found := map[string]bool{}
	for label, kind := range cf.Config.Labels {
		digest, ok := strings.CutPrefix(label, "io.crossplane.xpkg:")
		if !ok {
			continue
		}
		h, err := v1.NewHash(digest)
		require.NoError(t, err)
		layer, err := img.LayerByDigest(h)
		require.NoError(t, err, "the layer the config labels %s is missing", kind)
		body := layerFile(t, layer, map[string]string{"base": "package.yaml", "upbound": ".up/examples.yaml"}[kind])
		docs := manifest.Parse(file, body)
		found[kind] = true
		for i, d := range docs {
			require.NoError(t, d.Err)
			switch {
			case kind == "base" && i == 0:
				p.meta = d.Object.Object
			case kind == "base":
				p.objects = append(p.objects, d.Object.Object)
			default:
				p.examples = append(p.examples, d.Object.Object)
			}
		}
	}
	require.True(t, found["base"], "%s has no package layer", file)
	return p
}

// layerFile returns the one file name in a layer.
func layerFile(t *testing.T, l v1.Layer, name string) []byte {
	t.Helper()
	rc, err := l.Uncompressed()
	require.NoError(t, err)
	defer func() { _ = rc.Close() }()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if h.Name == name {
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			return b
		}
	}
	t.Fatalf("layer holds no %s", name)
	return nil
}

// yamlObjects reads every object of the YAML files in dir, or of one file.
func yamlObjects(t *testing.T, paths ...string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, d := range manifest.Parse(p, b) {
			require.NoError(t, d.Err)
			out = append(out, d.Object.Object)
		}
	}
	return out
}

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	require.NoError(t, err)
	require.NotEmpty(t, files, pattern)
	sort.Strings(files)
	return files
}

func name(o map[string]any) string {
	m, _ := o["metadata"].(map[string]any)
	n, _ := m["name"].(string)
	return n
}

// byName returns the essence of objects (type, name and spec: the build
// re-encodes objects through their Go types, which adds empty status and
// metadata) sorted by kind and name, so two sets compare regardless of the
// order a package root lists its files in.
func byName(objs []map[string]any) []map[string]any {
	out := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		out = append(out, map[string]any{"apiVersion": o["apiVersion"], "kind": o["kind"], "name": name(o), "spec": o["spec"]})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i]["kind"].(string)+"/"+out[i]["name"].(string) < out[j]["kind"].(string)+"/"+out[j]["name"].(string)
	})
	return out
}

func TestConfigurationPackage(t *testing.T) {
	dir := xpkgs(t)
	v := version(t)
	p := read(t, filepath.Join(dir, "kspec-"+v+".xpkg"))

	var meta configurationMeta
	b, err := json.Marshal(p.meta)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &meta))
	assert.Equal(t, "Configuration", meta.Kind)
	assert.Equal(t, "kspec", meta.Metadata.Name)
	assert.ElementsMatch(t, []pin{
		{APIVersion: "pkg.crossplane.io/v1", Kind: "Function", Package: registry + "/function-kspec", Version: v},
		{APIVersion: "pkg.crossplane.io/v1", Kind: "Provider", Package: registry + "/provider-kspec", Version: v},
		{APIVersion: "pkg.crossplane.io/v1", Kind: "Provider", Package: "xpkg.crossplane.io/crossplane-contrib/provider-kubernetes", Version: harness.Version(harness.ProviderKubernetesModule)},
	}, meta.Spec.DependsOn, "dependsOn: kspec's packages at the version built, provider-kubernetes at the release whose CRDs the render tests install")

	want := yamlObjects(t, "../../package/configuration/definition.yaml", "../../package/configuration/composition.yaml")
	assert.Equal(t, byName(want), byName(p.objects), "the package holds exactly the XRD and the Composition")

	t.Run("Composition", func(t *testing.T) {
		var comp, xrd map[string]any
		for _, o := range p.objects {
			switch o["kind"] {
			case "Composition":
				comp = o
			case "CompositeResourceDefinition":
				xrd = o
			}
		}
		require.NotNil(t, comp)
		require.NotNil(t, xrd)
		checkComposition(t, comp, xrd)
	})

	t.Run("Examples", func(t *testing.T) {
		assert.Equal(t, byName(yamlObjects(t, glob(t, "../../examples/specs/*.yaml")...)), byName(p.examples))
	})

	t.Run("NoRuntimeImage", func(t *testing.T) {
		layers, err := p.img.Layers()
		require.NoError(t, err)
		assert.Len(t, layers, 2, "a Configuration holds its package and examples layers only")
		assert.Empty(t, p.config.Config.Entrypoint)
	})
}

// checkComposition checks the Pipeline: it composes the XRD's kind, and runs
// function-kspec's four steps in order, each with an Input the function's
// schema accepts naming that very step.
func checkComposition(t *testing.T, comp, xrd map[string]any) {
	t.Helper()
	var c struct {
		Spec struct {
			CompositeTypeRef struct{ APIVersion, Kind string } `json:"compositeTypeRef"`
			Mode             string                            `json:"mode"`
			Pipeline         []struct {
				Step        string `json:"step"`
				FunctionRef struct {
					Name string `json:"name"`
				} `json:"functionRef"`
				Input json.RawMessage `json:"input"`
			} `json:"pipeline"`
		} `json:"spec"`
	}
	b, err := json.Marshal(comp)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &c))

	var x struct {
		Spec struct {
			Group    string `json:"group"`
			Names    struct{ Kind string }
			Versions []struct {
				Name          string `json:"name"`
				Referenceable bool   `json:"referenceable"`
			} `json:"versions"`
		} `json:"spec"`
	}
	b, err = json.Marshal(xrd)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &x))
	var ref string
	for _, v := range x.Spec.Versions {
		if v.Referenceable {
			ref = x.Spec.Group + "/" + v.Name
		}
	}
	assert.Equal(t, ref, c.Spec.CompositeTypeRef.APIVersion)
	assert.Equal(t, x.Spec.Names.Kind, c.Spec.CompositeTypeRef.Kind)
	assert.Equal(t, "Pipeline", c.Spec.Mode)

	fnMeta := yamlObjects(t, "../../package/function/crossplane.yaml")[0]
	steps := []string{}
	for _, s := range c.Spec.Pipeline {
		steps = append(steps, s.Step)
		assert.Equal(t, name(fnMeta), s.FunctionRef.Name, "step %s", s.Step)
		in := &fnv1beta1.Input{}
		require.NoError(t, strictUnmarshal(s.Input, in), "step %s: the input is not a function-kspec Input", s.Step)
		assert.Equal(t, fnv1beta1.SchemeGroupVersion.String(), in.APIVersion, "step %s", s.Step)
		assert.Equal(t, "Input", in.Kind, "step %s", s.Step)
		assert.Equal(t, fnv1beta1.Step(s.Step), in.Step, "step %s: its input runs another step", s.Step)
	}
	assert.Equal(t, []string{
		string(fnv1beta1.StepPolicies), string(fnv1beta1.StepCertificates),
		string(fnv1beta1.StepWebhook), string(fnv1beta1.StepCompliance),
	}, steps)
}

func strictUnmarshal(b []byte, into any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(into)
}

func TestFunctionPackage(t *testing.T) {
	dir := xpkgs(t)
	v := version(t)
	p := read(t, filepath.Join(dir, "function-kspec-"+v+"-"+arch+".xpkg"))
	assert.Equal(t, "Function", p.meta["kind"])
	assert.Equal(t, "function-kspec", name(p.meta))
	assert.Equal(t, byName(yamlObjects(t, glob(t, "../../package/function/input/*.yaml")...)), byName(p.objects), "the package holds exactly the Input's schema")
	checkRuntime(t, p.img, "/function-kspec", v)
}

func TestProviderPackage(t *testing.T) {
	dir := xpkgs(t)
	v := version(t)
	p := read(t, filepath.Join(dir, "provider-kspec-"+v+"-"+arch+".xpkg"))
	assert.Equal(t, "Provider", p.meta["kind"])
	assert.Equal(t, "provider-kspec", name(p.meta))
	assert.Equal(t, byName(yamlObjects(t, glob(t, "../../package/provider/crds/*.yaml")...)), byName(p.objects), "the package holds exactly the provider's CRDs")
	checkRuntime(t, p.img, "/provider-kspec", v)
}

func TestWebhookImage(t *testing.T) {
	dir := xpkgs(t)
	v := version(t)
	file := filepath.Join(dir, "kspec-webhook-"+v+"-"+arch+".tar")
	img, err := tarball.ImageFromPath(file, nil)
	require.NoError(t, err)
	checkRuntime(t, img, "/kspec-webhook", v)

	// The tarball is tagged with the image the webhook step deploys by default.
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	manifest := tarFile(t, b, "manifest.json")
	var m []struct{ RepoTags []string }
	require.NoError(t, json.Unmarshal(manifest, &m))
	require.Len(t, m, 1)
	assert.Equal(t, []string{webhook.DefaultImageRepository + ":" + v}, m[0].RepoTags)
}

func tarFile(t *testing.T, archive []byte, name string) []byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := tr.Next()
		require.NoError(t, err, "no %s in the archive", name)
		if h.Name == name {
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			return b
		}
	}
}

// checkRuntime checks a runtime image: it runs entrypoint as the non-root
// user 65532, and entrypoint is a static linux executable (it needs nothing
// from a base image, and the image has none).
func checkRuntime(t *testing.T, img v1.Image, entrypoint, version string) {
	t.Helper()
	cf, err := img.ConfigFile()
	require.NoError(t, err)
	assert.Equal(t, "linux", cf.OS)
	assert.Equal(t, arch, cf.Architecture)
	assert.Equal(t, "65532:65532", cf.Config.User, "the image must run as the non-root user")
	assert.Equal(t, []string{entrypoint}, cf.Config.Entrypoint)
	assert.Equal(t, version, cf.Config.Labels["org.opencontainers.image.version"])

	files := map[string]*tar.Header{}
	var bin []byte
	rc := mutate.Extract(img)
	defer func() { _ = rc.Close() }()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		files[strings.TrimSuffix(h.Name, "/")] = h
		if "/"+h.Name == entrypoint {
			bin, err = io.ReadAll(tr)
			require.NoError(t, err)
		}
	}
	h := files[strings.TrimPrefix(entrypoint, "/")]
	require.NotNil(t, h, "the image has no %s", entrypoint)
	assert.Equal(t, int64(0o755), h.Mode&0o7777, "%s must be executable and not writable by its user", entrypoint)
	assert.Zero(t, h.Uid, "%s must belong to root, not to the user that runs it", entrypoint)
	require.NotNil(t, files["etc/passwd"])
	require.NotNil(t, files["tmp"])
	assert.Equal(t, int64(0o1777), files["tmp"].Mode&0o7777)

	exe, err := elf.NewFile(bytes.NewReader(bin))
	require.NoError(t, err, "%s is not an ELF executable", entrypoint)
	assert.Equal(t, elf.ET_EXEC, exe.Type, "%s must be a static executable", entrypoint)
	for _, p := range exe.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "%s needs a dynamic loader: build it with CGO_ENABLED=0", entrypoint)
	}
	libs, err := exe.ImportedLibraries()
	require.NoError(t, err)
	assert.Empty(t, libs, "%s links shared libraries", entrypoint)

	// The entrypoint is the program it claims to be: run it (this machine
	// runs linux/amd64 binaries) and read its usage.
	if runtime.GOOS == "linux" && runtime.GOARCH == arch {
		file := filepath.Join(t.TempDir(), path.Base(entrypoint))
		require.NoError(t, os.WriteFile(file, bin, 0o700))
		out, _ := exec.Command(file, "--help").CombinedOutput()
		assert.Contains(t, string(out), "Usage", "%s --help", entrypoint)
		assert.Contains(t, string(out), path.Base(entrypoint), "%s --help", entrypoint)
	}
}

// TestForeignObjectFailsBuild shows the build really lints: a package root
// with an object a provider package may not hold does not build.
func TestForeignObjectFailsBuild(t *testing.T) {
	bin := crossplane(t)
	root := t.TempDir()
	meta, err := os.ReadFile("../../package/provider/crossplane.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "crossplane.yaml"), meta, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(root, "secret.yaml"), []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n"), 0o600))
	cmd := exec.Command(bin, "xpkg", "build", "--package-root", root, "--examples-root", filepath.Join(root, "examples"), "--package-file", filepath.Join(t.TempDir(), "package.xpkg"))
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), `no kind "Secret" is registered`)
}
