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
	"sync"

	"github.com/pkg/errors"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/rules"
)

// renderCacheSize bounds the rendered stacks and bundles kept.
const renderCacheSize = 256

// renderKey is what a stack and bundle depend on: the compiled set (sets
// are immutable, and the dispatcher reuses one per spec content, which
// also fixes the spec) and the webhook's namespace.
type renderKey struct {
	set       *rules.Set
	namespace string
}

// rendered is a spec's stack (nil for a claim) and bundle. The objects
// are shared and never modified.
type rendered struct {
	stack  []client.Object
	bundle *corev1.ConfigMap
}

// A renderCache keeps what the step rendered, so a spec is rendered once
// for all its targets and once across calls while it does not change. A
// nil cache renders every time.
type renderCache struct {
	mu sync.Mutex
	m  map[renderKey]rendered
}

func (c *renderCache) render(req *step.Request) (rendered, error) {
	k := renderKey{set: req.Set, namespace: req.Input.Namespace}
	if c != nil {
		c.mu.Lock()
		r, ok := c.m[k]
		c.mu.Unlock()
		if ok {
			return r, nil
		}
	}
	var r rendered
	if !req.Spec.Claim() {
		stack, err := Stack(req.Spec, req.Set, req.Input.Namespace)
		if err != nil {
			return rendered{}, errors.Wrap(err, "cannot render the webhook")
		}
		r.stack = stack
	}
	cm, err := Bundle(req.Spec, req.Set, req.Input.Namespace)
	if err != nil {
		return rendered{}, errors.Wrap(err, "cannot render the webhook's bundle")
	}
	r.bundle = cm
	if c != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.m == nil || len(c.m) >= renderCacheSize {
			c.m = map[renderKey]rendered{}
		}
		c.m[k] = r
	}
	return r, nil
}
