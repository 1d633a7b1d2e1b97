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

package policies

import (
	"fmt"
	"strings"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/render"
)

// renderCacheSize bounds the rendered outputs kept.
const renderCacheSize = 256

// renderKey is what a render's output depends on: the compiled set (sets
// are immutable, and the dispatcher reuses one per spec content), the
// engine, where exceptions go, and what the clock decides: the admission
// actions and which exemptions are live.
type renderKey struct {
	set       any
	engine    kspecv1alpha1.Engine
	namespace string
	clock     string
}

// A renderCache keeps rendered objects, so that a spec is rendered once
// for all its targets, and once across calls while nothing changes. The
// objects are shared and never modified.
type renderCache struct {
	mu   sync.Mutex
	objs map[renderKey][]client.Object
}

func (c *renderCache) render(req *step.Request, e kspecv1alpha1.Engine) ([]client.Object, error) {
	live := make([]string, 0, len(req.Set.Exemptions))
	for i, x := range req.Set.Exemptions {
		if x.Live(req.Now) {
			live = append(live, fmt.Sprint(i))
		}
	}
	k := renderKey{set: req.Set, engine: e, namespace: req.Input.Namespace,
		clock: fmt.Sprint(req.Set.ActionsAt(req.Now)) + "/" + strings.Join(live, ",")}
	c.mu.Lock()
	objs, ok := c.objs[k]
	c.mu.Unlock()
	if ok {
		return objs, nil
	}
	objs, err := render.Render(req.Set, e, render.Options{Now: req.Now, ExceptionNamespace: req.Input.Namespace})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.objs == nil || len(c.objs) >= renderCacheSize {
		c.objs = map[renderKey][]client.Object{}
	}
	c.objs[k] = objs
	return objs, nil
}
