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
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"

	"github.com/owenrumney/go-sarif/v3/pkg/report"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"

	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/internal/version"
)

type checkCmd struct {
	specFlags
	Output string   `short:"o" enum:"text,json,sarif" default:"text" help:"Output format: text, json or sarif."`
	Paths  []string `arg:"" name:"path" help:"Files or directories of YAML or JSON manifests; - reads standard input."`
}

// A checkResult is one rule's verdict on one object.
type checkResult struct {
	Rule      string          `json:"rule"`
	Severity  string          `json:"severity"`
	Status    string          `json:"status"`
	Object    rules.ObjectRef `json:"object"`
	Source    string          `json:"source"`
	Index     int             `json:"index"`
	Line      int             `json:"line"`
	Message   string          `json:"message,omitempty"`
	Exemption string          `json:"exemption,omitempty"`
}

// An inputError is a document that could not be read.
type inputError struct {
	Source  string `json:"source"`
	Index   int    `json:"index"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

type ruleInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Remediation string   `json:"remediation,omitempty"`
	Controls    []string `json:"controls,omitempty"`
}

type checkSummary struct {
	Objects     int `json:"objects"`
	Pass        int `json:"pass"`
	Fail        int `json:"fail"`
	Skip        int `json:"skip"`
	Error       int `json:"error"`
	InputErrors int `json:"inputErrors"`
}

type checkReport struct {
	Specification string        `json:"specification"`
	Namespace     string        `json:"namespace,omitempty"`
	Mode          string        `json:"mode"`
	Summary       checkSummary  `json:"summary"`
	Rules         []ruleInfo    `json:"rules"`
	Results       []checkResult `json:"results"`
	InputErrors   []inputError  `json:"inputErrors"`
	// NotEvaluated are the cluster-level rules, which need a cluster.
	NotEvaluated []string `json:"notEvaluated,omitempty"`
}

func (c *checkCmd) Run(s streams, rc *exitCode) error {
	set, err := c.compile(s)
	if err != nil {
		return err
	}
	now, err := c.now()
	if err != nil {
		return err
	}
	srcs, err := readSources(c.Paths, s.in)
	if err != nil {
		return err
	}
	rep := newCheckReport(set)
	var emit func([]checkResult) error
	var stream *jsonStream
	if c.Output == "json" {
		// JSON lists every result, so it is written as it is found.
		stream = &jsonStream{w: bufio.NewWriter(s.out)}
		if err := stream.begin(rep); err != nil {
			return err
		}
		emit = stream.results
	} else {
		// Text and SARIF list failures only; passes are just counted.
		emit = func(rs []checkResult) error {
			for _, r := range rs {
				if r.Status != string(rules.Pass) && r.Status != string(rules.Skip) {
					rep.Results = append(rep.Results, r)
				}
			}
			return nil
		}
	}
	if err := check(rep, set, srcs, rules.Input{Now: now}, emit); err != nil {
		return err
	}
	switch {
	case rep.Summary.InputErrors > 0:
		rc.code = ExitUsage
	case rep.Summary.Fail+rep.Summary.Error > 0:
		rc.code = ExitInvalid
	}
	switch c.Output {
	case "json":
		return stream.end(rep)
	case "sarif":
		return rep.writeSARIF(s.out)
	}
	return rep.writeText(s.out)
}

func newCheckReport(set *rules.Set) *checkReport {
	rep := &checkReport{Specification: set.Name, Namespace: set.Namespace, Mode: string(set.Mode), Results: []checkResult{}, InputErrors: []inputError{}}
	for _, r := range set.ObjectRules() {
		info := ruleInfo{ID: r.ID, Title: r.Title, Severity: string(r.Severity), Remediation: r.Remediation}
		for _, c := range r.Controls {
			info.Controls = append(info.Controls, c.Framework+" "+c.ID)
		}
		rep.Rules = append(rep.Rules, info)
	}
	for _, r := range set.ClusterRules() {
		rep.NotEvaluated = append(rep.NotEvaluated, r.ID)
	}
	return rep
}

// window is how many documents are decoded and evaluated at once: enough
// to keep every CPU busy, few enough to bound memory.
const window = 512

// check evaluates every document of the sources and hands each document's
// results to emit, in input order; the report gets the counts and input
// errors. Namespaces among the sources give the labels namespace
// selectors see.
func check(rep *checkReport, set *rules.Set, srcs []source, in rules.Input, emit func([]checkResult) error) error {
	var chunks []validate.Chunk
	for _, src := range srcs {
		chunks = append(chunks, validate.Split(src.name, src.data)...)
	}
	// Namespace selectors need the labels of Namespaces anywhere in the
	// input, so find those first; every other document is decoded,
	// evaluated and dropped.
	nsLabels := map[string]map[string]string{}
	if set.Scope.Selector != nil {
		for _, c := range chunks {
			if !bytes.Contains(c.Data, []byte("Namespace")) {
				continue
			}
			if d := c.Decode(); d.Err == nil {
				for _, o := range items(d) {
					if o.Object.GetKind() == "Namespace" && o.Object.GetAPIVersion() == "v1" {
						nsLabels[o.Object.GetName()] = o.Object.GetLabels()
					}
				}
			}
		}
	}
	in.NamespaceLabels = func(ns string) (map[string]string, bool) { return nsLabels[ns], true }

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
					out[i] = checkChunk(set, win[i], in)
				}
			})
		}
		wg.Wait()
		for _, o := range out[:len(win)] {
			rep.InputErrors = append(rep.InputErrors, o.errs...)
			rep.Summary.add(o.sum)
			if err := emit(o.results); err != nil {
				return err
			}
		}
	}
	rep.Summary.InputErrors = len(rep.InputErrors)
	return nil
}

// A jsonStream writes the JSON report with its results as they come:
// the same fields as checkReport, results one per line.
type jsonStream struct {
	w *bufio.Writer
	n int
}

func (j *jsonStream) begin(rep *checkReport) error {
	head := []struct {
		key   string
		value any
	}{{"specification", rep.Specification}, {"namespace", rep.Namespace}, {"mode", rep.Mode}, {"rules", rep.Rules}, {"notEvaluated", rep.NotEvaluated}}
	_, _ = j.w.WriteString("{\n")
	for _, f := range head {
		if f.key == "namespace" && rep.Namespace == "" {
			continue
		}
		if err := j.field(f.key, f.value, ",\n"); err != nil {
			return err
		}
	}
	_, err := j.w.WriteString(`  "results": [`)
	return err
}

func (j *jsonStream) results(rs []checkResult) error {
	for _, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if j.n > 0 {
			_ = j.w.WriteByte(',')
		}
		_, _ = j.w.WriteString("\n    ")
		_, _ = j.w.Write(b)
		j.n++
	}
	return nil
}

func (j *jsonStream) end(rep *checkReport) error {
	if j.n > 0 {
		_, _ = j.w.WriteString("\n  ")
	}
	_, _ = j.w.WriteString("],\n")
	if err := j.field("inputErrors", rep.InputErrors, ",\n"); err != nil {
		return err
	}
	if err := j.field("summary", rep.Summary, "\n}\n"); err != nil {
		return err
	}
	return j.w.Flush()
}

func (j *jsonStream) field(key string, v any, after string) error {
	b, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(j.w, "  %q: ", key)
	_, _ = j.w.Write(b)
	_, err = j.w.WriteString(after)
	return err
}

// items expands a List (what kubectl get -o yaml prints) into its items,
// each reported at the list's position.
func items(d validate.Document) []validate.Document {
	if !d.Object.IsList() {
		return []validate.Document{d}
	}
	var out []validate.Document
	_ = d.Object.EachListItem(func(o k8sruntime.Object) error {
		if u, ok := o.(*unstructured.Unstructured); ok {
			item := d
			item.Object = u
			out = append(out, item)
		}
		return nil
	})
	return out
}

// A chunkResult is what one document yields.
type chunkResult struct {
	errs    []inputError
	sum     checkSummary
	results []checkResult
}

// checkChunk decodes and evaluates one document.
func checkChunk(set *rules.Set, c validate.Chunk, in rules.Input) chunkResult {
	var out chunkResult
	d := c.Decode()
	if d.Err != nil {
		out.errs = append(out.errs, inputError{Source: d.Source, Index: d.Index, Line: d.Line, Message: d.Err.Error()})
		return out
	}
	for _, o := range items(d) {
		if msg := malformed(set, o); msg != "" {
			out.errs = append(out.errs, inputError{Source: o.Source, Index: o.Index, Line: o.Line, Message: msg})
			continue
		}
		out.sum.Objects++
		for _, r := range set.Evaluate(defaultNamespace(o.Object.Object), in) {
			out.sum.count(r.Status)
			out.results = append(out.results, checkResult{
				Rule: r.Rule.ID, Severity: string(r.Rule.Severity), Status: string(r.Status), Object: r.Object,
				Source: o.Source, Index: o.Index, Line: o.Line, Message: r.Message, Exemption: r.Exemption,
			})
		}
	}
	return out
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

func (s *checkSummary) add(o checkSummary) {
	s.Objects += o.Objects
	s.Pass += o.Pass
	s.Fail += o.Fail
	s.Skip += o.Skip
	s.Error += o.Error
}

func (s *checkSummary) count(st rules.Status) {
	switch st {
	case rules.Pass:
		s.Pass++
	case rules.Fail:
		s.Fail++
	case rules.Skip:
		s.Skip++
	default:
		s.Error++
	}
}

// malformed says what makes a decoded document no Kubernetes object.
// Only kinds the spec has rules for need a name: a Kustomization in the
// same directory is not kspec's to judge.
func malformed(set *rules.Set, d validate.Document) string {
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

func (rep *checkReport) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rep.Results {
		if r.Status == string(rules.Pass) || r.Status == string(rules.Skip) {
			continue
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s:%d\t%s\n", strings.ToUpper(r.Status), r.Severity, r.Rule, r.Object, r.Source, r.Line, r.Message)
	}
	for _, e := range rep.InputErrors {
		_, _ = fmt.Fprintf(tw, "INPUT\t\t\t\t%s:%d\tdocument %d: %s\n", e.Source, e.Line, e.Index, e.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	spec := rep.Specification
	if rep.Namespace != "" {
		spec = rep.Namespace + "/" + spec
	}
	sm := rep.Summary
	_, err := fmt.Fprintf(w, "%s (%s): %d objects, %d rules: %d pass, %d fail, %d skip, %d error; %d input errors\n",
		spec, rep.Mode, sm.Objects, len(rep.Rules), sm.Pass, sm.Fail, sm.Skip, sm.Error, sm.InputErrors)
	if err == nil && len(rep.NotEvaluated) > 0 {
		_, err = fmt.Fprintf(w, "not evaluated (cluster-level, need a cluster): %s\n", strings.Join(rep.NotEvaluated, ", "))
	}
	return err
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(severity string) string {
	switch severity {
	case "Critical", "High":
		return "error"
	case "Medium":
		return "warning"
	}
	return "note"
}

func (rep *checkReport) writeSARIF(w io.Writer) error {
	run := sarif.NewRunWithInformationURI("kspec", "https://github.com/kspec-io/kspec")
	run.Tool.Driver.WithVersion(version.Version())
	for _, r := range rep.Rules {
		props := sarif.NewPropertyBag().Add("severity", r.Severity).WithTags(append([]string{strings.SplitN(r.ID, "/", 2)[0]}, r.Controls...))
		run.AddRule(r.ID).WithName(r.Title).WithDescription(r.Title).WithMarkdownHelp(r.Remediation).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity))).
			WithProperties(props)
	}
	for _, r := range rep.Results {
		if r.Status != string(rules.Fail) && r.Status != string(rules.Error) {
			continue
		}
		level := sarifLevel(r.Severity)
		if r.Status == string(rules.Error) {
			level = "error"
		}
		run.AddDistinctArtifact(r.Source)
		run.CreateResultForRule(r.Rule).
			WithLevel(level).
			WithMessage(sarif.NewTextMessage(r.Object.String() + ": " + r.Message)).
			AddLocation(sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(r.Source)).
					WithRegion(sarif.NewRegion().WithStartLine(r.Line)),
			).WithLogicalLocations([]*sarif.LogicalLocation{
				sarif.NewLogicalLocation().WithFullyQualifiedName(r.Object.String()).WithKind("resource"),
			}))
	}
	notes := make([]*sarif.Notification, 0, len(rep.InputErrors))
	for _, e := range rep.InputErrors {
		notes = append(notes, sarif.NewNotification().WithLevel("error").
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("document %d: %s", e.Index, e.Message))).
			WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(e.Source)).
					WithRegion(sarif.NewRegion().WithStartLine(e.Line)))}))
	}
	run.AddInvocation(sarif.NewInvocation().WithExecutionSuccessful(len(notes) == 0).WithToolExecutionNotifications(notes))
	out := report.NewV210Report()
	out.AddRun(run)
	if err := out.Validate(); err != nil {
		return errors.Wrap(err, "kspec wrote invalid SARIF")
	}
	return out.PrettyWrite(w)
}
