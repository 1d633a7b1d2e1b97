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

// Package compliance is function-kspec's compliance step: one
// ComplianceScan per target, composed on the control-plane cluster where
// provider-kspec runs, and the composite resource's status from what the
// scans observed: each target's phase, score and counts, and a summary.
package compliance
