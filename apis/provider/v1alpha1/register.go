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

package v1alpha1

import (
	"reflect"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

// Package type metadata.
const (
	Group   = "provider.kspec.io"
	Version = "v1alpha1"
)

var (
	// SchemeGroupVersion is the group version used to register these objects.
	SchemeGroupVersion = schema.GroupVersion{Group: Group, Version: Version}

	// SchemeBuilder registers the Go types with a runtime.Scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: SchemeGroupVersion}

	// AddToScheme adds the types of this group to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// Kind metadata.
var (
	ProviderConfigKind                 = reflect.TypeFor[ProviderConfig]().Name()
	ProviderConfigGroupVersionKind     = SchemeGroupVersion.WithKind(ProviderConfigKind)
	ProviderConfigUsageKind            = reflect.TypeFor[ProviderConfigUsage]().Name()
	ProviderConfigUsageListKind        = reflect.TypeFor[ProviderConfigUsageList]().Name()
	ClusterProviderConfigKind          = reflect.TypeFor[ClusterProviderConfig]().Name()
	ClusterProviderConfigGVK           = SchemeGroupVersion.WithKind(ClusterProviderConfigKind)
	ClusterProviderConfigUsageKind     = reflect.TypeFor[ClusterProviderConfigUsage]().Name()
	ClusterProviderConfigUsageListKind = reflect.TypeFor[ClusterProviderConfigUsageList]().Name()
	ClusterTargetKind                  = reflect.TypeFor[ClusterTarget]().Name()
	ClusterTargetGroupVersionKind      = SchemeGroupVersion.WithKind(ClusterTargetKind)
	ComplianceScanKind                 = reflect.TypeFor[ComplianceScan]().Name()
	ComplianceScanGroupVersionKind     = SchemeGroupVersion.WithKind(ComplianceScanKind)
)

func init() {
	SchemeBuilder.Register(
		&ProviderConfig{}, &ProviderConfigList{},
		&ProviderConfigUsage{}, &ProviderConfigUsageList{},
		&ClusterProviderConfig{}, &ClusterProviderConfigList{},
		&ClusterProviderConfigUsage{}, &ClusterProviderConfigUsageList{},
		&ClusterTarget{}, &ClusterTargetList{},
		&ComplianceScan{}, &ComplianceScanList{},
	)
}
