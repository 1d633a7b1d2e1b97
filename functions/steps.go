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
	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	"github.com/kspec-io/kspec/functions/certificates"
	"github.com/kspec-io/kspec/functions/compliance"
	"github.com/kspec-io/kspec/functions/policies"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/functions/webhook"
)

// Steps are the steps function-kspec serves, by the Input's step name. Each
// step package adds itself here.
func Steps() map[fnv1beta1.Step]step.Step {
	return map[fnv1beta1.Step]step.Step{
		fnv1beta1.StepPolicies:     policies.New(),
		fnv1beta1.StepCertificates: certificates.Step{},
		fnv1beta1.StepWebhook:      webhook.New(),
		fnv1beta1.StepCompliance:   compliance.Step{},
	}
}
