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

// Package breaker is the webhook's circuit breaker: when too many admission
// requests cannot be evaluated, it stops evaluating for a cooldown, during
// which requests are admitted with a warning, then lets one probe through.
package breaker

import (
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// State of a breaker.
type State int

// States.
const (
	// Closed evaluates every request.
	Closed State = iota
	// Open evaluates nothing until the cooldown ends.
	Open
	// HalfOpen lets one probe request be evaluated; its outcome closes or
	// reopens the breaker.
	HalfOpen
)

func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	}
	return "unknown"
}

// Options of a breaker; zero values take the defaults.
type Options struct {
	// Window is how far back outcomes count (default one minute).
	Window time.Duration
	// MaxRequests is how many of the latest outcomes count (default 100).
	MaxRequests int
	// MinRequests is how many outcomes the window needs before the
	// breaker can trip (default 10).
	MinRequests int
	// Ratio of errors at or above which the breaker trips (default 0.5).
	Ratio float64
	// Cooldown is how long the breaker stays open (default five minutes).
	Cooldown time.Duration
	// Clock, the real one by default.
	Clock clock.PassiveClock
	// OnChange, when set, is called with every new state, under the
	// breaker's lock: it must not call the breaker.
	OnChange func(State)
}

type outcome struct {
	at     time.Time
	failed bool
}

// A Breaker is safe for concurrent use.
type Breaker struct {
	o Options

	mu       sync.Mutex
	state    State
	openedAt time.Time
	probing  bool
	window   ring // the outcomes that count
}

// A ring holds the latest outcomes, oldest first, and counts the failed
// ones: a request records its outcome in constant time.
type ring struct {
	buf     []outcome // MaxRequests long
	head, n int       // the oldest outcome, and how many there are
	failed  int
}

func (r *ring) oldest() outcome { return r.buf[r.head] }

func (r *ring) pop() {
	if r.buf[r.head].failed {
		r.failed--
	}
	r.head = (r.head + 1) % len(r.buf)
	r.n--
}

func (r *ring) push(o outcome) {
	r.buf[(r.head+r.n)%len(r.buf)] = o
	r.n++
	if o.failed {
		r.failed++
	}
}

func (r *ring) reset() { r.head, r.n, r.failed = 0, 0, 0 }

// New returns a closed breaker.
func New(o Options) *Breaker {
	if o.Window <= 0 {
		o.Window = time.Minute
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = 100
	}
	if o.MinRequests <= 0 {
		o.MinRequests = 10
	}
	if o.Ratio <= 0 {
		o.Ratio = 0.5
	}
	if o.Cooldown <= 0 {
		o.Cooldown = 5 * time.Minute
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	b := &Breaker{o: o, window: ring{buf: make([]outcome, o.MaxRequests)}}
	if o.OnChange != nil {
		o.OnChange(Closed)
	}
	return b
}

// State returns the breaker's state, moving an open breaker whose cooldown
// has ended to half-open.
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cool()
	return b.state
}

func (b *Breaker) set(s State) {
	if b.state == s {
		return
	}
	b.state = s
	if b.o.OnChange != nil {
		b.o.OnChange(s)
	}
}

func (b *Breaker) cool() {
	if b.state == Open && !b.o.Clock.Now().Before(b.openedAt.Add(b.o.Cooldown)) {
		b.set(HalfOpen)
		b.probing = false
	}
}

// Allow reports whether a request should be evaluated. A half-open breaker
// allows one request, the probe, until its outcome is recorded. Whoever is
// allowed must call Record.
func (b *Breaker) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cool()
	switch b.state {
	case Closed:
		return true
	case HalfOpen:
		if b.probing {
			return false
		}
		b.probing = true
		return true
	}
	return false
}

// Record records the outcome of an allowed request: failed when it could
// not be evaluated.
func (b *Breaker) Record(failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.o.Clock.Now()
	switch b.state {
	case HalfOpen:
		if !b.probing {
			return // not the probe: a request allowed before the breaker opened
		}
		b.probing = false
		if failed {
			b.trip(now)
			return
		}
		b.window.reset()
		b.set(Closed)
		return
	case Open:
		return
	}
	w := &b.window
	for w.n > 0 && now.Sub(w.oldest().at) > b.o.Window {
		w.pop()
	}
	if w.n == len(w.buf) {
		w.pop()
	}
	w.push(outcome{at: now, failed: failed})
	if w.n >= b.o.MinRequests && float64(w.failed) >= b.o.Ratio*float64(w.n) {
		b.trip(now)
	}
}

// ErrorRatio is the share of failed outcomes in the window, 0 when it is
// empty.
func (b *Breaker) ErrorRatio() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.window.n == 0 {
		return 0
	}
	return float64(b.window.failed) / float64(b.window.n)
}

func (b *Breaker) trip(now time.Time) {
	b.openedAt = now
	b.window.reset()
	b.set(Open)
}
