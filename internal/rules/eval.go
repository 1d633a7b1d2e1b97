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
	"fmt"
	"sync"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
	"k8s.io/apimachinery/pkg/labels"
)

// An Input is what evaluation needs besides the object.
type Input struct {
	// Now decides which exemptions are live.
	Now time.Time
	// NamespaceLabels returns a namespace's labels, and whether it knows
	// the namespace. The labels of an unknown namespace (or of every
	// namespace, when nil) cannot be judged by a namespace selector, so the
	// object is evaluated as in scope: a gate never passes what it did not
	// check. Callers that evaluate offline warn about the namespaces they
	// did not know.
	NamespaceLabels func(namespace string) (labels map[string]string, known bool)

	// admission: evaluate only the rules admission enforces (Admit).
	admission bool
}

// Evaluate evaluates the object rules that apply to the object's kind. The
// object is unstructured content, as decoded from JSON or YAML, and is not
// modified. A namespaced object is judged in the namespace its metadata
// names: defaulting an empty one (kubectl's "default") is the reader's
// business, not the engine's. An object no rule applies to yields no results. Evaluate is
// safe for concurrent use: kspec check runs it on every CPU.
func (s *Set) Evaluate(obj map[string]any, in Input) []Result {
	return s.evaluateInto(nil, obj, in)
}

// evaluateInto is Evaluate, its results in buf when it has room.
func (s *Set) evaluateInto(buf []Result, obj map[string]any, in Input) []Result {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	rs := s.byKind[apiVersion+"/"+kind]
	if in.admission {
		rs = s.admitKind[apiVersion+"/"+kind]
	}
	if len(rs) == 0 {
		return nil
	}
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	ref := &ObjectRef{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name}
	results := zeroed(buf, len(rs))
	for i, r := range rs {
		results[i] = Result{Rule: r, Object: ref}
	}

	governed := ns
	if kind == KindNamespace.Kind && apiVersion == KindNamespace.APIVersion() {
		governed = name
	}
	if governed != "" {
		inScope := s.Scope.Names(governed)
		if inScope && s.Scope.selector != nil {
			switch {
			case kind == KindNamespace.Kind:
				inScope = s.Scope.selector.Matches(labels.Set(stringMap(meta["labels"])))
			case in.NamespaceLabels != nil:
				if nsLabels, known := in.NamespaceLabels(governed); known {
					inScope = s.Scope.selector.Matches(labels.Set(nsLabels))
				}
			}
		}
		if !inScope {
			for i := range results {
				results[i].Status = Skip
				results[i].Message = fmt.Sprintf("namespace %s is out of scope", governed)
			}
			return results
		}
	}

	e := newEvaluation(obj, in, podKind(apiVersion, kind))
	defer e.release()
	act, vars := e.act, e.vars.variables
	if e.pods {
		for i, v := range s.Variables {
			if native := s.natives[i]; native != nil {
				if val, ok := native(obj, vars); ok {
					vars[v.Name] = val
					continue
				}
			}
			val, _, err := s.variables[i].Eval(act)
			if err != nil {
				val = types.WrapErr(err)
			}
			vars[v.Name] = val
		}
	}
	for i, r := range rs {
		results[i].Status, results[i].Message, results[i].Exemption = s.evaluate(r, e, in.Now)
	}
	return results
}

// An evaluation is the state of evaluating one object.
type evaluation struct {
	act interpreter.Activation
	// vars is what act points to, kept here to save an allocation.
	vars objectActivation
	// obj and in are what native rules read.
	obj map[string]any
	in  Input
	// pods: the object carries a pod spec, so batches apply.
	pods bool
	// exempt caches whether each exemption matches the object, by
	// Exemption.index: 0 not known yet, then exemptHit or exemptMiss.
	// Made (zeroed) on first use.
	exempt []int8
	// batches caches each batch's verdicts, by batch.index, then rule
	// index; decided says which are known (a nil verdict: the batch could
	// not decide). Made on first use.
	batches [][]bool
	decided []bool
}

const (
	exemptHit  int8 = 1
	exemptMiss int8 = 2
)

// evaluations are reused: nothing an evaluation holds outlives Evaluate.
var evaluations = sync.Pool{New: func() any {
	e := &evaluation{vars: objectActivation{variables: map[string]any{}}}
	e.act = &e.vars
	return e
}}

// newEvaluation is an evaluation of obj, for Evaluate to release.
func newEvaluation(obj map[string]any, in Input, pods bool) *evaluation {
	e := evaluations.Get().(*evaluation)
	e.obj, e.vars.object, e.in, e.pods = obj, obj, in, pods
	return e
}

