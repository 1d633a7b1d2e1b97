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
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/errors"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
)

// A scanner is the state of one scan.
type scanner struct {
	set   *rules.Set
	o     Options
	host  string
	dyn   dynamic.Interface
	meta  metadata.Interface
	disc  discovery.DiscoveryInterface
	reads map[string]bool
	rep   *report.Report
	emit  func([]report.Result) error

	// nsLabels are the listed Namespaces' labels, for namespace selectors
	// and Pod Security levels.
	nsLabels map[string]map[string]string
	in       rules.Input
	cluster  rules.Cluster
	// full are the resources listed in full for evaluation, whose pages
	// also fill the snapshot.
	full    map[schema.GroupVersionResource]bool
	objects int

	mu       sync.Mutex // guards warnings, written by list goroutines
	warnings []string
}

func newScanner(cfg *rest.Config, set *rules.Set, o Options) (*scanner, error) {
	if cfg == nil {
		return nil, errors.New("no cluster configuration")
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	cfg = rest.CopyConfig(cfg)
	// Paged lists are sequential: client-side throttling would only slow
	// a scan down, and the API server has its own fairness.
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = 50, 100
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, errors.Wrap(err, "cluster configuration")
	}
	meta, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, errors.Wrap(err, "cluster configuration")
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, errors.Wrap(err, "cluster configuration")
	}
	s := &scanner{
		set: set, o: o, host: cfg.Host, dyn: dyn, meta: meta, disc: disc,
		reads:    map[string]bool{},
		nsLabels: map[string]map[string]string{},
		full:     map[schema.GroupVersionResource]bool{},
	}
	for _, f := range set.ClusterReads() {
		s.reads[f] = true
	}
	s.in = rules.Input{Now: o.Now, NamespaceLabels: func(ns string) (map[string]string, bool) {
		l, ok := s.nsLabels[ns]
		return l, ok
	}}
	return s, nil
}

func (s *scanner) warn(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.warnings, msg) {
		s.warnings = append(s.warnings, msg)
	}
}

func (s *scanner) run(ctx context.Context, emit func([]report.Result) error) (*report.Report, error) {
	s.rep = NewReport(s.set, s.o.Now)
	s.emit = emit
	if emit == nil {
		s.emit = func(rs []report.Result) error {
			s.rep.Results = append(s.rep.Results, rs...)
			return nil
		}
	}
	v, err := s.disc.ServerVersion()
	if err != nil {
		return nil, &UnreachableError{Host: s.host, Err: err}
	}
	s.cluster.Version = v.GitVersion

	// Namespaces first: every other object is judged with its
	// namespace's labels.
	if err := s.listNamespaces(ctx); err != nil {
		return nil, err
	}
	for _, k := range s.set.Kinds() {
		if k == rules.KindNamespace {
			continue // evaluated as they were listed
		}
		if err := s.listKind(ctx, k); err != nil {
			return nil, err
		}
	}
	if err := s.readCluster(ctx); err != nil {
		return nil, err
	}
	if rs := s.set.ClusterRules(); len(rs) > 0 {
		var out []report.Result
		for _, r := range s.set.EvaluateCluster(&s.cluster) {
			s.rep.Summary.Count(r.Status)
			out = append(out, report.NewResult(r, nil))
		}
		if err := s.emit(out); err != nil {
			return nil, err
		}
	}
	s.rep.Warnings = append(s.rep.Warnings, s.warnings...)
	s.rep.Summary.InputErrors = len(s.rep.InputErrors)
	return s.rep, nil
}

func gvr(k rules.Kind) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: k.Group, Version: k.Version, Resource: k.Resource}
}

func resourceName(r schema.GroupVersionResource) string {
	if r.Group == "" {
		return r.Version + "/" + r.Resource
	}
	return r.Group + "/" + r.Version + "/" + r.Resource
}

// listFull lists a resource, in full, in namespace ns ("" for all) with
// an optional label selector, and hands each page to use.
func (s *scanner) listFull(ctx context.Context, r schema.GroupVersionResource, ns, selector string, use func([]unstructured.Unstructured) error) error {
	get := func(ctx context.Context, cont string) ([]unstructured.Unstructured, string, error) {
		l, err := s.dyn.Resource(r).Namespace(ns).List(ctx, metav1.ListOptions{Limit: s.o.PageSize, Continue: cont, LabelSelector: selector})
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.GetContinue(), nil
	}
	listed := 0
	return pages(ctx, get, func(w string) { s.warn(resourceName(r) + ": " + w) }, func(items []unstructured.Unstructured) error {
		listed += len(items)
		if err := use(items); err != nil {
			return err
		}
		s.progress(r, listed)
		return nil
	})
}

