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

package cli

import (
	"bytes"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/output"
	"github.com/kspec-io/kspec/internal/rules"
)

type checkCmd struct {
	specFlags
	outputFlags
	NamespaceLabels []string `name:"namespace-labels" sep:"none" placeholder:"NS=KEY=VALUE[,KEY=VALUE...]" help:"Labels of a namespace with no Namespace document in the input, for namespace selectors (NS= for none); repeatable. A Namespace document in the input wins."`
	Paths           []string `arg:"" name:"path" help:"Files or directories of YAML or JSON manifests; - reads standard input."`
}

func (c *checkCmd) Run(s streams, rc *exitCode) error {
	given, err := parseNamespaceLabels(c.NamespaceLabels)
	if err != nil {
		return err
	}
	if c.File == "-" && slices.Contains(c.Paths, "-") {
		return errors.New("standard input (-) cannot hold both the specification and the manifests")
	}
	set, err := c.compile(s)
	if err != nil {
		return err
	}
	now, err := c.now()
	if err != nil {
		return err
	}
	srcs, readWarnings, err := manifest.Read(c.Paths, s.in)
	if err != nil {
		return err
	}
	rep := report.New(set)
	rep.Time = now.UTC().Format(time.RFC3339)
	rep.Warnings = append(rep.Warnings, set.Warnings...)
	// Text, JSON and SARIF write results as they are found and keep none,
	// so memory does not grow with them; the document formats keep what
	// they need (docs/benchmarks.md).
	stream, err := c.stream(s)
	if err != nil {
		return err
	}
	if err := stream.Begin(rep); err != nil {
		return err
	}
	warnings, err := check(rep, set, srcs, rules.Input{Now: now}, given, stream.Results)
	if err != nil {
		return err
	}
	warnings = append(readWarnings, warnings...)
	rep.Warnings = append(rep.Warnings, warnings...)
	switch {
	case rep.Summary.InputErrors > 0:
		rc.code = ExitUsage
	case rep.Summary.Failed():
		rc.code = ExitInvalid
	}
	if c.Output != output.JSON {
		// The compiler's warnings were printed when the spec was read.
		for _, w := range warnings {
			_, _ = fmt.Fprintf(s.err, "kspec: warning: %s\n", report.Printable(w))
		}
	}
	return stream.End(rep)
}

// window is how many documents are decoded and evaluated at once: enough
// to keep every CPU busy, few enough to bound memory.
const window = 512

// check evaluates every document of the sources and hands each document's
// results to emit, in input order; the report gets the counts and input
// errors. Namespaces among the sources, else the labels given, are what
// namespace selectors see. check returns warnings about the run.
func check(rep *report.Report, set *rules.Set, srcs []manifest.Source, in rules.Input, given map[string]map[string]string, emit func([]report.Result) error) ([]string, error) {
	var chunks []manifest.Chunk
	for _, src := range srcs {
		chunks = append(chunks, manifest.Split(src.Name, src.Data)...)
	}
	// Namespace selectors and Pod Security levels need the labels of
	// Namespaces anywhere in the input, so find those first; every other
	// document is decoded, evaluated and dropped.
	inInput := map[string]map[string]string{}
	if set.ReadsNamespaceLabels() {
		for _, c := range chunks {
			if !bytes.Contains(c.Data, []byte("Namespace")) {
				continue
			}
			if d := c.Decode(); d.Err == nil {
				objs, _ := manifest.Expand(d) // checkChunk reports the error.
				for _, o := range objs {
					if o.Object.GetKind() == "Namespace" && o.Object.GetAPIVersion() == "v1" {
						inInput[o.Object.GetName()] = o.Object.GetLabels()
					}
				}
			}
		}
	}
	ns := newNamespaces(inInput, given)

	// Decoding dominates and documents are independent: every CPU takes a
	// share of a window, and the window's results go out in input order.
	out := make([]chunkResult, window)
	for start := 0; start < len(chunks); start += window {
		win := chunks[start:min(start+window, len(chunks))]
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(win)) {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < len(win); i = int(next.Add(1) - 1) {
					out[i] = checkChunk(set, win[i], in, ns)
				}
			})
		}
		wg.Wait()
		for _, o := range out[:len(win)] {
			rep.InputErrors = append(rep.InputErrors, o.errs...)
			rep.Summary.Add(o.sum)
			ns.missed(o.unknown)
			if err := emit(o.results); err != nil {
				return nil, err
			}
		}
	}
	// A gate that passes nothing through must not pass: kubectl apply
	// refuses input with no objects too.
	if rep.Summary.Objects == 0 && len(rep.InputErrors) == 0 && len(srcs) > 0 {
		names := make([]string, len(srcs))
		for i, src := range srcs {
			names[i] = src.Name
		}
		rep.InputErrors = append(rep.InputErrors, report.InputError{
			Location: report.Location{Source: srcs[0].Name, Line: 1},
			Message:  "no objects to check in " + strings.Join(names, ", "),
		})
	}
	rep.Summary.InputErrors = len(rep.InputErrors)
	return ns.warnings(), nil
}

