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

package certificates

import (
	"context"

	"github.com/pkg/errors"

	"github.com/kspec-io/kspec/functions/readiness"
	"github.com/kspec-io/kspec/functions/step"
)

// Step is the certificates step.
type Step struct{}

var _ step.Step = Step{}

// Render composes the webhook's certificates on target t: nothing for a
// claim, without the Webhook engine, or on a target that does not allow
// enforcement.
func (Step) Render(_ context.Context, req *step.Request, t step.Target) (*step.Output, error) {
	out := &step.Output{}
	if !t.AllowEnforcement {
		return out, nil
	}
	objs, err := Objects(req.Spec, req.Set, req.Input.Namespace)
	if err != nil {
		return nil, errors.Wrap(err, "cannot render the webhook's certificates")
	}
	out.Objects = objs
	out.Warnings = readiness.Set(req, t, out.Objects)
	return out, nil
}
