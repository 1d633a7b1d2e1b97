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

package scan

// The snapshot: what the cluster-level rules read, and nothing more.

import (
	"context"

	"github.com/pkg/errors"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kspec-io/kspec/internal/rules"
)

var (
	networkPolicies      = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"}
	validatingWebhooks   = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"}
	mutatingWebhooks     = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"}
	apiServices          = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
	admissionPolicyKinds = []struct {
		resource schema.GroupVersionResource
		kind     string
	}{
		{schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingadmissionpolicies"}, "ValidatingAdmissionPolicy"},
		{schema.GroupVersionResource{Group: "policies.kyverno.io", Version: "v1", Resource: "validatingpolicies"}, "ValidatingPolicy"},
		{schema.GroupVersionResource{Group: "policies.kyverno.io", Version: "v1", Resource: "namespacedvalidatingpolicies"}, "NamespacedValidatingPolicy"},
		{schema.GroupVersionResource{Group: "kyverno.io", Version: "v1", Resource: "clusterpolicies"}, "ClusterPolicy"},
		{schema.GroupVersionResource{Group: "kyverno.io", Version: "v1", Resource: "policies"}, "Policy"},
	}
	// workloadKinds are what Cluster.Workloads holds.
	workloadKinds = []rules.Kind{rules.KindPod, rules.KindDeployment, rules.KindStatefulSet, rules.KindDaemonSet}
)

func fromUnstructured(u *unstructured.Unstructured, into any) error {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, into); err != nil {
		return errors.Wrapf(err, "%s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
	}
	return nil
}

func isWorkloadKind(k rules.Kind) bool {
	for _, w := range workloadKinds {
		if w == k {
			return true
		}
	}
	return false
}

// keep takes from a page of a governed kind what the snapshot needs, so
// the kind is not listed twice.
func (s *scanner) keep(k rules.Kind, items []unstructured.Unstructured) error {
	for i := range items {
		u := &items[i]
		switch {
		case k == rules.KindRole && s.reads["Roles"]:
			var r rbacv1.Role
			if err := fromUnstructured(u, &r); err != nil {
				return err
			}
			s.cluster.Roles = append(s.cluster.Roles, r)
		case k == rules.KindClusterRole && s.reads["ClusterRoles"]:
			var r rbacv1.ClusterRole
			if err := fromUnstructured(u, &r); err != nil {
				return err
			}
			s.cluster.ClusterRoles = append(s.cluster.ClusterRoles, r)
		}
		if isWorkloadKind(k) && s.reads["Workloads"] {
			s.cluster.Workloads = append(s.cluster.Workloads, rules.Workload{Kind: k.Kind, Namespace: u.GetNamespace(), Name: u.GetName(), Labels: u.GetLabels()})
		}
		if k == rules.KindPod && s.reads["ControlPlanePods"] && isAPIServerPod(u.GetNamespace(), u.GetLabels()) {
			var p corev1.Pod
			if err := fromUnstructured(u, &p); err != nil {
				return err
			}
			s.cluster.ControlPlanePods = append(s.cluster.ControlPlanePods, p)
		}
	}
	return nil
}

// apiServerSelector finds the kube-apiserver static Pods kubeadm (and kind)
// run.
const apiServerSelector = "component=kube-apiserver"

func isAPIServerPod(ns string, labels map[string]string) bool {
	return ns == "kube-system" && labels["component"] == "kube-apiserver"
}

// readCluster lists what the cluster-level rules read and the governed
// kinds did not already give.
func (s *scanner) readCluster(ctx context.Context) error {
	done := func(r schema.GroupVersionResource, what string, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return s.failed(r, what, err)
	}
	if s.reads["NetworkPolicies"] {
		err := s.listFull(ctx, networkPolicies, "", "", func(items []unstructured.Unstructured) error {
			for i := range items {
				var np networkingv1.NetworkPolicy
				if err := fromUnstructured(&items[i], &np); err != nil {
					return err
				}
				s.cluster.NetworkPolicies = append(s.cluster.NetworkPolicies, np)
			}
			return nil
		})
		if err := done(networkPolicies, "read by "+s.readers("NetworkPolicies"), err); err != nil {
			return err
		}
	}
	for _, k := range []rules.Kind{rules.KindRole, rules.KindClusterRole} {
		field := k.Kind + "s"
		if !s.reads[field] || s.full[gvr(k)] {
			continue
		}
		err := s.listFull(ctx, gvr(k), "", "", func(items []unstructured.Unstructured) error { return s.keep(k, items) })
		if err := done(gvr(k), "read by "+s.readers(field), err); err != nil {
			return err
		}
	}
	for _, w := range []struct {
		field string
		r     schema.GroupVersionResource
		into  *[]string
	}{
		{"ValidatingWebhooks", validatingWebhooks, &s.cluster.ValidatingWebhooks},
		{"MutatingWebhooks", mutatingWebhooks, &s.cluster.MutatingWebhooks},
	} {
		if !s.reads[w.field] {
			continue
		}
		err := s.listMeta(ctx, w.r, func(items []metav1.PartialObjectMetadata) error {
			for _, m := range items {
				*w.into = append(*w.into, m.Name)
			}
			return nil
		})
		if err := done(w.r, "read by "+s.readers(w.field), err); err != nil {
			return err
		}
	}
	if s.reads["Policies"] {
		if err := s.readPolicies(ctx); err != nil {
			return err
		}
	}
	if s.reads["Workloads"] {
		for _, k := range workloadKinds {
			if s.full[gvr(k)] {
				continue
			}
			err := s.listMeta(ctx, gvr(k), func(items []metav1.PartialObjectMetadata) error {
				for _, m := range items {
					s.cluster.Workloads = append(s.cluster.Workloads, rules.Workload{Kind: k.Kind, Namespace: m.Namespace, Name: m.Name, Labels: m.Labels})
				}
				return nil
			})
			if err := done(gvr(k), "read by "+s.readers("Workloads"), err); err != nil {
				return err
			}
		}
	}
	if s.reads["APIServices"] {
		err := s.listFull(ctx, apiServices, "", "", func(items []unstructured.Unstructured) error {
			for i := range items {
				if available(&items[i]) {
					s.cluster.APIServices = append(s.cluster.APIServices, items[i].GetName())
				}
			}
			return nil
		})
		if err := done(apiServices, "read by "+s.readers("APIServices"), err); err != nil {
			return err
		}
	}
	if s.reads["ControlPlanePods"] && !s.full[gvr(rules.KindPod)] {
		err := s.listFull(ctx, gvr(rules.KindPod), "kube-system", apiServerSelector, func(items []unstructured.Unstructured) error {
			return s.keep(rules.KindPod, items)
		})
		if err := done(gvr(rules.KindPod), "kube-system, read by "+s.readers("ControlPlanePods"), err); err != nil {
			return err
		}
	}
	return nil
}

// readPolicies lists the admission policies of the engines the API server
// serves; an engine not installed has none.
func (s *scanner) readPolicies(ctx context.Context) error {
	served := map[schema.GroupVersion][]string{}
	for _, p := range admissionPolicyKinds {
		gv := p.resource.GroupVersion()
		if _, ok := served[gv]; ok {
			continue
		}
		served[gv] = nil
		l, err := s.disc.ServerResourcesForGroupVersion(gv.String())
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			if err := s.failed(p.resource, "discovery, read by "+s.readers("Policies"), err); err != nil {
				return err
			}
			continue
		}
		for _, r := range l.APIResources {
			served[gv] = append(served[gv], r.Name)
		}
	}
	for _, p := range admissionPolicyKinds {
		found := false
		for _, name := range served[p.resource.GroupVersion()] {
			found = found || name == p.resource.Resource
		}
		if !found {
			continue
		}
		err := s.listMeta(ctx, p.resource, func(items []metav1.PartialObjectMetadata) error {
			for _, m := range items {
				s.cluster.Policies = append(s.cluster.Policies, rules.ObjectRef{APIVersion: p.resource.GroupVersion().String(), Kind: p.kind, Namespace: m.Namespace, Name: m.Name})
			}
			return nil
		})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := s.failed(p.resource, "read by "+s.readers("Policies"), err); err != nil {
			return err
		}
	}
	return nil
}

// available reports whether an APIService's Available condition is True.
func available(u *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Available" {
			return m["status"] == "True"
		}
	}
	return false
}

// readers names the cluster-level rules that read a snapshot field.
func (s *scanner) readers(field string) string {
	var ids []string
	for _, r := range s.set.ClusterRules() {
		if r.Reads(field) {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return "the cluster-level rules"
	}
	out := ids[0]
	for _, id := range ids[1:] {
		out += ", " + id
	}
	return out
}
