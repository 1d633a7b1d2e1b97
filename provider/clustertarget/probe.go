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
	"context"
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/provider/config"
)

// Platforms.
const (
	PlatformEKS       v1alpha1.Platform = "eks"
	PlatformGKE       v1alpha1.Platform = "gke"
	PlatformAKS       v1alpha1.Platform = "aks"
	PlatformOpenShift v1alpha1.Platform = "openshift"
	PlatformK3s       v1alpha1.Platform = "k3s"
	PlatformVanilla   v1alpha1.Platform = "vanilla"
	PlatformUnknown   v1alpha1.Platform = "unknown"
)

// nodePage bounds memory when counting the nodes of a large cluster.
const nodePage = 500

// A Node is what platform detection reads of a node.
type Node struct {
	ProviderID string
	Labels     map[string]string
}

// Probe reads a cluster's version, identity, platform, size and
// capabilities. Any failure is a *config.Error with a reason; nothing of a
// failed probe is returned.
func Probe(ctx context.Context, cfg *rest.Config) (*v1alpha1.ClusterTargetObservation, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, config.Classify(err)
	}
	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		return nil, config.Classify(err)
	}
	ks, err := cs.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{})
	if err != nil {
		return nil, config.Classify(err)
	}
	var (
		count int32
		nodes []Node // a sample: the first page is enough to tell the platform
		cont  string
	)
	for {
		l, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{Limit: nodePage, Continue: cont})
		if err != nil {
			return nil, config.Classify(err)
		}
		for i := range l.Items {
			count++
			if len(nodes) < nodePage {
				nodes = append(nodes, Node{ProviderID: l.Items[i].Spec.ProviderID, Labels: l.Items[i].Labels})
			}
		}
		if cont = l.Continue; cont == "" {
			break
		}
	}
	groups, err := cs.Discovery().ServerGroups()
	if err != nil {
		return nil, config.Classify(err)
	}
	var names []string
	versions := map[string]bool{}
	for _, g := range groups.Groups {
		names = append(names, g.Name)
		for _, gv := range g.Versions {
			versions[gv.GroupVersion] = true
		}
	}
	caps := &v1alpha1.Capabilities{
		Kyverno:       slices.Contains(names, "kyverno.io") || slices.Contains(names, "policies.kyverno.io"),
		CertManager:   slices.Contains(names, "cert-manager.io"),
		PolicyReports: versions["wgpolicyk8s.io/v1alpha2"],
	}
	if versions["admissionregistration.k8s.io/v1"] {
		rl, err := cs.Discovery().ServerResourcesForGroupVersion("admissionregistration.k8s.io/v1")
		if err != nil {
			return nil, config.Classify(err)
		}
		caps.ValidatingAdmissionPolicy = slices.ContainsFunc(rl.APIResources, func(r metav1.APIResource) bool {
			return r.Name == "validatingadmissionpolicies"
		})
	}
	return &v1alpha1.ClusterTargetObservation{
		Reachable:    true,
		Version:      v.GitVersion,
		UID:          string(ks.UID),
		Platform:     DetectPlatform(v.GitVersion, names, nodes),
		NodeCount:    count,
		Capabilities: caps,
	}, nil
}

// DetectPlatform tells the distribution from the API server's version, its
// API groups and its nodes' provider IDs and labels. OpenShift is told by
// its API groups first, since it runs on every cloud. Any input is safe:
// provider IDs are only compared by prefix.
func DetectPlatform(version string, groups []string, nodes []Node) v1alpha1.Platform {
	if slices.Contains(groups, "config.openshift.io") || slices.Contains(groups, "route.openshift.io") {
		return PlatformOpenShift
	}
	for _, n := range nodes {
		if _, ok := n.Labels["node.openshift.io/os_id"]; ok {
			return PlatformOpenShift
		}
	}
	switch {
	case strings.Contains(version, "+k3s"):
		return PlatformK3s
	case strings.Contains(version, "-eks-"):
		return PlatformEKS
	case strings.Contains(version, "-gke."):
		return PlatformGKE
	}
	for _, n := range nodes {
		id := strings.ToLower(n.ProviderID)
		switch {
		case strings.HasPrefix(id, "aws://"):
			return PlatformEKS
		case strings.HasPrefix(id, "gce://"):
			return PlatformGKE
		case strings.HasPrefix(id, "azure://"):
			return PlatformAKS
		case strings.HasPrefix(id, "k3s://"):
			return PlatformK3s
		}
		for _, k := range slices.Sorted(maps.Keys(n.Labels)) {
			switch {
			case strings.HasPrefix(k, "eks.amazonaws.com/"):
				return PlatformEKS
			case strings.HasPrefix(k, "cloud.google.com/gke"):
				return PlatformGKE
			case strings.HasPrefix(k, "kubernetes.azure.com/"):
				return PlatformAKS
			case strings.HasPrefix(k, "node.k3s.io/") || strings.HasPrefix(k, "k3s.io/"):
				return PlatformK3s
			}
		}
	}
	if version == "" {
		return PlatformUnknown
	}
	return PlatformVanilla
}
