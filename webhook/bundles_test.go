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
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600))
	}
	m := NewMetrics(prometheus.NewRegistry())
	b := &Bundles{Metrics: m}
	write("a.yaml", spec("a", "enforce", ""))
	write("ignored.txt", "not a bundle")
	require.NoError(t, b.LoadDir(context.Background(), dir))
	require.Len(t, b.Sets(), 1)
	assert.Equal(t, "a", b.Sets()[0].String())
	assert.Empty(t, b.Sets()[0].Namespace, "files are not confined")

	// A poll of an unchanged directory compiles nothing and changes nothing.
	first, generation := b.Sets()[0], testutil.ToFloat64(m.BundleGeneration)
	require.NoError(t, b.LoadDir(context.Background(), dir))
	assert.Same(t, first, b.Sets()[0], "the same compiled set")
	assert.InDelta(t, generation, testutil.ToFloat64(m.BundleGeneration), 0)

	write("a.yaml", "kind: nonsense")
	require.Error(t, b.LoadDir(context.Background(), dir))
	require.Len(t, b.Sets(), 1, "a bad version keeps the good one")
	require.Error(t, b.Err("file:a.yaml"))
	assert.InDelta(t, 1, testutil.ToFloat64(m.BundlesInvalid), 0)
	assert.InDelta(t, 1, testutil.ToFloat64(m.BundleErrors.WithLabelValues("dir")), 0)
	require.Error(t, b.LoadDir(context.Background(), dir), "still bad")
	assert.InDelta(t, 1, testutil.ToFloat64(m.BundleErrors.WithLabelValues("dir")), 0, "one error per bad version, not per poll")

	m.Verdicts.WithLabelValues("a", "enforce", "denied").Inc()
	m.ExemptionsUsed.WithLabelValues("a", "legacy").Inc()
	require.NoError(t, os.Remove(filepath.Join(dir, "a.yaml")))
	require.NoError(t, b.LoadDir(context.Background(), dir))
	assert.Empty(t, b.Sets(), "a removed file stops applying")
	assert.Zero(t, testutil.CollectAndCount(m.Verdicts), "a spec no longer in force leaves no series")
	assert.Zero(t, testutil.CollectAndCount(m.ExemptionsUsed))
	assert.InDelta(t, 0, testutil.ToFloat64(m.BundlesInvalid), 0)
}

func TestCompileBundleConfines(t *testing.T) {
	s, err := CompileBundle(context.Background(), "cm", []byte(spec("wide", "enforce", "")), "team-a")
	require.NoError(t, err)
	assert.Equal(t, "team-a/wide", s.String(), "a bundle outside the home namespace is a claim of its own")
	_, err = CompileBundle(context.Background(), "cm", []byte("apiVersion: v1\nkind: ConfigMap\n"), "")
	require.Error(t, err)
}

// A bundle's template is applied; a bundle that still names bases is
// refused, never enforced without them.
func TestCompileBundleResolves(t *testing.T) {
	plain := compile(t, spec("plain", "enforce", ""), "")
	s, err := CompileBundle(context.Background(), "cm", []byte(spec("templated", "enforce", "  policyTemplate:\n    name: pss-restricted\n")), "")
	require.NoError(t, err)
	assert.Empty(t, s.Warnings, "the template is applied, not warned about")
	assert.Greater(t, len(s.Rules), len(plain.Rules), "the template's requirements are compiled")

	based := spec("based", "enforce", "  basedOn:\n    specifications: [strict]\n")
	_, err = CompileBundle(context.Background(), "cm", []byte(based), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "strict")
}
