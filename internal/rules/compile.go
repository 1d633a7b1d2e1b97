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
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"
	"github.com/pkg/errors"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	fieldpath "k8s.io/apimachinery/pkg/util/validation/field"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// RuleIDs are every rule id the engine can compile, by category: what a
// check reference (an exemption's rules, a compliance control's checks)
// may name.
func RuleIDs() map[string][]string {
	out := map[string][]string{}
	for _, f := range families {
		for _, n := range f.names() {
			out[f.category] = append(out[f.category], f.category+"/"+n)
		}
	}
	for c := range out {
		slices.Sort(out[c])
	}
	return out
}

// checkRef says what is wrong with a check reference: a category, or a
// rule id the engine knows.
func checkRef(ref string, ids map[string][]string) string {
	category, _, hasRule := strings.Cut(ref, "/")
	known, ok := ids[category]
	switch {
	case !ok:
		return fmt.Sprintf("unknown check category %q; the categories are %s", category, strings.Join(slices.Sorted(maps.Keys(ids)), ", "))
	case hasRule && !slices.Contains(known, ref):
		return fmt.Sprintf("unknown rule %q; the rules of %s are %s", ref, category, strings.Join(known, ", "))
	}
	return ""
}

// CheckRefs checks every check reference of a spec (an exemption's rules,
// a compliance control's checks) against the rules the engine knows: a
// typo would otherwise match nothing, silently. p is the spec's path.
func CheckRefs(s *kspecv1alpha1.ClusterSpecificationSpec, p *fieldpath.Path) fieldpath.ErrorList {
	ids := RuleIDs()
	var errs fieldpath.ErrorList
	for i, e := range s.Exemptions {
		for j, ref := range e.Rules {
			if msg := checkRef(string(ref), ids); msg != "" {
				errs = append(errs, fieldpath.Invalid(p.Child("exemptions").Index(i).Child("rules").Index(j), string(ref), msg))
			}
		}
	}
	if m := s.Compliance; m != nil {
		for i, f := range m.Frameworks {
			for j, c := range f.Controls {
				for k, ref := range c.Checks {
					if msg := checkRef(string(ref), ids); msg != "" {
						errs = append(errs, fieldpath.Invalid(p.Child("compliance", "frameworks").Index(i).Child("controls").Index(j).Child("checks").Index(k), string(ref), msg))
					}
				}
			}
		}
	}
	return errs
}

// namespaceOf is CEL for the namespace an object is governed in: its own,
// or its name for a Namespace.
const namespaceOf = "(object.kind == 'Namespace' ? object.metadata.name : object.metadata.?namespace.orValue(''))"

// IsSystemNamespace reports whether no rule evaluates objects in ns.
func IsSystemNamespace(ns string) bool { return slices.Contains(systemNamespaces, ns) }

// SystemNamespaces are the namespaces no rule evaluates, in a new slice:
// what an enforcement point's namespaceSelector leaves out.
func SystemNamespaces() []string { return slices.Clone(systemNamespaces) }

// systemNamespaces are never evaluated.
var systemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

// A Spec is what Compile reads: a ClusterSpecification, or a claim when
// Namespace is set.
type Spec struct {
	Name      string
	Namespace string
	Spec      kspecv1alpha1.ClusterSpecificationSpec
}

// Claim reports whether the spec is a namespaced claim.
func (s Spec) Claim() bool { return s.Namespace != "" }

// A Set is a compiled specification. It is immutable once compiled, shares
// nothing mutable with its input or with other sets, and is safe for
// concurrent use: a webhook swaps sets while requests read them. Its
// exported fields and rules are read-only.
type Set struct {
	Name      string
	Namespace string // of a claim
	Mode      kspecv1alpha1.Mode
	Engines   []kspecv1alpha1.Engine
	Rules     []*Rule
	Scope     Scope
	// Exemptions, expired ones included: whether one applies depends on
	// the clock at evaluation.
	Exemptions []*Exemption
	// Variables the object rules of pod kinds use, in order.
	Variables []Variable
	// Activation windows; nil means always active.
	Activation *Activation
	// Warnings are parts of the spec the set does not cover.
	Warnings []string

	byKind    map[string][]*Rule // apiVersion/kind → rules
	admitKind map[string][]*Rule // the same, of the rules admission evaluates
	variables []cel.Program
	natives   []func(obj, vars map[string]any) (ref.Val, bool) // by variable, nil when none
	batches   []*batch
	planEnv   func() (*cel.Env, error) // plans the programs
	// fastBatches: batch programs read optional selects by selectOrValue
	// (Compile's sets; not the tests' reference).
	fastBatches bool
}

