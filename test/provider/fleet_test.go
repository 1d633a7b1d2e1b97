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
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
)

const fleetNS = "fleet"

// BenchmarkFleet runs provider-kspec (the real binary, default flags: 4
// concurrent scans, 1-minute poll) against a fleet of ClusterTargets
// spread over three kube-apiservers (the two of TestMain and one of its
// own, which holds the provider's objects), each with a ComplianceScan of
// the moderate example every minute. For each fleet size it waits until
// every scan has scanned once, then counts the scans the provider
// completes over a window ($KSPEC_FLEET_WINDOW, default 2m) and reads the
// process's RSS. Run it alone:
//
//	go test ./test/provider/ -run '^$' -bench Fleet -benchtime 1x -timeout 30m
func BenchmarkFleet(b *testing.B) {
	if testing.Short() {
		b.Skip("needs a kube-apiserver")
	}
	window := 2 * time.Minute
	if v := os.Getenv("KSPEC_FLEET_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(b, err, "$KSPEC_FLEET_WINDOW")
		window = d
	}
	bin := buildProvider(b)
	require.NotEmpty(b, bin)
	kube, kc := ownControlPlane(b, fleetNS)
	own, err := os.ReadFile(kc)
	require.NoError(b, err)
	servers := []string{"own", "target", "home"}
	for name, k := range map[string][]byte{"own": own, "target": kubeconfig(targetCfg), "home": kubeconfig(homeCfg)} {
		require.NoError(b, kube.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: fleetNS, Name: name}, Data: map[string][]byte{"kubeconfig": k}}))
		require.NoError(b, kube.Create(ctx, &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Namespace: fleetNS, Name: name}, Spec: v1alpha1.ProviderConfigSpec{Credentials: kubeconfigCreds(fleetNS, name, "kubeconfig")}}))
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "specs", "moderate.yaml"))
	require.NoError(b, err)
	u := &unstructured.Unstructured{}
	require.NoError(b, yaml.Unmarshal(data, &u.Object))
	require.NoError(b, kube.Create(ctx, u))

	p := startProvider(b, bin, kc, "fleet")
	created := 0
	for _, n := range []int{10, 25, 50} {
		b.Run(fmt.Sprintf("targets=%d", n), func(b *testing.B) {
			for ; created < n; created++ {
				name := fmt.Sprintf("t%02d", created)
				require.NoError(b, kube.Create(ctx, &v1alpha1.ClusterTarget{
					ObjectMeta: metav1.ObjectMeta{Namespace: fleetNS, Name: name},
					Spec: v1alpha1.ClusterTargetSpec{
						ManagedResourceSpec: xpv2.ManagedResourceSpec{ProviderConfigReference: &xpv2.ProviderConfigReference{Kind: v1alpha1.ProviderConfigKind, Name: servers[created%len(servers)]}},
						ForProvider:         v1alpha1.ClusterTargetParameters{ProbeInterval: &metav1.Duration{Duration: time.Minute}},
					},
				}))
				require.NoError(b, kube.Create(ctx, &v1alpha1.ComplianceScan{
					ObjectMeta: metav1.ObjectMeta{Namespace: fleetNS, Name: name},
					Spec: v1alpha1.ComplianceScanSpec{ForProvider: v1alpha1.ComplianceScanParameters{
						SpecificationRef: v1alpha1.SpecificationRef{Name: u.GetName()},
						TargetRef:        &v1alpha1.LocalRef{Name: name},
						Interval:         &metav1.Duration{Duration: time.Minute},
						ReportHistory:    3,
					}},
				}))
			}
			settle := time.Now()
			err := wait.PollUntilContextTimeout(ctx, time.Second, 10*time.Minute, true, func(context.Context) (bool, error) {
				l := &v1alpha1.ComplianceScanList{}
				if err := kube.List(ctx, l, client.InNamespace(fleetNS)); err != nil {
					return false, nil //nolint:nilerr // Retried.
				}
				done := 0
				for _, cs := range l.Items {
					if cs.Status.AtProvider.LastScanTime != nil {
						done++
					}
				}
				return done == n, nil
			})
			require.NoError(b, err, "waiting for %d scans to scan once", n)
			b.Logf("%d targets: every scan scanned once after %s", n, time.Since(settle).Round(time.Second))
			s0, err := p.scans()
			require.NoError(b, err)
			f0, err := p.counter("kspec_scans_total", `outcome="failed"`)
			require.NoError(b, err)
			b.ResetTimer()
			time.Sleep(window) // The measuring window; nothing is asserted on time.
			b.StopTimer()
			s1, err := p.scans()
			require.NoError(b, err)
			f1, err := p.counter("kspec_scans_total", `outcome="failed"`)
			require.NoError(b, err)
			rss, hwm := procMemory(b, p.cmd.Process.Pid)
			b.ReportMetric(float64(s1-s0)/window.Minutes(), "scans/min")
			b.ReportMetric(float64(f1-f0)/window.Minutes(), "failed/min")
			b.ReportMetric(rss, "RSS-MiB")
			b.ReportMetric(hwm, "peak-RSS-MiB")
		})
	}
}

// procMemory is the RSS and peak RSS of process pid, in MiB.
func procMemory(b *testing.B, pid int) (rss, hwm float64) {
	b.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(b, err)
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		require.NoError(b, err)
		if k == "VmRSS" {
			rss = kb / 1024
		} else {
			hwm = kb / 1024
		}
	}
	require.NoError(b, sc.Err())
	return rss, hwm
}
