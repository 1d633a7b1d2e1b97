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
	corev1 "k8s.io/api/core/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestVersion(t *testing.T) {
	r, err := versionRule(&kspecv1alpha1.KubernetesRequirements{MinVersion: "1.30", MaxVersion: "1.33", ExcludedVersions: []kspecv1alpha1.KubernetesVersion{"1.31.2", "1.32"}})
	require.NoError(t, err)
	for v, want := range map[string]Status{
		"v1.29.9":             Fail,
		"v1.30.0":             Pass,
		"v1.31.1":             Pass,
		"v1.31.2":             Fail,
		"v1.31.2-eks-4f4795d": Fail, // the suffix does not hide an excluded patch
		"v1.31.3+k3s1":        Pass,
		"v1.32.5":             Fail, // the whole minor is excluded
		"v1.33.9-gke.1200":    Pass, // a bound without a patch covers every patch
		"v1.34.0":             Fail,
		"not-a-version":       Error,
	} {
		fs := r.cluster(&Cluster{Version: v})
		require.Len(t, fs, 1)
		assert.Equal(t, want, fs[0].Status, v)
	}
	assertReads(t, r, &Cluster{Version: "v1.29.9", Namespaces: []corev1.Namespace{{}}})
}
