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
	"github.com/kspec-io/kspec/test/harness"
)

// Lease settings of the failover test: short, so a handover takes
// seconds. $KSPEC_FAILOVER_LEASE=LEASE/RENEW/RETRY (15s/10s/2s, the
// defaults) measures others; the scan interval is then twice the lease.
var (
	failoverLease = 3 * time.Second
	failoverRenew = 2 * time.Second
	failoverRetry = 500 * time.Millisecond
	// failoverInterval is longer than a handover, so the new leader
	// takes over before the next scan is due and must wait for it.
	failoverInterval = 5 * time.Second
)

const (
	failoverLeaseNS = "crossplane-system"
	failoverLeaseID = "provider-kspec.kspec.io"
	failoverNS      = "failover"
	failoverScan    = "ha"
)

// TestLeaderFailover runs provider-kspec processes (the real binary) with
// leader election on one Lease. It kills the leader with SIGKILL (no
// release: the Lease must expire), then stops the next leader with SIGTERM
// (a rollout: it releases the Lease) with a third process waiting, and
// checks that each standby takes over, that scans continue, and that no
// scan is duplicated across a handover: a standby never scans while it
// waits, every report is counted by exactly one process, and consecutive
// scans are at least the interval apart.
//
// The processes get a control plane of their own: the in-process
// controllers of TestMain reconcile every ComplianceScan of the shared
// one, and would scan beside them.
func TestLeaderFailover(t *testing.T) {
	harness.SkipShort(t)
	if v := os.Getenv("KSPEC_FAILOVER_LEASE"); v != "" {
		var ds []time.Duration
		for f := range strings.SplitSeq(v, "/") {
			d, err := time.ParseDuration(f)
			require.NoError(t, err, "$KSPEC_FAILOVER_LEASE")
			ds = append(ds, d)
		}
		require.Len(t, ds, 3, "$KSPEC_FAILOVER_LEASE is LEASE/RENEW/RETRY")
		failoverLease, failoverRenew, failoverRetry, failoverInterval = ds[0], ds[1], ds[2], 2*ds[0]
	}
	start := time.Now()
	built := make(chan string, 1)
	go func() { built <- buildProvider(t) }()

	kube, kc := ownControlPlane(t, failoverLeaseNS, failoverNS)

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

	bin := <-built
	require.NotEmpty(t, bin)
	t.Logf("%s: control plane up, provider built", time.Since(start).Round(100*time.Millisecond))

	// The first process takes the Lease before the second starts, so the
	// leader is known.
	a := startProvider(t, bin, kc, "a", failoverFlags()...)
	leader := waitLeader(t, kube, "")
	b := startProvider(t, bin, kc, "b", failoverFlags()...)
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
		return n >= 1, err
	})
	t.Logf("%s: the standby took over and scanned", time.Since(start).Round(100*time.Millisecond))

	// A rollout: a third process waits, the leader stops cleanly
	// (SIGTERM), releases the Lease, and the third takes over at its next
	// retry, without waiting for the Lease to expire.
	c := startProvider(t, bin, kc, "c", failoverFlags()...)
	waitFor(t, "the third process's metrics", func() (bool, error) {
		_, err := c.scans()
		return err == nil, err
	})
	nb, err := b.scans()
	require.NoError(t, err)
	stopped := time.Now()
	require.NoError(t, b.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, b.cmd.Wait(), "provider b after SIGTERM")
	third := waitLeader(t, kube, newLeader)
	require.NoError(t, kube.Get(ctx, client.ObjectKey{Namespace: failoverLeaseNS, Name: failoverLeaseID}, lease))
	released := lease.Spec.AcquireTime.Time
	require.NotEqual(t, leader, third)
	waitFor(t, "a scan by the third process", func() (bool, error) {
		n, err := c.scans()
		return n >= 1, err
	})
	nc, err := c.scans()
	require.NoError(t, err)

	// Every report is a scan, each counted by the process that made it:
	// none twice.
	after := reports(t, kube)
	require.Len(t, after, len(before)+nb+nc, "reports %v", after)
	require.Equal(t, before, after[:len(before)])

	// No two scans closer than the interval, across both handovers: each
	// new leader waited for the due time its predecessor's last scan set.
	for i := 1; i < len(after); i++ {
		gap := after[i].Sub(after[i-1])
		require.GreaterOrEqual(t, gap, failoverInterval, "scans at %s and %s: %s apart, interval %s", after[i-1], after[i], gap, failoverInterval)
	}

	last := before[len(before)-1]
	dueAt := last.Add(time.Second + failoverInterval)
	t.Logf("%s: done", time.Since(start).Round(100*time.Millisecond))
	t.Logf("lease %s/%s/%s, interval %s: SIGKILL: the standby acquired the Lease %s after the kill, its first scan %s after the kill (due %s after it); SIGTERM: the third acquired the Lease %s after the stop",
		failoverLease, failoverRenew, failoverRetry, failoverInterval,
		acquired.Sub(killed).Round(10*time.Millisecond), firstScan.Sub(killed).Round(100*time.Millisecond), dueAt.Sub(killed).Round(100*time.Millisecond),
		released.Sub(stopped).Round(10*time.Millisecond))
}

