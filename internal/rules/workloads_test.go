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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func fieldSet(t *testing.T, required, forbidden []kspecv1alpha1.FieldRule) *Set {
	t.Helper()
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Workloads: &kspecv1alpha1.WorkloadRequirements{Containers: &kspecv1alpha1.ContainerRules{Required: required, Forbidden: forbidden}},
	}}})
	require.NoError(t, err)
	return set
}

func value(s string) *kspecv1alpha1.Value {
	v := kspecv1alpha1.StringValue(s)
	return &v
}

func exists(b bool) *bool { return &b }

// capabilities is a container adding and dropping capabilities.
func capabilities(add, drop []any) map[string]any {
	caps := map[string]any{}
	if add != nil {
		caps["add"] = add
	}
	if drop != nil {
		caps["drop"] = drop
	}
	return map[string]any{"name": "app", "image": "ghcr.io/acme/app", "securityContext": map[string]any{"capabilities": caps}}
}

func TestCapabilities(t *testing.T) {
	cases := map[string]struct {
		reason    string
		required  []kspecv1alpha1.FieldRule
		forbidden []kspecv1alpha1.FieldRule
		container map[string]any
		want      Status
	}{
		"ForbiddenAddedByALL": {
			reason:    "adding ALL adds NET_RAW",
			forbidden: []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesAdd, Value: value("NET_RAW")}},
			container: capabilities([]any{"ALL"}, nil),
			want:      Fail,
		},
		"ForbiddenAddedByName": {
			forbidden: []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesAdd, Value: value("NET_RAW")}},
			container: capabilities([]any{"NET_BIND_SERVICE", "NET_RAW"}, nil),
			want:      Fail,
		},
		"ForbiddenNotAdded": {
			forbidden: []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesAdd, Value: value("NET_RAW")}},
			container: capabilities([]any{"NET_BIND_SERVICE"}, []any{"ALL"}),
			want:      Pass,
		},
		"ForbiddenALLNotAdded": {
			reason:    "a forbidden ALL is only ALL itself",
			forbidden: []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesAdd, Value: value("ALL")}},
			container: capabilities([]any{"NET_RAW"}, nil),
			want:      Pass,
		},
		"RequiredDropByALL": {
			reason:    "dropping ALL drops NET_RAW, as Pod Security's restricted profile reads it",
			required:  []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesDrop, Value: value("NET_RAW")}},
			container: capabilities(nil, []any{"ALL"}),
			want:      Pass,
		},
		"RequiredDropByName": {
			required:  []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesDrop, Value: value("NET_RAW")}},
			container: capabilities(nil, []any{"NET_RAW"}),
			want:      Pass,
		},
		"RequiredDropMissing": {
			required:  []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesDrop, Value: value("NET_RAW")}},
			container: capabilities(nil, []any{"SYS_ADMIN"}),
			want:      Fail,
		},
		"RequiredDropALLNotByName": {
			reason:    "dropping one capability is not dropping ALL",
			required:  []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesDrop, Value: value("ALL")}},
			container: capabilities(nil, []any{"NET_RAW"}),
			want:      Fail,
		},
		"RequiredDropUnset": {
			required:  []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesDrop, Value: value("NET_RAW")}},
			container: capabilities(nil, nil),
			want:      Fail,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			set := fieldSet(t, tc.required, tc.forbidden)
			require.Len(t, set.Rules, 1)
			got := verdict(t, set, podSpec(map[string]any{"containers": []any{tc.container}}), set.Rules[0].ID)
			assert.Equal(t, tc.want, got, tc.reason)
		})
	}
}

