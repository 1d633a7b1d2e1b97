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

// Package evidence tests the evidence formats against a real API server:
// PolicyReports created with strict field validation on the Policy WG's
// CRDs, and kspec report reading ComplianceReports and DriftReports.
package evidence

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/cli"
	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/report"
	reportjson "github.com/kspec-io/kspec/internal/report/json"
	"github.com/kspec-io/kspec/internal/report/policyreport"
	"github.com/kspec-io/kspec/internal/report/reporttest"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/test/harness"
)

// kyvernoModule ships the wgpolicyk8s.io CRDs in config/crds/policyreport.
const kyvernoModule = "github.com/kyverno/kyverno@v1.19.1"

var (
	k8s        client.Client
	kubeconfig string
)

func TestMain(m *testing.M) {
	os.Exit(harness.Envtest(m, run))
}

func run(m *testing.M) int {
	crds, err := validate.KspecCRDs()
	harness.Must(err)
	ky, err := harness.ModuleDir(kyvernoModule)
	harness.Must(err)
	env := &envtest.Environment{
		CRDs:                  crds,
		CRDDirectoryPaths:     []string{filepath.Join(ky, "config", "crds", "policyreport")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	harness.Must(err)
	defer func() { harness.Must(env.Stop()) }()

	s := runtime.NewScheme()
	harness.Must(clientgoscheme.AddToScheme(s))
	harness.Must(extv1.AddToScheme(s))
	harness.Must(reportsv1alpha1.AddToScheme(s))
	k8s, err = client.New(cfg, client.Options{Scheme: s})
	harness.Must(err)
	user, err := env.AddUser(envtest.User{Name: "auditor", Groups: []string{"system:masters"}}, nil)
	harness.Must(err)
	kc, err := user.KubeConfig()
	harness.Must(err)
	dir, err := os.MkdirTemp("", "kspec-evidence")
	harness.Must(err)
	defer func() { _ = os.RemoveAll(dir) }()
	kubeconfig = filepath.Join(dir, "kubeconfig")
	harness.Must(os.WriteFile(kubeconfig, kc, 0o600))
	return m.Run()
}

func namespace(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		require.NoError(t, err)
	}
}

// createAll creates every YAML document with strict field validation, as
// kubectl apply --validate=strict does, and returns them.
func createAll(t *testing.T, ctx context.Context, data []byte) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, d := range manifest.Parse("policyreports", data) {
		require.NoError(t, d.Err)
		u := d.Object.DeepCopy()
		if ns := u.GetNamespace(); ns != "" {
			namespace(t, ctx, ns)
		}
		require.NoError(t, k8s.Create(ctx, u, client.FieldValidation(metav1.FieldValidationStrict)), "%s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
		out = append(out, u)
	}
	return out
}

func deleteAll(t *testing.T, ctx context.Context, us []*unstructured.Unstructured) {
	t.Helper()
	for _, u := range us {
		require.NoError(t, client.IgnoreNotFound(k8s.Delete(ctx, u)))
	}
}

// TestPolicyReportsAccepted: what -o policyreport writes, from kspec
// check on the examples and from fixed reports, is accepted by an API
// server with the wgpolicyk8s.io CRDs and strict field validation, and
// reads back as written.
func TestPolicyReportsAccepted(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()

	var out, errOut bytes.Buffer
	code := cli.Run([]string{"check", "-f", "../../examples/specs/strict.yaml", "--now", "2026-12-01T00:00:00Z", "-o", "policyreport", "../../examples/manifests"}, nil, &out, &errOut)
	require.Contains(t, []int{cli.ExitOK, cli.ExitInvalid}, code, errOut.String())
	created := createAll(t, ctx, out.Bytes())
	require.NotEmpty(t, created)
	var kinds []string
	for _, u := range created {
		kinds = append(kinds, u.GetKind())
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(u.GroupVersionKind())
		require.NoError(t, k8s.Get(ctx, client.ObjectKeyFromObject(u), got))
		assert.Equal(t, u.Object["results"], got.Object["results"], "the results read back as written")
		assert.Equal(t, u.Object["summary"], got.Object["summary"])
	}
	assert.Contains(t, kinds, policyreport.KindPolicyReport)
	deleteAll(t, ctx, created)

	// A report at the bounds: the most results, the longest messages.
	rep := &report.Report{Specification: "bounds", Time: "2026-12-01T00:00:00Z", Rules: []report.Rule{reporttest.Sample().Rules[0]}}
	for i := range policyreport.MaxResults + 5 {
		rep.Results = append(rep.Results, report.Result{
			Rule: rep.Rules[0].ID, Severity: "High", Status: rules.Fail, Location: &report.Location{Source: strings.Repeat("d/", 200) + "pods.yaml", Line: i + 1},
			Object:  rules.ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: "bounds", Name: strings.Repeat("p", 200) + string(rune('a'+i%26)) + "-" + strings.Repeat("x", i%50)},
			Message: strings.Repeat("é", 3000), Exemption: strings.Repeat("e", 500),
		})
	}
	for _, fixture := range []*report.Report{reporttest.Sample(), reporttest.Fleet(), reporttest.Hostile(), rep} {
		var b bytes.Buffer
		require.NoError(t, policyreport.Write(&b, fixture))
		deleteAll(t, ctx, createAll(t, ctx, b.Bytes()))
	}
}

