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

// Package scan reads a live cluster and judges it against a compiled
// specification: every object rule on every object of the kinds the set
// governs, and the cluster-level rules on a snapshot (rules.Cluster) holding
// only what those rules read. Lists are paged (limit/continue) and each page
// is evaluated and dropped before the next but one is read, so memory is
// bounded by the page size and the snapshot, not by the cluster. kspec scan
// and the provider are its two front ends; the semantics are internal/rules'.
package scan

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/rest"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
)

// DefaultPageSize is the list page size when Options.PageSize is 0: what
// kubectl asks for.
const DefaultPageSize = 500

// Options tune a scan.
type Options struct {
	// Now decides which exemptions are live and is the report's time; the
	// zero time means time.Now().
	Now time.Time
	// PageSize is the limit of each list request; 0 means DefaultPageSize.
	PageSize int64
	// Progress, when set, is called after every page read, from the
	// goroutine that called Scan.
	Progress func(Progress)
	// Workers evaluate a page's objects in parallel; 0 means GOMAXPROCS.
	Workers int
}

// Progress says how far a scan has got.
type Progress struct {
	// Resource is what is being listed, as group/version/resource
	// ("v1/pods", "apps/v1/deployments").
	Resource string
	// Listed counts the objects of Resource read so far.
	Listed int
	// Objects counts the objects evaluated so far, of every resource.
	Objects int
}

// An UnreachableError means the scan could not start: the API server did
// not answer, its certificate was not trusted, or it refused the
// credentials. Nothing was evaluated.
type UnreachableError struct {
	// Host is the API server's address.
	Host string
	Err  error
}

// Error is one line naming the API server and the cause.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the cluster at %s: %v", e.Host, e.Err)
}

// Unwrap is the cause.
func (e *UnreachableError) Unwrap() error { return e.Err }

// NewReport returns an empty report of a scan of the set at now: every
// rule, object and cluster-level, is listed as evaluated. It is the head
// of the report Scan returns, for streams that write the head before the
// results (report.Stream.Begin).
func NewReport(set *rules.Set, now time.Time) *report.Report {
	rep := report.New(set)
	rep.NotEvaluated = nil
	for _, r := range set.ClusterRules() {
		rep.AddRule(r)
	}
	rep.Time = now.UTC().Format(time.RFC3339)
	rep.Warnings = append(rep.Warnings, set.Warnings...)
	return rep
}

// Scan reads the cluster behind cfg and evaluates the set on it. It lists
// the Namespaces, then every kind the set's object rules govern
// (set.Kinds()), page by page, evaluating every object as
// Set.Evaluate does for kspec check (namespace selectors see the listed
// Namespaces' labels), and hands each page's results to emit, in list
// order, before reading further; then it reads what the cluster-level
// rules read (set.ClusterReads()), evaluates them (Set.EvaluateCluster) and
// emits their results last. A nil emit keeps the results in the returned
// report's Results.
//
// The returned report has the rules, the summary (the score is
// Summary.Score()), the warnings and the input errors, but not the emitted
// results. What the caller may not list (RBAC forbids it) or the server
// could not serve is an input error in the report, never a pass: a report
// with input errors is not a clean one. Scan returns an error, and no
// report, when the cluster cannot be reached at all (*UnreachableError),
// when ctx ends, or when emit fails.
func Scan(ctx context.Context, cfg *rest.Config, set *rules.Set, o Options, emit func([]report.Result) error) (*report.Report, error) {
	s, err := newScanner(cfg, set, o)
	if err != nil {
		return nil, err
	}
	return s.run(ctx, emit)
}