// ownControlPlane starts a kube-apiserver with kspec's CRDs for provider
// processes, with the namespaces given; it returns a client and a
// kubeconfig file. It stops with the test.
func ownControlPlane(t testing.TB, namespaces ...string) (client.Client, string) {
	t.Helper()
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
	for _, ns := range namespaces {
		require.NoError(t, kube.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(kc, kubeconfig(cfg), 0o600))
	return kube, kc
}

// failoverFlags are the flags of the failover test's processes.
func failoverFlags() []string {
	return []string{
		"--leader-election", "--leader-election-namespace", failoverLeaseNS, "--leader-election-id", failoverLeaseID,
		"--lease-duration", failoverLease.String(), "--renew-deadline", failoverRenew.String(), "--retry-period", failoverRetry.String(),
		"--poll-interval", "1s", "--request-timeout", "5s", "--scan-timeout", "1m",
	}
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
// It runs beside the control plane's start, so it reports with Errorf
// and returns "" on failure.
func buildProvider(t testing.TB) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Errorf("the failover test builds cmd/provider-kspec with the go command: %v", err)
		return ""
	}
	bin := filepath.Join(t.TempDir(), "provider-kspec")
	out, err := exec.CommandContext(ctx, gobin, "build", "-o", bin, "github.com/kspec-io/kspec/cmd/provider-kspec").CombinedOutput()
	if err != nil {
		t.Errorf("go build: %v: %s", err, out)
		return ""
	}
	return bin
}

type providerProcess struct {
	cmd     *exec.Cmd
	metrics string
}

// startProvider runs the provider against the kubeconfig kc with the
// flags args; its log goes to a file, shown when the test fails.
func startProvider(t testing.TB, bin, kc, name string, args ...string) *providerProcess {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	logPath := filepath.Join(t.TempDir(), name+".log")
	log, err := os.Create(logPath)
	require.NoError(t, err)
	args = append([]string{"--kubeconfig", kc, "--metrics-bind-address", addr, "--health-probe-bind-address", "0"}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		_ = log.Close()
		if t.Failed() {
			data, _ := os.ReadFile(logPath)
			t.Logf("log of provider %s:\n%s", name, tail(string(data), 4000))
		}
	})
	return &providerProcess{cmd: cmd, metrics: "http://" + addr + "/metrics"}
}

// scans is the number of successful scans the process counted
// (kspec_scans_total, outcome succeeded), 0 before its first.
func (p *providerProcess) scans() (int, error) {
	return p.counter("kspec_scans_total", `outcome="succeeded"`)
}

// counter sums the series of the counter name whose labels contain sel.
func (p *providerProcess) counter(name, sel string) (int, error) {
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
		if !strings.HasPrefix(line, name+"{") || !strings.Contains(line, sel) {
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
