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

package compliancescan

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
)

func target(ready corev1.ConditionStatus, probed time.Time) *v1alpha1.ClusterTarget {
	ct := &v1alpha1.ClusterTarget{ObjectMeta: metav1.ObjectMeta{Namespace: "platform", Name: "prod"}}
	t := metav1.NewTime(probed)
	ct.Status.AtProvider.LastProbeTime = &t
	if ready != "" {
		ct.SetConditions(xpv2.Condition{Type: xpv2.TypeReady, Status: ready, Reason: "r", LastTransitionTime: t})
	}
	return ct
}

func TestReadinessChanged(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	p := readinessChanged()
	cases := map[string]struct {
		reason   string
		old, new *v1alpha1.ClusterTarget
		want     bool
	}{
		"became ready":       {old: target(corev1.ConditionFalse, t0), new: target(corev1.ConditionTrue, t0.Add(time.Second)), want: true},
		"first probe, ready": {reason: "a target created with its scan", old: target("", t0), new: target(corev1.ConditionTrue, t0), want: true},
		"stopped being ready": {
			old: target(corev1.ConditionTrue, t0), new: target(corev1.ConditionFalse, t0.Add(time.Second)), want: true,
		},
		"probed, still ready": {
			reason: "a probe's status write, Ready unchanged, must not reconcile the scans (a hot loop at the probe interval)",
			old:    target(corev1.ConditionTrue, t0), new: target(corev1.ConditionTrue, t0.Add(time.Second)),
		},
		"probed, still not ready": {old: target(corev1.ConditionFalse, t0), new: target(corev1.ConditionFalse, t0.Add(time.Second))},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, p.Update(event.UpdateEvent{ObjectOld: tc.old, ObjectNew: tc.new}), tc.reason)
		})
	}
	assert.True(t, p.Delete(event.DeleteEvent{Object: target(corev1.ConditionTrue, t0)}), "a deleted target: its scans say so now")
	assert.False(t, p.Create(event.CreateEvent{Object: target("", t0)}), "a new target is not ready yet")
}

func TestScansOf(t *testing.T) {
	s := runtime.NewScheme()
	require.NoError(t, v1alpha1.SchemeBuilder.AddToScheme(s))
	scan := func(ns, name, target string) client.Object {
		cs := &v1alpha1.ComplianceScan{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
		if target != "" {
			cs.Spec.ForProvider.TargetRef = &v1alpha1.LocalRef{Name: target}
		}
		return cs
	}
	kube := fake.NewClientBuilder().WithScheme(s).WithIndex(&v1alpha1.ComplianceScan{}, IndexTarget, targetOf).WithObjects(
		scan("platform", "hourly", "prod"),
		scan("platform", "daily", "prod"),
		scan("platform", "staging", "staging"),
		scan("platform", "local", ""),
		scan("other", "hourly", "prod"),
	).Build()
	got := scansOf(kube)(context.Background(), target(corev1.ConditionTrue, time.Now()))
	assert.ElementsMatch(t, []reconcile.Request{
		{NamespacedName: types.NamespacedName{Namespace: "platform", Name: "hourly"}},
		{NamespacedName: types.NamespacedName{Namespace: "platform", Name: "daily"}},
	}, got, "the scans of platform/prod only: not another target's, not the local cluster's, not another namespace's")
}