// A batch evaluates the predicates of every rule over one list variable in
// one pass: variables.<list>.map(<v>, [pred, pred, …]). The same predicates
// as the rules' own expressions, in one comprehension instead of one each.
type batch struct {
	list, v string
	index   int // in Set.batches
	rules   []*Rule
	program cel.Program
	// all is true when every predicate holds for every element; pass is
	// then every rule's verdict (read-only). Tests drop all to evaluate
	// as before it.
	all  cel.Program
	pass []bool
}

// A family compiles one block of the requirements into rules. Each family
// lives in its own file, beside its tests, and is registered in families.
type family struct {
	category string
	// names are every rule name the family can produce: references to
	// rules (exemptions, compliance checks) are checked against them.
	names func() []string
	// compile returns the family's rules for the requirements; none when
	// its block is unset.
	compile func(*kspecv1alpha1.Requirements) ([]*Rule, error)
}

// families, in the order their rules are compiled and reported.
var families = []family{versionFamily, podSecurityFamily, networkFamily, workloadsFamily, imagesFamily, rbacFamily, admissionFamily, observabilityFamily}

// Compile compiles a specification. Errors name the spec field at fault.
func Compile(s Spec) (*Set, error) {
	return compileSet(s, evalEnv, true)
}

// compileSet is Compile, planning programs in the environment planEnv
// returns.
func compileSet(s Spec, planEnv func() (*cel.Env, error), fastBatches bool) (*Set, error) {
	s.Spec = *s.Spec.DeepCopy() // the set must not alias its input
	set := &Set{Name: s.Name, Namespace: s.Namespace, Mode: kspecv1alpha1.ModeMonitor, planEnv: planEnv, fastBatches: fastBatches}
	if e := s.Spec.Enforcement; e != nil {
		if e.Mode != "" {
			set.Mode = e.Mode
		}
		set.Engines = e.Engines
	}
	scope, err := newScope(s)
	if err != nil {
		return nil, err
	}
	set.Scope = scope
	if set.Activation, err = newActivation(s.Spec.Activation); err != nil {
		return nil, err
	}

	for _, f := range families {
		rs, err := f.compile(&s.Spec.Requirements)
		if err != nil {
			return nil, err
		}
		set.Rules = append(set.Rules, rs...)
	}
	if s.Claim() {
		set.dropClusterScoped()
	}
	set.mapControls(s.Spec.Compliance)
	if s.Spec.BasedOn != nil && len(s.Spec.BasedOn.Specifications) > 0 {
		set.Warnings = append(set.Warnings, fmt.Sprintf("basedOn %s is not merged: only this specification's own requirements are compiled", strings.Join(s.Spec.BasedOn.Specifications, ", ")))
	}
	if s.Spec.PolicyTemplate != nil {
		set.Warnings = append(set.Warnings, fmt.Sprintf("policyTemplate %s is not applied: only this specification's own requirements are compiled", s.Spec.PolicyTemplate.Name))
	}

	if errs := CheckRefs(&s.Spec, fieldpath.NewPath("spec")); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	for i := range s.Spec.Exemptions {
		e, err := newExemption(s.Spec.Exemptions[i])
		if err != nil {
			return nil, errors.Wrapf(err, "exemptions[%d] (%s)", i, s.Spec.Exemptions[i].Name)
		}
		e.index = len(set.Exemptions)
		set.Exemptions = append(set.Exemptions, e)
	}
	return set, set.build()
}

