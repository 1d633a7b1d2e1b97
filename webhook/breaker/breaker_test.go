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

package breaker

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"
)

func TestTrip(t *testing.T) {
	cases := map[string]struct {
		outcomes []bool // true: failed
		step     time.Duration
		want     State
	}{
		"too few requests":         {outcomes: repeat(9, true), want: Closed},
		"ten errors":               {outcomes: repeat(10, true), want: Open},
		"half errors trips":        {outcomes: append(repeat(5, false), repeat(5, true)...), want: Open},
		"under half does not trip": {outcomes: append(repeat(6, false), repeat(4, true)...), want: Closed},
		"old errors age out":       {outcomes: append(repeat(9, true), false, false), step: 40 * time.Second, want: Closed},
		"49 of the last 100":       {outcomes: append(repeat(60, false), repeat(49, true)...), want: Closed},
		"50 of the last 100":       {outcomes: append(repeat(60, false), repeat(50, true)...), want: Open},
		"errors within a minute":   {outcomes: repeat(10, true), step: 5 * time.Second, want: Open},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := clocktesting.NewFakePassiveClock(time.Unix(0, 0))
			b := New(Options{Clock: c})
			for _, f := range tc.outcomes {
				require.True(t, b.Allow())
				b.Record(f)
				c.SetTime(c.Now().Add(tc.step))
			}
			assert.Equal(t, tc.want, b.State())
		})
	}
}

func TestCooldownAndProbe(t *testing.T) {
	for name, probeFails := range map[string]bool{"probe succeeds": false, "probe fails": true} {
		t.Run(name, func(t *testing.T) {
			c := clocktesting.NewFakePassiveClock(time.Unix(0, 0))
			var states []State
			b := New(Options{Clock: c, Cooldown: time.Minute, OnChange: func(s State) { states = append(states, s) }})
			for range 10 {
				require.True(t, b.Allow())
				b.Record(true)
			}
			require.Equal(t, Open, b.State())
			require.False(t, b.Allow(), "an open breaker evaluates nothing")
			c.SetTime(c.Now().Add(59 * time.Second))
			require.False(t, b.Allow(), "still cooling down")
			c.SetTime(c.Now().Add(time.Second))
			require.Equal(t, HalfOpen, b.State())
			require.True(t, b.Allow(), "the probe")
			require.False(t, b.Allow(), "one probe at a time")
			b.Record(probeFails)
			if probeFails {
				assert.Equal(t, Open, b.State())
				assert.Equal(t, []State{Closed, Open, HalfOpen, Open}, states)
				return
			}
			assert.Equal(t, Closed, b.State())
			assert.True(t, b.Allow())
			assert.Equal(t, []State{Closed, Open, HalfOpen, Closed}, states)
		})
	}
}

func repeat(n int, v bool) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestErrorRatio(t *testing.T) {
	b := New(Options{MinRequests: 100})
	assert.InDelta(t, 0, b.ErrorRatio(), 0, "empty window")
	for i := range 8 {
		b.Record(i%4 == 0)
	}
	assert.InDelta(t, 0.25, b.ErrorRatio(), 1e-9)
}

// TestWindowAgrees holds the breaker's window to its definition, a list
// of the latest MaxRequests outcomes of the last Window, on random
// outcomes at random intervals: the same trips, the same error ratio.
func TestWindowAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	trips := 0
	for range 200 {
		c := clocktesting.NewFakePassiveClock(time.Unix(0, 0))
		o := Options{Clock: c, MaxRequests: 1 + r.IntN(30), MinRequests: 1 + r.IntN(10), Ratio: 0.1 + 0.8*r.Float64(), Window: time.Duration(1+r.IntN(60)) * time.Second}
		b := New(o)
		type entry struct {
			at     time.Time
			failed bool
		}
		var model []entry
		for range 300 {
			failed := r.IntN(100) < 20
			now := c.Now()
			model = append(model, entry{now, failed})
			if over := len(model) - o.MaxRequests; over > 0 {
				model = model[over:]
			}
			for len(model) > 0 && now.Sub(model[0].at) > o.Window {
				model = model[1:]
			}
			errs := 0
			for _, e := range model {
				if e.failed {
					errs++
				}
			}
			require.True(t, b.Allow())
			b.Record(failed)
			if len(model) >= o.MinRequests && float64(errs) >= o.Ratio*float64(len(model)) {
				require.Equal(t, Open, b.State(), "%+v", o)
				trips++
				break
			}
			require.Equal(t, Closed, b.State(), "%+v", o)
			require.InDelta(t, float64(errs)/float64(len(model)), b.ErrorRatio(), 1e-12)
			c.SetTime(now.Add(time.Duration(r.IntN(3000)) * time.Millisecond))
		}
	}
	assert.Greater(t, trips, 50)
	assert.Less(t, trips, 190)
}
