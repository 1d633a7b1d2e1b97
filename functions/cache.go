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
	"crypto/sha256"
	"encoding/json"
	"sync"

	"github.com/kspec-io/kspec/internal/rules"
)

// cacheSize bounds each cache: a few entries per specification (its
// versions while it is being edited), for a few hundred of them.
const cacheSize = 512

// A cache keeps values by the hash of what they were computed from. Its
// values are immutable and shared.
type cache[V any] struct {
	mu     sync.Mutex
	values map[[sha256.Size]byte]V
	order  [][sha256.Size]byte
}

func (c *cache[V]) get(key [sha256.Size]byte) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.values[key]
	return v, ok
}

func (c *cache[V]) put(key [sha256.Size]byte, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.values == nil {
		c.values = map[[sha256.Size]byte]V{}
	}
	if _, ok := c.values[key]; ok {
		return
	}
	if len(c.order) >= cacheSize {
		delete(c.values, c.order[0])
		c.order = c.order[1:]
	}
	c.values[key] = v
	c.order = append(c.order, key)
}

// hash is the key of values computed from vs.
func hash(vs ...any) ([sha256.Size]byte, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			return [sha256.Size]byte{}, err
		}
	}
	var out [sha256.Size]byte
	copy(out[:], h.Sum(nil))
	return out, nil
}

// compile returns the compiled set of spec, from the cache when an equal
// spec was compiled before. Compiling CEL is most of a render; a pipeline
// compiles the same spec once per step, and Crossplane calls again on
// every reconcile. Sets are immutable and safe to share.
func (f *Function) compile(spec rules.Spec) (*rules.Set, error) {
	key, err := hash(spec)
	if err != nil {
		return rules.Compile(spec)
	}
	if set, ok := f.sets.get(key); ok {
		return set, nil
	}
	set, err := rules.Compile(spec)
	if err != nil {
		return nil, err
	}
	f.sets.put(key, set)
	return set, nil
}
