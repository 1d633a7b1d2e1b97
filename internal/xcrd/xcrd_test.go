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

package xcrd

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"

	xpextv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
)

func xrd(claims bool) *xpextv1.CompositeResourceDefinition {
	x := &xpextv1.CompositeResourceDefinition{
		Spec: xpextv1.CompositeResourceDefinitionSpec{
			Group: "example.org",
			Names: extv1.CustomResourceDefinitionNames{Kind: "XThing", Plural: "xthings", Categories: []string{"crossplane"}},
			Versions: []xpextv1.CompositeResourceDefinitionVersion{{
				Name: "v1", Served: true, Referenceable: true,
				Schema: &xpextv1.CompositeResourceValidation{OpenAPIV3Schema: runtime.RawExtension{Raw: []byte(`{
					"type": "object",
					"properties": {
						"spec": {"type": "object", "required": ["size"], "properties": {"size": {"type": "integer"}},
							"x-kubernetes-validations": [{"rule": "self.size > 0", "message": "size must be positive"}]},
						"status": {"type": "object", "properties": {"phase": {"type": "string"}}}
					}}`)}},
			}},
		},
	}
	x.SetName("xthings.example.org")
	if claims {
		x.Spec.ClaimNames = &extv1.CustomResourceDefinitionNames{Kind: "Thing", Plural: "things"}
	}
	return x
}

func TestForCompositeResource(t *testing.T) {
	crd, err := ForCompositeResource(xrd(true))
	require.NoError(t, err)
	assert.Equal(t, "xthings.example.org", crd.Name)
	assert.Equal(t, extv1.ClusterScoped, crd.Spec.Scope, "a v1 XRD defines a LegacyCluster XR")
	assert.Equal(t, []string{"crossplane", "composite"}, crd.Spec.Names.Categories)
	require.Len(t, crd.Spec.Versions, 1)
	v := crd.Spec.Versions[0]
	assert.True(t, v.Storage, "the referenceable version is stored")
	assert.NotNil(t, v.Subresources.Status)
	spec := v.Schema.OpenAPIV3Schema.Properties["spec"]
	assert.Equal(t, []string{"size"}, spec.Required, "the XRD's required fields survive")
	assert.Equal(t, "size must be positive", spec.XValidations[0].Message, "the XRD's CEL rules survive")
	assert.Contains(t, spec.Properties, "size")
	for _, f := range []string{"compositionRef", "compositionSelector", "compositionUpdatePolicy", "claimRef", "resourceRefs", "writeConnectionSecretToRef"} {
		assert.Contains(t, spec.Properties, f, "Crossplane adds %s to every XR", f)
	}
	status := v.Schema.OpenAPIV3Schema.Properties["status"]
	assert.Contains(t, status.Properties, "phase")
	assert.Contains(t, status.Properties, "conditions")
}

func TestForCompositeResourceClaim(t *testing.T) {
	crd, err := ForCompositeResourceClaim(xrd(true))
	require.NoError(t, err)
	assert.Equal(t, "things.example.org", crd.Name)
	assert.Equal(t, extv1.NamespaceScoped, crd.Spec.Scope)
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	assert.Contains(t, spec.Properties, "compositeDeletePolicy")
	assert.Contains(t, spec.Properties, "resourceRef")
	assert.NotContains(t, spec.Properties, "claimRef", "a claim does not refer to a claim")

	_, err = ForCompositeResourceClaim(xrd(false))
	assert.ErrorContains(t, err, "offers no claim")
}

func TestBadSchema(t *testing.T) {
	x := xrd(false)
	x.Spec.Versions[0].Schema.OpenAPIV3Schema.Raw = []byte("{not json")
	_, err := ForCompositeResource(x)
	assert.ErrorContains(t, err, "version v1 of XRD xthings.example.org has no valid schema")
}
