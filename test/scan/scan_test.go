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

package scan_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	certutil "k8s.io/client-go/util/cert"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/internal/cli"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/output"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/scan"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/test/harness"
)

const now = "2026-12-01T00:00:00Z"

var specs = []string{"minimal", "moderate", "strict", "comprehensive", "team-claim"}

func specPath(name string) string {
	return filepath.Join("..", "..", "examples", "specs", name+".yaml")
}

func compile(t testing.TB, path string) *rules.Set {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	spec, err := validate.ReadSpecification(context.Background(), path, data)
	require.NoError(t, err)
	set, err := rules.Compile(spec)
	require.NoError(t, err)
	return set
}

// kspecScan runs kspec scan -o json and decodes its report.
func kspecScan(t *testing.T, args ...string) (*report.Report, int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(append([]string{"scan", "--now", now, "-o", "json", "--specs", filepath.Join("..", "..", "examples", "specs")}, args...), nil, &out, &errOut)
	if code != cli.ExitOK && code != cli.ExitInvalid && code != cli.ExitUsage {
		t.Fatalf("kspec scan exited %d: %s", code, errOut.String())
	}
	if out.Len() == 0 {
		return nil, code, errOut.String()
	}
	var rep report.Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep), "kspec scan's JSON: %s", out.String())
	return &rep, code, errOut.String()
}

// export writes every Namespace and every object of the set's kinds, as
// the API server serves them, to a file of YAML documents.
func export(t *testing.T, set *rules.Set) string {
	t.Helper()
	dyn, err := dynamic.NewForConfig(cfg)
	require.NoError(t, err)
	var buf bytes.Buffer
	kinds := set.Kinds()
	if !slices.Contains(kinds, rules.KindNamespace) {
		kinds = append(kinds, rules.KindNamespace)
	}
	for _, k := range kinds {
		l, err := dyn.Resource(schema.GroupVersionResource{Group: k.Group, Version: k.Version, Resource: k.Resource}).List(context.Background(), metav1.ListOptions{})
		require.NoError(t, err)
		for _, o := range l.Items {
			y, err := yaml.Marshal(o.Object)
			require.NoError(t, err)
			buf.WriteString("---\n")
			buf.Write(y)
		}
	}
	path := filepath.Join(t.TempDir(), "exported.yaml")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	return path
}

// keys are results as comparable lines, sorted.
func keys(rs []report.Result, keep func(report.Result) bool) []string {
	var out []string
	for _, r := range rs {
		if keep(r) {
			out = append(out, fmt.Sprintf("%s %s %s: %s %q %s", r.Rule, r.Object, r.Status, r.Severity, r.Message, r.Exemption))
		}
	}
	slices.Sort(out)
	return out
}

// TestScanAgreesWithCheck: for every example spec, kspec scan of the API
// server and kspec check of the same objects exported from it give the
// same object results; the scan adds the cluster-level rules.
func TestScanAgreesWithCheck(t *testing.T) {
	harness.SkipShort(t)
	for _, name := range specs {
		t.Run(name, func(t *testing.T) {
			set := compile(t, specPath(name))
			scanned, code, stderr := kspecScan(t, "-f", specPath(name), "--kubeconfig", admin)
			require.NotNil(t, scanned, stderr)
			assert.Empty(t, scanned.InputErrors)
			checked, err := harness.Check(specPath(name), now, export(t, set))
			require.NoError(t, err)

			objectRule := map[string]bool{}
			for _, r := range set.ObjectRules() {
				objectRule[r.ID] = true
			}
			onObjects := func(r report.Result) bool { return objectRule[r.Rule] }
			want := keys(checked.Results, onObjects)
			if len(objectRule) > 0 {
				require.NotEmpty(t, want)
			}
			assert.Equal(t, want, keys(scanned.Results, onObjects))

			// Every cluster-level rule was evaluated, none left out.
			assert.Empty(t, scanned.NotEvaluated)
			for _, r := range set.ClusterRules() {
				assert.True(t, slices.ContainsFunc(scanned.Results, func(x report.Result) bool { return x.Rule == r.ID }), "no result of %s", r.ID)
			}
			wantCode := cli.ExitOK
			if scanned.Summary.Failed() {
				wantCode = cli.ExitInvalid
			}
			assert.Equal(t, wantCode, code)
			assert.Equal(t, len(scanned.Results), scanned.Summary.Pass+scanned.Summary.Fail+scanned.Summary.Warn+scanned.Summary.Skip+scanned.Summary.Error)
		})
	}
}

