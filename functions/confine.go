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

package functions

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kspec-io/kspec/functions/step"
)

// namespaced are the kinds a claim may compose: namespaced kinds, each
// confined to the claim's namespace. Anything else (every cluster-scoped
// kind, and kinds kspec does not know) is refused: a namespace set on a
// cluster-scoped object is ignored by the API server, so only a known
// namespaced kind can be trusted to stay in its namespace.
var namespaced = map[schema.GroupKind]bool{
	{Group: "", Kind: "ConfigMap"}:                                     true,
	{Group: "", Kind: "Secret"}:                                        true,
	{Group: "", Kind: "Service"}:                                       true,
	{Group: "", Kind: "ServiceAccount"}:                                true,
	{Group: "apps", Kind: "Deployment"}:                                true,
	{Group: "policy", Kind: "PodDisruptionBudget"}:                     true,
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:                 true,
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:          true,
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:                true,
	{Group: "cert-manager.io", Kind: "Certificate"}:                    true,
	{Group: "cert-manager.io", Kind: "Issuer"}:                         true,
	{Group: "policies.kyverno.io", Kind: "NamespacedValidatingPolicy"}: true,
	{Group: "policies.kyverno.io", Kind: "PolicyException"}:            true,
	{Group: "provider.kspec.io", Kind: "ComplianceScan"}:               true,
}

// observable are the kinds a claim may observe on a remote target: only
// cluster-scoped definitions, whose content reveals nothing of another
// namespace (observing a Secret would copy it into the claim's namespace).
var observable = map[schema.GroupKind]bool{
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}: true,
}

// confine returns every way a target's output for a claim reaches beyond
// the claim's namespace, one sentence each; none when it stays inside.
// The steps already render a claim confined; this is the second line.
func confine(ns string, to step.TargetOutput) []string {
	var out []string
	check := func(o step.Object, where string) {
		what := fmt.Sprintf("%s %q%s", "object", o.Name, where)
		if o.Resource == nil {
			out = append(out, what+" is empty")
			return
		}
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o.Resource)
		if err != nil {
			out = append(out, fmt.Sprintf("%s cannot be read: %v", what, err))
			return
		}
		u := &unstructured.Unstructured{Object: m}
		gk := u.GroupVersionKind().GroupKind()
		what = fmt.Sprintf("%s %q%s", gk.Kind, u.GetName(), where)
		if gk.Group != "" {
			what = gk.Kind + "." + gk.Group + fmt.Sprintf(" %q", u.GetName()) + where
		}
		if o.ObserveOnly {
			if !observable[gk] {
				out = append(out, what+" would be observed, and a claim may only observe CustomResourceDefinitions")
			}
			return
		}
		if !namespaced[gk] {
			out = append(out, what+" is not a namespaced kind a claim may compose")
			return
		}
		if got := u.GetNamespace(); got != ns {
			out = append(out, fmt.Sprintf("%s is in namespace %q, not the claim's %q", what, got, ns))
		}
		out = append(out, refs(u, ns, what)...)
	}
	for _, o := range to.Output.Objects {
		check(o, " for "+to.Target.String())
	}
	for _, o := range to.Output.ControlPlane {
		check(o, " on the control plane")
	}
	if !to.Target.Local && to.Target.Namespace != ns {
		out = append(out, fmt.Sprintf("%s is outside the claim's namespace %q", to.Target, ns))
	}
	return out
}

// refs returns how a namespaced object still points beyond its namespace:
// an exception for policies that are not the claim's own, a binding to a
// cluster role.
func refs(u *unstructured.Unstructured, ns, what string) []string {
	var out []string
	switch u.GroupVersionKind().GroupKind() {
	case schema.GroupKind{Group: "policies.kyverno.io", Kind: "PolicyException"}:
		prs, _, _ := unstructured.NestedSlice(u.Object, "spec", "policyRefs")
		for i, pr := range prs {
			m, _ := pr.(map[string]any)
			if k, _ := m["kind"].(string); k != "NamespacedValidatingPolicy" {
				out = append(out, fmt.Sprintf("%s: spec.policyRefs[%d] is a %s, and a claim may only exempt from its own NamespacedValidatingPolicies", what, i, k))
			}
		}
	case schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:
		if k, _, _ := unstructured.NestedString(u.Object, "roleRef", "kind"); k != "Role" {
			out = append(out, fmt.Sprintf("%s binds a %s, and a claim may only bind Roles of its namespace", what, k))
		}
		subs, _, _ := unstructured.NestedSlice(u.Object, "subjects")
		for i, s := range subs {
			m, _ := s.(map[string]any)
			if sns, _ := m["namespace"].(string); sns != "" && sns != ns {
				out = append(out, fmt.Sprintf("%s: subjects[%d] is in namespace %q", what, i, sns))
			}
		}
	}
	return out
}
