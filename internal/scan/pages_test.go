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

package scan

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// list serves n items in pages of size, the continue token being the next
// index; expire makes the token of that index expired, offering fresh
// when fresh is not empty.
type list struct {
	n, size int
	expire  string
	fresh   string
	calls   []string
}

func (l *list) get(_ context.Context, cont string) ([]int, string, error) {
	l.calls = append(l.calls, cont)
	if cont != "" && cont == l.expire {
		st := apierrors.NewResourceExpired("the continue token is too old")
		st.ErrStatus.Continue = l.fresh
		return nil, "", st
	}
	start := 0
	if cont != "" {
		i, err := strconv.Atoi(cont)
		if err != nil {
			start, _ = strconv.Atoi(cont[len("fresh-"):])
		} else {
			start = i
		}
	}
	end := min(start+l.size, l.n)
	items := make([]int, 0, end-start)
	for i := start; i < end; i++ {
		items = append(items, i)
	}
	next := ""
	if end < l.n {
		next = strconv.Itoa(end)
	}
	return items, next, nil
}

func collect(t *testing.T, l *list) ([]int, []string, error) {
	t.Helper()
	var got []int
	var warnings []string
	err := pages(context.Background(), l.get, func(w string) { warnings = append(warnings, w) }, func(items []int) error {
		got = append(got, items...)
		return nil
	})
	return got, warnings, err
}

func TestPagesInOrder(t *testing.T) {
	l := &list{n: 10, size: 3}
	got, warnings, err := collect(t, l)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, got)
	assert.Equal(t, []string{"", "3", "6", "9"}, l.calls)
	assert.Empty(t, warnings)

	empty := &list{n: 0, size: 3}
	got, _, err = collect(t, empty)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestPagesExpiredContinue(t *testing.T) {
	// The API server offers a token to go on: the list goes on, warned.
	l := &list{n: 10, size: 3, expire: "6", fresh: "fresh-6"}
	got, warnings, err := collect(t, l)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, got)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], "newer revision")

	// None offered: the list fails, with the API server's error.
	l = &list{n: 10, size: 3, expire: "6"}
	got, _, err = collect(t, l)
	assert.True(t, apierrors.IsResourceExpired(err), err)
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5}, got, "what was read before is handed on")
}

func TestPagesStopWhenUseFails(t *testing.T) {
	l := &list{n: 1000, size: 1}
	boom := errors.New("boom")
	seen := 0
	err := pages(context.Background(), l.get, func(string) {}, func([]int) error {
		seen++
		if seen == 2 {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	assert.Less(t, len(l.calls), 10, "reading stops soon after: at most a page read ahead")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = pages(ctx, (&list{n: 10, size: 1}).get, func(string) {}, func([]int) error { return nil })
	assert.ErrorIs(t, err, context.Canceled)
}

func TestAvailable(t *testing.T) {
	svc := func(conds ...any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"status": map[string]any{"conditions": conds}}}
	}
	assert.True(t, available(svc(map[string]any{"type": "Available", "status": "True"})))
	assert.False(t, available(svc(map[string]any{"type": "Available", "status": "False"})))
	assert.False(t, available(svc()))
	assert.False(t, available(&unstructured.Unstructured{Object: map[string]any{}}))
}

func TestResourceName(t *testing.T) {
	assert.Equal(t, "v1/pods", resourceName(schema.GroupVersionResource{Version: "v1", Resource: "pods"}))
	assert.Equal(t, "apps/v1/deployments", resourceName(schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}))
}

func TestIsAPIServerPod(t *testing.T) {
	assert.True(t, isAPIServerPod("kube-system", map[string]string{"component": "kube-apiserver"}))
	assert.False(t, isAPIServerPod("team", map[string]string{"component": "kube-apiserver"}), "only kube-system's")
	assert.False(t, isAPIServerPod("kube-system", nil))
}