// A chunkResult is what one document yields.
type chunkResult struct {
	errs    []report.InputError
	sum     report.Summary
	results []report.Result
	// unknown are namespaces whose labels a selector needed and nothing
	// gave.
	unknown []string
}

// checkChunk decodes and evaluates one document.
func checkChunk(set *rules.Set, c manifest.Chunk, in rules.Input, ns *namespaces) chunkResult {
	var out chunkResult
	d := c.Decode()
	if d.Err != nil {
		out.errs = append(out.errs, report.InputError{Location: *location(d), Message: d.Err.Error()})
		return out
	}
	in.NamespaceLabels = func(name string) (map[string]string, bool) {
		labels, known := ns.labels(name)
		if !known {
			out.unknown = append(out.unknown, name)
		}
		return labels, known
	}
	objs, err := manifest.Expand(d)
	if err != nil {
		out.errs = append(out.errs, report.InputError{Location: *location(d), Message: err.Error()})
	}
	for _, o := range objs {
		loc := location(o)
		if msg := malformed(set, o); msg != "" {
			out.errs = append(out.errs, report.InputError{Location: *loc, Message: msg})
			continue
		}
		out.sum.Objects++
		for _, r := range set.Evaluate(defaultNamespace(o.Object.Object), in) {
			out.sum.Count(r.Status)
			out.results = append(out.results, report.NewResult(r, loc))
		}
	}
	return out
}

func location(d manifest.Document) *report.Location {
	return &report.Location{Source: d.Source, Index: d.Index, Line: d.Line}
}

// defaultNamespace puts a namespaced object without a namespace in
// default, as kubectl apply reads it; obj itself is not modified.
func defaultNamespace(obj map[string]any) map[string]any {
	u := unstructured.Unstructured{Object: obj}
	if u.GetNamespace() != "" {
		return obj
	}
	if k, ok := rules.LookupKind(u.GetAPIVersion(), u.GetKind()); !ok || !k.Namespaced {
		return obj
	}
	out := maps.Clone(obj)
	meta, _ := obj["metadata"].(map[string]any)
	meta = maps.Clone(meta)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["namespace"] = "default"
	out["metadata"] = meta
	return out
}

// malformed says what makes a decoded document no Kubernetes object.
// Only kinds the spec has rules for need a name: a Kustomization in the
// same directory is not kspec's to judge.
func malformed(set *rules.Set, d manifest.Document) string {
	var missing []string
	if d.Object.GetAPIVersion() == "" {
		missing = append(missing, "apiVersion")
	}
	if d.Object.GetKind() == "" {
		missing = append(missing, "kind")
	}
	if d.Object.GetName() == "" && d.Object.GetGenerateName() == "" && set.Governs(d.Object.GetAPIVersion(), d.Object.GetKind()) {
		missing = append(missing, "metadata.name")
	}
	if len(missing) > 0 {
		return "not a Kubernetes object: no " + strings.Join(missing, ", ")
	}
	return ""
}
