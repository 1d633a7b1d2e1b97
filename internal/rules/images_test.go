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

package rules

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/interpreter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestRegistries(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Workloads: &kspecv1alpha1.WorkloadRequirements{Images: &kspecv1alpha1.ImageRules{
			AllowedRegistries: []string{"ghcr.io/acme", "*.azurecr.io", "registry.internal:5000/platform", "docker.io/library"},
			BlockedRegistries: []string{"docker.io/library/busybox"},
		}},
	}}})
	require.NoError(t, err)
	cases := map[string]Status{
		"ghcr.io/acme/app:1.0":                  Pass,
		"ghcr.io/acme:1.0":                      Pass,
		"ghcr.io/acme@sha256:" + sha:            Pass,
		"ghcr.io/acme-evil/app":                 Fail,
		"ghcr.io/acmex":                         Fail,
		"ghcr.io:443/acme/app":                  Fail, // a port the pattern does not name
		"x.azurecr.io/app":                      Pass,
		"a.b.azurecr.io/app":                    Pass,
		"azurecr.io/app":                        Fail, // the wildcard needs a subdomain
		"evilazurecr.io/app":                    Fail,
		"registry.internal:5000/platform/app":   Pass,
		"registry.internal/platform/app":        Fail,
		"registry.internal:5001/platform/app":   Fail,
		"registry.internal:5000/platform-x/app": Fail,
		"nginx":                                 Pass, // docker.io/library/nginx
		"nginx:1.27":                            Pass,
		"index.docker.io/library/nginx":         Pass,
		"acme/app":                              Fail, // docker.io/acme/app
		"localhost/app":                         Fail,
		"docker.io/library/nginx@sha256:" + sha: Pass,
	}
	for image, want := range cases {
		assert.Equal(t, want, verdict(t, set, pod(image), "workload.security/allowed-registries"), image)
	}
	assert.Equal(t, Fail, verdict(t, set, pod("busybox:1.36"), "workload.security/blocked-registries"))
	assert.Equal(t, Pass, verdict(t, set, pod("busybox-extra:1"), "workload.security/blocked-registries"))
	assert.Equal(t, Fail, verdict(t, set, pod("ghcr.io/acme/app", "busybox"), "workload.security/blocked-registries"), "any container")
}

