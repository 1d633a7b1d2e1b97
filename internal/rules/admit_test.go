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
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// admitSpec requires non-root containers and images from ghcr.io, in mode.
func admitSpec(mode kspecv1alpha1.Mode) kspecv1alpha1.ClusterSpecificationSpec {
	return kspecv1alpha1.ClusterSpecificationSpec{
		Enforcement: &kspecv1alpha1.Enforcement{Mode: mode},
		Requirements: kspecv1alpha1.Requirements{Workloads: &kspecv1alpha1.WorkloadRequirements{
			Containers: &kspecv1alpha1.ContainerRules{Required: []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldRunAsNonRoot, Value: ptr.To(kspecv1alpha1.BoolValue(true))}}},
			Images:     &kspecv1alpha1.ImageRules{AllowedRegistries: []string{"ghcr.io"}},
		}},
	}
}

func mustCompile(t testing.TB, s Spec) *Set {
	t.Helper()
	set, err := Compile(s)
	require.NoError(t, err)
	return set
}

var friday = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func atTime(now time.Time) Environment {
	return Environment{Clock: clocktesting.NewFakePassiveClock(now)}
}

func TestAdmitModes(t *testing.T) {
	bad := pod("nginx") // root, from Docker Hub: two failures
	good := pod("ghcr.io/acme/app")
	good["spec"].(map[string]any)["securityContext"] = map[string]any{"runAsNonRoot": true}
	cases := map[string]struct {
		reason     string
		mode       kspecv1alpha1.Mode
		activation *kspecv1alpha1.Activation
		obj        map[string]any
		op         admissionv1.Operation
		allowed    bool
		warnings   int
		audit      bool
		failures   int
	}{
		"EnforceDenies":    {"enforce denies a failing object", kspecv1alpha1.ModeEnforce, nil, bad, admissionv1.Create, false, 0, false, 2},
		"EnforceAdmits":    {"enforce admits a compliant object", kspecv1alpha1.ModeEnforce, nil, good, admissionv1.Create, true, 0, false, 0},
		"EnforceUpdate":    {"an UPDATE is judged on the new object", kspecv1alpha1.ModeEnforce, nil, bad, admissionv1.Update, false, 0, false, 2},
		"Delete":           {"DELETE is always allowed, unevaluated", kspecv1alpha1.ModeEnforce, nil, bad, admissionv1.Delete, true, 0, false, 0},
		"Connect":          {"CONNECT is always allowed, unevaluated", kspecv1alpha1.ModeEnforce, nil, bad, admissionv1.Connect, true, 0, false, 0},
		"AuditWarns":       {"audit admits with a warning per failure and audit annotations", kspecv1alpha1.ModeAudit, nil, bad, admissionv1.Create, true, 2, true, 2},
		"MonitorRecords":   {"monitor only records", kspecv1alpha1.ModeMonitor, nil, bad, admissionv1.Create, true, 0, false, 2},
		"InsideWindow":     {"enforce denies inside its window", kspecv1alpha1.ModeEnforce, &kspecv1alpha1.Activation{Windows: []kspecv1alpha1.Window{{Start: "09:00", End: "17:00"}}}, bad, admissionv1.Create, false, 0, false, 2},
		"OutsideWindow":    {"outside its windows a spec only records", kspecv1alpha1.ModeEnforce, &kspecv1alpha1.Activation{Windows: []kspecv1alpha1.Window{{Start: "22:00", End: "06:00"}}}, bad, admissionv1.Create, true, 0, false, 2},
		"AuditOutsideZone": {"windows are read in their time zone", kspecv1alpha1.ModeAudit, &kspecv1alpha1.Activation{TimeZone: "Asia/Tokyo", Windows: []kspecv1alpha1.Window{{Start: "09:00", End: "17:00"}}}, bad, admissionv1.Create, true, 0, false, 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := admitSpec(tc.mode)
			spec.Activation = tc.activation
			set := mustCompile(t, Spec{Name: "strict", Spec: spec})
			d, err := set.Admit(context.Background(), Request{Operation: tc.op, Namespace: "team", Object: tc.obj}, atTime(friday))
			require.NoError(t, err)
			assert.Equal(t, tc.allowed, d.Allowed, tc.reason)
			assert.Len(t, d.Warnings, tc.warnings, tc.reason)
			assert.Equal(t, tc.audit, len(d.AuditAnnotations) > 0, tc.reason)
			assert.Len(t, d.Failures, tc.failures, tc.reason)
			assert.Empty(t, d.Errors)
			// Every rule judged, the passes counted, the rest kept.
			if tc.op == admissionv1.Create || tc.op == admissionv1.Update {
				assert.Equal(t, len(set.admitKind["v1/Pod"]), d.Passed+len(d.Results), tc.reason)
				assert.Equal(t, d.Failures, d.Results, "the results that are not passes")
			} else {
				assert.Zero(t, d.Passed+len(d.Results), tc.reason)
			}
			if !d.Allowed {
				// One message lists every failed rule, with its fix.
				assert.Contains(t, d.Message, "kspec strict denies Pod/team/p: 2 rule(s) failed")
				assert.Contains(t, d.Message, "- workload.security/run-as-non-root: containers c must set securityContext.runAsNonRoot to true (fix: ")
				assert.Contains(t, d.Message, "- workload.security/allowed-registries: images docker.io/library/nginx are not from an allowed registry: ghcr.io (fix: ")
			} else {
				assert.Empty(t, d.Message)
			}
		})
	}
}

