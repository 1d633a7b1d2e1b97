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

// Package kyverno proves that kspec check and the real Kyverno CLI, running
// the policies kspec renders, give the verdicts expected.yaml records for
// every object of the corpus, for every example specification and both
// rendered engines.
package kyverno

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/resolve"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/test/harness"
)

// now is the clock of every run: each example exemption is live then.
const now = "2026-12-01T00:00:00Z"

const corpus = "corpus"

// An expectation is "skip", or rule id → verdict for the rules that do not
// pass; an empty map means every applicable rule passes.
type expectation struct {
	all   string
	rules map[string]string
}

func (e *expectation) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &e.all); err == nil {
		if e.all != "skip" {
			return fmt.Errorf("want skip or a map, got %q", e.all)
		}
		return nil
	}
	return json.Unmarshal(b, &e.rules)
}

func (e expectation) verdict(rule string) string {
	if e.all != "" {
		return e.all
	}
	if v, ok := e.rules[rule]; ok {
		return v
	}
	return "pass"
}

// object is a corpus object with the rules that apply to it.
type object struct {
	key, apiVersion, kind string
}

func readCorpus(t *testing.T) []object {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpus, "*.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 60, "the corpus must have at least 60 manifests")
	var out []object
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, d := range manifest.Parse(f, b) {
			require.NoError(t, d.Err, f)
			o := d.Object
			ns := o.GetNamespace()
			if ns == "" && o.GetKind() != "Namespace" && o.GetKind() != "ClusterRole" {
				ns = "default"
			}
			key := o.GetKind() + "/" + o.GetName()
			if ns != "" {
				key = o.GetKind() + "/" + ns + "/" + o.GetName()
			}
			out = append(out, object{key: key, apiVersion: o.GetAPIVersion(), kind: o.GetKind()})
		}
	}
	return out
}

// verdicts maps object key → rule id → verdict.
type verdicts map[string]map[string]string

func (v verdicts) set(key, rule, verdict string) {
	if v[key] == nil {
		v[key] = map[string]string{}
	}
	v[key][rule] = verdict
}

func TestAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Kyverno CLI: run with make test")
	}
	kyverno := os.Getenv("KSPEC_KYVERNO")
	if kyverno == "" {
		t.Fatal("KSPEC_KYVERNO is not set: run with make test, which builds the pinned Kyverno CLI")
	}
	b, err := os.ReadFile("expected.yaml")
	require.NoError(t, err)
	var expected map[string]map[string]expectation
	require.NoError(t, yaml.Unmarshal(b, &expected))
	objects := readCorpus(t)
	values, labels := namespaceValues(t)

	specs := make([]string, 0, len(expected))
	for s := range expected {
		specs = append(specs, s)
	}
	sort.Strings(specs)
	clock, err := time.Parse(time.RFC3339, now)
	require.NoError(t, err)

	for _, name := range specs {
		file := filepath.Join("..", "..", "examples", "specs", name+".yaml")
		sb, err := os.ReadFile(file)
		require.NoError(t, err)
		spec, err := validate.ReadSpecification(context.Background(), file, sb)
		require.NoError(t, err)
		// Resolved as kspec check resolves it: comprehensive is based on strict.
		spec, err = resolve.Resolve(context.Background(), spec, exampleSpecs(t))
		require.NoError(t, err)
		set, err := rules.Compile(spec)
		require.NoError(t, err)
		want := expected[name]
		for _, o := range objects {
			require.Contains(t, want, o.key, "expected.yaml has no %s entry for %s", name, o.key)
		}

		t.Run(name+"/kspec-check", func(t *testing.T) {
			got := kspecCheck(t, file)
			compare(t, set, objects, want, got, "kspec check")
		})
		for _, engine := range render.Engines() {
			t.Run(name+"/kyverno-apply-"+string(engine), func(t *testing.T) {
				objs, err := render.Render(set, engine, render.Options{Now: clock})
				require.NoError(t, err)
				got := kyvernoApply(t, kyverno, set, engine, objs, values, labels)
				compare(t, set, objects, want, got, "kyverno apply ("+string(engine)+")")
			})
		}
	}
}

// compare checks every applicable (object, rule) against the expectation.
func compare(t *testing.T, set *rules.Set, objects []object, want map[string]expectation, got verdicts, who string) {
	t.Helper()
	var wrong []string
	n := 0
	for _, o := range objects {
		for _, r := range set.AdmissionRules() {
			if !r.Applies(o.apiVersion, o.kind) {
				continue
			}
			n++
			w, g := want[o.key].verdict(r.ID), got[o.key][r.ID]
			if g == "" {
				g = "skip" // no result: the policy did not match the object
			}
			if w != g {
				wrong = append(wrong, fmt.Sprintf("%s %s: want %s, %s says %s", o.key, r.ID, w, who, g))
			}
		}
	}
	require.Positive(t, n, "no rule applies to the corpus")
	require.Empty(t, wrong, "%d of %d verdicts differ", len(wrong), n)
	t.Logf("%s agrees with expected.yaml on %d verdicts", who, n)
}

// kspecCheck runs kspec check on the corpus and reads its JSON.
// exampleSpecs are the specs of examples/specs, where the examples' bases live.
func exampleSpecs(t *testing.T) resolve.Source {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "specs", "*.yaml"))
	require.NoError(t, err)
	var specs []rules.Spec
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		s, err := validate.ReadSpecification(context.Background(), f, b)
		require.NoError(t, err)
		specs = append(specs, s)
	}
	return resolve.Specs(specs...)
}

