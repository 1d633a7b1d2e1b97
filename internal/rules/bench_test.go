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

package rules

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// restrictedPod is a Pod that meets the restricted profile and the strict
// example, as JSON: what an admission request carries.
func restrictedPod(b testing.TB) []byte {
	b.Helper()
	y, err := os.ReadFile("../../test/kyverno/corpus/pod-restricted.yaml")
	if err != nil {
		b.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(y)
	if err != nil {
		b.Fatal(err)
	}
	return j
}

func strictSpec(b testing.TB) kspecv1alpha1.ClusterSpecificationSpec {
	b.Helper()
	y, err := os.ReadFile("../../examples/specs/strict.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var cs kspecv1alpha1.ClusterSpecification
	if err := yaml.Unmarshal(y, &cs); err != nil {
		b.Fatal(err)
	}
	return cs.Spec
}

func strictSet(b testing.TB) *Set {
	b.Helper()
	set, err := Compile(Spec{Name: "strict", Spec: strictSpec(b)})
	if err != nil {
		b.Fatal(err)
	}
	return set
}

// strictSetCEL is the strict example without its podSecurity block: its
// object rules are all CEL.
func strictSetCEL(b testing.TB) *Set {
	b.Helper()
	spec := strictSpec(b)
	spec.PodSecurity = nil
	set, err := Compile(Spec{Name: "strict", Spec: spec})
	if err != nil {
		b.Fatal(err)
	}
	return set
}

// corpusObject decodes a manifest of the agreement corpus, as JSON decodes
// it.
func corpusObject(b testing.TB, name string) map[string]any {
	b.Helper()
	y, err := os.ReadFile("../../test/kyverno/corpus/" + name)
	if err != nil {
		b.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(y)
	if err != nil {
		b.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(j, &obj); err != nil {
		b.Fatal(err)
	}
	return obj
}

// BenchmarkEvaluateStrict evaluates every object rule of the strict example
// that applies to a Pod (19 of them: 18 CEL rules and the Pod Security
// evaluator of podsecurity.standards/workloads) on a decoded restricted Pod.
func BenchmarkEvaluateStrict(b *testing.B) {
	set := strictSet(b)
	var pod map[string]any
	if err := json.Unmarshal(restrictedPod(b), &pod); err != nil {
		b.Fatal(err)
	}
	in := Input{Now: time.Now()}
	rs := set.Evaluate(pod, in)
	if want := len(set.byKind["v1/Pod"]); len(rs) != want || want == 0 {
		b.Fatalf("%d results, want one per Pod rule (%d)", len(rs), want)
	}
	for _, r := range rs {
		if r.Status != Pass {
			b.Fatalf("the restricted Pod does not pass %s: %s %s", r.Rule.ID, r.Status, r.Message)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range set.Evaluate(pod, in) {
			if r.Status != Pass {
				b.Fatalf("%s: %s %s", r.Rule.ID, r.Status, r.Message)
			}
		}
	}
}

// BenchmarkEvaluateStrictCEL is BenchmarkEvaluateStrict without the one
// native rule, podsecurity.standards/workloads (the upstream Pod Security
// evaluator): the 18 CEL rules of the strict example that apply to a Pod.
func BenchmarkEvaluateStrictCEL(b *testing.B) {
	set := strictSetCEL(b)
	var pod map[string]any
	if err := json.Unmarshal(restrictedPod(b), &pod); err != nil {
		b.Fatal(err)
	}
	in := Input{Now: time.Now()}
	rs := set.Evaluate(pod, in)
	if want := len(set.byKind["v1/Pod"]); len(rs) != want || want != 18 {
		b.Fatalf("%d results, want one per Pod rule (%d, 18)", len(rs), want)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range set.Evaluate(pod, in) {
			if r.Status != Pass {
				b.Fatalf("%s: %s %s", r.Rule.ID, r.Status, r.Message)
			}
		}
	}
}

// BenchmarkEvaluateStrictFailing evaluates the same rules as
// BenchmarkEvaluateStrict on a bare Pod (the corpus's
// pod-sandbox-bare.yaml: image nginx, nothing set) that fails 13 of them,
// so each failure's message is evaluated too: what a scan of an
// unhardened cluster evaluates most.
func BenchmarkEvaluateStrictFailing(b *testing.B) {
	set := strictSet(b)
	pod := corpusObject(b, "pod-sandbox-bare.yaml")
	in := Input{Now: time.Now()}
	failing := 0
	for _, r := range set.Evaluate(pod, in) {
		if r.Status == Fail {
			failing++
		}
	}
	if failing != 13 {
		b.Fatalf("the bare Pod fails %d rules, want 13", failing)
	}
	b.ReportAllocs()
	for b.Loop() {
		set.Evaluate(pod, in)
	}
}

// BenchmarkEvaluateInterleaved times, in each iteration, decoding the
// restricted Pod from JSON, evaluating the strict example's CEL rules on a
// passing and on a failing Pod, and the same with referenceSet (the
// evaluation before it was made cheaper), one after the other: on a busy
// machine every measurement sees the same load, so the ratios hold where
// separate benchmarks swing. It reports each as ns per iteration.
func BenchmarkEvaluateInterleaved(b *testing.B) {
	spec := strictSpec(b)
	spec.PodSecurity = nil
	set := strictSetCEL(b)
	ref := referenceSet(b, Spec{Name: "strict", Spec: spec})
	j := restrictedPod(b)
	var passing map[string]any
	if err := json.Unmarshal(j, &passing); err != nil {
		b.Fatal(err)
	}
	failing := corpusObject(b, "pod-sandbox-bare.yaml")
	in := Input{Now: time.Now()}
	var spent [5]time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		var pod map[string]any
		if err := json.Unmarshal(j, &pod); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		set.Evaluate(passing, in)
		t2 := time.Now()
		ref.Evaluate(passing, in)
		t3 := time.Now()
		set.Evaluate(failing, in)
		t4 := time.Now()
		ref.Evaluate(failing, in)
		t5 := time.Now()
		for k, d := range []time.Duration{t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), t5.Sub(t4)} {
			spent[k] += d
		}
	}
	n := float64(b.N)
	for k, unit := range []string{"decode-ns", "passing-ns", "passing-ref-ns", "failing-ns", "failing-ref-ns"} {
		b.ReportMetric(float64(spent[k].Nanoseconds())/n, unit)
	}
	b.ReportMetric(float64(spent[2])/float64(spent[1]), "passing-speedup")
	b.ReportMetric(float64(spent[4])/float64(spent[3]), "failing-speedup")
	b.ReportMetric(float64(spent[1])/float64(spent[0]), "passing/decode")
}

// BenchmarkDecodePodJSON is the baseline: decoding the same Pod from JSON
// into the unstructured form evaluation reads.
func BenchmarkDecodePodJSON(b *testing.B) {
	j := restrictedPod(b)
	b.ReportAllocs()
	for b.Loop() {
		var pod map[string]any
		if err := json.Unmarshal(j, &pod); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePodTyped is the baseline a typed client pays: decoding
// the same Pod into corev1.Pod.
func BenchmarkDecodePodTyped(b *testing.B) {
	j := restrictedPod(b)
	b.ReportAllocs()
	for b.Loop() {
		var pod corev1.Pod
		if err := json.Unmarshal(j, &pod); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePodYAML is the decoding kspec check does per document:
// the same Pod from YAML, as kubectl decodes it.
func BenchmarkDecodePodYAML(b *testing.B) {
	y, err := os.ReadFile("../../test/kyverno/corpus/pod-restricted.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var pod map[string]any
		if err := yaml.UnmarshalStrict(y, &pod); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileStrict is the baseline of BenchmarkCompileMaximum:
// compiling the strict example.
func BenchmarkCompileStrict(b *testing.B) {
	y, err := os.ReadFile("../../examples/specs/strict.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var cs kspecv1alpha1.ClusterSpecification
	if err := yaml.Unmarshal(y, &cs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(Spec{Name: cs.Name, Spec: cs.Spec}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileMaximum compiles the largest spec the schema admits
// (maxSpec): every list at its MaxItems, every string at its MaxLength.
func BenchmarkCompileMaximum(b *testing.B) {
	s := maxSpec()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(Spec{Name: "max", Spec: s}); err != nil {
			b.Fatal(err)
		}
	}
}
