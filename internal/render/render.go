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

// Package render turns compiled rules into admission policies: Kyverno
// ValidatingPolicies (NamespacedValidatingPolicies for a claim) with
// PolicyExceptions, or native ValidatingAdmissionPolicies with bindings.
// One policy per object rule, so reports, exceptions and bindings are per
// rule. Output is deterministic: the same spec and clock give the same bytes.
package render

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pkg/errors"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

// DefaultExceptionNamespace is where the PolicyExceptions of a cluster-wide
// spec go unless told otherwise: the namespace of kspec's own components.
const DefaultExceptionNamespace = "kspec-system"

// Labels and annotations on rendered objects.
const (
	LabelSpec          = "kspec.io/spec"
	LabelSpecNamespace = "kspec.io/spec-namespace"
	AnnotationRule     = "kspec.io/rule"
	AnnotationControls = "kspec.io/controls"

	// On a PolicyException: the exemption it renders, verbatim.
	AnnotationExemption  = "kspec.io/exemption"
	AnnotationReason     = "kspec.io/reason"
	AnnotationApprovedBy = "kspec.io/approved-by"
	AnnotationExpiresAt  = "kspec.io/expires-at"

	// On a ValidatingAdmissionPolicy: a JSON list of the exemptions its
	// match conditions render, each with its match condition's name.
	AnnotationExemptions = "kspec.io/exemptions"
)

// Options for rendering.
type Options struct {
	// Now decides which exemptions are live; expired ones are not rendered.
	Now time.Time
	// ExceptionNamespace is where PolicyExceptions of a cluster-wide spec
	// go; a claim's go to its own namespace. Default
	// DefaultExceptionNamespace.
	ExceptionNamespace string
}

// A Renderer renders a compiled set as one engine's admission objects.
type Renderer func(set *rules.Set, o Options) []client.Object

// renderers are the engines that render policies, in the order help and
// errors list them. EngineWebhook is not one: kspec-webhook enforces the
// rules from a bundle.
var renderers = []struct {
	engine kspecv1alpha1.Engine
	render Renderer
}{
	{kspecv1alpha1.EngineKyverno, Kyverno},
	{kspecv1alpha1.EngineAdmissionPolicy, AdmissionPolicies},
}

// Engines are the engines Render renders for.
func Engines() []kspecv1alpha1.Engine {
	out := make([]kspecv1alpha1.Engine, len(renderers))
	for i, r := range renderers {
		out[i] = r.engine
	}
	return out
}

// ParseEngine reads an engine name as the API spells it, ignoring case, so
// kspec's older lowercase names (kyverno, admissionpolicy) still work.
func ParseEngine(s string) (kspecv1alpha1.Engine, error) {
	for _, e := range []kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno, kspecv1alpha1.EngineAdmissionPolicy, kspecv1alpha1.EngineWebhook} {
		if strings.EqualFold(s, string(e)) {
			return e, nil
		}
	}
	return "", errors.Errorf("unknown engine %q: want %s", s, engineList())
}

// DefaultEngine is the spec's first engine that renders policies, else
// Kyverno.
func DefaultEngine(set *rules.Set) kspecv1alpha1.Engine {
	for _, e := range set.Engines {
		if slices.Contains(Engines(), e) {
			return e
		}
	}
	return kspecv1alpha1.EngineKyverno
}

// Render renders the set for an engine.
func Render(set *rules.Set, engine kspecv1alpha1.Engine, o Options) ([]client.Object, error) {
	for _, r := range renderers {
		if r.engine == engine {
			return r.render(set, o), nil
		}
	}
	if engine == kspecv1alpha1.EngineWebhook {
		return nil, errors.Errorf("engine %s renders no policies: kspec-webhook enforces the rules from a bundle; want %s", engine, engineList())
	}
	return nil, errors.Errorf("unknown engine %q: want %s", engine, engineList())
}

func engineList() string {
	es := Engines()
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = string(e)
	}
	return strings.Join(s, " or ")
}

