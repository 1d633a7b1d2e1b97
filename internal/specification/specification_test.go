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

package specification

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

func obj(kind string, meta, spec map[string]any) map[string]any {
	o := map[string]any{"apiVersion": "kspec.io/v1alpha1", "kind": kind, "metadata": meta}
	if spec != nil {
		o["spec"] = spec
	}
	return o
}

func TestFromMap(t *testing.T) {
	audit := map[string]any{"enforcement": map[string]any{"mode": "audit"}}
	wantAudit := v1alpha1.ClusterSpecificationSpec{Enforcement: &v1alpha1.Enforcement{Mode: v1alpha1.ModeAudit}}
	claimRef := func(ref map[string]any) map[string]any {
		return map[string]any{"enforcement": map[string]any{"mode": "audit"}, "claimRef": ref, "compositionRef": map[string]any{"name": "kspec"}}
	}
	goodRef := map[string]any{"apiVersion": "kspec.io/v1alpha1", "kind": "ClusterSpecificationClaim", "name": "web", "namespace": "team-a"}
	p := field.NewPath("spec")
	cases := map[string]struct {
		reason string
		obj    map[string]any
		want   rules.Spec
		errs   field.ErrorList
	}{
		"ClusterSpecification": {
			reason: "A composite resource is a cluster-wide spec under its own name.",
			obj:    obj("ClusterSpecification", map[string]any{"name": "prod"}, audit),
			want:   rules.Spec{Name: "prod", Spec: wantAudit},
		},
		"Claim": {
			reason: "A claim is confined to its namespace.",
			obj:    obj("ClusterSpecificationClaim", map[string]any{"name": "web", "namespace": "team-a"}, audit),
			want:   rules.Spec{Name: "web", Namespace: "team-a", Spec: wantAudit},
		},
		"ClaimComposite": {
			reason: "The composite of a claim takes the claim's name and namespace from claimRef; Crossplane's own fields are ignored.",
			obj:    obj("ClusterSpecification", map[string]any{"name": "web-x7k2p"}, claimRef(goodRef)),
			want:   rules.Spec{Name: "web", Namespace: "team-a", Spec: wantAudit},
		},
		"ClaimCompositeBasedOnItsName": {
			reason: "A claim may share its name with its base: it is no ClusterSpecification.",
			obj: obj("ClusterSpecification", map[string]any{"name": "web-x7k2p"}, map[string]any{
				"claimRef": goodRef, "basedOn": map[string]any{"specifications": []any{"web"}},
			}),
			want: rules.Spec{Name: "web", Namespace: "team-a", Spec: v1alpha1.ClusterSpecificationSpec{BasedOn: &v1alpha1.BasedOn{Specifications: []string{"web"}}}},
		},
		"BadClaimRef": {
			reason: "A claimRef must name a kspec claim in a namespace.",
			obj:    obj("ClusterSpecification", map[string]any{"name": "web-x7k2p"}, claimRef(map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "name": "web"})),
			errs: field.ErrorList{
				field.NotSupported(p.Child("claimRef", "apiVersion"), "v1", []string{"kspec.io/v1alpha1"}),
				field.NotSupported(p.Child("claimRef", "kind"), "ConfigMap", []string{"ClusterSpecificationClaim"}),
				field.Required(p.Child("claimRef", "namespace"), "the claim's namespace"),
			},
		},
		"ClaimWithoutNamespace": {
			reason: "The API server always sets a claim's namespace; an object without one is not a claim as stored.",
			obj:    obj("ClusterSpecificationClaim", map[string]any{"name": "web"}, audit),
			errs:   field.ErrorList{field.Required(field.NewPath("metadata", "namespace"), "a claim is namespaced")},
		},
		"OtherKind": {
			reason: "Only kspec's two kinds are specifications.",
			obj:    map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "x"}},
			errs: field.ErrorList{
				field.NotSupported(field.NewPath("apiVersion"), "v1", []string{"kspec.io/v1alpha1"}),
				field.NotSupported(field.NewPath("kind"), "ConfigMap", []string{"ClusterSpecification", "ClusterSpecificationClaim"}),
				field.Required(p, ""),
			},
		},
		"NoNameNoSpec": {
			reason: "A name and a spec are required.",
			obj:    obj("ClusterSpecification", map[string]any{}, nil),
			errs:   field.ErrorList{field.Required(field.NewPath("metadata", "name"), ""), field.Required(p, "")},
		},
		"WrongType": {
			reason: "A type error names the field.",
			obj:    obj("ClusterSpecification", map[string]any{"name": "prod"}, map[string]any{"enforcement": map[string]any{"mode": int64(3)}}),
			errs:   field.ErrorList{field.TypeInvalid(p.Child("enforcement.mode"), field.OmitValueType{}, "must be a string, not a JSON number")},
		},
		"NonScalarValue": {
			reason: "A field rule value is a boolean or a string.",
			obj: obj("ClusterSpecification", map[string]any{"name": "prod"}, map[string]any{"workloads": map[string]any{"containers": map[string]any{
				"required": []any{map[string]any{"key": "securityContext.runAsNonRoot", "value": 3}},
			}}}),
			errs: field.ErrorList{field.Invalid(p.Child("workloads", "containers", "required").Index(0).Child("value"), 3, "must be a boolean or a string")},
		},
		"Semantic": {
			reason: "The checks the API server cannot do run here, with paths.",
			obj:    obj("ClusterSpecification", map[string]any{"name": "prod"}, map[string]any{"activation": map[string]any{"timeZone": "Mars/Olympus", "windows": []any{map[string]any{}}}}),
			errs:   field.ErrorList{field.Invalid(p.Child("activation", "timeZone"), "Mars/Olympus", "not an IANA time zone such as UTC or Europe/Berlin")},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := FromMap(tc.obj)
			if diff := cmp.Diff(tc.errs, Validate(tc.obj)); diff != "" {
				t.Errorf("%s\nValidate(): -want, +got:\n%s", tc.reason, diff)
			}
			if tc.errs != nil {
				var inv *InvalidError
				require.ErrorAs(t, err, &inv, tc.reason)
				assert.Contains(t, err.Error(), tc.errs[0].Field, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nFromMap(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestFromUnstructuredLeavesObjectAlone(t *testing.T) {
	o := obj("ClusterSpecificationClaim", map[string]any{"name": "web", "namespace": "team-a"}, map[string]any{"enforcement": map[string]any{"mode": "audit"}})
	before := (&unstructured.Unstructured{Object: o}).DeepCopy().Object
	_, err := FromUnstructured(&unstructured.Unstructured{Object: o})
	require.NoError(t, err)
	assert.Equal(t, before, o)
}

func TestSemantic(t *testing.T) {
	p := field.NewPath("spec")
	cases := map[string]struct {
		reason string
		obj    map[string]any
		want   field.ErrorList
	}{
		"OtherKind": {
			reason: "Other kinds have no semantic checks.",
			obj:    map[string]any{"apiVersion": "v1", "kind": "ConfigMap"},
		},
		"Undecodable": {
			reason: "What does not decode is the schema's to report, at its path.",
			obj:    obj("ClusterSpecification", map[string]any{"name": "prod"}, map[string]any{"enforcement": "enforce", "activation": map[string]any{"timeZone": "Nowhere"}}),
		},
		"NoNameStillChecked": {
			reason: "Identity problems are the schema's too; the spec is still checked.",
			obj:    obj("ClusterSpecification", map[string]any{}, map[string]any{"basedOn": map[string]any{"specifications": []any{"a"}}, "namespaceScope": map[string]any{"include": []any{"a"}, "exclude": []any{"a"}}}),
			want:   field.ErrorList{field.Invalid(p.Child("namespaceScope", "exclude").Index(0), "a", "namespace is also in include; exclude would win, so remove it from one list")},
		},
		"BasedOnItself": {
			reason: "A ClusterSpecification cannot be its own base.",
			obj:    obj("ClusterSpecification", map[string]any{"name": "prod"}, map[string]any{"basedOn": map[string]any{"specifications": []any{"prod"}}}),
			want:   field.ErrorList{field.Invalid(p.Child("basedOn", "specifications").Index(0), "prod", "prod cannot be based on itself")},
		},
		"Value": {
			reason: "Non-scalar values are reported before decoding.",
			obj: obj("ClusterSpecificationClaim", map[string]any{"name": "web"}, map[string]any{"workloads": map[string]any{"containers": map[string]any{
				"forbidden": []any{map[string]any{"key": "securityContext.privileged", "value": map[string]any{"a": "b"}}},
			}}}),
			want: field.ErrorList{field.Invalid(p.Child("workloads", "containers", "forbidden").Index(0).Child("value"), map[string]any{"a": "b"}, "must be a boolean or a string")},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Semantic(&unstructured.Unstructured{Object: tc.obj})); diff != "" {
				t.Errorf("%s\nSemantic(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
