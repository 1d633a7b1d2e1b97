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

package provider

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseFlags(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	f, err := ParseFlags(nil, env(nil), io.Discard)
	assert.NoError(t, err)
	assert.Equal(t, 15*time.Second, f.LeaseDuration)
	assert.Equal(t, 10*time.Second, f.RenewDeadline)
	assert.Equal(t, 2*time.Second, f.RetryPeriod)
	assert.Equal(t, 4, f.MaxConcurrent)
	assert.Equal(t, time.Minute, f.PollInterval)
	assert.False(t, f.LeaderElection)

	f, err = ParseFlags([]string{"--max-concurrent-scans=8", "--debug"}, env(map[string]string{"LEADER_ELECTION": "true", "LEASE_DURATION": "30s", "POLL_INTERVAL": "10s"}), io.Discard)
	assert.NoError(t, err)
	assert.True(t, f.LeaderElection)
	assert.Equal(t, 30*time.Second, f.LeaseDuration)
	assert.Equal(t, 10*time.Second, f.PollInterval)
	assert.Equal(t, 8, f.MaxConcurrent)
	assert.True(t, f.Debug)

	for name, c := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"renew not below lease": {[]string{"--renew-deadline=20s"}, nil},
		"retry not below renew": {[]string{"--retry-period=10s"}, nil},
		"renew within jitter":   {[]string{"--renew-deadline=2.2s", "--retry-period=2s"}, nil},
		"zero concurrency":      {[]string{"--max-concurrent-scans=0"}, nil},
		"negative poll":         {[]string{"--poll-interval=-1s"}, nil},
		"bad env duration":      {nil, map[string]string{"LEASE_DURATION": "soon"}},
		"bad env number":        {nil, map[string]string{"MAX_CONCURRENT_SCANS": "many"}},
		"unexpected argument":   {[]string{"extra"}, nil},
		"unknown flag":          {[]string{"--nope"}, nil},
		"zero reconcile rate":   {[]string{"--max-reconcile-rate=0"}, nil},
	} {
		_, err := ParseFlags(c.args, env(c.env), io.Discard)
		assert.Error(t, err, name)
	}
}