func TestAdmitAuditAnnotations(t *testing.T) {
	set := mustCompile(t, Spec{Name: "Team Spec (Q3) with a very long name that goes on and on and on", Namespace: "shop", Spec: admitSpec(kspecv1alpha1.ModeAudit)})
	obj := pod("nginx")
	obj["metadata"].(map[string]any)["namespace"] = "shop"
	d, err := set.Admit(context.Background(), Request{Operation: admissionv1.Create, Namespace: "shop", Object: obj}, atTime(friday))
	require.NoError(t, err)
	require.Len(t, d.AuditAnnotations, 1)
	for k, v := range d.AuditAnnotations {
		// The API server prefixes the key with the webhook's name.
		assert.Empty(t, validation.IsQualifiedName("kspec.example.com/"+k), k)
		assert.LessOrEqual(t, len(k), 63)
		var got []map[string]string
		require.NoError(t, json.Unmarshal([]byte(v), &got))
		require.Len(t, got, 2)
		assert.Equal(t, "workload.security/run-as-non-root", got[0]["rule"])
	}
	assert.NotEqual(t, auditKey("a b"), auditKey("a-b"), "distinct specs get distinct keys")
	for _, w := range d.Warnings {
		assert.True(t, strings.HasPrefix(w, "kspec shop/Team Spec (Q3) with a very long name that goes on and on and on (audit): workload.security/"), w)
	}
}

// labelsFunc is a Namespaces from a function.
type labelsFunc func(ctx context.Context, ns string) (map[string]string, bool, error)

func (f labelsFunc) Labels(ctx context.Context, ns string) (map[string]string, bool, error) {
	return f(ctx, ns)
}

