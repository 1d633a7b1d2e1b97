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
	"testing"

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

const sha = "a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333"

func TestRegistryPatternErrors(t *testing.T) {
	for _, p := range []string{"", "ghcr.io/", "gh*r.io", "*.", "ghcr.io/a@b", "/acme"} {
		_, err := registryPattern(p)
		assert.Error(t, err, p)
	}
}
