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

// Package image builds the OCI images of kspec's binaries without Docker and
// without pulling a base image: one layer on the empty image holding a static
// binary, the passwd and group entries of an unprivileged user, and a /tmp.
// The image runs as that user (65532:65532, the "nonroot" of distroless).
//
// Images are reproducible: every file has the same owner, mode and time
// (the Unix epoch), and the config records no creation time, so the same
// binary always gives the same digest.
package image

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/pkg/errors"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The unprivileged user every kspec image runs as.
const (
	UID  = 65532
	GID  = 65532
	User = "65532:65532"
)

// Spec says what goes into an image.
type Spec struct {
	// Binary is the path of a static (CGO_ENABLED=0) linux binary.
	Binary string
	// Entrypoint is where the binary lives in the image, e.g. /function-kspec.
	Entrypoint string
	// Arch is the GOARCH the binary was built for.
	Arch string
	// Labels are OCI labels for the image config.
	Labels map[string]string
	// Ports the process listens on, e.g. 9443/tcp.
	Ports []string
}

// epoch is the time every file in an image carries.
var epoch = time.Unix(0, 0).UTC()

// Build returns the image of s.
func Build(s Spec) (v1.Image, error) {
	if !path.IsAbs(s.Entrypoint) || path.Clean(s.Entrypoint) != s.Entrypoint || s.Entrypoint == "/" {
		return nil, errors.Errorf("entrypoint %q must be a clean absolute file path", s.Entrypoint)
	}
	if s.Arch == "" {
		return nil, errors.New("arch must be set")
	}
	bin, err := os.ReadFile(s.Binary)
	if err != nil {
		return nil, errors.Wrap(err, "cannot read the binary")
	}
	layer, err := rootfs(bin, strings.TrimPrefix(s.Entrypoint, "/"))
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, errors.Wrap(err, "cannot add the layer")
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, errors.Wrap(err, "cannot read the image config")
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", s.Arch
	cf.Config = v1.Config{
		User:       User,
		Entrypoint: []string{s.Entrypoint},
		WorkingDir: "/",
		Env:        []string{"PATH=/", "HOME=/home/nonroot"},
		Labels:     s.Labels,
	}
	if len(s.Ports) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range s.Ports {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	img, err = mutate.ConfigFile(img, cf)
	return img, errors.Wrap(err, "cannot set the image config")
}

// Write writes img as a tarball that crossplane xpkg build
// --embed-runtime-image-tarball (and docker load) reads, tagged ref.
func Write(file, ref string, img v1.Image) error {
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return errors.Wrapf(err, "invalid image reference %q", ref)
	}
	return errors.Wrapf(tarball.WriteToFile(file, tag, img), "cannot write %s", file)
}

// entry is one file or directory of the root filesystem.
type entry struct {
	name     string
	mode     int64
	uid, gid int
	dir      bool
	body     []byte
}

// rootfs returns the single layer of an image: the binary at bin (a path
// without leading slash), and the least a non-root process expects.
func rootfs(bin []byte, binPath string) (v1.Layer, error) {
	entries := []entry{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, body: []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{name: "etc/group", mode: 0o644, body: []byte("root:x:0:\nnonroot:x:65532:\n")},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/nonroot/", mode: 0o700, uid: UID, gid: GID, dir: true},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: binPath, mode: 0o755, body: bin},
	}
	// Directories the binary's path needs, e.g. usr/local/bin/.
	have := map[string]bool{}
	for _, e := range entries {
		have[e.name] = true
	}
	for d := path.Dir(binPath); d != "."; d = path.Dir(d) {
		if !have[d+"/"] {
			entries = append(entries, entry{name: d + "/", mode: 0o755, dir: true})
			have[d+"/"] = true
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{
			Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.gid,
			ModTime: epoch, Typeflag: tar.TypeReg, Size: int64(len(e.body)), Format: tar.FormatPAX,
		}
		if e.dir {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, errors.Wrapf(err, "cannot write %s", e.name)
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, errors.Wrapf(err, "cannot write %s", e.name)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, errors.Wrap(err, "cannot close the layer")
	}
	b := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	return layer, errors.Wrap(err, "cannot make the layer")
}
