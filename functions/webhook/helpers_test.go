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
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

// example reads one of the repository's example specs, as resolved: its
// policyTemplate and basedOn cleared (resolution is internal/resolve's).
func example(t *testing.T, file string) rules.Spec {
	t.Helper()
	examplesMu.Lock()
	defer examplesMu.Unlock()
	if s, ok := examples[file]; ok {
		s.Spec = *s.Spec.DeepCopy()
		return s
	}
	path := filepath.Join("..", "..", "examples", "specs", file)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	spec, err := validate.ReadSpecification(context.Background(), path, data)
	require.NoError(t, err)
	spec.Spec.PolicyTemplate, spec.Spec.BasedOn = nil, nil
	examples[file] = spec
	spec.Spec = *spec.Spec.DeepCopy()
	return spec
}

// examples are read once: validating a file costs more than the tests.
var (
	examplesMu sync.Mutex
	examples   = map[string]rules.Spec{}
)

// withEngines returns spec with its engines replaced.
func withEngines(spec rules.Spec, engines ...kspecv1alpha1.Engine) rules.Spec {
	spec.Spec = *spec.Spec.DeepCopy()
	if spec.Spec.Enforcement == nil {
		spec.Spec.Enforcement = &kspecv1alpha1.Enforcement{Mode: kspecv1alpha1.ModeEnforce}
	}
	spec.Spec.Enforcement.Engines = engines
	return spec
}

// compile compiles spec, once per distinct spec: sets are immutable, and
// compiling the examples' CEL costs more than the tests.
func compile(t *testing.T, spec rules.Spec) *rules.Set {
	t.Helper()
	key, err := json.Marshal(spec)
	require.NoError(t, err)
	examplesMu.Lock()
	defer examplesMu.Unlock()
	if set, ok := sets[string(key)]; ok {
		return set
	}
	set, err := rules.Compile(spec)
	require.NoError(t, err)
	sets[string(key)] = set
	return set
}

var sets = map[string]*rules.Set{}
