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

package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

func crd() *extv1.CustomResourceDefinition {
	c := &extv1.CustomResourceDefinition{Spec: extv1.CustomResourceDefinitionSpec{
		Group: "kspec.io",
		Names: extv1.CustomResourceDefinitionNames{Kind: "ClusterSpecification", ListKind: "ClusterSpecificationList", Plural: "clusterspecifications", Singular: "clusterspecification", ShortNames: []string{"cspec"}},
		Versions: []extv1.CustomResourceDefinitionVersion{{
			Name: "v1alpha1", Served: true, Storage: true,
			AdditionalPrinterColumns: []extv1.CustomResourceColumnDefinition{{Name: "MODE", Type: "string", JSONPath: ".spec.enforcement.mode"}},
			Schema: &extv1.CustomResourceValidation{OpenAPIV3Schema: &extv1.JSONSchemaProps{
				Type: "object",
				Properties: map[string]extv1.JSONSchemaProps{
					"apiVersion": {Type: "string"},
					"metadata":   {Type: "object"},
					"spec":       {Type: "object", Properties: map[string]extv1.JSONSchemaProps{"x": {Type: "string"}}},
					"status":     {Type: "object"},
				},
			}},
		}},
	}}
	c.SetName("clusterspecifications.kspec.io")
	return c
}

func TestFromCRD(t *testing.T) {
	xrd, err := FromCRD(crd())
	require.NoError(t, err)
	assert.Equal(t, "clusterspecifications.kspec.io", xrd.Name)
	require.NotNil(t, xrd.Spec.ClaimNames)
	assert.Equal(t, "ClusterSpecificationClaim", xrd.Spec.ClaimNames.Kind)
	assert.Equal(t, "clusterspecificationclaims", xrd.Spec.ClaimNames.Plural)
	require.Len(t, xrd.Spec.Versions, 1)
	v := xrd.Spec.Versions[0]
	assert.True(t, v.Referenceable)
	assert.Equal(t, "MODE", v.AdditionalPrinterColumns[0].Name)

	var schema extv1.JSONSchemaProps
	require.NoError(t, json.Unmarshal(v.Schema.OpenAPIV3Schema.Raw, &schema))
	assert.Contains(t, schema.Properties, "spec")
	assert.Contains(t, schema.Properties, "status")
	assert.NotContains(t, schema.Properties, "metadata", "Crossplane owns metadata and apiVersion")
	assert.NotContains(t, schema.Properties, "apiVersion")
}

func TestFromCRDWithoutSpec(t *testing.T) {
	c := crd()
	delete(c.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties, "spec")
	_, err := FromCRD(c)
	assert.ErrorContains(t, err, "has no spec")
}
