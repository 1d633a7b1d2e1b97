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
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

const (
	privileged = kspecv1alpha1.PodSecurityPrivileged
	baseline   = kspecv1alpha1.PodSecurityBaseline
	restricted = kspecv1alpha1.PodSecurityRestricted
)

// exemptionsSet requires baseline/restricted/restricted with exemptions
// that lower, equal, raise, repeat and name a namespace twice.
func exemptionsSet(t *testing.T) *Set {
	t.Helper()
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		PodSecurity: &kspecv1alpha1.PodSecurityRequirements{
			Enforce: baseline, Audit: restricted, Warn: restricted,
			Exemptions: []kspecv1alpha1.PodSecurityExemption{
				{Namespace: "monitoring", Level: privileged, Reason: "node-exporter"},
				{Namespace: "legacy", Level: baseline, Reason: "old apps"},
				{Namespace: "tight", Level: restricted, Reason: "an exemption never raises"},
				{Namespace: "twice", Level: baseline, Reason: "the first listed wins"},
				{Namespace: "twice", Level: privileged, Reason: "ignored"},
			},
		},
	}}})
	require.NoError(t, err)
	return set
}

type level struct {
	level  kspecv1alpha1.PodSecurityLevel
	exempt bool
}

func TestPodSecurityLevel(t *testing.T) {
	sets := map[string]*Set{"exemptions": exemptionsSet(t)}
	for _, ex := range []string{"minimal", "moderate", "strict", "comprehensive", "team-claim"} {
		sets[ex] = exampleSet(t, ex)
	}
	type modes struct{ enforce, audit, warn level }
	cases := map[string]struct {
		reason string
		set    string
		ns     string
		want   modes
	}{
		"minimal": {reason: "no podSecurity: no level", set: "minimal", ns: "team-a"},
		"claim": {
			reason: "a claim governs no Namespace objects: no label rule, no level",
			set:    "team-claim", ns: "team-payments",
		},
		"moderate": {
			reason: "the spec's levels",
			set:    "moderate", ns: "team-a",
			want: modes{level{baseline, false}, level{restricted, false}, level{restricted, false}},
		},
		"moderate exempt": {
			reason: "monitoring's exemption lowers every mode to privileged",
			set:    "moderate", ns: "monitoring",
			want: modes{level{privileged, true}, level{privileged, true}, level{privileged, true}},
		},
		"strict": {
			set: "strict", ns: "team-a",
			want: modes{level{restricted, false}, level{restricted, false}, level{restricted, false}},
		},
		"strict has no exemptions": {
			reason: "monitoring is exempt only where a spec says so",
			set:    "strict", ns: "monitoring",
			want: modes{level{restricted, false}, level{restricted, false}, level{restricted, false}},
		},
		"comprehensive exempt": {
			set: "comprehensive", ns: "monitoring",
			want: modes{level{privileged, true}, level{privileged, true}, level{privileged, true}},
		},
		"comprehensive out of scope": {
			reason: "scope decides whether the rule judges a namespace, not the level it requires",
			set:    "comprehensive", ns: "kyverno",
			want: modes{level{restricted, false}, level{restricted, false}, level{restricted, false}},
		},
		"lowered in one mode only": {
			reason: "legacy's baseline lowers audit and warn, and equals enforce: not exempt there",
			set:    "exemptions", ns: "legacy",
			want: modes{level{baseline, false}, level{baseline, true}, level{baseline, true}},
		},
		"never raised": {
			reason: "tight's restricted does not raise enforce above baseline",
			set:    "exemptions", ns: "tight",
			want: modes{level{baseline, false}, level{restricted, false}, level{restricted, false}},
		},
		"first listed wins": {
			set: "exemptions", ns: "twice",
			want: modes{level{baseline, false}, level{baseline, true}, level{baseline, true}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := map[string]level{}
			for _, mode := range PodSecurityModes {
				l, exempt, err := sets[tc.set].PodSecurityLevel(mode, tc.ns)
				require.NoError(t, err)
				got[mode] = level{l, exempt}
			}
			assert.Equal(t, map[string]level{"enforce": tc.want.enforce, "audit": tc.want.audit, "warn": tc.want.warn}, got, tc.reason)
		})
	}
}

// TestPodSecurityLevelAgreesWithEvaluate: for every set and namespace
// above, a namespace labelled with the level passes the rule, as Evaluate
// judges it, and one labelled a level lower fails it.
func TestPodSecurityLevelAgreesWithEvaluate(t *testing.T) {
	sets := map[string]*Set{"exemptions": exemptionsSet(t)}
	for _, ex := range []string{"moderate", "strict", "comprehensive"} {
		sets[ex] = exampleSet(t, ex)
	}
	for name, set := range sets {
		for _, ns := range []string{"team-a", "monitoring", "legacy", "tight", "twice"} {
			for _, mode := range PodSecurityModes {
				l, _, err := set.PodSecurityLevel(mode, ns)
				require.NoError(t, err)
				require.NotEmpty(t, l, "%s %s %s", name, ns, mode)
				id := CategoryPodSecurity + "/" + mode
				label := "pod-security.kubernetes.io/" + mode
				assert.Equal(t, Pass, verdict(t, set, namespaceObject(ns, map[string]any{label: string(l)}), id), "%s %s %s=%s", name, ns, mode, l)
				if i := slices.Index(levels, l); i > 0 {
					assert.Equal(t, Fail, verdict(t, set, namespaceObject(ns, map[string]any{label: string(levels[i-1])}), id), "%s %s %s=%s", name, ns, mode, levels[i-1])
				}
			}
		}
	}
}

func TestPodSecurityLevelBadMode(t *testing.T) {
	_, _, err := exemptionsSet(t).PodSecurityLevel("enforce-version", "team-a")
	assert.ErrorContains(t, err, "unknown Pod Security mode")
}
