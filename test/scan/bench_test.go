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
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/scan"
)

// The benchmark's cluster: 10,000 Pods in 500 namespaces, 1,000 Roles and
// 1,000 ClusterRoles, on top of the corpus.
var benchNamespaces = envInt("KSPEC_BENCH_NAMESPACES", 500)

const (
	podsPerNamespace  = 20
	rolesPerNamespace = 2
	benchClusterRoles = 1000
)

// envInt is an environment variable's number, else def: smaller runs to
// profile.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

var seedBench sync.Once

// seedLarge creates the benchmark's objects, from several goroutines.
func seedLarge(b *testing.B) {
	b.Helper()
	seedBench.Do(func() {
		start := time.Now()
		ctx := context.Background()
		jobs := make(chan client.Object, 256)
		var failed atomic.Value
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for o := range jobs {
					if err := k8s.Create(ctx, o); err != nil {
						failed.Store(err)
					}
				}
			})
		}
		for i := range benchNamespaces {
			ns := fmt.Sprintf("bench-%03d", i)
			if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
				b.Fatal(err)
			}
			for j := range podsPerNamespace {
				jobs <- benchPod(ns, j)
			}
			for j := range rolesPerNamespace {
				jobs <- &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("role-%d", j)},
					Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods", "configmaps"}, Verbs: []string{"get", "list"}}}}
			}
		}
		for i := range benchClusterRoles {
			jobs <- &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bench-%04d", i)},
				Rules: []rbacv1.PolicyRule{{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: []string{"get", "list", "watch"}}}}
		}
		close(jobs)
		wg.Wait()
		if err, _ := failed.Load().(error); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d pods, %d roles, %d cluster roles in %s", benchNamespaces*podsPerNamespace, benchNamespaces*rolesPerNamespace, benchClusterRoles, time.Since(start).Round(time.Second))
	})
}

// benchPod is a realistic Pod: two containers, resources, a security
// context on every other one, so rules both pass and fail.
func benchPod(ns string, i int) *corev1.Pod {
	sc := &corev1.SecurityContext{}
	if i%2 == 0 {
		sc = &corev1.SecurityContext{RunAsNonRoot: ptr.To(true), AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	}
	res := corev1.ResourceRequirements{
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("app-%02d", i), Labels: map[string]string{"app.kubernetes.io/name": "app", "tier": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "app", Image: fmt.Sprintf("ghcr.io/my-company/app:v%d", i), Resources: res, SecurityContext: sc,
				Ports: []corev1.ContainerPort{{ContainerPort: 8080}}, Env: []corev1.EnvVar{{Name: "MODE", Value: "production"}}},
			{Name: "sidecar", Image: "docker.io/library/envoy:1.30", Resources: res, SecurityContext: sc},
		}},
	}
}

// resetPeakRSS resets the process's peak RSS (VmHWM), as Linux allows.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the process's peak RSS since the last reset, in MiB.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakHeap samples the heap in use until stop is closed, and returns the
// largest sample in MiB.
func peakHeap(stop <-chan struct{}) <-chan float64 {
	out := make(chan float64, 1)
	go func() {
		var peak uint64
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				out <- float64(peak) / (1 << 20)
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// measure runs f b.N times and reports its peak heap and peak RSS.
func measure(b *testing.B, f func() int) {
	b.Helper()
	runtime.GC()
	resetPeakRSS()
	cpu0 := cpuTime()
	stop := make(chan struct{})
	heap := peakHeap(stop)
	b.ResetTimer()
	n := 0
	for range b.N {
		n = f()
	}
	b.StopTimer()
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	close(stop)
	b.ReportMetric(<-heap, "peak-heap-MiB")
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
	b.ReportMetric(float64(n), "objects")
}

// BenchmarkScan scans the large cluster with the strict example (every
// object rule, Pod Security of every pod, every cluster-level rule), next
// to merely listing, page by page, every resource the scan lists. Not run
// by make test: seeding takes minutes.
//
//	go test ./test/scan/ -run '^$' -bench Scan -benchtime 3x
func BenchmarkScan(b *testing.B) {
	if testing.Short() {
		b.Skip("needs a kube-apiserver")
	}
	seedLarge(b)
	set := compile(b, specPath("strict"))
	ctx := context.Background()

	b.Run("list", func(b *testing.B) {
		dyn, err := dynamic.NewForConfig(cfg)
		if err != nil {
			b.Fatal(err)
		}
		meta, err := metadata.NewForConfig(cfg)
		if err != nil {
			b.Fatal(err)
		}
		full := []schema.GroupVersionResource{{Version: "v1", Resource: "namespaces"}}
		for _, k := range set.Kinds() {
			if k != rules.KindNamespace {
				full = append(full, schema.GroupVersionResource{Group: k.Group, Version: k.Version, Resource: k.Resource})
			}
		}
		full = append(full, schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"},
			schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"})
		metaOnly := []schema.GroupVersionResource{
			{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"},
			{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"},
			{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingadmissionpolicies"},
		}
		measure(b, func() int {
			n := 0
			for _, r := range full {
				cont := ""
				for {
					l, err := dyn.Resource(r).List(ctx, metav1.ListOptions{Limit: scan.DefaultPageSize, Continue: cont})
					if err != nil {
						b.Fatal(err)
					}
					n += len(l.Items)
					if cont = l.GetContinue(); cont == "" {
						break
					}
				}
			}
			for _, r := range metaOnly {
				cont := ""
				for {
					l, err := meta.Resource(r).List(ctx, metav1.ListOptions{Limit: scan.DefaultPageSize, Continue: cont})
					if err != nil {
						b.Fatal(err)
					}
					n += len(l.Items)
					if cont = l.Continue; cont == "" {
						break
					}
				}
			}
			return n
		})
	})

	b.Run("scan", func(b *testing.B) {
		measure(b, func() int {
			results := 0
			o := scan.Options{}
			if os.Getenv("KSPEC_BENCH_TRACE") != "" {
				start := time.Now()
				o.Progress = func(p scan.Progress) {
					b.Logf("%8s %s %d listed, %d evaluated", time.Since(start).Round(time.Millisecond), p.Resource, p.Listed, p.Objects)
				}
			}
			rep, err := scan.Scan(ctx, cfg, set, o, func(rs []report.Result) error {
				results += len(rs)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if len(rep.InputErrors) > 0 {
				b.Fatal(rep.InputErrors)
			}
			return rep.Summary.Objects
		})
	})
}
