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

package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func namespaceObject(name string, labels map[string]any) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name, "labels": labels}}
}

func psaLabels(enforce, audit, warn string) map[string]any {
	out := map[string]any{}
	for mode, level := range map[string]string{"enforce": enforce, "audit": audit, "warn": warn} {
		if level != "" {
			out["pod-security.kubernetes.io/"+mode] = level
		}
	}
	return out
}

func TestPodSecurity(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		PodSecurity: &kspecv1alpha1.PodSecurityRequirements{
			Enforce: kspecv1alpha1.PodSecurityBaseline, Audit: kspecv1alpha1.PodSecurityRestricted, Warn: kspecv1alpha1.PodSecurityRestricted,
			Exemptions: []kspecv1alpha1.PodSecurityExemption{
				{Namespace: "monitoring", Level: kspecv1alpha1.PodSecurityPrivileged, Reason: "node-exporter"},
				{Namespace: "legacy", Level: kspecv1alpha1.PodSecurityBaseline, Reason: "old apps"},
				{Namespace: "tight", Level: kspecv1alpha1.PodSecurityRestricted, Reason: "an exemption never raises"},
			},
		},
	}}})
	require.NoError(t, err)
	type verdicts struct{ enforce, audit, warn Status }
	cases := map[string]struct {
		reason string
		ns     string
		labels map[string]any
		want   verdicts
	}{
		"AtLevel":           {"", "team", psaLabels("baseline", "restricted", "restricted"), verdicts{Pass, Pass, Pass}},
		"Stricter":          {"", "team", psaLabels("restricted", "restricted", "restricted"), verdicts{Pass, Pass, Pass}},
		"Below":             {"", "team", psaLabels("privileged", "baseline", "privileged"), verdicts{Fail, Fail, Fail}},
		"Unset":             {"", "team", nil, verdicts{Fail, Fail, Fail}},
		"UnknownLevel":      {"", "team", psaLabels("strict", "restricted", "restricted"), verdicts{Fail, Pass, Pass}},
		"ExemptEveryMode":   {"an exemption lowers enforce, audit and warn alike", "monitoring", psaLabels("privileged", "privileged", "privileged"), verdicts{Pass, Pass, Pass}},
		"ExemptStillLabels": {"an exempted namespace still needs the labels", "monitoring", nil, verdicts{Fail, Fail, Fail}},
		"ExemptBaseline":    {"", "legacy", psaLabels("baseline", "baseline", "baseline"), verdicts{Pass, Pass, Pass}},
		"ExemptBelow":       {"", "legacy", psaLabels("privileged", "baseline", "privileged"), verdicts{Fail, Pass, Fail}},
		"NeverRaises":       {"an exemption at restricted leaves enforce at baseline", "tight", psaLabels("baseline", "restricted", "restricted"), verdicts{Pass, Pass, Pass}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ns := namespaceObject(tc.ns, tc.labels)
			got := verdicts{
				resultOf(t, set, ns, "podsecurity.standards/enforce").Status,
				resultOf(t, set, ns, "podsecurity.standards/audit").Status,
				resultOf(t, set, ns, "podsecurity.standards/warn").Status,
			}
			assert.Equal(t, tc.want, got, tc.reason)
		})
	}

	r := resultOf(t, set, namespaceObject("team", psaLabels("privileged", "", "")), "podsecurity.standards/enforce")
	assert.Equal(t, "namespace team has pod-security.kubernetes.io/enforce=privileged, below the required level baseline", r.Message)
	r = resultOf(t, set, namespaceObject("team", nil), "podsecurity.standards/audit")
	assert.Equal(t, "namespace team has pod-security.kubernetes.io/audit=<unset>, below the required level restricted", r.Message)
	r = resultOf(t, set, namespaceObject("legacy", psaLabels("", "privileged", "")), "podsecurity.standards/audit")
	assert.Equal(t, "namespace legacy has pod-security.kubernetes.io/audit=privileged, below the required level baseline", r.Message, "the exemption's level")
}

// TestPodSecuritySpecExemption checks that a spec exemption listing only
// namespaces covers the Namespace objects of those namespaces.
func TestPodSecuritySpecExemption(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{
		Requirements: kspecv1alpha1.Requirements{PodSecurity: &kspecv1alpha1.PodSecurityRequirements{Enforce: kspecv1alpha1.PodSecurityRestricted}},
		Exemptions: []kspecv1alpha1.Exemption{{
			Name: "sandbox", Reason: "r", ApprovedBy: "a", Namespaces: []string{"sandbox"},
			ExpiresAt: metav1.NewTime(time.Now().Add(time.Hour)),
		}},
	}})
	require.NoError(t, err)
	id := "podsecurity.standards/enforce"
	r := resultOf(t, set, namespaceObject("sandbox", nil), id)
	assert.Equal(t, Skip, r.Status)
	assert.Equal(t, "sandbox", r.Exemption)
	assert.Equal(t, Fail, resultOf(t, set, namespaceObject("team", nil), id).Status, "other namespaces")
}