// TestClusterLevel: the snapshot holds what the seed put there.
func TestClusterLevel(t *testing.T) {
	harness.SkipShort(t)
	rep, _, stderr := kspecScan(t, "-f", specPath("strict"), "--kubeconfig", admin)
	require.NotNil(t, rep, stderr)
	status := func(rule, name string) rules.Status {
		for _, r := range rep.Results {
			if r.Rule == rule && r.Object.Name == name {
				return r.Status
			}
		}
		return ""
	}
	assert.Equal(t, rules.Pass, status("admission.controllers/webhooks", "kyverno-.*"), "the seeded kyverno-resource-validating-webhook-cfg")
	assert.Equal(t, rules.Fail, status("admission.controllers/policies", ""), "no admission policies")
	assert.Equal(t, rules.Pass, status("network.policies/default-deny", "team-a"))
	assert.Equal(t, rules.Fail, status("network.policies/default-deny", "team-b"))
	assert.Equal(t, rules.Pass, status("kubernetes.version/supported", ""), "envtest's API server is in 1.33-1.37")
	assert.Equal(t, rules.Fail, status("observability.validation/metrics", "prometheus"))
}

// countingConfig counts the list requests of a resource path and those
// that continue a list.
func countingConfig(path string, lists, continues *atomic.Int64) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == path {
				lists.Add(1)
				if r.URL.Query().Get("continue") != "" {
					continues.Add(1)
				}
			}
			return rt.RoundTrip(r)
		})
	}
	return c
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestPaging: with a small page the scan reads pods in many pages and
// finds exactly what one page finds.
func TestPaging(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	ns := "paging"
	require.NoError(t, k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	const pods = 40
	for i := range pods {
		require.NoError(t, k8s.Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("p-%02d", i)},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
		}))
	}
	set := compile(t, specPath("strict"))
	var lists, continues atomic.Int64
	at, err := time.Parse(time.RFC3339, now)
	require.NoError(t, err)
	var progress []scan.Progress
	small, err := scan.Scan(ctx, countingConfig("/api/v1/pods", &lists, &continues), set, scan.Options{Now: at, PageSize: 3, Progress: func(p scan.Progress) { progress = append(progress, p) }}, nil)
	require.NoError(t, err)
	var l, c atomic.Int64
	whole, err := scan.Scan(ctx, countingConfig("/api/v1/pods", &l, &c), set, scan.Options{Now: at, PageSize: 10000}, nil)
	require.NoError(t, err)

	assert.GreaterOrEqual(t, lists.Load(), int64(pods/3), "pods are listed in pages of 3")
	assert.Equal(t, lists.Load()-1, continues.Load(), "every page after the first continues the list")
	assert.Equal(t, int64(1), l.Load(), "one page of 10000")
	all := func(report.Result) bool { return true }
	assert.Equal(t, keys(whole.Results, all), keys(small.Results, all))
	assert.Equal(t, whole.Summary, small.Summary)
	assert.True(t, slices.ContainsFunc(progress, func(p scan.Progress) bool { return p.Resource == "v1/pods" && p.Listed == 3 }), "progress after the first page of pods")
}

// TestForbidden: a scanner that may list Namespaces but nothing else gets
// an input error for each kind it could not list, exit 2, never a pass.
func TestForbidden(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	require.NoError(t, k8s.Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "namespaces-only"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"list"}}},
	}))
	require.NoError(t, k8s.Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "namespaces-only"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "namespaces-only"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "limited"}},
	}))
	kc := filepath.Join(t.TempDir(), "limited.kubeconfig")
	require.NoError(t, writeKubeconfig(kc, envtest.User{Name: "limited"}))

	rep, code, stderr := kspecScan(t, "-f", specPath("moderate"), "--kubeconfig", kc)
	require.NotNil(t, rep, stderr)
	assert.Equal(t, cli.ExitUsage, code)
	require.NotEmpty(t, rep.InputErrors)
	assert.Contains(t, rep.InputErrors[0].Message, "cannot list v1/pods")
	assert.Contains(t, rep.InputErrors[0].Message, "forbidden")
	for _, r := range rep.Results {
		assert.NotEqual(t, "Pod", r.Object.Kind, "no result on an object it could not list")
	}

	// Without Namespaces nothing can be judged: one line, exit 2.
	none := filepath.Join(t.TempDir(), "nobody.kubeconfig")
	require.NoError(t, writeKubeconfig(none, envtest.User{Name: "nobody"}))
	rep, code, stderr = kspecScan(t, "-f", specPath("minimal"), "--kubeconfig", none)
	assert.Nil(t, rep)
	assert.Equal(t, cli.ExitUsage, code)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, "cannot list namespaces")
}