func TestResources(t *testing.T) {
	app := func(resources map[string]any) map[string]any {
		return map[string]any{"name": "app", "image": "ghcr.io/acme/app", "resources": resources}
	}
	limits := map[string]any{"limits": map[string]any{"cpu": "500m", "memory": "128Mi"}}
	requests := map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "64Mi"}}
	both := map[string]any{"limits": limits["limits"], "requests": requests["requests"]}
	debug := map[string]any{"name": "debugger", "image": "busybox:1.36", "targetContainerName": "app"}
	keys := []kspecv1alpha1.FieldKey{kspecv1alpha1.FieldLimitsCPU, kspecv1alpha1.FieldLimitsMemory, kspecv1alpha1.FieldRequestsCPU, kspecv1alpha1.FieldRequestsMemory}

	cases := map[string]struct {
		reason string
		spec   map[string]any
		// want is the verdict of required limits-cpu, limits-memory,
		// requests-cpu, requests-memory (exists: true).
		want []Status
	}{
		"AllSet": {
			spec: map[string]any{"containers": []any{app(both)}},
			want: []Status{Pass, Pass, Pass, Pass},
		},
		"LimitsOnly": {
			reason: "the API server defaults a request to its limit",
			spec:   map[string]any{"containers": []any{app(limits)}},
			want:   []Status{Pass, Pass, Pass, Pass},
		},
		"RequestsOnly": {
			reason: "a limit is not defaulted from a request",
			spec:   map[string]any{"containers": []any{app(requests)}},
			want:   []Status{Fail, Fail, Pass, Pass},
		},
		"EphemeralWithoutResources": {
			reason: "ephemeral containers cannot set resources",
			spec:   map[string]any{"containers": []any{app(both)}, "ephemeralContainers": []any{debug}},
			want:   []Status{Pass, Pass, Pass, Pass},
		},
		"InitWithoutResources": {
			reason: "init containers can set resources, and must",
			spec:   map[string]any{"containers": []any{app(both)}, "initContainers": []any{map[string]any{"name": "init", "image": "ghcr.io/acme/init"}}},
			want:   []Status{Fail, Fail, Fail, Fail},
		},
		"NoResources": {
			spec: map[string]any{"containers": []any{app(nil)}, "ephemeralContainers": []any{debug}},
			want: []Status{Fail, Fail, Fail, Fail},
		},
	}
	var required []kspecv1alpha1.FieldRule
	for _, k := range keys {
		required = append(required, kspecv1alpha1.FieldRule{Key: k, Exists: exists(true)})
	}
	set := fieldSet(t, required, nil)
	require.Len(t, set.Rules, len(keys))
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			require.Len(t, tc.want, len(keys))
			for i, k := range keys {
				id := CategoryWorkloads + "/" + fields[k].name
				assert.Equal(t, tc.want[i], verdict(t, set, podSpec(tc.spec), id), "%s: %s", id, tc.reason)
			}
		})
	}

	t.Run("EphemeralStillCountsForOtherKeys", func(t *testing.T) {
		set := fieldSet(t, []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldRunAsNonRoot, Value: &[]kspecv1alpha1.Value{kspecv1alpha1.BoolValue(true)}[0]}}, nil)
		p := podSpec(map[string]any{
			"containers":          []any{map[string]any{"name": "app", "securityContext": map[string]any{"runAsNonRoot": true}}},
			"ephemeralContainers": []any{debug},
		})
		r := result(t, set, p, CategoryWorkloads+"/run-as-non-root")
		assert.Equal(t, Fail, r.Status)
		assert.Contains(t, r.Message, "debugger")
	})

	t.Run("ForbiddenReadsTheDefaultedRequest", func(t *testing.T) {
		set := fieldSet(t, nil, []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldRequestsCPU, Exists: exists(true)}})
		assert.Equal(t, Fail, verdict(t, set, podSpec(map[string]any{"containers": []any{app(limits)}}), CategoryWorkloads+"/requests-cpu"))
		assert.Equal(t, Pass, verdict(t, set, podSpec(map[string]any{"containers": []any{app(nil)}}), CategoryWorkloads+"/requests-cpu"))
	})
}

