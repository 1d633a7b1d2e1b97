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
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/provider/compliancescan"
	"github.com/kspec-io/kspec/test/harness"
)

// TestScanOnTargetReady runs provider-kspec (the real binary, on a control
// plane of its own) with a poll interval of an hour: a ComplianceScan
// whose ClusterTarget is not Ready yet (its credentials Secret is missing)
// scans when the target becomes Ready, which only the scans' watch on
// ClusterTargets can tell it in time. Then the target's probes, a status
// write every second, must not reconcile the scan: no hot loop.
func TestScanOnTargetReady(t *testing.T) {
	harness.SkipShort(t)
	const ns, probes = "on-ready", 3
	built := make(chan string, 1)
	go func() { built <- buildProvider(t) }()
	kube, kc := ownControlPlane(t, ns)

	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "specs", "minimal.yaml"))
	require.NoError(t, err)
	spec := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal(data, &spec.Object))
	require.NoError(t, kube.Create(ctx, spec))
	require.NoError(t, kube.Create(ctx, &v1alpha1.ProviderConfig{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "remote"},
		Spec:       v1alpha1.ProviderConfigSpec{Credentials: kubeconfigCreds(ns, "remote-creds", "kubeconfig")},
	}))
	require.NoError(t, kube.Create(ctx, &v1alpha1.ClusterTarget{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "remote"},
		Spec: v1alpha1.ClusterTargetSpec{
			ManagedResourceSpec: xpv2.ManagedResourceSpec{ProviderConfigReference: &xpv2.ProviderConfigReference{Kind: v1alpha1.ProviderConfigKind, Name: "remote"}},
			ForProvider:         v1alpha1.ClusterTargetParameters{ProbeInterval: &metav1.Duration{Duration: time.Second}},
		},
	}))
	require.NoError(t, kube.Create(ctx, &v1alpha1.ComplianceScan{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "scan"},
		Spec: v1alpha1.ComplianceScanSpec{ForProvider: v1alpha1.ComplianceScanParameters{
			SpecificationRef: v1alpha1.SpecificationRef{Name: spec.GetName()},
			TargetRef:        &v1alpha1.LocalRef{Name: "remote"},
			Mode:             "monitor",
			Interval:         &metav1.Duration{Duration: time.Hour},
		}},
	}))

	bin := <-built
	require.NotEmpty(t, bin)
	p := startProvider(t, bin, kc, "on-ready", "--poll-interval", "1h", "--request-timeout", "5s", "--scan-timeout", "1m")
	get := func() (*v1alpha1.ComplianceScan, error) {
		cs := &v1alpha1.ComplianceScan{}
		return cs, kube.Get(ctx, client.ObjectKey{Namespace: ns, Name: "scan"}, cs)
	}
	waitFor(t, "the scan waiting for its target", func() (bool, error) {
		cs, err := get()
		return err == nil && ready(cs).Reason == compliancescan.ReasonTargetUnavailable, err
	})

	// The target becomes Ready at its next probe, a second later; the
	// scan's next poll is an hour away.
	require.NoError(t, kube.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "remote-creds"},
		Data:       map[string][]byte{"kubeconfig": kubeconfig(targetCfg)},
	}))
	var cs *v1alpha1.ComplianceScan
	waitFor(t, "a scan once the target is Ready", func() (bool, error) {
		var err error
		cs, err = get()
		return err == nil && cs.Status.AtProvider.LastScanTime != nil && cs.Status.AtProvider.Report != "", err
	})
	assert.Equal(t, corev1.ConditionTrue, ready(cs).Status, ready(cs).Message)

	// No hot loop: over the next probes of the target, each a status
	// write, the scan is not reconciled (its next look is an hour away).
	reconciles := func() int {
		n, err := p.counter("controller_runtime_reconcile_total", `controller="managed/compliancescan.provider.kspec.io"`)
		require.NoError(t, err)
		return n
	}
	lastProbe := func() (time.Time, error) {
		ct := &v1alpha1.ClusterTarget{}
		if err := kube.Get(ctx, client.ObjectKey{Namespace: ns, Name: "remote"}, ct); err != nil || ct.Status.AtProvider.LastProbeTime == nil {
			return time.Time{}, err
		}
		return ct.Status.AtProvider.LastProbeTime.Time, nil
	}
	before := reconciles()
	seen, err := lastProbe()
	require.NoError(t, err)
	for range probes {
		waitFor(t, "the target probed again", func() (bool, error) {
			at, err := lastProbe()
			if err != nil || !at.After(seen) {
				return false, err
			}
			seen = at
			return true, nil
		})
	}
	after := reconciles()
	scans, err := p.scans()
	require.NoError(t, err)
	assert.Equal(t, 1, scans)
	// One reconcile of slack: the scan's own status write can race the
	// first read.
	assert.LessOrEqual(t, after-before, 1, "%d reconciles of the scan over %d probes of its target", after-before, probes)
	t.Logf("%d reconciles of the scan over %d probes of its target", after-before, probes)
}
