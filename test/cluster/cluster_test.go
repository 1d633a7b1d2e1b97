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

package cluster_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/internal/cli"
	"github.com/kspec-io/kspec/provider/compliancescan"
	"github.com/kspec-io/kspec/test/harness"
)

const ns = "kspec-system"

// waitFor polls cond with backoff until it holds; the bound is only there
// so a broken controller fails the test instead of hanging it.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(context.Context) (bool, error) {
		ok, err := cond()
		last = err
		return ok && err == nil, nil
	})
	require.NoError(t, err, "waiting for %s (last error: %v)", what, last)
}

// register applies the objects of kspec cluster add for the envtest
// context under name, and waits until provider-kspec finds the target
// Ready through them.
func register(t *testing.T, name string) {
	t.Helper()
	code, out, errOut := kspec("cluster", "add", "envtest", "--kubeconfig", kubeconfig, "--name", name, "--apply", "--hub-kubeconfig", kubeconfig)
	require.Equal(t, cli.ExitOK, code, errOut)
	assert.Equal(t, fmt.Sprintf("secret/%[1]s-kubeconfig applied in namespace %[2]s\nproviderconfig/%[1]s applied in namespace %[2]s\nclustertarget/%[1]s applied in namespace %[2]s\n", name, ns), out, "only names")
	waitFor(t, "ClusterTarget "+name+" Ready", func() (bool, error) {
		ct := &v1alpha1.ClusterTarget{}
		if err := hub.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, ct); err != nil {
			return false, err
		}
		if r := ct.GetCondition(xpv2.TypeReady); r.Status != corev1.ConditionTrue {
			return false, fmt.Errorf("ready %s: %s %s", r.Status, r.Reason, r.Message)
		}
		return true, nil
	})
}

func TestAddApply(t *testing.T) {
	harness.SkipShort(t)
	register(t, "self")

	// The Secret holds a kubeconfig with the files' content inline.
	s := &corev1.Secret{}
	require.NoError(t, hub.Get(ctx, client.ObjectKey{Namespace: ns, Name: "self-kubeconfig"}, s))
	key, err := os.ReadFile(filepath.Join(filepath.Dir(kubeconfig), "client.key"))
	require.NoError(t, err)
	assert.Contains(t, string(s.Data[cli.SecretKeyKubeconfig]), "client-key-data")
	assert.NotContains(t, string(s.Data[cli.SecretKeyKubeconfig]), "client.key")
	assert.NotEmpty(t, key)

	// Applying again changes nothing and succeeds.
	code, _, errOut := kspec("cluster", "add", "envtest", "--kubeconfig", kubeconfig, "--name", "self", "--apply", "--hub-kubeconfig", kubeconfig)
	assert.Equal(t, cli.ExitOK, code, errOut)

	// One line, exit 2, nothing applied: a missing namespace, an
	// unreachable hub, an unknown context.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"envtest", "--name", "elsewhere", "-n", "absent"}, "namespace absent not found on the hub cluster"},
		{[]string{"envtest", "--name", "elsewhere", "--hub-context", "nowhere"}, "https://127.0.0.1:1"},
		{[]string{"nope", "--name", "elsewhere"}, `context "nope" not found`},
	} {
		code, out, errOut := kspec(append([]string{"cluster", "add", "--kubeconfig", kubeconfig, "--apply", "--hub-kubeconfig", kubeconfig}, tc.args...)...)
		assert.Equal(t, cli.ExitUsage, code, tc.args)
		assert.Empty(t, out, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %s", errOut)
	}
	err = hub.Get(ctx, client.ObjectKey{Namespace: ns, Name: "elsewhere-kubeconfig"}, &corev1.Secret{})
	assert.True(t, err != nil, "nothing applied")
}

func TestSync(t *testing.T) {
	harness.SkipShort(t)
	register(t, "synced")

	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "specs", "minimal.yaml"))
	require.NoError(t, err)
	spec := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal(data, &spec.Object))
	require.NoError(t, hub.Create(ctx, spec))
	for _, n := range []string{"synced-a", "synced-b"} {
		cs := &v1alpha1.ComplianceScan{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: n}}
		cs.Spec.ForProvider.SpecificationRef.Name = spec.GetName()
		cs.Spec.ForProvider.TargetRef = &v1alpha1.LocalRef{Name: "synced"}
		cs.Spec.ForProvider.Interval = &metav1.Duration{Duration: time.Hour} // Only a request scans again.
		require.NoError(t, hub.Create(ctx, cs))
	}
	first := map[string]*v1alpha1.ComplianceScan{}
	for _, n := range []string{"synced-a", "synced-b"} {
		waitFor(t, "the first scan of "+n, func() (bool, error) {
			cs := &v1alpha1.ComplianceScan{}
			if err := hub.Get(ctx, client.ObjectKey{Namespace: ns, Name: n}, cs); err != nil {
				return false, err
			}
			first[n] = cs
			if cs.Status.AtProvider.LastScanTime == nil || cs.Status.AtProvider.Report == "" {
				return false, fmt.Errorf("status %+v", cs.Status.AtProvider)
			}
			return true, nil
		})
	}
	// A request in the second of the first scan would be answered by it:
	// wait for the next second, so only a new scan answers.
	waitFor(t, "a second after the first scans", func() (bool, error) {
		for _, cs := range first {
			if !time.Now().Truncate(time.Second).After(cs.Status.AtProvider.LastScanTime.Time) {
				return false, nil
			}
		}
		return true, nil
	})

	code, out, errOut := kspec("cluster", "sync", "synced", "--kubeconfig", kubeconfig, "--timeout", "2m")
	require.Contains(t, []int{cli.ExitOK, cli.ExitInvalid}, code, errOut)
	for _, n := range []string{"synced-a", "synced-b"} {
		cs := &v1alpha1.ComplianceScan{}
		require.NoError(t, hub.Get(ctx, client.ObjectKey{Namespace: ns, Name: n}, cs))
		a := cs.Status.AtProvider
		assert.True(t, a.LastScanTime.After(first[n].Status.AtProvider.LastScanTime.Time), "%s scanned again", n)
		assert.NotEqual(t, first[n].Status.AtProvider.Report, a.Report, "%s wrote a new report", n)
		assert.Contains(t, cs.GetAnnotations(), compliancescan.AnnotationScanRequestedAt)
		assert.Contains(t, out, fmt.Sprintf("%s/%s: score %d (%d passed, %d failed, %d skipped)", ns, n, a.Score, a.Passed, a.Failed, a.Skipped))
		if a.Failed > 0 {
			assert.Equal(t, cli.ExitInvalid, code)
		}
	}

	// One line, exit 2: a missing target, a target without scans, an
	// unreachable hub.
	register(t, "idle")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"absent"}, "ClusterTarget kspec-system/absent not found"},
		{[]string{"idle"}, "no ComplianceScan in namespace kspec-system scans ClusterTarget idle"},
		{[]string{"synced", "--context", "nowhere"}, "https://127.0.0.1:1"},
	} {
		code, out, errOut := kspec(append([]string{"cluster", "sync", "--kubeconfig", kubeconfig}, tc.args...)...)
		assert.Equal(t, cli.ExitUsage, code, tc.args)
		assert.Empty(t, out, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %s", errOut)
	}
}
