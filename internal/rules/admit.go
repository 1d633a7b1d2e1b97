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
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/pkg/errors"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/utils/clock"
)

// A Request is what an admission handler passes to Admit: the request's
// operation and namespace and its objects, as unstructured content.
type Request struct {
	Operation admissionv1.Operation
	// Namespace of the request; empty for cluster-scoped objects. It is
	// the object's namespace when the object does not name one.
	Namespace string
	// Object is the new object of a CREATE or UPDATE.
	Object map[string]any
	// OldObject is the object an UPDATE replaces. Rules judge the new
	// object; it is here for consumers that report what changed.
	OldObject map[string]any
}

// Namespaces resolves namespace labels, for namespace selectors. A
// webhook answers from an informer's cache, a scanner from its listing.
type Namespaces interface {
	// Labels returns a namespace's labels, and whether the namespace is
	// known. An unknown namespace's objects are evaluated as in scope.
	Labels(ctx context.Context, namespace string) (labels map[string]string, known bool, err error)
}

// NamespaceLabels is a Namespaces over a map; a namespace not in the map
// is unknown.
type NamespaceLabels map[string]map[string]string

// Labels returns the namespace's labels from the map.
func (m NamespaceLabels) Labels(_ context.Context, namespace string) (map[string]string, bool, error) {
	l, ok := m[namespace]
	return l, ok, nil
}

// An Environment is what admission needs from the world.
type Environment struct {
	// Clock decides which exemptions are live and whether the spec is in
	// an activation window.
	Clock clock.PassiveClock
	// Namespaces resolves labels for the spec's namespace selector; nil
	// means every namespace is unknown.
	Namespaces Namespaces
}

// A Decision is what one compiled spec says about an admission request.
type Decision struct {
	// Spec names the spec: its name, or namespace/name for a claim.
	Spec string
	// Results are the rules' verdicts on the object but passes: failures,
	// errors and skips (out of scope, not applicable, exempted). Passed
	// counts the passes, whose results an admission has no use for.
	Results []Result
	Passed  int
	// Active is false outside the spec's activation windows.
	Active bool
	// Actions are what the failures do: the spec's mode's actions while it
	// is active, none (recorded only) outside its windows.
	Actions []Action
	// Allowed is false when the request is denied.
	Allowed bool
	// Message, when the request is denied, lists every failed rule with
	// its message and remediation.
	Message string
	// Warnings for the client: one per failed rule when the actions warn,
	// and one per rule that could not be evaluated.
	Warnings []string
	// AuditAnnotations record the failures when the actions audit. Keys
	// are valid audit annotation keys (the API server prefixes them with
	// the webhook's name).
	AuditAnnotations map[string]string
	// Failures are the failed rules; Errors the rules that could not be
	// evaluated (a defect of kspec: they never deny, the webhook counts
	// them for its circuit breaker).
	Failures, Errors []Result
}

// Admit evaluates an admission request: the object rules on the new
// object of a CREATE or UPDATE, with the scope, exemptions and activation
// windows of the spec, and what its mode makes of the failures. DELETE and
// CONNECT are allowed without evaluation. Only a failing namespace lookup
// is an error. Admit is safe for concurrent use.
func (s *Set) Admit(ctx context.Context, req Request, env Environment) (Decision, error) {
	d := Decision{Spec: s.String(), Allowed: true, Active: true}
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return d, nil
	}
	if req.Object == nil {
		return d, errors.Errorf("%s of no object", req.Operation)
	}
	now := env.Clock.Now()
	obj := inNamespace(req.Object, req.Namespace)
	in := Input{Now: now, admission: true}
	if s.Scope.selector != nil && env.Namespaces != nil && req.Namespace != "" {
		l, known, err := env.Namespaces.Labels(ctx, req.Namespace)
		if err != nil {
			return d, errors.Wrapf(err, "cannot read the labels of namespace %s", req.Namespace)
		}
		in.NamespaceLabels = func(ns string) (map[string]string, bool) {
			if ns != req.Namespace {
				return nil, false
			}
			return l, known
		}
	}
	buf := resultBuffers.Get().(*[]Result)
	results := s.evaluateInto(*buf, obj, in)
	d.Active = s.Activation.Active(now)
	d.Actions = s.ActionsAt(now)
	for _, r := range results {
		switch r.Status {
		case Pass:
			d.Passed++
			continue
		case Fail:
			d.Failures = append(d.Failures, r)
		case Error:
			d.Errors = append(d.Errors, r)
			d.Warnings = append(d.Warnings, fmt.Sprintf("kspec %s: %s could not be evaluated: %s", d.Spec, r.Rule.ID, r.Message))
		}
		d.Results = append(d.Results, r)
	}
	clear(results)
	*buf = results[:0]
	resultBuffers.Put(buf)
	if len(d.Failures) == 0 {
		return d, nil
	}
	for _, a := range d.Actions {
		switch a {
		case ActionDeny:
			d.Allowed = false
			d.Message = denyMessage(d.Spec, d.Failures)
		case ActionWarn:
			for _, r := range d.Failures {
				d.Warnings = append(d.Warnings, fmt.Sprintf("kspec %s (audit): %s: %s", d.Spec, r.Rule.ID, r.Message))
			}
		case ActionAudit:
			d.AuditAnnotations = map[string]string{auditKey(d.Spec): auditValue(d.Failures)}
		}
	}
	return d, nil
}