// dropClusterScoped removes what a claim cannot govern: cluster-level rules
// and cluster-scoped kinds.
func (s *Set) dropClusterScoped() {
	kept := s.Rules[:0]
	for _, r := range s.Rules {
		if r.ClusterLevel() {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s is a cluster-level rule: a claim cannot require it", r.ID))
			continue
		}
		r.Kinds = slices.DeleteFunc(slices.Clone(r.Kinds), func(k Kind) bool { return !k.Namespaced })
		if len(r.Kinds) == 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s applies to cluster-scoped objects only: a claim cannot require it", r.ID))
			continue
		}
		kept = append(kept, r)
	}
	s.Rules = kept
}

// mapControls attaches the compliance controls naming each rule.
func (s *Set) mapControls(m *kspecv1alpha1.ComplianceMapping) {
	if m == nil {
		return
	}
	for _, f := range m.Frameworks {
		for _, c := range f.Controls {
			for _, r := range s.Rules {
				if slices.ContainsFunc(c.Checks, func(ref kspecv1alpha1.CheckRef) bool { return r.Matches(string(ref)) }) {
					r.Controls = append(r.Controls, Control{Framework: f.Name, Revision: f.Revision, ID: c.ID, Title: c.Title})
				}
			}
		}
	}
}

// build compiles the CEL of every object rule and indexes rules by kind.
func (s *Set) build() error {
	s.byKind = map[string][]*Rule{}
	s.admitKind = map[string][]*Rule{}
	seen := map[string]bool{}
	pods := false
	for _, r := range s.Rules {
		if seen[r.ID] {
			return errors.Errorf("rule %s is defined twice", r.ID)
		}
		seen[r.ID] = true
		r.Kinds = slices.Clone(r.Kinds) // rules must not alias podKinds or each other
		for _, e := range s.Exemptions {
			if e.Covers(r) {
				r.exemptions = append(r.exemptions, e)
			}
		}
		if r.ClusterLevel() {
			continue
		}
		if r.native != nil {
			for _, k := range r.Kinds {
				key := k.APIVersion() + "/" + k.Kind
				s.byKind[key] = append(s.byKind[key], r)
			}
			continue
		}
		if r.every.list != "" {
			if r.Expression == "" {
				r.Expression = r.every.expression()
			}
			s.addToBatch(r)
		}
		var err error
		if r.program, err = s.compile(r.Expression, cel.BoolType); err != nil {
			return errors.Wrapf(err, "rule %s", r.ID)
		}
		if r.MessageExpression != "" {
			if r.message, err = s.compile(r.MessageExpression, cel.StringType); err != nil {
				return errors.Wrapf(err, "rule %s message", r.ID)
			}
			// Every expression kspec emits has been compiled by kspec.
			if _, err = s.compile(r.AdmissionMessageExpression(), cel.StringType); err != nil {
				return errors.Wrapf(err, "rule %s admission message", r.ID)
			}
		}
		for _, c := range r.Conditions {
			p, err := s.compile(c, cel.BoolType)
			if err != nil {
				return errors.Wrapf(err, "rule %s condition", r.ID)
			}
			r.conditions = append(r.conditions, p)
		}
		for _, k := range r.Kinds {
			key := k.APIVersion() + "/" + k.Kind
			s.byKind[key] = append(s.byKind[key], r)
			s.admitKind[key] = append(s.admitKind[key], r)
			pods = pods || slices.Contains(podKinds, k)
		}
	}
	if pods {
		s.Variables = []Variable{VariablePod, VariableContainers}
		// Normalizing images is the dearest variable: only when a rule reads it.
		if slices.ContainsFunc(s.Rules, func(r *Rule) bool {
			return strings.Contains(r.Expression, "variables.images") || strings.Contains(r.MessageExpression, "variables.images")
		}) {
			s.Variables = append(s.Variables, VariableImages)
		}
		for _, v := range s.Variables {
			p, err := s.compile(v.Expression, cel.DynType)
			if err != nil {
				return errors.Wrapf(err, "variable %s", v.Name)
			}
			s.variables = append(s.variables, p)
			s.natives = append(s.natives, nativeVariables[v.Name])
		}
	}
	for _, b := range s.batches {
		preds := make([]string, len(b.rules))
		for i, r := range b.rules {
			preds[i] = r.every.pred
		}
		p, err := s.compileBatch("variables."+b.list+".map("+b.v+", ["+strings.Join(preds, ", ")+"])", cel.DynType)
		if err != nil {
			return errors.Wrapf(err, "the %s rules", b.list)
		}
		b.program = p
		if b.all, err = s.compileBatch("variables."+b.list+".all("+b.v+", ("+strings.Join(preds, ") && (")+"))", cel.BoolType); err != nil {
			return errors.Wrapf(err, "the %s rules", b.list)
		}
		b.pass = make([]bool, len(b.rules))
		for i := range b.pass {
			b.pass[i] = true
		}
	}
	// The scope condition is emitted as a match condition and never
	// evaluated here (Names decides), but it must compile all the same.
	if _, err := s.compile(s.Scope.Condition(), cel.BoolType); err != nil {
		return errors.Wrap(err, "namespaceScope")
	}
	for _, e := range s.Exemptions {
		p, err := s.compile(e.Condition, cel.BoolType)
		if err != nil {
			return errors.Wrapf(err, "exemption %s", e.Name)
		}
		e.program = p
		if _, err := s.compile(e.NotCondition(), cel.BoolType); err != nil {
			return errors.Wrapf(err, "exemption %s", e.Name)
		}
	}
	return nil
}