func TestAdmitNamespaces(t *testing.T) {
	spec := admitSpec(kspecv1alpha1.ModeEnforce)
	spec.NamespaceScope = &kspecv1alpha1.NamespaceScope{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}}
	set := mustCompile(t, Spec{Name: "prod", Spec: spec})
	obj := pod("nginx")
	delete(obj["metadata"].(map[string]any), "namespace") // the request names it
	admit := func(ns Namespaces) (Decision, error) {
		e := atTime(friday)
		e.Namespaces = ns
		return set.Admit(context.Background(), Request{Operation: admissionv1.Create, Namespace: "team", Object: obj}, e)
	}
	d, err := admit(NamespaceLabels{"team": {"env": "prod"}})
	require.NoError(t, err)
	assert.False(t, d.Allowed, "selected")
	assert.Equal(t, "team", d.Results[0].Object.Namespace, "the request's namespace")
	d, err = admit(NamespaceLabels{"team": {"env": "dev"}})
	require.NoError(t, err)
	assert.True(t, d.Allowed, "not selected")
	d, err = admit(NamespaceLabels{})
	require.NoError(t, err)
	assert.False(t, d.Allowed, "an unknown namespace is in scope")
	_, err = admit(labelsFunc(func(context.Context, string) (map[string]string, bool, error) {
		return nil, false, errors.New("informer not synced")
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot read the labels of namespace team: informer not synced")
	_, has := obj["metadata"].(map[string]any)["namespace"]
	assert.False(t, has, "Admit must not modify the request's object")

	_, err = set.Admit(context.Background(), Request{Operation: admissionv1.Create}, atTime(friday))
	require.Error(t, err, "a CREATE without an object")
}

func TestAdmitExemptionExpiresLive(t *testing.T) {
	spec := admitSpec(kspecv1alpha1.ModeEnforce)
	expiry := friday.Add(time.Hour)
	spec.Exemptions = []kspecv1alpha1.Exemption{{Name: "legacy", Reason: "migration", ApprovedBy: "ciso", ExpiresAt: metav1.NewTime(expiry), Namespaces: []string{"team"}}}
	set := mustCompile(t, Spec{Name: "s", Spec: spec})
	req := Request{Operation: admissionv1.Create, Namespace: "team", Object: pod("nginx")}
	d, err := set.Admit(context.Background(), req, atTime(friday))
	require.NoError(t, err)
	assert.True(t, d.Allowed, "exempted")
	d, err = set.Admit(context.Background(), req, atTime(expiry))
	require.NoError(t, err)
	assert.False(t, d.Allowed, "the exemption expired: same set, later clock")
}

func TestMerge(t *testing.T) {
	enforce := mustCompile(t, Spec{Name: "a", Spec: admitSpec(kspecv1alpha1.ModeEnforce)})
	audit := mustCompile(t, Spec{Name: "b", Spec: admitSpec(kspecv1alpha1.ModeAudit)})
	req := Request{Operation: admissionv1.Create, Namespace: "team", Object: pod("nginx")}
	var ds []Decision
	for _, s := range []*Set{enforce, audit} {
		d, err := s.Admit(context.Background(), req, atTime(friday))
		require.NoError(t, err)
		ds = append(ds, d)
	}
	m := Merge(ds...)
	assert.False(t, m.Allowed, "an enforce spec denies whatever an audit spec says")
	assert.Contains(t, m.Message, "kspec a denies")
	assert.Len(t, m.Warnings, 2, "and the audit spec still warns: every spec is evaluated")
	assert.Len(t, m.AuditAnnotations, 1)
	assert.Len(t, m.Failures, 4)
	assert.True(t, Merge().Allowed, "no spec, nothing to deny")
}

// TestMergeOne: merging one decision, which shares it rather than copying,
// gives what the general merge gives, for every mode and outcome.
func TestMergeOne(t *testing.T) {
	for _, mode := range []kspecv1alpha1.Mode{kspecv1alpha1.ModeEnforce, kspecv1alpha1.ModeAudit, kspecv1alpha1.ModeMonitor} {
		set := mustCompile(t, Spec{Name: "a", Spec: admitSpec(mode)})
		good := pod("ghcr.io/acme/app")
		good["spec"].(map[string]any)["securityContext"] = map[string]any{"runAsNonRoot": true}
		for _, obj := range []map[string]any{pod("nginx"), good} {
			for _, op := range []admissionv1.Operation{admissionv1.Create, admissionv1.Delete} {
				d, err := set.Admit(context.Background(), Request{Operation: op, Namespace: "team", Object: obj}, atTime(friday))
				require.NoError(t, err)
				general := Merge(d, Decision{Allowed: true, Active: true})
				general.Spec = d.Spec // the empty second spec adds ", "
				assert.Equal(t, general, Merge(d), "%s %s", mode, op)
			}
		}
	}
}

// TestAdmitConcurrent shares one set between goroutines, as a webhook does;
// run with -race.
func TestAdmitConcurrent(t *testing.T) {
	spec := admitSpec(kspecv1alpha1.ModeEnforce)
	spec.Exemptions = []kspecv1alpha1.Exemption{{Name: "legacy", Reason: "r", ApprovedBy: "a", ExpiresAt: metav1.NewTime(friday.Add(time.Hour)), Resources: []kspecv1alpha1.ResourceSelector{{Name: "exempt"}}}}
	set := mustCompile(t, Spec{Name: "s", Spec: spec})
	var wg sync.WaitGroup
	denied := make([]bool, 8)
	for i := range denied {
		wg.Go(func() {
			obj := pod("nginx")
			if i%2 == 0 {
				obj["metadata"].(map[string]any)["name"] = "exempt"
			}
			for range 50 {
				d, err := set.Admit(context.Background(), Request{Operation: admissionv1.Create, Namespace: "team", Object: obj}, atTime(friday))
				if err != nil {
					return
				}
				denied[i] = !d.Allowed
			}
		})
	}
	wg.Wait()
	for i, d := range denied {
		assert.Equal(t, i%2 == 1, d, "request %d", i)
	}
}