func kspecCheck(t *testing.T, spec string) verdicts {
	t.Helper()
	rep, err := harness.Check(spec, now, corpus)
	require.NoError(t, err)
	got := verdicts{}
	for _, r := range rep.Results {
		got.set(r.Object.String(), r.Rule, strings.ToLower(string(r.Status)))
	}
	return got
}

// namespaceValues writes a Kyverno CLI values file giving the labels of
// the corpus Namespaces to namespace selectors, as a cluster would.
func namespaceValues(t *testing.T) (string, map[string]map[string]string) {
	t.Helper()
	type ns struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	}
	var nss []ns
	labels := map[string]map[string]string{}
	files, err := filepath.Glob(filepath.Join(corpus, "*.yaml"))
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, d := range manifest.Parse(f, b) {
			if d.Object.GetKind() == "Namespace" {
				nss = append(nss, ns{Name: d.Object.GetName(), Labels: d.Object.GetLabels()})
				labels[d.Object.GetName()] = d.Object.GetLabels()
			}
		}
	}
	b, err := yaml.Marshal(map[string]any{
		"apiVersion": "cli.kyverno.io/v1alpha1", "kind": "Value",
		"metadata":          map[string]any{"name": "namespaces"},
		"namespaceSelector": nss,
	})
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "values.yaml")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p, labels
}

// kyvernoApply runs the real kyverno apply on the rendered objects and the
// corpus and reads its policy report.
func kyvernoApply(t *testing.T, kyverno string, set *rules.Set, engine kspecv1alpha1.Engine, objs []client.Object, values string, labels map[string]map[string]string) verdicts {
	t.Helper()
	dir := t.TempDir()
	var policies, exceptions []client.Object
	for _, o := range objs {
		if o.GetObjectKind().GroupVersionKind().Kind == "PolicyException" {
			exceptions = append(exceptions, o)
		} else {
			policies = append(policies, o)
		}
	}
	args := []string{"apply", write(t, dir, "policies.yaml", policies), "--resource", corpus,
		"-f", values, "-p", "--output-format", "json", "--remove-color"}
	if len(exceptions) > 0 {
		args = append(args, "--exception", write(t, dir, "exceptions.yaml", exceptions))
	}
	cmd := exec.Command(kyverno, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		require.NoError(t, err, errOut.String())
	}
	// The report is one JSON ClusterReport, or for namespaced policies a
	// stream of PolicyReports separated by ---.
	type result struct {
		Policy    string `json:"policy"`
		Result    string `json:"result"`
		Message   string `json:"message"`
		Resources []struct {
			Kind, Namespace, Name string
		} `json:"resources"`
	}
	var results []result
	stream := bytes.ReplaceAll(out.Bytes(), []byte("\n---\n"), []byte("\n"))
	stream = bytes.TrimPrefix(stream, []byte("---\n"))
	dec := json.NewDecoder(bytes.NewReader(stream))
	for dec.More() {
		var rep struct {
			Results []result `json:"results"`
		}
		require.NoError(t, dec.Decode(&rep), "cannot read kyverno apply's report:\n%s\n%s", out.String(), errOut.String())
		results = append(results, rep.Results...)
	}
	require.NotEmpty(t, results, "no results from kyverno apply:\n%s", errOut.String())

	byPolicy := map[string]string{}
	for _, r := range set.AdmissionRules() {
		byPolicy[render.Name(set, r, engine == kspecv1alpha1.EngineAdmissionPolicy || set.Namespace == "")] = r.ID
	}
	got := verdicts{}
	for _, r := range results {
		// Namespaced policies are reported as namespace/name.
		id, ok := byPolicy[r.Policy[strings.IndexByte(r.Policy, '/')+1:]]
		require.True(t, ok, "a result for policy %s, which kspec did not render", r.Policy)
		require.NotEqual(t, "error", r.Result, "kyverno could not evaluate %s: %s", r.Policy, r.Message)
		for _, res := range r.Resources {
			key := res.Kind + "/" + res.Name
			if res.Namespace != "" {
				key = res.Kind + "/" + res.Namespace + "/" + res.Name
			}
			if engine == kspecv1alpha1.EngineAdmissionPolicy && !selected(set, res.Kind, res.Namespace, res.Name, labels) {
				// The Kyverno CLI does not apply a ValidatingAdmissionPolicy's
				// namespaceSelector (it does a ValidatingPolicy's, from the
				// values file), so stand in for the API server here.
				r.Result = "skip"
			}
			got.set(key, id, r.Result)
		}
	}
	return got
}

// selected reports whether the spec's namespace selector selects the
// namespace an object is governed in.
func selected(set *rules.Set, kind, namespace, name string, labels map[string]map[string]string) bool {
	if kind == "Namespace" {
		namespace = name
	}
	if namespace == "" || set.Scope.Selector == nil {
		return true
	}
	sel, err := metav1.LabelSelectorAsSelector(set.Scope.Selector)
	return err == nil && sel.Matches(k8slabels.Set(labels[namespace]))
}

func write(t *testing.T, dir, name string, objs []client.Object) string {
	t.Helper()
	b, err := render.Marshal(objs)
	require.NoError(t, err)
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}
