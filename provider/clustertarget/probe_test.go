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

package clustertarget

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
)

func TestDetectPlatform(t *testing.T) {
	cases := map[string]struct {
		version string
		groups  []string
		nodes   []Node
		want    v1alpha1.Platform
	}{
		"eks by provider ID":        {"v1.31.2", nil, []Node{{ProviderID: "aws:///us-east-1a/i-0abc"}}, PlatformEKS},
		"eks by version":            {"v1.31.2-eks-7f9249a", nil, nil, PlatformEKS},
		"eks by label":              {"v1.31.2", nil, []Node{{Labels: map[string]string{"eks.amazonaws.com/nodegroup": "ng"}}}, PlatformEKS},
		"gke by provider ID":        {"v1.30.5", nil, []Node{{ProviderID: "gce://proj/europe-west1-b/node-1"}}, PlatformGKE},
		"gke by version":            {"v1.30.5-gke.1014001", nil, nil, PlatformGKE},
		"gke by label":              {"v1.30.5", nil, []Node{{Labels: map[string]string{"cloud.google.com/gke-nodepool": "p"}}}, PlatformGKE},
		"aks by provider ID":        {"v1.29.7", nil, []Node{{ProviderID: "azure:///subscriptions/x/resourceGroups/y"}}, PlatformAKS},
		"aks by label":              {"v1.29.7", nil, []Node{{Labels: map[string]string{"kubernetes.azure.com/cluster": "c"}}}, PlatformAKS},
		"k3s by version":            {"v1.30.4+k3s1", nil, nil, PlatformK3s},
		"k3s by provider ID":        {"v1.30.4", nil, []Node{{ProviderID: "k3s://node-1"}}, PlatformK3s},
		"openshift by group":        {"v1.29.6+abcdef", []string{"apps", "route.openshift.io"}, []Node{{ProviderID: "aws:///x"}}, PlatformOpenShift},
		"openshift by node label":   {"v1.29.6", nil, []Node{{Labels: map[string]string{"node.openshift.io/os_id": "rhcos"}}}, PlatformOpenShift},
		"vanilla":                   {"v1.35.0", []string{"apps"}, []Node{{ProviderID: "kind://docker/kind/kind-control-plane"}}, PlatformVanilla},
		"no nodes":                  {"v1.35.0", nil, nil, PlatformVanilla},
		"nothing known":             {"", nil, nil, PlatformUnknown},
		"short provider ID":         {"v1.35.0", nil, []Node{{ProviderID: "a"}, {ProviderID: ""}, {ProviderID: "aws:"}, {ProviderID: "://"}}, PlatformVanilla},
		"upper case provider ID":    {"v1.35.0", nil, []Node{{ProviderID: "AWS:///x"}}, PlatformEKS},
		"first matching node wins":  {"v1.35.0", nil, []Node{{ProviderID: "gce://a"}, {ProviderID: "aws:///b"}}, PlatformGKE},
		"labels in a stable order":  {"v1.35.0", nil, []Node{{Labels: map[string]string{"kubernetes.azure.com/x": "", "eks.amazonaws.com/y": ""}}}, PlatformEKS},
		"nil labels and empty node": {"v1.35.0", nil, []Node{{}}, PlatformVanilla},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, DetectPlatform(tc.version, tc.groups, tc.nodes))
		})
	}
}

func FuzzDetectPlatform(f *testing.F) {
	for _, s := range []string{"", "a", "aws://", "gce:/", "azure:///", "k3s://x", "\xff\xfe", "AWS:///i-1"} {
		f.Add("v1.35.0", s, "eks.amazonaws.com/x")
	}
	f.Fuzz(func(t *testing.T, version, providerID, label string) {
		p := DetectPlatform(version, []string{label}, []Node{{ProviderID: providerID, Labels: map[string]string{label: providerID}}})
		if p == "" {
			t.Fatal("no platform")
		}
	})
}

func TestNextProbe(t *testing.T) {
	ct := &v1alpha1.ClusterTarget{ObjectMeta: metav1.ObjectMeta{UID: types.UID("a")}}
	d := NextProbe(ct)
	assert.GreaterOrEqual(t, d, DefaultProbeInterval)
	assert.Less(t, d, DefaultProbeInterval+DefaultProbeInterval/20)
	assert.Equal(t, d, NextProbe(ct), "a target's schedule is stable")
	ct.Spec.ForProvider.ProbeInterval = &metav1.Duration{Duration: 10 * time.Second}
	assert.Less(t, NextProbe(ct), 11*time.Second)
	assert.Zero(t, Jitter("x", 0))
}

func TestConnectionDetails(t *testing.T) {
	assert.Nil(t, ConnectionDetails(nil))
	assert.Nil(t, ConnectionDetails(&rest.Config{Host: "https://x", BearerTokenFile: "/var/run/secrets/token"}), "a token read from a file is the provider's own")
	assert.Nil(t, ConnectionDetails(&rest.Config{Host: "https://x"}), "no credentials, no kubeconfig")
	cd := ConnectionDetails(&rest.Config{Host: "https://x", BearerToken: "t", TLSClientConfig: rest.TLSClientConfig{CAData: []byte("ca")}})
	cfg, err := clientcmd.RESTConfigFromKubeConfig(cd["kubeconfig"])
	assert.NoError(t, err)
	assert.Equal(t, "https://x", cfg.Host)
	assert.Equal(t, "t", cfg.BearerToken)
	assert.Equal(t, []byte("https://x"), cd["server"])
}
