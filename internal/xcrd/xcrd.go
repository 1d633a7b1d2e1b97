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

// Package xcrd derives the CRDs Crossplane creates for a v1
// CompositeResourceDefinition: one for the cluster-scoped composite resource
// and one for its namespaced claim. kspec uses them to validate specs offline
// and to install the kinds into test API servers without running Crossplane.
//
// The derivation follows Crossplane's own (crossplane/internal/xcrd): the
// XRD's spec and status schemas, plus the fields Crossplane adds. Those
// machinery fields are kept permissive here; Crossplane validates them when
// it runs.
package xcrd

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/pkg/errors"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/utils/ptr"

	xpextv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
)

// Crossplane limits composite and claim names to 63 characters.
const maxNameLength = 63

// ForCompositeResource returns the CRD of the XRD's composite resource.
func ForCompositeResource(xrd *xpextv1.CompositeResourceDefinition) (*extv1.CustomResourceDefinition, error) {
	names := xrd.Spec.Names
	names.Categories = appendOnce(names.Categories, "composite")
	spec := map[string]extv1.JSONSchemaProps{
		"compositionUpdatePolicy":    enum("Automatic", "Manual"),
		"claimRef":                   object(),
		"resourceRefs":               {Type: "array", Items: &extv1.JSONSchemaPropsOrArray{Schema: ptr.To(object())}},
		"writeConnectionSecretToRef": object(),
	}
	return derive(xrd, xrd.Spec.Names.Plural+"."+xrd.Spec.Group, extv1.ClusterScoped, names, spec)
}

// ForCompositeResourceClaim returns the CRD of the XRD's claim.
func ForCompositeResourceClaim(xrd *xpextv1.CompositeResourceDefinition) (*extv1.CustomResourceDefinition, error) {
	if xrd.Spec.ClaimNames == nil {
		return nil, errors.Errorf("XRD %s offers no claim", xrd.Name)
	}
	names := *xrd.Spec.ClaimNames
	names.Categories = appendOnce(names.Categories, "claim")
	spec := map[string]extv1.JSONSchemaProps{
		"compositeDeletePolicy":      enum("Background", "Foreground"),
		"compositionUpdatePolicy":    enum("Automatic", "Manual"),
		"resourceRef":                object(),
		"writeConnectionSecretToRef": object(),
	}
	return derive(xrd, names.Plural+"."+xrd.Spec.Group, extv1.NamespaceScoped, names, spec)
}

func derive(xrd *xpextv1.CompositeResourceDefinition, name string, scope extv1.ResourceScope, names extv1.CustomResourceDefinitionNames, machinery map[string]extv1.JSONSchemaProps) (*extv1.CustomResourceDefinition, error) {
	for k, v := range map[string]extv1.JSONSchemaProps{
		"compositionRef":              object(),
		"compositionSelector":         object(),
		"compositionRevisionRef":      object(),
		"compositionRevisionSelector": object(),
	} {
		machinery[k] = v
	}
	crd := &extv1.CustomResourceDefinition{
		Spec: extv1.CustomResourceDefinitionSpec{Group: xrd.Spec.Group, Names: names, Scope: scope},
	}
	crd.SetGroupVersionKind(extv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"))
	crd.SetName(name)
	for _, v := range xrd.Spec.Versions {
		s := &extv1.JSONSchemaProps{}
		if v.Schema == nil || json.Unmarshal(v.Schema.OpenAPIV3Schema.Raw, s) != nil {
			return nil, errors.Errorf("version %s of XRD %s has no valid schema", v.Name, xrd.Name)
		}
		xSpec, xStatus := s.Properties["spec"], s.Properties["status"]
		spec := extv1.JSONSchemaProps{
			Type: "object", Description: xSpec.Description, Required: xSpec.Required,
			XValidations: xSpec.XValidations, Properties: map[string]extv1.JSONSchemaProps{},
		}
		maps.Copy(spec.Properties, machinery)
		maps.Copy(spec.Properties, xSpec.Properties)
		status := extv1.JSONSchemaProps{
			Type: "object", Description: xStatus.Description, XValidations: xStatus.XValidations,
			Properties: map[string]extv1.JSONSchemaProps{
				"conditions":        {Type: "array", Items: &extv1.JSONSchemaPropsOrArray{Schema: ptr.To(condition())}, XListType: ptr.To("map"), XListMapKeys: []string{"type"}},
				"connectionDetails": object(),
			},
		}
		maps.Copy(status.Properties, xStatus.Properties)
		crd.Spec.Versions = append(crd.Spec.Versions, extv1.CustomResourceDefinitionVersion{
			Name: v.Name, Served: v.Served, Storage: v.Referenceable,
			AdditionalPrinterColumns: v.AdditionalPrinterColumns,
			Subresources:             &extv1.CustomResourceSubresources{Status: &extv1.CustomResourceSubresourceStatus{}},
			Schema: &extv1.CustomResourceValidation{OpenAPIV3Schema: &extv1.JSONSchemaProps{
				Type: "object", Description: s.Description, Required: []string{"spec"}, XValidations: s.XValidations,
				Properties: map[string]extv1.JSONSchemaProps{
					"apiVersion": {Type: "string"},
					"kind":       {Type: "string"},
					"metadata": {Type: "object", Properties: map[string]extv1.JSONSchemaProps{
						"name": {Type: "string", MaxLength: ptr.To[int64](maxNameLength)},
					}},
					"spec":   spec,
					"status": status,
				},
			}},
		})
	}
	return crd, nil
}

func object() extv1.JSONSchemaProps {
	return extv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: ptr.To(true)}
}

// condition is the schema of a Crossplane condition.
func condition() extv1.JSONSchemaProps {
	str := extv1.JSONSchemaProps{Type: "string"}
	return extv1.JSONSchemaProps{
		Type: "object", Required: []string{"type", "status"},
		Properties: map[string]extv1.JSONSchemaProps{
			"type": str, "status": str, "reason": str, "message": str,
			"lastTransitionTime": {Type: "string", Format: "date-time"},
			"observedGeneration": {Type: "integer", Format: "int64"},
		},
	}
}

func enum(values ...string) extv1.JSONSchemaProps {
	p := extv1.JSONSchemaProps{Type: "string"}
	for _, v := range values {
		p.Enum = append(p.Enum, extv1.JSON{Raw: []byte(`"` + v + `"`)})
	}
	return p
}

func appendOnce(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(slices.Clone(s), v)
}
