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

// Package apis holds every kspec API as Go types, the single source of truth
// for the generated CRDs, the XRD and the function input schema.
package apis

import (
	"k8s.io/apimachinery/pkg/runtime"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	providerv1alpha1 "github.com/kspec-io/kspec/apis/provider/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// AddToScheme adds every kspec API group to a scheme.
func AddToScheme(s *runtime.Scheme) error {
	for _, add := range []func(*runtime.Scheme) error{
		kspecv1alpha1.AddToScheme,
		providerv1alpha1.AddToScheme,
		reportsv1alpha1.AddToScheme,
		fnv1beta1.AddToScheme,
	} {
		if err := add(s); err != nil {
			return err
		}
	}
	return nil
}
