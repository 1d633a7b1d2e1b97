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

package render

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ (make golden-update)")

// goldenNow is the clock of the golden files: every example exemption is
// live then.
var goldenNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// goldenFile is where the golden render of an example spec for an engine
// lives.
func goldenFile(spec, engine string) string {
	return filepath.Join("testdata", spec+"."+strings.ToLower(engine)+".yaml")
}

// TestGolden renders every example spec for every engine and compares the
// YAML with testdata/: any change to what kspec render writes shows up
// here, to be reviewed and accepted with make golden-update.
func TestGolden(t *testing.T) {
	specs, err := filepath.Glob(filepath.Join("..", "..", "examples", "specs", "*.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(specs), 5, "the example specs moved")
	want := map[string]bool{}
	for _, file := range specs {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		spec, err := validate.ReadSpecification(context.Background(), file, b)
		require.NoError(t, err)
		set, err := rules.Compile(spec)
		require.NoError(t, err)
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		for _, engine := range Engines() {
			golden := goldenFile(name, string(engine))
			want[filepath.Base(golden)] = true
			t.Run(name+"/"+string(engine), func(t *testing.T) {
				objs, err := Render(set, engine, Options{Now: goldenNow})
				require.NoError(t, err)
				got, err := Marshal(objs)
				require.NoError(t, err)
				if *update {
					require.NoError(t, os.WriteFile(golden, got, 0o600))
					return
				}
				b, err := os.ReadFile(golden)
				require.NoError(t, err, "no golden file: run make golden-update")
				if d := cmp.Diff(string(b), string(got)); d != "" {
					t.Errorf("kspec render of %s for %s differs from %s (-want +got); if the change is intended, run make golden-update:\n%s", name, engine, golden, d)
				}
			})
		}
	}
	// A golden file whose example is gone is stale.
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	require.NoError(t, err)
	for _, f := range files {
		if !want[filepath.Base(f)] {
			if *update {
				require.NoError(t, os.Remove(f))
				continue
			}
			t.Errorf("%s renders no example: run make golden-update", f)
		}
	}
}