// resultBuffers hold the results of an admission while Admit sorts them.
var resultBuffers = sync.Pool{New: func() any { return new([]Result) }}

// inNamespace puts an object that names no namespace in the request's:
// the API server fills it in after admission. obj is not modified.
func inNamespace(obj map[string]any, ns string) map[string]any {
	meta, _ := obj["metadata"].(map[string]any)
	if ns == "" || meta["namespace"] != nil && meta["namespace"] != "" {
		return obj
	}
	meta = maps.Clone(meta)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["namespace"] = ns
	out := maps.Clone(obj)
	out["metadata"] = meta
	return out
}

// denyMessage lists every failed rule: its id, what is wrong and the fix.
func denyMessage(spec string, failures []Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kspec %s denies %s: %d rule(s) failed", spec, failures[0].Object, len(failures))
	for _, r := range failures {
		fmt.Fprintf(&b, "\n- %s: %s", r.Rule.ID, r.Message)
		if r.Rule.Remediation != "" {
			fmt.Fprintf(&b, " (fix: %s)", r.Rule.Remediation)
		}
	}
	return b.String()
}

// auditKey is the audit annotation key of a spec's failures: a qualified
// name without a prefix, at most 63 characters, unique per spec.
func auditKey(spec string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(spec) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	sum := sha256.Sum256([]byte(spec))
	key := "kspec-" + b.String()
	if len(key) > 54 {
		key = key[:54]
	}
	return strings.TrimRight(key, "-.") + "-" + hex.EncodeToString(sum[:4])
}

// auditValue is the failures as JSON: rule id and message each.
func auditValue(failures []Result) string {
	type failure struct {
		Rule    string `json:"rule"`
		Message string `json:"message"`
	}
	out := make([]failure, len(failures))
	for i, r := range failures {
		out[i] = failure{r.Rule.ID, r.Message}
	}
	b, _ := json.Marshal(out) // strings only: cannot fail
	return string(b)
}

// Merge combines the decisions of every spec that applies to a request:
// denied when any denies, with every deny message; every warning and audit
// annotation. Results, Failures and Errors are concatenated in order,
// passes summed.
func Merge(ds ...Decision) Decision {
	if len(ds) == 1 {
		return mergeOne(ds[0])
	}
	out := Decision{Spec: "", Allowed: true, Active: true}
	var specs, msgs []string
	for _, d := range ds {
		specs = append(specs, d.Spec)
		out.Results = append(out.Results, d.Results...)
		out.Passed += d.Passed
		out.Failures = append(out.Failures, d.Failures...)
		out.Errors = append(out.Errors, d.Errors...)
		out.Warnings = append(out.Warnings, d.Warnings...)
		out.Active = out.Active && d.Active
		for _, a := range d.Actions {
			if !slices.Contains(out.Actions, a) {
				out.Actions = append(out.Actions, a)
			}
		}
		if !d.Allowed {
			out.Allowed = false
			msgs = append(msgs, d.Message)
		}
		if len(d.AuditAnnotations) > 0 && out.AuditAnnotations == nil {
			out.AuditAnnotations = map[string]string{}
		}
		maps.Copy(out.AuditAnnotations, d.AuditAnnotations)
	}
	out.Spec = strings.Join(specs, ", ")
	out.Message = strings.Join(msgs, "\n")
	return out
}

// mergeOne is Merge of one decision, without copying it: the usual case of
// a webhook with one spec. The decision's slices and annotations are
// shared, clipped so that appending to the merged decision never writes
// into the original; what Merge would normalize (an allowed decision's
// message, repeated actions, empty collections as nil) is normalized the
// same way.
func mergeOne(d Decision) Decision {
	out := Decision{Spec: d.Spec, Allowed: d.Allowed, Active: d.Active, Passed: d.Passed}
	share := func(rs []Result) []Result {
		if len(rs) == 0 {
			return nil
		}
		return slices.Clip(rs)
	}
	out.Results, out.Failures, out.Errors = share(d.Results), share(d.Failures), share(d.Errors)
	if len(d.Warnings) > 0 {
		out.Warnings = slices.Clip(d.Warnings)
	}
	for _, a := range d.Actions {
		if !slices.Contains(out.Actions, a) {
			out.Actions = append(out.Actions, a)
		}
	}
	if len(d.AuditAnnotations) > 0 {
		out.AuditAnnotations = d.AuditAnnotations
	}
	if !d.Allowed {
		out.Message = d.Message
	}
	return out
}
