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
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// A Cluster is a snapshot of what the cluster-level rules read. The
// provider fills it from a live client; tests fill it by hand.
type Cluster struct {
	// Version is the API server's gitVersion, such as v1.33.2-eks-4f4795d.
	Version         string
	Namespaces      []corev1.Namespace
	NetworkPolicies []networkingv1.NetworkPolicy
	Roles           []rbacv1.Role
	ClusterRoles    []rbacv1.ClusterRole
	// ValidatingWebhooks and MutatingWebhooks are the names of the webhook
	// configurations.
	ValidatingWebhooks, MutatingWebhooks []string
	// Policies are the admission policies of every engine: Kyverno
	// policies, ValidatingAdmissionPolicies.
	Policies []ObjectRef
	// Workloads are the Pods, Deployments, StatefulSets and DaemonSets,
	// by their metadata: observability providers are found by them.
	Workloads []Workload
	// APIServices are the names of the available APIServices.
	APIServices []string
	// ControlPlanePods are the kube-apiserver Pods, when the control plane
	// runs in the cluster (kubeadm, kind): audit flags are read from them.
	ControlPlanePods []corev1.Pod
}

// A Workload is a workload object, by its metadata.
type Workload struct {
	Kind, Namespace, Name string
	Labels                map[string]string
}

// A Finding is what a cluster-level rule says about one object (or, with
// no object, about the cluster).
type Finding struct {
	Object  ObjectRef
	Status  Status
	Message string
}

// EvaluateCluster evaluates the cluster-level rules on a snapshot.
func (s *Set) EvaluateCluster(c *Cluster) []Result {
	labels := make(map[string]map[string]string, len(c.Namespaces))
	for _, ns := range c.Namespaces {
		labels[ns.Name] = ns.Labels
	}
	var out []Result
	for _, r := range s.Rules {
		if !r.ClusterLevel() {
			continue
		}
		for _, f := range r.cluster(c) {
			// Findings about namespaces follow the scope; the others (the
			// API server's Pods in kube-system, say) are about the cluster.
			if o := f.Object; o.Kind == "Namespace" && !s.Scope.Contains(o.Name, labels[o.Name]) {
				continue
			}
			out = append(out, Result{Rule: r, Object: &f.Object, Status: f.Status, Message: f.Message})
		}
	}
	return out
}

func pass(o ObjectRef, format string, args ...any) Finding {
	return Finding{Object: o, Status: Pass, Message: fmt.Sprintf(format, args...)}
}

func fail(o ObjectRef, format string, args ...any) Finding {
	return Finding{Object: o, Status: Fail, Message: fmt.Sprintf(format, args...)}
}
