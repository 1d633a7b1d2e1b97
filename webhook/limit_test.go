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

package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLimit: no more than n reviews at once; one that cannot get a slot
// before its client gives up is answered 503, and a slot freed is reused.
func TestLimit(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	var running, most atomic.Int32
	h := limit(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := running.Add(1)
		if n > most.Load() {
			most.Store(n)
		}
		entered <- struct{}{}
		<-release
		running.Add(-1)
		w.WriteHeader(http.StatusOK)
	}), 1)

	first := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { h.ServeHTTP(first, httptest.NewRequest(http.MethodPost, "/validate", nil)); close(done) }()
	<-entered

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a client that has given up while the slot is taken
	waiting := httptest.NewRecorder()
	h.ServeHTTP(waiting, httptest.NewRequest(http.MethodPost, "/validate", nil).WithContext(ctx))
	assert.Equal(t, http.StatusServiceUnavailable, waiting.Code)

	close(release)
	<-done
	assert.Equal(t, http.StatusOK, first.Code)
	next := httptest.NewRecorder()
	h.ServeHTTP(next, httptest.NewRequest(http.MethodPost, "/validate", nil))
	assert.Equal(t, http.StatusOK, next.Code, "the freed slot serves the next review")
	require.Equal(t, int32(1), most.Load(), "never two at once")
}