// TestRegistrySpellings checks that every spelling of an image the runtime
// resolves to the same reference, and every spelling of a pattern, is
// judged alike; and that references the runtime cannot parse fail both
// lists.
func TestRegistrySpellings(t *testing.T) {
	type verdicts struct{ allowed, blocked Status }
	cases := map[string]struct {
		reason           string
		allowed, blocked []string
		images           map[string]verdicts
	}{
		"DockerHubAliases": {
			reason:  "docker.io, index.docker.io and registry-1.docker.io are Docker Hub; one-segment names are library/ images",
			allowed: []string{"docker.io/library"},
			blocked: []string{"docker.io/library/busybox"},
			images: map[string]verdicts{
				"busybox:1.36":                                  {Pass, Fail},
				"docker.io/busybox:1.36":                        {Pass, Fail},
				"index.docker.io/busybox:1.36":                  {Pass, Fail},
				"index.docker.io/library/busybox:1.36":          {Pass, Fail},
				"registry-1.docker.io/library/busybox:1.36":     {Pass, Fail},
				"registry-1.docker.io/busybox":                  {Pass, Fail},
				"DOCKER.IO/busybox":                             {Pass, Fail},
				"Index.Docker.IO/library/busybox@sha256:" + sha: {Pass, Fail},
				"docker.io/nginx":                               {Pass, Pass},
				"nginx":                                         {Pass, Pass},
				"docker.io/acme/busybox":                        {Fail, Pass},
				"busybox-extra":                                 {Pass, Pass},
				"docker.io:443/library/busybox":                 {Fail, Pass}, // a port makes another host
			},
		},
		"UppercaseHosts": {
			reason:  "registry hosts compare without case, as DNS does",
			allowed: []string{"ghcr.io/acme"},
			blocked: []string{"quay.io"},
			images: map[string]verdicts{
				"QUAY.IO/org/app":    {Fail, Fail},
				"Quay.io/org/app:V1": {Fail, Fail},
				"GHCR.IO/acme/app":   {Pass, Pass},
				"Ghcr.Io/acme":       {Pass, Pass},
			},
		},
		"PatternSpellings": {
			reason:  "patterns are normalized as images are",
			allowed: []string{"DOCKER.IO/library", "GHCR.io/acme"},
			blocked: []string{"index.docker.io/library/busybox", "registry-1.docker.io/library/alpine"},
			images: map[string]verdicts{
				"nginx":            {Pass, Pass},
				"busybox":          {Pass, Fail},
				"docker.io/alpine": {Pass, Fail},
				"ghcr.io/acme/app": {Pass, Pass},
				"acme/app":         {Fail, Pass},
			},
		},
		"DockerHubOneSegmentPattern": {
			reason:  "docker.io/busybox names the official image and the namespace",
			allowed: []string{"ghcr.io"},
			blocked: []string{"docker.io/busybox"},
			images: map[string]verdicts{
				"busybox":               {Fail, Fail},
				"busybox/tools":         {Fail, Fail},
				"docker.io/busybox/x:1": {Fail, Fail},
				"busybox-extra":         {Fail, Pass},
				"ghcr.io/busybox":       {Pass, Pass},
			},
		},
		"Unparsable": {
			reason:  "a reference the runtime cannot parse fails closed",
			allowed: []string{"docker.io", "quay.io"},
			blocked: []string{"ghcr.io"},
			images: map[string]verdicts{
				"docker.io/Library/busybox": {Fail, Fail},
				"Nginx":                     {Fail, Fail},
				"nginx/Nginx":               {Fail, Fail},
				"quay.io/Org/app":           {Fail, Fail},
				"":                          {Fail, Fail},
				"nginx/":                    {Fail, Fail},
				"quay.io//app":              {Fail, Fail},
				"my_registry.io/app":        {Fail, Fail},
				"quay.io/org/app":           {Pass, Pass},
				strings.Repeat("a", 64):     {Fail, Fail}, // an image id, not a name
			},
		},
	}
	n := 0
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
				Workloads: &kspecv1alpha1.WorkloadRequirements{Images: &kspecv1alpha1.ImageRules{AllowedRegistries: tc.allowed, BlockedRegistries: tc.blocked}},
			}}})
			require.NoError(t, err)
			for image, want := range tc.images {
				got := verdicts{
					verdict(t, set, pod(image), CategoryWorkloads+"/allowed-registries"),
					verdict(t, set, pod(image), CategoryWorkloads+"/blocked-registries"),
				}
				assert.Equal(t, want, got, "%s: %s", image, tc.reason)
				n++
			}
		})
	}
	assert.Positive(t, n)
}

// TestImageMessages checks that failures name the images at fault, and
// only those.
func TestImageMessages(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Workloads: &kspecv1alpha1.WorkloadRequirements{Images: &kspecv1alpha1.ImageRules{
			AllowedRegistries: []string{"ghcr.io/acme", "docker.io"},
			BlockedRegistries: []string{"docker.io/library/busybox"},
			RequireDigests:    true,
		}},
	}}})
	require.NoError(t, err)
	p := pod("ghcr.io/acme/app@sha256:"+sha, "quay.io/org/app:1", "index.docker.io/busybox:1.36", "docker.io/Library/x")
	cases := map[string]struct {
		want, not []string
	}{
		"allowed-registries": {
			want: []string{"images quay.io/org/app:1 are not from an allowed registry: ghcr.io/acme, docker.io", "images docker.io/Library/x are not valid image references"},
			not:  []string{"ghcr.io/acme/app@", "busybox"},
		},
		"blocked-registries": {
			want: []string{"images docker.io/library/busybox:1.36 come from a blocked registry: docker.io/library/busybox", "images docker.io/Library/x are not valid image references"},
			not:  []string{"ghcr.io/acme/app@", "quay.io"},
		},
		"require-digests": {
			want: []string{"quay.io/org/app:1", "index.docker.io/busybox:1.36", "docker.io/Library/x"},
			not:  []string{"ghcr.io/acme/app@"},
		},
	}
	for rule, tc := range cases {
		r := result(t, set, p, CategoryWorkloads+"/"+rule)
		require.Equal(t, Fail, r.Status, rule)
		for _, w := range tc.want {
			assert.Contains(t, r.Message, w, rule)
		}
		for _, w := range tc.not {
			assert.NotContains(t, r.Message, w, rule)
		}
	}
}