// TestUnreachable: a cluster that does not answer, a CA that does not
// sign its certificate, a context that does not exist: one line, exit 2,
// nothing on standard output.
func TestUnreachable(t *testing.T) {
	harness.SkipShort(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := l.Addr().String()
	require.NoError(t, l.Close())
	good, err := os.ReadFile(admin)
	require.NoError(t, err)

	var kc map[string]any
	require.NoError(t, yaml.Unmarshal(good, &kc))
	cluster := kc["clusters"].([]any)[0].(map[string]any)["cluster"].(map[string]any)
	server := cluster["server"].(string)

	write := func(mutate func()) string {
		var c map[string]any
		require.NoError(t, yaml.Unmarshal(good, &c))
		kc = c
		cluster = kc["clusters"].([]any)[0].(map[string]any)["cluster"].(map[string]any)
		mutate()
		y, err := yaml.Marshal(kc)
		require.NoError(t, err)
		p := filepath.Join(t.TempDir(), "kubeconfig")
		require.NoError(t, os.WriteFile(p, y, 0o600))
		return p
	}
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"closed port": {[]string{"--kubeconfig", write(func() { cluster["server"] = "https://" + closed })}, "cannot reach the cluster at https://" + closed},
		"wrong CA": {[]string{"--kubeconfig", write(func() {
			// Another CA than the one that signed the serving certificate.
			cluster["certificate-authority-data"] = otherCA(t)
		})}, "cannot reach the cluster at " + server},
		"no such context": {[]string{"--kubeconfig", admin, "--context", "nope"}, `context "nope" does not exist`},
		"no such file":    {[]string{"--kubeconfig", filepath.Join(t.TempDir(), "missing")}, "missing"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := cli.Run(append([]string{"scan", "-f", specPath("minimal")}, c.args...), nil, &out, &errOut)
			assert.Equal(t, cli.ExitUsage, code)
			assert.Empty(t, out.String())
			assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), errOut.String())
			assert.Contains(t, errOut.String(), c.want)
		})
	}
}

// otherCA is a CA certificate, base64 as kubeconfigs hold it, that signed
// nothing the API server serves.
func otherCA(t *testing.T) string {
	t.Helper()
	pem, _, err := certutil.GenerateSelfSignedCertKey("other-ca", nil, nil)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(pem)
}

// TestLeastRBAC: an identity bound to exactly examples/scan/rbac.yaml
// scans every example without an input error and finds what an
// administrator finds.
func TestLeastRBAC(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "scan", "rbac.yaml"))
	require.NoError(t, err)
	var role rbacv1.ClusterRole
	require.NoError(t, yaml.UnmarshalStrict(data, &role))
	require.NoError(t, k8s.Create(ctx, &role))
	require.NoError(t, k8s.Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "kspec-scanner"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "scanner"}},
	}))
	kc := filepath.Join(t.TempDir(), "scanner.kubeconfig")
	require.NoError(t, writeKubeconfig(kc, envtest.User{Name: "scanner"}))
	for _, name := range specs {
		t.Run(name, func(t *testing.T) {
			least, _, stderr := kspecScan(t, "-f", specPath(name), "--kubeconfig", kc)
			require.NotNil(t, least, stderr)
			assert.Empty(t, least.InputErrors)
			full, _, stderr := kspecScan(t, "-f", specPath(name), "--kubeconfig", admin)
			require.NotNil(t, full, stderr)
			// The ClusterRoles differ by the one just created.
			notRBAC := func(r report.Result) bool {
				return r.Object.Name != role.Name && !strings.HasPrefix(r.Rule, "rbac.validation/")
			}
			assert.Equal(t, keys(full.Results, notRBAC), keys(least.Results, notRBAC))
		})
	}
}

// TestEveryFormat: kspec scan writes every format kspec check writes.
func TestEveryFormat(t *testing.T) {
	harness.SkipShort(t)
	for _, format := range output.Formats {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := cli.Run([]string{"scan", "-f", specPath("moderate"), "--now", now, "--kubeconfig", admin, "-o", format}, nil, &out, &errOut)
			assert.Equal(t, cli.ExitInvalid, code, errOut.String())
			assert.NotEmpty(t, out.String())
			assert.NotContains(t, errOut.String(), "scanning", "no progress when standard error is no terminal")
		})
	}
}
