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

// Package functions is function-kspec: RunFunction reads the request once
// (the composite resource, its resolved and compiled specification, the
// targets, the clock), runs the step the Input names for every target
// (package step holds the contract), and turns the steps' objects into
// composed resources: directly on the control-plane cluster, wrapped in
// provider-kubernetes Objects on remote targets, always confined to a
// claim's namespace for a claim. It never returns an error: a problem is a
// Fatal or Warning result on the composite resource.
package functions

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"
	"github.com/pkg/errors"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/rules"
)

// Function is function-kspec.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	log      logging.Logger
	now      func() time.Time
	steps    map[fnv1beta1.Step]step.Step
	ttl      time.Duration
	sets     cache[*rules.Set]
	resolved cache[rules.Spec]
	objects  conversionCache
	prepared cache[*preparation]
}

// An Option configures a Function.
type Option func(*Function)

// WithClock sets the clock the function renders at. Default time.Now.
func WithClock(now func() time.Time) Option { return func(f *Function) { f.now = now } }

// WithSteps replaces the steps the function dispatches to.
func WithSteps(s map[fnv1beta1.Step]step.Step) Option { return func(f *Function) { f.steps = s } }

// WithMaxTTL caps the response TTL. Default DefaultMaxTTL.
func WithMaxTTL(d time.Duration) Option { return func(f *Function) { f.ttl = d } }

// DefaultMaxTTL is the longest Crossplane may cache a response: even with
// no window edge or exemption expiry ahead, the function re-renders at
// least this often, so observed readiness and targets stay current.
const DefaultMaxTTL = time.Hour

// New returns function-kspec with every step in Steps.
func New(log logging.Logger, o ...Option) *Function {
	f := &Function{log: log, now: time.Now, steps: Steps(), ttl: DefaultMaxTTL}
	for _, fn := range o {
		fn(f)
	}
	return f
}

// RunFunction runs the step the Input names. It never returns an error,
// and a panic anywhere below becomes a Fatal result.
func (f *Function) RunFunction(ctx context.Context, req *fnv1.RunFunctionRequest) (rsp *fnv1.RunFunctionResponse, _ error) {
	defer func() {
		if p := recover(); p != nil {
			f.log.Info("Recovered from a panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			rsp = response.To(req, response.DefaultTTL)
			response.Fatal(rsp, errors.Errorf("function-kspec failed unexpectedly (%v); this is a bug, please report it", p))
		}
	}()
	return f.run(ctx, req), nil
}
