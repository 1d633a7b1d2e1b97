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

package image

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func binary(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bin")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

func TestBuild(t *testing.T) {
	spec := Spec{Binary: binary(t, "not really an executable"), Entrypoint: "/usr/local/bin/tool", Arch: "arm64",
		Labels: map[string]string{"org.opencontainers.image.version": "v1.2.3"}, Ports: []string{"9443/tcp"}}
	img, err := Build(spec)
	require.NoError(t, err)

	cf, err := img.ConfigFile()
	require.NoError(t, err)
	assert.Equal(t, "linux", cf.OS)
	assert.Equal(t, "arm64", cf.Architecture)
	assert.Equal(t, "65532:65532", cf.Config.User)
	assert.Equal(t, []string{"/usr/local/bin/tool"}, cf.Config.Entrypoint)
	assert.Equal(t, spec.Labels, cf.Config.Labels)
	assert.Contains(t, cf.Config.ExposedPorts, "9443/tcp")
	assert.True(t, cf.Created.IsZero(), "a creation time would make every build differ")

	files := map[string]*tar.Header{}
	rc := mutate.Extract(img)
	defer func() { _ = rc.Close() }()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		files[h.Name] = h
		assert.Zero(t, h.ModTime.Unix(), "%s carries a time", h.Name)
	}
	for _, dir := range []string{"usr", "usr/local", "usr/local/bin", "etc", "tmp", "home/nonroot"} {
		assert.Contains(t, files, dir)
	}
	require.Contains(t, files, "usr/local/bin/tool")
	assert.Equal(t, int64(0o755), files["usr/local/bin/tool"].Mode)
	assert.Equal(t, UID, files["home/nonroot"].Uid, "the user owns its home")

	// The same binary gives the same image, byte for byte.
	again, err := Build(spec)
	require.NoError(t, err)
	d1, err := img.Digest()
	require.NoError(t, err)
	d2, err := again.Digest()
	require.NoError(t, err)
	assert.Equal(t, d1, d2)

	// Written and read back, as crossplane xpkg build reads it.
	out := filepath.Join(t.TempDir(), "image.tar")
	require.NoError(t, Write(out, "example.com/kspec/tool:v1.2.3", img))
	back, err := tarball.ImageFromPath(out, nil)
	require.NoError(t, err)
	d3, err := back.Digest()
	require.NoError(t, err)
	assert.Equal(t, d1, d3)
}

func TestBuildRefusesBadInput(t *testing.T) {
	bin := binary(t, "x")
	for name, s := range map[string]Spec{
		"relative entrypoint": {Binary: bin, Entrypoint: "tool", Arch: "amd64"},
		"root entrypoint":     {Binary: bin, Entrypoint: "/", Arch: "amd64"},
		"unclean entrypoint":  {Binary: bin, Entrypoint: "/bin/../tool", Arch: "amd64"},
		"no arch":             {Binary: bin, Entrypoint: "/tool"},
		"no binary":           {Binary: filepath.Join(t.TempDir(), "missing"), Entrypoint: "/tool", Arch: "amd64"},
	} {
		_, err := Build(s)
		assert.Error(t, err, name)
	}
	img, err := Build(Spec{Binary: bin, Entrypoint: "/tool", Arch: "amd64"})
	require.NoError(t, err)
	assert.Error(t, Write(filepath.Join(t.TempDir(), "x.tar"), "Not A Valid Reference", img))
}
