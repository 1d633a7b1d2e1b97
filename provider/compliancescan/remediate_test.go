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
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

// TestRemediatePodSecurity: a namespace gets the level the compiled rule
// requires of it, exemptions applied as the rule applies them; one whose
// exemption lowers its level, and system namespaces, are left alone.
func TestRemediatePodSecurity(t *testing.T) {
	set, err := rules.Compile(rules.Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		PodSecurity: &kspecv1alpha1.PodSecurityRequirements{
			Enforce: kspecv1alpha1.PodSecurityBaseline, Audit: kspecv1alpha1.PodSecurityRestricted,
			Exemptions: []kspecv1alpha1.PodSecurityExemption{
				{Namespace: "legacy", Level: kspecv1alpha1.PodSecurityBaseline, Reason: "old apps"},
				{Namespace: "tight", Level: kspecv1alpha1.PodSecurityRestricted, Reason: "never raises"},
			},
		},
	}}})
	require.NoError(t, err)
	var objs []client.Object
	for _, ns := range []string{"team-a", "legacy", "tight", "kube-system"} {
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	}
	tc := fake.NewClientBuilder().WithObjects(objs...).Build()
	m := &remediator{target: tc, set: set, now: time.Now(), apply: true}
	events := m.remediate(context.Background(), map[string][]string{
		rulePSSEnforce: {"team-a", "legacy", "tight", "kube-system"},
		rulePSSAudit:   {"team-a", "legacy", "tight"},
	})

	type outcome struct {
		status reportsv1alpha1.RemediationStatus
		label  string // the namespace's label after remediation
	}
	cases := map[string]struct {
		reason string
		rule   string
		ns     string
		want   outcome
	}{
		"enforce": {rule: rulePSSEnforce, ns: "team-a", want: outcome{"Succeeded", "baseline"}},
		"audit":   {rule: rulePSSAudit, ns: "team-a", want: outcome{"Succeeded", "restricted"}},
		"exemption equal to the spec's level": {
			reason: "legacy's baseline does not lower enforce: it is labelled like any namespace",
			rule:   rulePSSEnforce, ns: "legacy", want: outcome{"Succeeded", "baseline"},
		},
		"exemption lowers": {
			reason: "legacy's baseline lowers audit: left alone",
			rule:   rulePSSAudit, ns: "legacy", want: outcome{"Skipped", ""},
		},
		"exemption never raises": {
			reason: "tight gets the spec's audit level, not its exemption's",
			rule:   rulePSSAudit, ns: "tight", want: outcome{"Succeeded", "restricted"},
		},
		"system namespace": {rule: rulePSSEnforce, ns: "kube-system", want: outcome{"Skipped", ""}},
	}
	for name, tc2 := range cases {
		t.Run(name, func(t *testing.T) {
			var got *reportsv1alpha1.DriftEvent
			for i := range events {
				if events[i].Rule == tc2.rule && events[i].Object.Name == tc2.ns {
					got = &events[i]
				}
			}
			require.NotNil(t, got, "no event for %s %s", tc2.rule, tc2.ns)
			ns := &corev1.Namespace{}
			require.NoError(t, tc.Get(context.Background(), client.ObjectKey{Name: tc2.ns}, ns))
			mode := tc2.rule[len(rules.CategoryPodSecurity)+1:]
			assert.Equal(t, tc2.want, outcome{got.Remediation.Status, ns.Labels["pod-security.kubernetes.io/"+mode]}, "%s: %s", tc2.reason, got.Remediation.Message)
		})
	}
	assert.Len(t, events, 7)
}