// release forgets the object and returns the evaluation to the pool.
func (e *evaluation) release() {
	clear(e.vars.variables)
	clear(e.batches)
	e.obj, e.vars.object, e.in = nil, nil, Input{}
	e.exempt, e.batches, e.decided = e.exempt[:0], e.batches[:0], e.decided[:0]
	evaluations.Put(e)
}

// zeroed is s with n zero elements, reusing its array when it can.
func zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// passes evaluates a rule's expression, through its batch when it has one.
func (s *Set) passes(r *Rule, e *evaluation) (bool, error) {
	if b := r.batchOf; b != nil && e.pods {
		if len(e.decided) == 0 {
			e.batches, e.decided = zeroed(e.batches, len(s.batches)), zeroed(e.decided, len(s.batches))
		}
		if !e.decided[b.index] {
			e.batches[b.index], e.decided[b.index] = b.evaluate(e.act), true
		}
		if verdicts := e.batches[b.index]; verdicts != nil {
			return verdicts[r.batch], nil
		}
	}
	return evalBool(r.program, e.act)
}

// evaluate runs the batch; nil means it could not decide (an error, a
// non-boolean), and each rule runs its own program, which says why.
func (b *batch) evaluate(act interpreter.Activation) []bool {
	// Every predicate true on every element (CEL's && is true only when
	// both sides are): every rule passes, without a row per element.
	if b.all != nil {
		if v, _, err := b.all.Eval(act); err == nil && v == types.True {
			return b.pass
		}
	}
	v, _, err := b.program.Eval(act)
	if err != nil {
		return nil
	}
	rows, ok := v.(traits.Lister)
	if !ok {
		return nil
	}
	pass := make([]bool, len(b.rules))
	for i := range pass {
		pass[i] = true
	}
	for it := rows.Iterator(); it.HasNext() == types.True; {
		row, ok := it.Next().(traits.Lister)
		if !ok {
			return nil
		}
		for k := range pass {
			ok, isBool := row.Get(types.Int(k)).(types.Bool)
			if !isBool {
				return nil
			}
			pass[k] = pass[k] && bool(ok)
		}
	}
	return pass
}

func (s *Set) evaluate(r *Rule, ev *evaluation, now time.Time) (Status, string, string) {
	act := ev.act
	for _, c := range r.conditions {
		ok, err := evalBool(c, act)
		if err != nil {
			return Error, err.Error(), ""
		}
		if !ok {
			return Skip, "the rule does not apply to this object", ""
		}
	}
	for _, e := range r.exemptions {
		if !e.Live(now) {
			continue
		}
		if len(ev.exempt) == 0 {
			ev.exempt = zeroed(ev.exempt, len(s.Exemptions))
		}
		if ev.exempt[e.index] == 0 {
			hit, err := evalBool(e.program, act)
			if err != nil {
				return Error, fmt.Sprintf("exemption %s: %v", e.Name, err), ""
			}
			ev.exempt[e.index] = exemptMiss
			if hit {
				ev.exempt[e.index] = exemptHit
			}
		}
		if ev.exempt[e.index] == exemptHit {
			return Skip, fmt.Sprintf("exempted by %s until %s: %s", e.Name, e.ExpiresAt.UTC().Format(time.RFC3339), e.Reason), e.Name
		}
	}
	if r.native != nil {
		st, msg := r.native(ev.obj, ev.in)
		return st, msg, ""
	}
	ok, err := s.passes(r, ev)
	switch {
	case err != nil:
		return Error, err.Error(), ""
	case ok:
		return Pass, "", ""
	}
	msg := r.Message
	if r.message != nil {
		if v, _, err := r.message.Eval(act); err == nil {
			if m, ok := v.Value().(string); ok && m != "" {
				msg = m
			}
		}
	}
	return Fail, msg, ""
}

func evalBool(p cel.Program, act interpreter.Activation) (bool, error) {
	v, _, err := p.Eval(act)
	if err != nil {
		return false, err
	}
	b, ok := v.(types.Bool)
	if !ok {
		return false, fmt.Errorf("the expression yields %s, not a bool", typeName(v))
	}
	return bool(b), nil
}

func typeName(v ref.Val) string {
	if v == nil {
		return "nothing"
	}
	return v.Type().TypeName()
}

// podKind reports whether objects of the kind carry a pod spec.
func podKind(apiVersion, kind string) bool {
	for _, k := range podKinds {
		if k.Kind == kind && k.APIVersion() == apiVersion {
			return true
		}
	}
	return false
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// An objectActivation holds the two names every program reads, object and
// variables: what interpreter.NewActivation over a map of the two gives,
// without the map.
type objectActivation struct {
	object, variables map[string]any
}

func (a *objectActivation) ResolveName(name string) (any, bool) {
	switch name {
	case "object":
		return a.object, true
	case "variables":
		return a.variables, true
	}
	return nil, false
}

func (a *objectActivation) Parent() interpreter.Activation { return nil }
