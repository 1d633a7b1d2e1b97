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

package provider_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/provider"
	"github.com/kspec-io/kspec/provider/compliancescan"
)

// Lease settings of the failover test: short, so a handover takes
// seconds; the defaults (15 s / 10 s / 2 s) scale the same arithmetic.
const (
	failoverLease = 4 * time.Second
	failoverRenew = 3 * time.Second
	failoverRetry = time.Second
	// failoverInterval is longer than a handover, so the new leader
	// takes over before the next scan is due and must wait for it.
	failoverInterval = 8 * time.Second
	failoverLeaseNS  = "crossplane-system"
	failoverLeaseID  = "provider-kspec.kspec.io"
	failoverNS       = "failover"
	failoverScan     = "ha"
)

// TestLeaderFailover runs two provider-kspec processes (the real binary)
// with leader election on one Lease, kills the leader with SIGKILL (no
// release: the Lease must expire) and checks that the standby takes over,
// that scans continue, and that no scan is duplicated across the
// handover: the standby never scans while it waits, and consecutive scans
// are at least the interval apart.
//
// The processes get a control plane of their own: the in-process
// controllers of TestMain reconcile every ComplianceScan of the shared
// one, and would scan beside them.
func TestLeaderFailover(t *testing.T) {
	skipShort(t)
	bin := buildProvider(t)

	crds, err := validate.KspecCRDs()
	require.NoError(t, err)
	env := &envtest.Environment{CRDs: crds}
	cfg, err := env.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = env.Stop() })
	s := runtime.NewScheme()
	require.NoError(t, provider.AddToScheme(s))
	kube, err := client.New(cfg, client.Options{Scheme: s})
	require.NoError(t, err)
	for _, ns := range []string{failoverLeaseNS, failoverNS} {
		require.NoError(t, kube.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(kc, kubeconfig(cfg), 0o600))

	// The scan: the moderate example, of the provider's own cluster.
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "specs", "moderate.yaml"))
	require.NoError(t, err)
	u := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal(data, &u.Object))
	require.NoError(t, kube.Create(ctx, u))
	require.NoError(t, kube.Create(ctx, &v1alpha1.ComplianceScan{
		ObjectMeta: metav1.ObjectMeta{Namespace: failoverNS, Name: failoverScan},
		Spec: v1alpha1.ComplianceScanSpec{ForProvider: v1alpha1.ComplianceScanParameters{
			SpecificationRef: v1alpha1.SpecificationRef{Name: u.GetName()},
			Interval:         &metav1.Duration{Duration: failoverInterval},
			ReportHistory:    100, // Keep every report: they are the record of every scan.
		}},
	}))

	// The first process takes the Lease before the second starts, so the
	// leader is known.
	a := startProvider(t, bin, kc, "a")
	leader := waitLeader(t, kube, "")
	b := startProvider(t, bin, kc, "b")
	waitFor(t, "the standby's metrics", func() (bool, error) {
		_, err := b.scans()
		return err == nil, err
	})
	waitFor(t, "two scans by the leader", func() (bool, error) {
		n, err := a.scans()
		return n >= 2, err
	})

	// The standby waits: it has not scanned, nor taken the Lease.
	n, err := b.scans()
	require.NoError(t, err)
	require.Zero(t, n, "the standby scanned while the leader held the Lease")
	require.Equal(t, leader, holder(t, kube))

	killed := time.Now()
	require.NoError(t, a.cmd.Process.Signal(syscall.SIGKILL))
	_, _ = a.cmd.Process.Wait()
	// The old leader's reports, all of them now that it is gone; the
	// standby cannot hold the Lease yet, it has not expired.
	before := reports(t, kube)
	require.GreaterOrEqual(t, len(before), 2)
	newLeader := waitLeader(t, kube, leader)
	lease := &coordinationv1.Lease{}
	require.NoError(t, kube.Get(ctx, client.ObjectKey{Namespace: failoverLeaseNS, Name: failoverLeaseID}, lease))
	acquired := lease.Spec.AcquireTime.Time
	require.NotEqual(t, leader, newLeader)

	var firstScan time.Time
	waitFor(t, "a scan by the new leader", func() (bool, error) {
		n, err := b.scans()
		if n >= 1 && firstScan.IsZero() {
			firstScan = time.Now()
		}
		return n >= 2, err
	})
	after := reports(t, kube)
	n, err = b.scans()
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, 2)
	// Every report is a scan: the new leader's are those after the old
	// leader's, none twice.
	require.Len(t, after, len(before)+n, "reports %v", after)
	require.Equal(t, before, after[:len(before)])

	// No two scans closer than the interval, across the handover too: the
	// new leader waited for the due time the old leader's last scan set.
	for i := 1; i < len(after); i++ {
		gap := after[i].Sub(after[i-1])
		require.GreaterOrEqual(t, gap, failoverInterval, "scans at %s and %s: %s apart, interval %s", after[i-1], after[i], gap, failoverInterval)
	}

	last := before[len(before)-1]
	dueAt := last.Add(time.Second + failoverInterval)
	t.Logf("lease %s/%s/%s: killed the leader %s after its last scan; the standby acquired the Lease %s after the kill; its first scan %s after the kill (the next scan was due %s after it)",
		failoverLease, failoverRenew, failoverRetry,
		killed.Sub(last).Round(100*time.Millisecond), acquired.Sub(killed).Round(10*time.Millisecond),
		firstScan.Sub(killed).Round(100*time.Millisecond), dueAt.Sub(killed).Round(100*time.Millisecond))
}

