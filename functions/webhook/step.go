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

package webhook

import (
	"context"
	"strings"
	"time"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/kspec-io/kspec/functions/readiness"
	"github.com/kspec-io/kspec/functions/step"
)

// Names of the step's objects.
const (
	objectBundle               = "bundle"
	objectNamespace            = "namespace"
	objectDeployment           = "deployment"
	objectWebhookConfiguration = "validatingwebhookconfiguration"
)

// withheldTTL is how soon to look again while the webhook configuration
// waits for the Deployment.
const withheldTTL = 30 * time.Second

// Step is the webhook step. Its zero value works; New's shares what it
// renders across targets and calls.
type Step struct {
	cache *renderCache
}

// New returns the webhook step with a cache of what it renders: a spec's
// stack and bundle are the same on every target, and writing the bundle's
// YAML is most of the step's cost.
func New() Step { return Step{cache: &renderCache{}} }

var _ step.Step = Step{}

// Render composes on target t the webhook stack and bundle of a
// cluster-wide spec, or the bundle of a claim, when the spec's engines
// include Webhook and the target allows enforcement. The stack's Namespace
// is composed on remote targets only.
//
// The ValidatingWebhookConfiguration is composed only once the Deployment
// is ready there (or it was composed before): until then nothing could
// answer, and with failurePolicy Fail every request it matches would be
// refused.
func (s Step) Render(_ context.Context, req *step.Request, t step.Target) (*step.Output, error) {
	out := &step.Output{}
	if !t.AllowEnforcement || !Enabled(req.Set) {
		return out, nil
	}
	r, err := s.cache.render(req)
	if err != nil {
		return nil, err
	}
	if !req.Spec.Claim() {
		for _, o := range r.stack {
			name := strings.ToLower(o.GetObjectKind().GroupVersionKind().Kind)
			if name == objectNamespace && t.Local {
				// The control plane's namespace holds the platform's
				// ClusterTargets, their credentials and every spec's
				// scans: it exists before any spec, and a spec that
				// composed it would take all of that with it when deleted.
				continue
			}
			out.Objects = append(out.Objects, step.Object{Name: name, Resource: o})
		}
	}
	out.Objects = append(out.Objects, step.Object{Name: objectBundle, Resource: r.bundle})
	out.Warnings = readiness.Set(req, t, out.Objects)

	if i := index(out.Objects, objectWebhookConfiguration); i >= 0 {
		_, composed := req.Observed(t, objectWebhookConfiguration)
		if d := index(out.Objects, objectDeployment); !composed && out.Objects[d].Ready != resource.ReadyTrue {
			out.Objects = append(out.Objects[:i], out.Objects[i+1:]...)
			out.TTL = withheldTTL
		}
	}
	return out, nil
}

func index(objs []step.Object, name string) int {
	for i, o := range objs {
		if o.Name == name {
			return i
		}
	}
	return -1
}