// compile is compile in the set's planning environment.
func (s *Set) compile(expr string, want *cel.Type) (cel.Program, error) {
	return compileFor(s.planEnv, expr, want)
}

// compileBatch compiles a batch program in the set's planning
// environment, with selectOrValue when the set has fastBatches.
func (s *Set) compileBatch(expr string, want *cel.Type) (cel.Program, error) {
	if s.fastBatches {
		return compileBatch(expr, want)
	}
	return s.compile(expr, want)
}

// String names the set: its name, or namespace/name for a claim.
func (s *Set) String() string {
	if s.Namespace != "" {
		return s.Namespace + "/" + s.Name
	}
	return s.Name
}

// Kinds are the kinds the set's object rules govern, each once, in the
// order of knownKinds: what a scanner lists (and needs RBAC for) and what
// a webhook is sent.
func (s *Set) Kinds() []Kind {
	return slices.DeleteFunc(slices.Clone(knownKinds), func(k Kind) bool { return !s.Governs(k.APIVersion(), k.Kind) })
}

// MatchRules are the admission rules that send every governed kind to an
// enforcement point (a webhook configuration's rules).
func (s *Set) MatchRules() []admissionregistrationv1.RuleWithOperations {
	return MatchRules(s.Kinds())
}

// ClusterReads are the fields of Cluster the set's cluster-level rules
// read, sorted: what a scanner must fill (and list).
func (s *Set) ClusterReads() []string {
	var out []string
	for _, r := range s.Rules {
		for _, f := range r.reads {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}

// NextChange is the first moment after now at which the set's verdicts or
// decisions can change by the clock alone: a live exemption expires, or an
// activation window opens or closes (within a week). The composition
// function sets its response TTL to it, so policies are re-rendered on time.
func (s *Set) NextChange(now time.Time) (time.Time, bool) {
	next, ok := s.Activation.NextChange(now)
	for _, e := range s.Exemptions {
		if t := e.ExpiresAt.Time; t.After(now) && (!ok || t.Before(next)) {
			next, ok = t, true
		}
	}
	return next, ok
}

func (s *Set) addToBatch(r *Rule) {
	for _, b := range s.batches {
		if b.list == r.every.list && b.v == r.every.v {
			r.batch, r.batchOf = len(b.rules), b
			b.rules = append(b.rules, r)
			return
		}
	}
	b := &batch{list: r.every.list, v: r.every.v, index: len(s.batches), rules: []*Rule{r}}
	r.batchOf = b
	s.batches = append(s.batches, b)
}

// Governs reports whether some rule evaluates objects of the kind.
func (s *Set) Governs(apiVersion, kind string) bool {
	return len(s.byKind[apiVersion+"/"+kind]) > 0
}

// ObjectRules are the rules evaluated on objects.
func (s *Set) ObjectRules() []*Rule {
	return slices.DeleteFunc(slices.Clone(s.Rules), (*Rule).ClusterLevel)
}

// ReadsNamespaceLabels reports whether evaluating objects reads the labels
// of their namespaces (Input.NamespaceLabels): for a namespace selector,
// or for the Pod Security level a namespace enforces
// (podsecurity.standards/workloads). A reader that is not given the
// Namespaces should collect them when it is.
func (s *Set) ReadsNamespaceLabels() bool {
	return s.Scope.selector != nil || slices.ContainsFunc(s.Rules, func(r *Rule) bool { return r.ID == RuleWorkloadsPodSecurity })
}

// AdmissionRules are the object rules enforced at admission (see
// Rule.Admission): what render emits policies for.
func (s *Set) AdmissionRules() []*Rule {
	return slices.DeleteFunc(slices.Clone(s.Rules), func(r *Rule) bool { return !r.Admission() })
}

// ClusterRules are the rules evaluated on a snapshot of the cluster.
func (s *Set) ClusterRules() []*Rule {
	return slices.DeleteFunc(slices.Clone(s.Rules), func(r *Rule) bool { return !r.ClusterLevel() })
}

// A Scope says which namespaces a spec governs.
type Scope struct {
	Include, Exclude []string
	// Selector over namespace labels; nil selects every namespace.
	Selector *metav1.LabelSelector
	selector labels.Selector
}

func newScope(s Spec) (Scope, error) {
	var sc Scope
	if ns := s.Spec.NamespaceScope; ns != nil {
		sc.Include, sc.Exclude, sc.Selector = ns.Include, ns.Exclude, ns.Selector
	}
	if s.Claim() {
		// A claim governs its own namespace, whatever it includes.
		if len(sc.Include) > 0 && !slices.Contains(sc.Include, s.Namespace) {
			return sc, errors.Errorf("namespaceScope.include: a claim in %s governs only %s", s.Namespace, s.Namespace)
		}
		sc.Include = []string{s.Namespace}
	}
	if sc.Selector != nil {
		sel, err := metav1.LabelSelectorAsSelector(sc.Selector)
		if err != nil {
			return sc, errors.Wrap(err, "namespaceScope.selector")
		}
		sc.selector = sel
	}
	return sc, nil
}

// Names reports whether the namespace is in scope by name alone.
func (sc Scope) Names(ns string) bool {
	if IsSystemNamespace(ns) || slices.Contains(sc.Exclude, ns) {
		return false
	}
	return len(sc.Include) == 0 || slices.Contains(sc.Include, ns)
}

// Contains reports whether the namespace, with its labels, is in scope.
func (sc Scope) Contains(ns string, nsLabels map[string]string) bool {
	return sc.Names(ns) && (sc.selector == nil || sc.selector.Matches(labels.Set(nsLabels)))
}

// excluded lists the namespaces never in scope by name: the system
// namespaces and the excluded ones.
func (sc Scope) excluded() []string {
	out := slices.Clone(systemNamespaces)
	for _, ns := range sc.Exclude {
		if !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out
}

// Condition is CEL, over object, for the by-name part of the scope (what
// Names decides): cluster-scoped objects other than Namespaces are always in
// scope. The selector part is a policy's namespaceSelector.
func (sc Scope) Condition() string {
	in := "!(" + namespaceOf + " in " + quoteList(sc.excluded()) + ")"
	if len(sc.Include) > 0 {
		in = "(" + namespaceOf + " in " + quoteList(sc.Include) + " && " + in + ")"
	}
	return namespaceOf + " == '' || " + in
}

// An Exemption is a compiled spec exemption.
type Exemption struct {
	kspecv1alpha1.Exemption
	// Condition is CEL over object, true when the exemption's namespaces
	// and resource selectors match the object.
	Condition string
	index     int // in Set.Exemptions
	program   cel.Program
}

// resourceMatches is CEL, over r, true when object matches the resource
// selector r encodes (see resourceData). Exemptions hold their selectors
// as data, one constant list of strings that this one comprehension reads,
// rather than as code: type-checking CEL costs, per call, a copy of every
// type substitution made so far, so code per selector made compiling an
// exemption quadratic in its selectors (0.3 s for 64 of them).
const resourceMatches = "r.all(q, " +
	"q.startsWith('kind:') ? object.kind == q.substring(5) : " +
	"q.startsWith('name:') ? object.metadata.?name.orValue('') == q.substring(5) : " +
	"q.startsWith('in:') ? object.metadata.?labels[?q.substring(3)].hasValue() && ('pair:' + q.substring(3) + '=' + object.metadata.labels[q.substring(3)]) in r : " +
	"q.startsWith('exists:') ? object.metadata.?labels[?q.substring(7)].hasValue() : " +
	"q.startsWith('absent:') ? !object.metadata.?labels[?q.substring(7)].hasValue() : " +
	"true) && " +
	"object.metadata.?labels.orValue({}).all(k, !(('notin:' + k + '=' + object.metadata.labels[k]) in r))"

// resourceData encodes a resource selector as the strings resourceMatches
// reads, each tagged: kind:<kind>, name:<name>, in:<key> for each key an
// In requirement names with pair:<key>=<value> for each value it allows
// (requirements on one key intersect), notin:<key>=<value> for each pair
// NotIn forbids, exists:<key> and absent:<key>. Neither a label key nor
// a label value holds '=', so a pair reads back one way only.
func resourceData(r kspecv1alpha1.ResourceSelector) ([]string, error) {
	var out []string
	if r.Kind != "" {
		out = append(out, "kind:"+r.Kind)
	}
	if r.Name != "" {
		out = append(out, "name:"+r.Name)
	}
	if r.Selector == nil {
		return out, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(r.Selector)
	if err != nil {
		return nil, err
	}
	var keys []string
	allowed := map[string][]string{}
	reqs, _ := sel.Requirements()
	for _, q := range reqs {
		k, vs := q.Key(), q.Values().List()
		switch q.Operator() {
		case selection.In, selection.Equals, selection.DoubleEquals:
			if prev, ok := allowed[k]; ok {
				vs = slices.DeleteFunc(prev, func(v string) bool { return !slices.Contains(vs, v) })
			} else {
				keys = append(keys, k)
			}
			allowed[k] = vs
		case selection.NotIn, selection.NotEquals:
			for _, v := range vs {
				out = append(out, "notin:"+k+"="+v)
			}
		case selection.Exists:
			out = append(out, "exists:"+k)
		case selection.DoesNotExist:
			out = append(out, "absent:"+k)
		default:
			return nil, errors.Errorf("unsupported operator %s", q.Operator())
		}
	}
	for _, k := range keys {
		out = append(out, "in:"+k)
		for _, v := range allowed[k] {
			out = append(out, "pair:"+k+"="+v)
		}
	}
	return out, nil
}

func newExemption(e kspecv1alpha1.Exemption) (*Exemption, error) {
	var conds []string
	if len(e.Namespaces) > 0 {
		conds = append(conds, namespaceOf+" in "+quoteList(e.Namespaces))
	}
	if len(e.Resources) > 0 {
		rs := make([]string, len(e.Resources))
		for i, r := range e.Resources {
			d, err := resourceData(r)
			if err != nil {
				return nil, errors.Wrapf(err, "resources[%d].selector", i)
			}
			// An empty selector matches everything; a list of none would
			// be a list of unknown type.
			rs[i] = quoteList(append(d, "any"))
		}
		conds = append(conds, "["+strings.Join(rs, ", ")+"].exists(r, "+resourceMatches+")")
	}
	if len(conds) == 0 {
		return nil, errors.New("an exemption must list namespaces or resources")
	}
	return &Exemption{Exemption: e, Condition: strings.Join(conds, " && ")}, nil
}

// NotCondition is CEL, over object, true when the exemption does not match
// the object: a ValidatingAdmissionPolicy's match condition.
func (e *Exemption) NotCondition() string { return "!(" + e.Condition + ")" }

// Covers reports whether the exemption names the rule.
func (e *Exemption) Covers(r *Rule) bool {
	return len(e.Rules) == 0 || slices.ContainsFunc(e.Rules, func(ref kspecv1alpha1.CheckRef) bool { return r.Matches(string(ref)) })
}

// Live reports whether the exemption has not expired at now.
func (e *Exemption) Live(now time.Time) bool { return now.Before(e.ExpiresAt.Time) }