// reports lists the scan times of the failover scan's ComplianceReports,
// oldest first.
func reports(t *testing.T, kube client.Client) []time.Time {
	t.Helper()
	l := &reportsv1alpha1.ComplianceReportList{}
	require.NoError(t, kube.List(ctx, l, client.InNamespace(failoverNS), client.MatchingLabels{compliancescan.LabelScan: failoverScan}))
	var ts []time.Time
	for _, r := range l.Items {
		ts = append(ts, r.Spec.ScanTime.Time)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// holder is the Lease's holder, "" when none.
func holder(t *testing.T, kube client.Client) string {
	t.Helper()
	l := &coordinationv1.Lease{}
	if err := kube.Get(ctx, client.ObjectKey{Namespace: failoverLeaseNS, Name: failoverLeaseID}, l); err != nil || l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

// waitLeader waits until the Lease is held by someone other than prev.
func waitLeader(t *testing.T, kube client.Client, prev string) string {
	t.Helper()
	var h string
	waitFor(t, "a leader other than "+strconv.Quote(prev), func() (bool, error) {
		h = holder(t, kube)
		return h != "" && h != prev, nil
	})
	return h
}

// buildProvider builds cmd/provider-kspec, the binary users run.
func buildProvider(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	require.NoError(t, err, "the failover test builds cmd/provider-kspec with the go command")
	bin := filepath.Join(t.TempDir(), "provider-kspec")
	out, err := exec.CommandContext(ctx, gobin, "build", "-o", bin, "github.com/kspec-io/kspec/cmd/provider-kspec").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

type providerProcess struct {
	cmd     *exec.Cmd
	metrics string
}

// startProvider runs the provider against the kubeconfig kc with leader
// election; its log goes to a file, shown when the test fails.
func startProvider(t *testing.T, bin, kc, name string) *providerProcess {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	logPath := filepath.Join(t.TempDir(), name+".log")
	log, err := os.Create(logPath) //nolint:gosec // A file of the test's temporary directory.
	require.NoError(t, err)
	cmd := exec.Command(bin, //nolint:gosec // The binary this test built.
		"--kubeconfig", kc,
		"--leader-election", "--leader-election-namespace", failoverLeaseNS, "--leader-election-id", failoverLeaseID,
		"--lease-duration", failoverLease.String(), "--renew-deadline", failoverRenew.String(), "--retry-period", failoverRetry.String(),
		"--poll-interval", "1s", "--request-timeout", "5s", "--scan-timeout", "1m",
		"--metrics-bind-address", addr, "--health-probe-bind-address", "0",
	)
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		_ = log.Close()
		if t.Failed() {
			data, _ := os.ReadFile(logPath) //nolint:gosec // A file of the test's temporary directory.
			t.Logf("log of provider %s:\n%s", name, tail(string(data), 4000))
		}
	})
	return &providerProcess{cmd: cmd, metrics: "http://" + addr + "/metrics"}
}

// scans is the number of successful scans the process counted
// (kspec_scans_total, outcome succeeded), 0 before its first.
func (p *providerProcess) scans() (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.metrics, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return 0, fmt.Errorf("GET %s: %s", p.metrics, resp.Status)
	}
	n := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "kspec_scans_total{") || !strings.Contains(line, `outcome="succeeded"`) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("metric line %q: %w", line, err)
		}
		n += int(v)
	}
	return n, sc.Err()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