// normalized evaluates the images variable, and whether each image is
// valid, on a Pod with the images.
func normalized(t *testing.T, images []string) (out []string, valid []bool) {
	t.Helper()
	vars := map[string]any{}
	act, err := interpreter.NewActivation(map[string]any{"object": pod(images...), "variables": vars})
	require.NoError(t, err)
	for _, v := range []Variable{VariablePod, VariableContainers, VariableImages} {
		p, err := compile(v.Expression, cel.DynType)
		require.NoError(t, err)
		val, _, err := p.Eval(act)
		require.NoError(t, err, v.Name)
		vars[v.Name] = val
	}
	p, err := compile("variables.images.map(i, i.matches("+quote(validImage)+"))", cel.DynType)
	require.NoError(t, err)
	v, _, err := p.Eval(act)
	require.NoError(t, err)
	got, err := vars["images"].(interface {
		ConvertToNative(reflect.Type) (any, error)
	}).ConvertToNative(reflect.TypeFor[[]string]())
	require.NoError(t, err)
	ok, err := v.ConvertToNative(reflect.TypeFor[[]bool]())
	require.NoError(t, err)
	return got.([]string), ok.([]bool)
}

// canonical is how kspec reads a reference distribution/reference parsed:
// the host lowercased, Docker Hub's hosts docker.io and one-segment names
// on it under library/.
func canonical(ref reference.Named) string {
	domain, path := strings.ToLower(reference.Domain(ref)), reference.Path(ref)
	if slices.Contains(dockerHub, domain) {
		domain = "docker.io"
		if !strings.Contains(path, "/") {
			path = "library/" + path
		}
	}
	s := domain + "/" + path
	if t, ok := ref.(reference.Tagged); ok {
		s += ":" + t.Tag()
	}
	if d, ok := ref.(reference.Digested); ok {
		s += "@" + d.Digest().String()
	}
	return s
}

// referenceImages are references of every kind: valid and not, with tags
// and digests, on every host form.
func referenceImages() []string {
	digest := "@sha256:" + sha
	var images []string
	for _, name := range []string{
		"nginx", "library/nginx", "acme/app", "a/b/c", "a_b/c", "a__b/c-d", "a--b/c", "0/1",
		"docker.io/nginx", "docker.io/library/nginx", "docker.io/acme/app", "docker.io/a/b/c",
		"index.docker.io/nginx", "index.docker.io/library/nginx", "index.docker.io/acme/app",
		"registry-1.docker.io/nginx", "registry-1.docker.io/library/nginx", "registry-1.docker.io/acme/app",
		"DOCKER.IO/nginx", "Docker.Io/library/nginx", "INDEX.DOCKER.IO/acme/app", "Registry-1.Docker.io/nginx",
		"docker.io:443/nginx", "docker.io.evil.com/nginx", "xdocker.io/nginx", "docker/nginx",
		"ghcr.io/acme/app", "ghcr.io/acme", "GHCR.IO/acme/app", "Ghcr.io/acme/app/x", "QUAY.IO/org/app",
		"ghcr.io", "quay.io", "example.com", "sub.domain.example.com/a/b",
		"localhost/app", "localhost:5000/app", "localhost", "LOCALHOST/app", "Localhost:5000/app", "localhost.localdomain/app",
		"registry.internal:5000/platform/app", "127.0.0.1:5000/app", "127.0.0.1/app", "[::1]:5000/app", "[2001:DB8::1]/app", "registry:5000/app",
		"Acme/app", "aCME/app", "foo-bar.com/a", "-foo.com/a", "foo-.com/a", "foo_bar.com/a", "a.b_c/x", "my_registry.io/app",
		"Nginx", "nginx/Nginx", "docker.io/Library/nginx", "ghcr.io/Acme/app", "quay.io/org/App",
		"", "/", "/nginx", "nginx/", "a//b", "ghcr.io/", "ghcr.io//a", "ghcr.io/a/", "http://ghcr.io/app", " nginx", "nginx ", "ngi nx",
		"a.", ".a/b", "a..b/c", "a-/b", "ghcr.io/a.", "ghcr.io/a-", "ghcr.io/_a", "ghcr.io/a___b", "ghcr.io/a.-b",
		strings.Repeat("a", 64), strings.Repeat("a", 63), strings.Repeat("A", 64), "ghcr.io/" + strings.Repeat("a", 64),
	} {
		images = append(images, name, name+":1.27", name+":Latest", name+digest, name+":v1"+digest)
	}
	images = append(images, "nginx:-bad", "nginx:"+strings.Repeat("a", 129), "nginx@sha256:abc", "nginx@SHA256:"+sha,
		"ghcr.io/a@sha512:"+strings.Repeat("a", 128), "nginx:1:2", "nginx@", "nginx:", ":1", "@sha256:"+sha, "ghcr.io/a:b/c", "ghcr.io/a@b/c",
		"ghcr.io:5000", "ghcr.io:5000/a:5000", "[::1]/a")
	return images
}