func meta(set *rules.Set, r *rules.Rule, name, namespace string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{
		Name:      name,
		Namespace: namespace,
		Labels:    map[string]string{LabelSpec: set.Name, "app.kubernetes.io/managed-by": "kspec"},
	}
	if set.Namespace != "" {
		m.Labels[LabelSpecNamespace] = set.Namespace
	}
	if r != nil {
		m.Annotations = map[string]string{
			AnnotationRule:                 r.ID,
			"policies.kyverno.io/title":    r.Title,
			"policies.kyverno.io/category": r.Category(),
			"policies.kyverno.io/severity": strings.ToLower(string(r.Severity)),
		}
		if r.Remediation != "" {
			m.Annotations["policies.kyverno.io/description"] = r.Remediation
		}
		if len(r.Controls) > 0 {
			cs := make([]string, len(r.Controls))
			for i, c := range r.Controls {
				cs[i] = c.Framework + " " + c.ID
			}
			m.Annotations[AnnotationControls] = strings.Join(cs, ", ")
		}
	}
	return m
}

// matchResources matches the rule's kinds on the operations the engine
// judges.
func matchResources(r *rules.Rule, sel *metav1.LabelSelector) *admissionregistrationv1.MatchResources {
	m := &admissionregistrationv1.MatchResources{NamespaceSelector: sel}
	for _, rule := range rules.MatchRules(r.Kinds) {
		m.ResourceRules = append(m.ResourceRules, admissionregistrationv1.NamedRuleWithOperations{RuleWithOperations: rule})
	}
	return m
}

// matchConditions are the scope and the rule's own conditions. The
// namespace selector part of the scope is the policy's namespaceSelector. A
// claim's included namespace is its own: redundant for a namespaced policy
// in a cluster, but the Kyverno CLI does not confine namespaced policies.
func matchConditions(set *rules.Set, r *rules.Rule) []admissionregistrationv1.MatchCondition {
	out := []admissionregistrationv1.MatchCondition{{Name: "kspec-scope", Expression: set.Scope.Condition()}}
	for i, c := range r.Conditions {
		out = append(out, admissionregistrationv1.MatchCondition{Name: "kspec-rule-" + strconv.Itoa(i), Expression: c})
	}
	return out
}

func variables(set *rules.Set, r *rules.Rule) []admissionregistrationv1.Variable {
	if !slices.ContainsFunc(r.Kinds, rules.IsPodKind) {
		return nil
	}
	out := make([]admissionregistrationv1.Variable, len(set.Variables))
	for i, v := range set.Variables {
		out[i] = admissionregistrationv1.Variable{Name: v.Name, Expression: v.Expression}
	}
	return out
}

func validation(r *rules.Rule) admissionregistrationv1.Validation {
	return admissionregistrationv1.Validation{
		Expression:        r.Expression,
		Message:           r.AdmissionMessage(),
		MessageExpression: r.AdmissionMessageExpression(),
	}
}

// liveExemptions are the set's exemptions live at o.Now.
func liveExemptions(set *rules.Set, o Options) []*rules.Exemption {
	var out []*rules.Exemption
	for _, e := range set.Exemptions {
		if e.Live(o.Now) {
			out = append(out, e)
		}
	}
	return out
}

// Marshal writes objects as a YAML stream, one document each, without
// the empty status and creation timestamp typed objects carry.
func Marshal(objs []client.Object) ([]byte, error) {
	var b bytes.Buffer
	for i, obj := range objs {
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return nil, errors.Wrapf(err, "cannot convert %s", obj.GetName())
		}
		delete(u, "status")
		if m, ok := u["metadata"].(map[string]any); ok {
			delete(m, "creationTimestamp")
		}
		y, err := yaml.Marshal(u)
		if err != nil {
			return nil, errors.Wrapf(err, "cannot marshal %s", obj.GetName())
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.Bytes(), nil
}