// listMeta lists a resource's objects' metadata only, and hands each page
// to use.
func (s *scanner) listMeta(ctx context.Context, r schema.GroupVersionResource, use func([]metav1.PartialObjectMetadata) error) error {
	get := func(ctx context.Context, cont string) ([]metav1.PartialObjectMetadata, string, error) {
		l, err := s.meta.Resource(r).List(ctx, metav1.ListOptions{Limit: s.o.PageSize, Continue: cont})
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	}
	listed := 0
	return pages(ctx, get, func(w string) { s.warn(resourceName(r) + ": " + w) }, func(items []metav1.PartialObjectMetadata) error {
		listed += len(items)
		if err := use(items); err != nil {
			return err
		}
		s.progress(r, listed)
		return nil
	})
}

func (s *scanner) progress(r schema.GroupVersionResource, listed int) {
	if s.o.Progress != nil {
		s.o.Progress(Progress{Resource: resourceName(r), Listed: listed, Objects: s.objects})
	}
}

// failed decides what a failed list means. An answer of the API server
// about the resource (forbidden, not served) is an input error in the
// report: the scan goes on, but the report is not clean. Anything else
// (the connection lost, the credentials refused, ctx ended) ends the scan.
func (s *scanner) failed(r schema.GroupVersionResource, what string, err error) error {
	if err == nil {
		return nil
	}
	var st apierrors.APIStatus
	if !errors.As(err, &st) || apierrors.IsUnauthorized(err) {
		return errors.Wrapf(err, "cannot list %s", resourceName(r))
	}
	msg := fmt.Sprintf("cannot list %s (%s): %s", resourceName(r), what, st.Status().Message)
	if apierrors.IsForbidden(err) {
		msg += ": grant the scanning identity list on it (docs/scan.md)"
	}
	s.rep.InputErrors = append(s.rep.InputErrors, report.InputError{Location: report.Location{Source: "cluster " + s.host}, Message: msg})
	return nil
}

// listNamespaces lists the Namespaces, keeps their labels (and, for the
// snapshot, the objects) and evaluates them when the set governs them.
func (s *scanner) listNamespaces(ctx context.Context) error {
	r := gvr(rules.KindNamespace)
	governed := s.set.Governs(rules.KindNamespace.APIVersion(), rules.KindNamespace.Kind)
	err := s.listFull(ctx, r, "", "", func(items []unstructured.Unstructured) error {
		for i := range items {
			s.nsLabels[items[i].GetName()] = items[i].GetLabels()
			if s.reads["Namespaces"] {
				var ns corev1.Namespace
				if err := fromUnstructured(&items[i], &ns); err != nil {
					return err
				}
				s.cluster.Namespaces = append(s.cluster.Namespaces, ns)
			}
		}
		if governed {
			return s.evaluate(items)
		}
		return nil
	})
	if err != nil {
		// Without the Namespaces no selector and no Pod Security level can
		// be judged: the scan cannot be trusted, so it stops here.
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		var st apierrors.APIStatus
		if errors.As(err, &st) && !apierrors.IsUnauthorized(err) {
			return errors.Errorf("cannot list namespaces, which every scan reads: %s", st.Status().Message)
		}
		return errors.Wrap(err, "cannot list namespaces")
	}
	return nil
}

// listKind lists a governed kind, evaluates every object page by page and
// keeps what the snapshot needs of it.
func (s *scanner) listKind(ctx context.Context, k rules.Kind) error {
	r := gvr(k)
	s.full[r] = true
	err := s.listFull(ctx, r, "", "", func(items []unstructured.Unstructured) error {
		if err := s.keep(k, items); err != nil {
			return err
		}
		return s.evaluate(items)
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return s.failed(r, "governed by the specification's rules", err)
}

// evaluate evaluates a page on every worker and emits its results in
// list order.
func (s *scanner) evaluate(items []unstructured.Unstructured) error {
	out := make([][]rules.Result, len(items))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(s.o.Workers, len(items)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(items); i = int(next.Add(1) - 1) {
				out[i] = s.set.Evaluate(items[i].Object, s.in)
			}
		})
	}
	wg.Wait()
	var results []report.Result
	for _, rs := range out {
		for _, r := range rs {
			s.rep.Summary.Count(r.Status)
			results = append(results, report.NewResult(r, nil))
		}
	}
	s.objects += len(items)
	s.rep.Summary.Objects += len(items)
	return s.emit(results)
}
