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

// Package render_test renders every fixture in examples/render with the real
// crossplane CLI (v2.2.1, whose render runs functions through the
// Development runtime) against function-kspec built from this tree and
// running as a subprocess, through the Configuration's own Composition,
// exactly as examples/render/README.md tells a user to. The output is
// compared with each fixture's golden file (make render-update rewrites
// them), and every object rendered is created, dry-run with strict field
// validation, on a real kube-apiserver holding the CRDs of Kyverno,
// cert-manager, provider-kubernetes and kspec.
package render_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/wait"

	xpkg "github.com/kspec-io/kspec/package"
)

// The fixed clock function-kspec renders at (--now), so that activation
// windows and exemption expiry give the same output every day. It is a
// Monday, 12:00 in Berlin.
const now = "2026-06-15T10:00:00Z"

// Paths from a fixture directory, as the README's command has them.
const (
	composition = "../../../package/configuration/composition.yaml"
	definition  = "../../../package/configuration/definition.yaml"
	fixtures    = "../../examples/render"
)

var update = flag.Bool("update", false, "rewrite the golden files of examples/render")

// fn is the running function-kspec: its gRPC address, and its log.
var fn struct {
	addr string
	log  bytes.Buffer
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run() // Each test skips itself.
	}
	if os.Getenv("KSPEC_CROSSPLANE") == "" {
		fmt.Fprintln(os.Stderr, "KSPEC_CROSSPLANE is not set: run these tests with 'make test', which builds the crossplane CLI")
		return 1
	}
	stop, err := startFunction()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	stop()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "function-kspec's log:\n%s\n", fn.log.String())
	}
	if cp.env != nil {
		if err := cp.env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "cannot stop the control plane:", err)
		}
	}
	return code
}

// startFunction builds function-kspec at the version of kspec's packages
// (so its default kspec-webhook image is the released one) and serves it on
// a free local port with --insecure, as crossplane render's Development
// runtime expects.
func startFunction() (func(), error) {
	version, err := xpkg.Version()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kspec-render-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "function-kspec")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X github.com/kspec-io/kspec/internal/version.version="+version, "../../cmd/function-kspec")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("cannot build function-kspec: %w\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fn.addr = l.Addr().String()
	_ = l.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--insecure", "--address="+fn.addr, "--now="+now)
	cmd.Stdout, cmd.Stderr = &fn.log, &fn.log
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("cannot start function-kspec: %w", err)
	}
	stop := func() {
		cancel()
		_ = cmd.Wait()
		_ = os.RemoveAll(dir)
	}
	// Serving once it accepts connections. The bound guards against a
	// function that never starts; it takes milliseconds.
	err = wait.ExponentialBackoff(wait.Backoff{Duration: 10 * time.Millisecond, Factor: 1.5, Steps: 20, Cap: 2 * time.Second}, func() (bool, error) {
		c, err := net.Dial("tcp", fn.addr)
		if err != nil {
			return false, nil //nolint:nilerr // Not listening yet.
		}
		_ = c.Close()
		return true, nil
	})
	if err != nil {
		stop()
		return nil, fmt.Errorf("function-kspec does not listen on %s: %w\n%s", fn.addr, err, fn.log.String())
	}
	return stop, nil
}

// cases are the fixture directories under examples/render, sorted.
func cases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(fixtures)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	require.NotEmpty(t, out)
	return out
}

// A result is what crossplane render printed for a fixture.
type result struct {
	stdout, stderr []byte
	err            error
}

var rendered sync.Map // fixture name → *result, each fixture rendered once

// render runs crossplane render in a fixture directory exactly as the
// README shows, plus -a to reach the function on its test port.
func render(t *testing.T, name string) *result {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the crossplane CLI and function-kspec: run with make test")
	}
	if r, ok := rendered.Load(name); ok {
		return r.(*result)
	}
	dir := filepath.Join(fixtures, name)
	args := []string{"render", "xr.yaml", composition, "functions.yaml", "--xrd=" + definition, "--include-function-results"}
	for flag, file := range map[string]string{"--required-resources": "required-resources.yaml", "--observed-resources": "observed.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, file)); err == nil {
			args = append(args, flag+"="+file)
		}
	}
	sort.Strings(args[6:])
	args = append(args, "--function-annotations=render.crossplane.io/runtime-development-target="+fn.addr)
	cmd := exec.Command(os.Getenv("KSPEC_CROSSPLANE"), args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		require.NoError(t, err, "cannot run crossplane render")
	}
	r := &result{stdout: stdout.Bytes(), stderr: stderr.Bytes(), err: err}
	rendered.Store(name, r)
	return r
}

// TestRender renders every fixture and compares the output with its golden
// file: expected.yaml when render succeeds, expected-error.txt (what render
// prints on stderr) when the function refuses the XR with a Fatal result.
func TestRender(t *testing.T) {
	for _, name := range cases(t) {
		t.Run(name, func(t *testing.T) {
			r := render(t, name)
			dir := filepath.Join(fixtures, name)
			golden, other, got := "expected.yaml", "expected-error.txt", r.stdout
			if r.err != nil {
				golden, other, got = "expected-error.txt", "expected.yaml", r.stderr
			}
			if *update {
				require.NoError(t, os.WriteFile(filepath.Join(dir, golden), got, 0o600))
				if err := os.Remove(filepath.Join(dir, other)); err != nil && !os.IsNotExist(err) {
					require.NoError(t, err)
				}
				return
			}
			want, err := os.ReadFile(filepath.Join(dir, golden))
			if os.IsNotExist(err) {
				t.Fatalf("crossplane render %s (%v), but the fixture has no %s: its output is\n%s%s\nrun make render-update if this is intended", map[bool]string{true: "failed", false: "succeeded"}[r.err != nil], r.err, golden, r.stdout, r.stderr)
			}
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got), "crossplane render of %s differs from %s; run make render-update if the change is intended (stderr: %s)", dir, golden, r.stderr)
		})
	}
}

// TestFixtures checks the fixtures themselves: every example has one, every
// fixture runs function-kspec through the Development runtime, and a fixture
// of an example renders that very example.
func TestFixtures(t *testing.T) {
	have := map[string]bool{}
	for _, c := range cases(t) {
		have[c] = true
		dir := filepath.Join(fixtures, c)
		b, err := os.ReadFile(filepath.Join(dir, "functions.yaml"))
		require.NoError(t, err, c)
		fns := strings.Split(string(b), "\n")
		assert.Contains(t, fns, "    render.crossplane.io/runtime: Development", "%s/functions.yaml", c)
		assert.Contains(t, fns, "  name: function-kspec", "%s/functions.yaml", c)
		_, err = os.Stat(filepath.Join(dir, "xr.yaml"))
		assert.NoError(t, err, "%s has no xr.yaml", c)
	}
	examples, err := filepath.Glob("../../examples/specs/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, examples)
	for _, e := range examples {
		name := strings.TrimSuffix(filepath.Base(e), ".yaml")
		assert.True(t, have[name], "examples/specs/%s.yaml has no fixture examples/render/%s", name, name)
	}
	for _, c := range []string{"minimal", "moderate", "strict", "comprehensive"} {
		link, err := os.Readlink(filepath.Join(fixtures, c, "xr.yaml"))
		if assert.NoError(t, err, "examples/render/%s/xr.yaml must link to the example, so the two cannot drift", c) {
			assert.Equal(t, "../../specs/"+c+".yaml", link)
		}
	}
	checkClaimXR(t)
}