func complianceReport(name, cluster, spec string, at time.Time, score int32, results ...reportsv1alpha1.CheckResult) *reportsv1alpha1.ComplianceReport {
	var sum reportsv1alpha1.ReportSummary
	for _, r := range results {
		sum.Total++
		switch r.Status {
		case reportsv1alpha1.ResultPass:
			sum.Passed++
		case reportsv1alpha1.ResultFail:
			sum.Failed++
		}
	}
	sum.Score = score
	return &reportsv1alpha1.ComplianceReport{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kspec-system"},
		Spec: reportsv1alpha1.ComplianceReportSpec{
			Source:   reportsv1alpha1.Source{Specification: spec, Cluster: cluster},
			ScanTime: metav1.NewTime(at), KspecVersion: "test", Summary: sum, Results: results,
		},
	}
}

var (
	privFail = reportsv1alpha1.CheckResult{
		ID: "workload.security/privileged", Category: "workload.security", Title: "Containers are not privileged", Status: reportsv1alpha1.ResultFail,
		Severity: reportsv1alpha1.SeverityCritical, Remediation: "Set privileged: false.", Controls: []string{"NIST-800-53/AC-6(10)"}, Violations: 25,
		Findings: []reportsv1alpha1.Finding{{Object: &reportsv1alpha1.ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: "shop", Name: "miner"}, Message: "container c is privileged"}},
	}
	privPass = reportsv1alpha1.CheckResult{ID: "workload.security/privileged", Category: "workload.security", Status: reportsv1alpha1.ResultPass, Severity: reportsv1alpha1.SeverityCritical}
	verFail  = reportsv1alpha1.CheckResult{ID: "kubernetes.version/supported", Category: "kubernetes.version", Status: reportsv1alpha1.ResultFail, Severity: reportsv1alpha1.SeverityCritical, Message: "1.29 is out of support"}
	verPass  = reportsv1alpha1.CheckResult{ID: "kubernetes.version/supported", Category: "kubernetes.version", Status: reportsv1alpha1.ResultPass, Severity: reportsv1alpha1.SeverityCritical}
)

