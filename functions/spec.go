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
	"context"
	"fmt"
	"sort"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/resolve"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/specification"
	"github.com/kspec-io/kspec/internal/validate"
)

// Names of the dispatcher's own requirements. Steps' requirements are
// named "<step>/<name>" (step.RequirementName), so they never collide.
const (
	reqSpecifications = "kspec/specifications"
	reqTargets        = "kspec/cluster-targets"
	reqConfigs        = "kspec/provider-configs"
	reqClusterConfigs = "kspec/cluster-provider-configs"
)

// requirements collects what the function asks Crossplane for. Every call
// asks for all of them again: Crossplane stops calling when they repeat.
type requirements map[string]*fnv1.ResourceSelector

func (r requirements) all(name, apiVersion, kind, namespace string, labels map[string]string) {
	if labels == nil {
		labels = map[string]string{}
	}
	r[name] = &fnv1.ResourceSelector{
		ApiVersion: apiVersion, Kind: kind, Namespace: optional(namespace),
		Match: &fnv1.ResourceSelector_MatchLabels{MatchLabels: &fnv1.MatchLabels{Labels: labels}},
	}
}

func (r requirements) add(name string, s step.Selector) {
	if s.MatchLabels != nil || s.Name == "" {
		r.all(name, s.APIVersion, s.Kind, s.Namespace, s.MatchLabels)
		return
	}
	r[name] = &fnv1.ResourceSelector{
		ApiVersion: s.APIVersion, Kind: s.Kind, Namespace: optional(s.Namespace),
		Match: &fnv1.ResourceSelector_MatchName{MatchName: s.Name},
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (r requirements) write(rsp *fnv1.RunFunctionResponse) {
	if len(r) == 0 {
		return
	}
	rsp.Requirements = &fnv1.Requirements{Resources: map[string]*fnv1.ResourceSelector(r)}
}

// observedSpec reads the observed composite resource: its identity and its
// specification as written (not yet resolved).
func observedSpec(req *fnv1.RunFunctionRequest) (step.XR, rules.Spec, error) {
	oxr, err := request.GetObservedCompositeResource(req)
	if err != nil {
		return step.XR{}, rules.Spec{}, errors.Wrap(err, "cannot read the observed composite resource")
	}
	u := &unstructured.Unstructured{Object: oxr.Resource.UnstructuredContent()}
	if u.Object == nil {
		return step.XR{}, rules.Spec{}, errors.New("the request holds no observed composite resource")
	}
	spec, err := specification.FromUnstructured(withDefaults(u))
	if err != nil {
		// An *InvalidError names every field at fault.
		return step.XR{}, rules.Spec{}, err
	}
	xr := step.XR{Name: u.GetName(), UID: string(u.GetUID()), Object: u}
	if spec.Claim() {
		xr.ClaimName, xr.ClaimNamespace = spec.Name, spec.Namespace
	}
	return xr, spec, nil
}

// withDefaults returns a copy of the composite resource with the XRD
// schema's defaults applied. An API server has applied them already; a
// composite given to crossplane render has not, and must render the same.
// Validation errors are left to FromUnstructured, which names them.
func withDefaults(u *unstructured.Unstructured) *unstructured.Unstructured {
	s, err := validate.KspecSchema()
	if err != nil || u.GetKind() != v1alpha1.ClusterSpecificationKind {
		return u
	}
	d := u.DeepCopy()
	_ = s.Validate(context.Background(), d)
	return d
}

// describe names a specification for messages.
func describe(s rules.Spec) string {
	if s.Claim() {
		return fmt.Sprintf("%s %s/%s", v1alpha1.ClusterSpecificationClaimKind, s.Namespace, s.Name)
	}
	return fmt.Sprintf("%s %s", v1alpha1.ClusterSpecificationKind, s.Name)
}

// resolveSpec applies the spec's template and bases. Bases are other
// ClusterSpecifications, which the function asks Crossplane for all at
// once, so bases of bases need no further round. pending is true while
// Crossplane has not yet answered. Results are cached by the content of
// the spec and of every fetched specification: resolving validates the
// result against the schema, which costs more than the rest of a call.
func (f *Function) resolveSpec(ctx context.Context, req *fnv1.RunFunctionRequest, spec rules.Spec, reqs requirements) (rules.Spec, bool, error) {
	if spec.Spec.BasedOn != nil && len(spec.Spec.BasedOn.Specifications) > 0 {
		reqs.all(reqSpecifications, v1alpha1.SchemeGroupVersion.String(), v1alpha1.ClusterSpecificationKind, "", nil)
	}
	src, fetched, err := requiredSpecs(req)
	if err != nil {
		return rules.Spec{}, false, err
	}
	if spec.Spec.PolicyTemplate == nil && spec.Spec.BasedOn == nil {
		return spec, false, nil
	}
	key, kerr := hash(spec, src.keys(), fetched)
	if kerr == nil {
		if out, ok := f.resolved.get(key); ok {
			return out, false, nil
		}
	}
	out, err := resolve.Resolve(ctx, spec, src)
	if err == nil && kerr == nil {
		f.resolved.put(key, out)
	}
	var missing *resolve.MissingError
	if errors.As(err, &missing) && !fetched {
		return rules.Spec{}, true, nil
	}
	if err != nil {
		return rules.Spec{}, false, errors.Wrapf(err, "cannot resolve %s", describe(spec))
	}
	return out, false, nil
}

// specSource is the ClusterSpecifications Crossplane fetched, by name.
// Bases are read as they are stored; one that is not a usable
// specification is an error naming it.
type specSource map[string]*unstructured.Unstructured

func (s specSource) Specification(_ context.Context, name string) (rules.Spec, error) {
	u, ok := s[name]
	if !ok {
		return rules.Spec{}, errors.Wrapf(resolve.ErrNotFound, "ClusterSpecification %s", name)
	}
	spec, err := specification.FromUnstructured(u)
	if err != nil {
		return rules.Spec{}, errors.Wrapf(err, "base ClusterSpecification %s", name)
	}
	if spec.Claim() {
		// A claim's composite is not a base: its rules belong to one
		// namespace.
		return rules.Spec{}, errors.Errorf("base ClusterSpecification %s is the composite of claim %s/%s; only cluster-wide specifications can be bases", name, spec.Namespace, spec.Name)
	}
	return spec, nil
}

// keys are the fetched specifications in a stable order, for a cache key.
func (s specSource) keys() []map[string]any {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]map[string]any, len(names))
	for i, n := range names {
		out[i] = s[n].Object
	}
	return out
}

// requiredSpecs returns the fetched ClusterSpecifications, and whether
// Crossplane fetched them.
func requiredSpecs(req *fnv1.RunFunctionRequest) (specSource, bool, error) {
	rs, fetched, err := request.GetRequiredResource(req, reqSpecifications)
	if err != nil {
		return nil, false, errors.Wrap(err, "cannot read the required ClusterSpecifications")
	}
	src := specSource{}
	for _, r := range rs {
		src[r.Resource.GetName()] = r.Resource
	}
	return src, fetched, nil
}
