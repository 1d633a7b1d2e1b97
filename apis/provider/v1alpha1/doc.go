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

// Package v1alpha1 holds the provider.kspec.io/v1alpha1 API of provider-kspec:
// ProviderConfig and ClusterProviderConfig (credentials for one cluster) with
// their usages, and the namespaced managed resources ClusterTarget (a
// cluster kspec scans and enforces on) and ComplianceScan (one specification
// scanned on one target).
// +kubebuilder:object:generate=true
// +groupName=provider.kspec.io
// +versionName=v1alpha1
package v1alpha1