// TestNormalizeImageAgreesWithReference compares the CEL normalizer with
// distribution/reference, the parser of the kubelet and the container
// runtimes. Where they differ, by design: kspec lowercases hosts (DNS names
// compare without case) and reads registry-1.docker.io as docker.io, which
// it is; it does not check tags and digests, whose errors stop the image
// from running anyway.
func TestNormalizeImageAgreesWithReference(t *testing.T) {
	images := referenceImages()
	got, valid := normalized(t, images)
	require.Len(t, got, len(images))
	require.Len(t, valid, len(images))
	parsed, rejected, loose := 0, 0, 0
	for i, image := range images {
		ref, err := reference.ParseNormalizedNamed(image)
		if err == nil && reference.Domain(ref) == "" {
			// The parser read a first segment that is no valid host
			// (foo_bar.com) as a path, leaving no host to pull from:
			// kspec fails closed.
			assert.False(t, valid[i], "%q is valid to kspec", image)
			rejected++
			continue
		}
		if err == nil {
			parsed++
			assert.Equal(t, canonical(ref), got[i], "%q", image)
			assert.True(t, valid[i], "%q is valid", image)
			continue
		}
		if !valid[i] {
			rejected++
			continue
		}
		// kspec reads the name only: the reference must be wrong only
		// in its tag or digest, and its name must normalize alike.
		loose++
		name, start := image, strings.Index(image, "/")+1
		if end := strings.IndexAny(image[start:], ":@"); end >= 0 {
			name = image[:start+end]
		}
		ref, err = reference.ParseNormalizedNamed(name)
		if assert.NoError(t, err, "%q is valid to kspec, but its name is not", image) {
			assert.True(t, strings.HasPrefix(got[i], canonical(ref)), "%q: %q, want %q…", image, got[i], canonical(ref))
		}
	}
	t.Logf("%d references: %d parsed alike, %d rejected by kspec, %d with a bad tag or digest valid to kspec", len(images), parsed, rejected, loose)
	assert.Greater(t, parsed, 200)
	assert.Greater(t, rejected, 100)
}

const sha = "a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333"

func TestRegistryPatternErrors(t *testing.T) {
	for _, p := range []string{"", "ghcr.io/", "gh*r.io", "*.", "ghcr.io/a@b", "/acme", "ghcr.io/Acme", "ghcr.io:port", "ghcr.io//a", "*.*.io", "a*.io"} {
		_, err := registryPattern(p)
		assert.Error(t, err, p)
	}
}
