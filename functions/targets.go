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
	"sort"
	"strings"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/pkg/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	providerv1alpha1 "github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/rules"
)

// provider-kubernetes' namespaced API (Crossplane v2), whose Objects carry
// what is composed on remote targets.
const (
	kubernetesAPIVersion = "kubernetes.m.crossplane.io/v1alpha1"
	kindObject           = "Object"
	kindProviderConfig   = "ProviderConfig"
)

// A targetSet is what the spec's targets resolved to.
type targetSet struct {
	// found are the targets to render for, sorted.
	found []step.Target
	// configs are the provider-kubernetes ProviderConfigs of the remote
	// targets that have usable credentials, by target key.
	configs map[string]*unstructured.Unstructured
	// ready is false when a target is missing, not ready or unusable;
	// problems say which, one sentence each.
	problems []string
}

// local is the control-plane cluster as a target.
var local = step.Target{Local: true, Ready: true, AllowEnforcement: true}

// targets resolves the spec's targets: the control-plane cluster when it
// names none, else the ClusterTargets its refs and selector name, read as
// required resources with the ProviderConfigs that hold their credentials.
// A claim may only use ClusterTargets in its own namespace. pending is true
// while Crossplane has not yet fetched them.
func targets(req *fnv1.RunFunctionRequest, xr step.XR, spec rules.Spec, reqs requirements) (*targetSet, bool, error) {
	ts := &targetSet{configs: map[string]*unstructured.Unstructured{}}
	t := spec.Spec.Targets
	if t == nil || len(t.Refs) == 0 && t.Selector == nil {
		ts.found = []step.Target{local}
		return ts, false, nil
	}
	var sel labels.Selector
	if t.Selector != nil {
		s, err := metav1.LabelSelectorAsSelector(t.Selector)
		if err != nil {
			return nil, false, errors.Wrapf(err, "%s: invalid spec.targets.selector", describe(spec))
		}
		sel = s
	}
	namespace := ""
	if xr.Claim() {
		// A claim reaches only the clusters the platform registered in
		// the claim's namespace.
		namespace = xr.ClaimNamespace
		var bad []string
		for i, r := range t.Refs {
			if r.Namespace != namespace {
				bad = append(bad, fmt.Sprintf("spec.targets.refs[%d] names ClusterTarget %s/%s", i, r.Namespace, r.Name))
			}
		}
		if len(bad) > 0 {
			return nil, false, errors.Errorf("%s: a claim may only use ClusterTargets in its own namespace %s, but %s; nothing is rendered", describe(spec), namespace, strings.Join(bad, ", "))
		}
	}
	var match map[string]string
	if len(t.Refs) == 0 && t.Selector != nil {
		// Only the selector: let the API server filter by its labels.
		match = t.Selector.MatchLabels
	}
	gv := providerv1alpha1.SchemeGroupVersion.String()
	reqs.all(reqTargets, gv, "ClusterTarget", namespace, match)
	reqs.all(reqConfigs, gv, "ProviderConfig", namespace, nil)
	reqs.all(reqClusterConfigs, gv, "ClusterProviderConfig", "", nil)

	cts, ok1, err := request.GetRequiredResource(req, reqTargets)
	if err != nil {
		return nil, false, errors.Wrap(err, "cannot read the required ClusterTargets")
	}
	pcs, ok2, err := request.GetRequiredResource(req, reqConfigs)
	if err != nil {
		return nil, false, errors.Wrap(err, "cannot read the required ProviderConfigs")
	}
	cpcs, ok3, err := request.GetRequiredResource(req, reqClusterConfigs)
	if err != nil {
		return nil, false, errors.Wrap(err, "cannot read the required ClusterProviderConfigs")
	}
	if !ok1 || !ok2 || !ok3 {
		return nil, true, nil
	}

	byKey := map[string]*unstructured.Unstructured{}
	for _, r := range cts {
		u := r.Resource
		if namespace != "" && u.GetNamespace() != namespace {
			continue
		}
		byKey[u.GetNamespace()+"/"+u.GetName()] = u
	}
	chosen := map[string]*unstructured.Unstructured{}
	for _, r := range t.Refs {
		k := r.Namespace + "/" + r.Name
		u, ok := byKey[k]
		if !ok {
			ts.problems = append(ts.problems, fmt.Sprintf("ClusterTarget %s is not found", k))
			continue
		}
		chosen[k] = u
	}
	if sel != nil {
		for k, u := range byKey {
			if sel.Matches(labels.Set(u.GetLabels())) {
				chosen[k] = u
			}
		}
		if len(t.Refs) == 0 && len(chosen) == 0 {
			ts.problems = append(ts.problems, fmt.Sprintf("no ClusterTarget matches spec.targets.selector %s", sel))
		}
	}
	keys := make([]string, 0, len(chosen))
	for k := range chosen {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	configs := map[string]*unstructured.Unstructured{}
	for _, r := range pcs {
		configs["ProviderConfig/"+r.Resource.GetNamespace()+"/"+r.Resource.GetName()] = r.Resource
	}
	for _, r := range cpcs {
		configs["ClusterProviderConfig//"+r.Resource.GetName()] = r.Resource
	}
	for _, k := range keys {
		tgt, ref, problems := target(chosen[k], xr)
		ts.problems = append(ts.problems, problems...)
		if tgt.ProviderConfig != "" {
			pc, err := providerConfig(tgt, ref, configs, xr.Claim())
			if err != nil {
				ts.problems = append(ts.problems, fmt.Sprintf("%s: %v; nothing is composed on it", tgt, err))
				tgt.ProviderConfig = ""
			} else {
				ts.configs[tgt.Key()] = pc
			}
		}
		ts.found = append(ts.found, tgt)
	}
	return ts, false, nil
}

// target reads an observed ClusterTarget.
func target(u *unstructured.Unstructured, xr step.XR) (step.Target, xpv2.ProviderConfigReference, []string) {
	t := step.Target{Name: u.GetName(), Namespace: u.GetNamespace(), Object: u}
	var problems []string
	ct := &providerv1alpha1.ClusterTarget{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, ct); err != nil {
		return t, xpv2.ProviderConfigReference{}, []string{fmt.Sprintf("%s cannot be read (%v); nothing is composed on it", t, err)}
	}
	c := ct.GetCondition(xpv2.TypeReady)
	t.Ready = c.Status == "True"
	if !t.Ready {
		why := string(c.Reason)
		if c.Message != "" {
			why += ": " + c.Message
		}
		if why == "" {
			why = "not probed yet"
		}
		problems = append(problems, fmt.Sprintf("%s is not ready (%s)", t, why))
	}
	t.AllowEnforcement = ct.Spec.ForProvider.AllowEnforcement
	t.Version = ct.Status.AtProvider.Version
	ref := ct.Spec.ProviderConfigReference
	if ref == nil || ref.Name == "" {
		return t, xpv2.ProviderConfigReference{}, append(problems, fmt.Sprintf("%s names no ProviderConfig; nothing is composed on it", t))
	}
	if xr.Claim() && ref.Kind == "ClusterProviderConfig" {
		// A ProviderConfig composed in the team's namespace from
		// cluster-wide credentials would hand them to the team.
		return t, xpv2.ProviderConfigReference{}, append(problems, fmt.Sprintf("%s uses ClusterProviderConfig %s, and a claim may only use credentials of its own namespace; nothing is composed on it", t, ref.Name))
	}
	t.ProviderConfig = providerConfigName(xr, t)
	return t, *ref, problems
}

// configKey is the key of a ClusterTarget's kspec ProviderConfig in the
// configs map, and how messages name it.
func configKey(t step.Target, ref xpv2.ProviderConfigReference) (string, string) {
	if ref.Kind == "ClusterProviderConfig" {
		return "ClusterProviderConfig//" + ref.Name, "ClusterProviderConfig " + ref.Name
	}
	return "ProviderConfig/" + t.Namespace + "/" + ref.Name, "ProviderConfig " + t.Namespace + "/" + ref.Name
}

// providerConfig is the provider-kubernetes ProviderConfig for a remote
// target: the credentials of the ClusterTarget's kspec ProviderConfig.
// provider-kubernetes reads a kubeconfig from a Secret or uses its own
// identity; a bearer token and server URL it cannot use. A claim's target
// must hold its credentials in the claim's namespace: the ProviderConfig
// composed there can be used by anyone who may create Objects there.
func providerConfig(t step.Target, ref xpv2.ProviderConfigReference, configs map[string]*unstructured.Unstructured, claim bool) (*unstructured.Unstructured, error) {
	key, what := configKey(t, ref)
	u, ok := configs[key]
	if !ok {
		return nil, errors.Errorf("its %s is not found", what)
	}
	pc := &providerv1alpha1.ProviderConfig{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, pc); err != nil {
		return nil, errors.Wrapf(err, "its %s cannot be read", what)
	}
	cred := pc.Spec.Credentials
	var credentials map[string]any
	switch {
	case cred.Source == xpv2.CredentialsSourceInjectedIdentity && claim:
		return nil, errors.Errorf("its %s uses the provider's own identity, and a claim may only use credentials of its own namespace", what)
	case cred.Source == xpv2.CredentialsSourceInjectedIdentity:
		credentials = map[string]any{"source": string(xpv2.CredentialsSourceInjectedIdentity)}
	case cred.Source == xpv2.CredentialsSourceSecret && cred.Format == providerv1alpha1.CredentialsFormatToken:
		return nil, errors.Errorf("its %s holds a bearer token, which provider-kubernetes cannot use: give it a Kubeconfig secret", what)
	case cred.Source == xpv2.CredentialsSourceSecret && cred.SecretRef != nil:
		ns := cred.SecretRef.Namespace
		if ns == "" {
			ns = t.Namespace
		}
		if claim && ns != t.Namespace {
			return nil, errors.Errorf("its %s reads a secret in namespace %s, and a claim may only use credentials of its own namespace", what, ns)
		}
		credentials = map[string]any{
			"source":    string(xpv2.CredentialsSourceSecret),
			"secretRef": map[string]any{"namespace": ns, "name": cred.SecretRef.Name, "key": cred.SecretRef.Key},
		}
	default:
		return nil, errors.Errorf("its %s has credentials source %q without a usable secret", what, cred.Source)
	}
	out := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": kubernetesAPIVersion,
		"kind":       kindProviderConfig,
		"metadata": map[string]any{
			"name":      t.ProviderConfig,
			"namespace": t.Namespace,
			"labels":    map[string]any{"app.kubernetes.io/managed-by": "kspec", "kspec.io/cluster-target": t.Name},
		},
		"spec": map[string]any{"credentials": credentials},
	}}
	return out, nil
}

// providerConfigName is the name of the provider-kubernetes ProviderConfig
// a composite resource composes for a target: its own, so that two
// specifications targeting one cluster never fight over one object.
func providerConfigName(xr step.XR, t step.Target) string {
	return objectName("kspec", xr.Name, t.Name)
}