func kspec(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := cli.Run(args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestReport: kspec report reads what the provider stores, the latest
// scan of every target, one by name, or a fleet summary, in every format.
func TestReport(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	namespace(t, ctx, "kspec-system")
	t0 := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	objs := []client.Object{
		complianceReport("prod-strict-1", "kspec-system/prod", "strict", t0, 100, privPass, verPass),
		complianceReport("prod-strict-2", "kspec-system/prod", "strict", t0.Add(24*time.Hour), 50, privFail, verPass),
		complianceReport("staging-strict-1", "kspec-system/staging", "strict", t0.Add(23*time.Hour), 50, privPass, verFail),
		&reportsv1alpha1.DriftReport{
			ObjectMeta: metav1.ObjectMeta{Name: "prod-drift-1", Namespace: "kspec-system"},
			Spec: reportsv1alpha1.DriftReportSpec{
				Source: reportsv1alpha1.Source{Specification: "strict", Cluster: "kspec-system/prod"}, DetectionTime: metav1.NewTime(t0.Add(25 * time.Hour)),
				Severity: reportsv1alpha1.SeverityCritical, TotalEvents: 2,
				Events: []reportsv1alpha1.DriftEvent{{Type: reportsv1alpha1.DriftNewViolation, Rule: "workload.security/privileged", Severity: reportsv1alpha1.SeverityCritical, Message: "new"}},
			},
		},
	}
	for _, o := range objs {
		require.NoError(t, k8s.Create(ctx, o, client.FieldValidation(metav1.FieldValidationStrict)))
	}
	t.Cleanup(func() {
		for _, o := range objs {
			_ = k8s.Delete(ctx, o)
		}
	})

	// The latest of every target.
	code, out, errOut := kspec("report", "--kubeconfig", kubeconfig, "-o", "json")
	require.Equal(t, cli.ExitInvalid, code, "failures exit 1, as kspec check: %s", errOut)
	require.NoError(t, reportjson.Validate([]byte(out)))
	var rep report.Report
	require.NoError(t, yaml.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "2026-12-01T06:00:00Z", rep.Time, "the latest scan's time")
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Cluster+" "+r.Rule+" "+string(r.Status)+" "+r.Object.String())
	}
	assert.Equal(t, []string{
		"kspec-system/prod workload.security/privileged Fail Pod/shop/miner",
		"kspec-system/prod kubernetes.version/supported Pass Cluster/kspec-system/prod",
		"kspec-system/staging workload.security/privileged Pass Cluster/kspec-system/staging",
		"kspec-system/staging kubernetes.version/supported Fail Cluster/kspec-system/staging",
	}, got, "prod's older scan is history, not the latest")
	assert.Contains(t, rep.Warnings, "kspec-system/prod: workload.security/privileged: 24 more violations than the report kspec-system/prod-strict-2 keeps")
	assert.Contains(t, rep.Rules[0].Controls, "NIST-800-53 AC-6(10)", "the stored mapping is kept")
	assert.Contains(t, rep.Rules[0].Controls, "CIS-Kubernetes 5.2.2", "and merged with the catalogs for other frameworks")
	assert.NotContains(t, rep.Rules[0].Controls, "NIST-800-53 AC-6", "the stored NIST mapping has the last word on NIST")

	// The fleet.
	code, out, _ = kspec("report", "--kubeconfig", kubeconfig, "--fleet", "-o", "json")
	require.Equal(t, cli.ExitInvalid, code)
	require.NoError(t, reportjson.Validate([]byte(out)))
	rep = report.Report{}
	require.NoError(t, yaml.Unmarshal([]byte(out), &rep))
	require.NotNil(t, rep.Fleet)
	require.Len(t, rep.Fleet.Targets, 2)
	prod := rep.Fleet.Targets[0]
	assert.Equal(t, "kspec-system/prod", prod.Cluster)
	assert.Equal(t, 50, prod.Score)
	assert.Equal(t, []report.Point{{Time: "2026-11-30T06:00:00Z", Score: 100}, {Time: "2026-12-01T06:00:00Z", Score: 50}}, prod.Trend)
	assert.Equal(t, 2, prod.Drift)
	require.Len(t, rep.Fleet.WorstRules, 2)
	assert.Equal(t, "workload.security/privileged", rep.Fleet.WorstRules[0].ID, "more violations rank first among rules failing on as many clusters")

	// One by name.
	code, out, _ = kspec("report", "--kubeconfig", kubeconfig, "--name", "prod-strict-1", "-o", "json")
	require.Equal(t, cli.ExitOK, code, "an old passing scan")
	assert.Contains(t, out, `"time": "2026-11-30T06:00:00Z"`)

	// Every format, twice: the same bytes.
	for _, format := range []string{"text", "json", "sarif", "markdown", "oscal", "junit", "policyreport"} {
		code1, out1, err1 := kspec("report", "--kubeconfig", kubeconfig, "--fleet", "-o", format)
		code2, out2, _ := kspec("report", "--kubeconfig", kubeconfig, "--fleet", "-o", format)
		require.Equal(t, cli.ExitInvalid, code1, "%s: %s", format, err1)
		assert.Equal(t, code1, code2)
		assert.Equal(t, out1, out2, "%s: two runs, the same bytes", format)
		assert.NotEmpty(t, out1, format)
	}
	code, out, _ = kspec("report", "--kubeconfig", kubeconfig, "--fleet", "-o", "policyreport")
	require.Equal(t, cli.ExitInvalid, code)
	deleteAll(t, ctx, createAll(t, ctx, []byte(out)))

	// Filters and lookups that find nothing.
	code, _, errOut = kspec("report", "--kubeconfig", kubeconfig, "--cluster", "nowhere")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Equal(t, "kspec: no ComplianceReports in any namespace for cluster nowhere\n", errOut)
	code, _, errOut = kspec("report", "--kubeconfig", kubeconfig, "--name", "nope", "-n", "kspec-system")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Equal(t, "kspec: no ComplianceReport nope in namespace kspec-system\n", errOut)
}

// TestReportBadInput: a cluster that cannot be reached, a kubeconfig that
// cannot be read, an unknown context or format: exit 2 and one line.
func TestReportBadInput(t *testing.T) {
	harness.SkipShort(t)
	dir := t.TempDir()
	dead := filepath.Join(dir, "dead")
	require.NoError(t, os.WriteFile(dead, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
users: [{name: u, user: {token: x}}]
`), 0o600))
	garbage := filepath.Join(dir, "garbage")
	require.NoError(t, os.WriteFile(garbage, []byte("{{{ not yaml"), 0o600))
	cases := map[string]struct {
		args []string
		want string
	}{
		"Unreachable":   {args: []string{"--kubeconfig", dead, "--timeout", "5s"}, want: "kspec: cannot read reports from https://127.0.0.1:1: "},
		"Missing":       {args: []string{"--kubeconfig", filepath.Join(dir, "none")}, want: "kspec: cannot load kubeconfig: "},
		"Unreadable":    {args: []string{"--kubeconfig", garbage}, want: "kspec: cannot load kubeconfig: "},
		"NoSuchContext": {args: []string{"--kubeconfig", kubeconfig, "--context", "nope"}, want: "kspec: cannot load kubeconfig: "},
		"UnknownFormat": {args: []string{"--kubeconfig", kubeconfig, "-o", "pdf"}, want: "kspec: --output must be one of"},
		"NameAndFleet":  {args: []string{"--kubeconfig", kubeconfig, "--name", "x", "--fleet"}, want: "kspec: --name exports one report; --fleet summarises many"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := kspec(append([]string{"report"}, tc.args...)...)
			assert.Equal(t, cli.ExitUsage, code)
			assert.Empty(t, out)
			assert.True(t, strings.HasPrefix(errOut, tc.want), "got %q", errOut)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		})
	}
}