// TestFieldMessages checks, for every key, that a failure names what is at
// fault: the failing containers (not the compliant ones), or for pod-level
// keys the field and the value the pod has.
func TestFieldMessages(t *testing.T) {
	yes := kspecv1alpha1.BoolValue(true)
	// A rule per key that the container "bad" breaks and "good" meets.
	rules := map[kspecv1alpha1.FieldKey]struct {
		rule      kspecv1alpha1.FieldRule
		forbidden bool
		good, bad map[string]any
	}{
		kspecv1alpha1.FieldRunAsNonRoot:             {rule: kspecv1alpha1.FieldRule{Value: &yes}, good: sc("runAsNonRoot", true), bad: sc("runAsNonRoot", false)},
		kspecv1alpha1.FieldAllowPrivilegeEscalation: {rule: kspecv1alpha1.FieldRule{Value: &yes}, forbidden: true, good: sc("allowPrivilegeEscalation", false), bad: sc("allowPrivilegeEscalation", true)},
		kspecv1alpha1.FieldReadOnlyRootFilesystem:   {rule: kspecv1alpha1.FieldRule{Value: &yes}, good: sc("readOnlyRootFilesystem", true), bad: sc("readOnlyRootFilesystem", false)},
		kspecv1alpha1.FieldPrivileged:               {rule: kspecv1alpha1.FieldRule{Value: &yes}, forbidden: true, good: sc("privileged", false), bad: sc("privileged", true)},
		kspecv1alpha1.FieldCapabilitiesDrop:         {rule: kspecv1alpha1.FieldRule{Value: value("ALL")}, good: capabilities(nil, []any{"ALL"}), bad: capabilities(nil, []any{"NET_RAW"})},
		kspecv1alpha1.FieldCapabilitiesAdd:          {rule: kspecv1alpha1.FieldRule{Value: value("NET_RAW")}, forbidden: true, good: capabilities([]any{"CHOWN"}, nil), bad: capabilities([]any{"ALL"}, nil)},
		kspecv1alpha1.FieldSeccompProfileType:       {rule: kspecv1alpha1.FieldRule{Value: value("RuntimeDefault")}, good: sc("seccompProfile", map[string]any{"type": "RuntimeDefault"}), bad: sc("seccompProfile", map[string]any{"type": "Unconfined"})},
		kspecv1alpha1.FieldLimitsCPU:                {rule: kspecv1alpha1.FieldRule{Exists: exists(true)}, good: res("limits", "cpu"), bad: res("requests", "cpu")},
		kspecv1alpha1.FieldLimitsMemory:             {rule: kspecv1alpha1.FieldRule{Exists: exists(true)}, good: res("limits", "memory"), bad: res("requests", "memory")},
		kspecv1alpha1.FieldRequestsCPU:              {rule: kspecv1alpha1.FieldRule{Exists: exists(true)}, good: res("limits", "cpu"), bad: res("limits", "memory")},
		kspecv1alpha1.FieldRequestsMemory:           {rule: kspecv1alpha1.FieldRule{Exists: exists(true)}, good: res("requests", "memory"), bad: res("requests", "cpu")},
	}
	n := 0
	for key, f := range fields {
		if f.pod {
			continue
		}
		tc, ok := rules[key]
		require.True(t, ok, "no message case for %s", key)
		tc.rule.Key = key
		var set *Set
		if tc.forbidden {
			set = fieldSet(t, nil, []kspecv1alpha1.FieldRule{tc.rule})
		} else {
			set = fieldSet(t, []kspecv1alpha1.FieldRule{tc.rule}, nil)
		}
		good, bad := named(tc.good, "good"), named(tc.bad, "bad")
		id := CategoryWorkloads + "/" + f.name
		require.Equal(t, Pass, verdict(t, set, podSpec(map[string]any{"containers": []any{good}}), id), key)
		r := result(t, set, podSpec(map[string]any{"containers": []any{good}, "initContainers": []any{bad}}), id)
		require.Equal(t, Fail, r.Status, key)
		assert.Contains(t, r.Message, "containers bad ", key)
		assert.NotContains(t, r.Message, "good", key)
		assert.Contains(t, r.Message, f.path, key)
		n++
	}
	for key, f := range fields {
		if !f.pod {
			continue
		}
		set := fieldSet(t, nil, []kspecv1alpha1.FieldRule{{Key: key, Value: &yes}})
		id := CategoryWorkloads + "/" + f.name
		require.Equal(t, Pass, verdict(t, set, podSpec(map[string]any{f.path: false}), id), key)
		r := result(t, set, podSpec(map[string]any{f.path: true}), id)
		require.Equal(t, Fail, r.Status, key)
		assert.Contains(t, r.Message, "the pod has "+f.path+": true;", key)
		n++
	}
	assert.Equal(t, len(fields), n, "every key's message is checked")
}

func sc(field string, v any) map[string]any {
	return map[string]any{"image": "ghcr.io/acme/app", "securityContext": map[string]any{field: v}}
}

func res(kind, resource string) map[string]any {
	return map[string]any{"image": "ghcr.io/acme/app", "resources": map[string]any{kind: map[string]any{resource: "1"}}}
}

// named is a copy of the container c, named name.
func named(c map[string]any, name string) map[string]any {
	out := map[string]any{"name": name}
	for k, v := range c {
		if k != "name" {
			out[k] = v
		}
	}
	return out
}
