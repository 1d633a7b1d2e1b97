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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"
	"github.com/pkg/errors"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

// Engines.
const (
	EngineKyverno         = "kyverno"
	EngineAdmissionPolicy = "admissionpolicy"
)

// Labels and annotations on rendered objects.
const (
	LabelSpec          = "kspec.io/spec"
	LabelSpecNamespace = "kspec.io/spec-namespace"
	AnnotationRule     = "kspec.io/rule"
	AnnotationControls = "kspec.io/controls"
)

// Options for rendering.
type Options struct {
	// Now decides which exemptions are live; expired ones are not rendered.
	Now time.Time
	// ExceptionNamespace is where PolicyExceptions of a cluster-wide spec
	// go; a claim's go to its own namespace. Default kspec-system.
	ExceptionNamespace string
}

// Render renders the set for an engine.
func Render(set *rules.Set, engine string, o Options) ([]client.Object, error) {
	switch engine {
	case EngineKyverno:
		return Kyverno(set, o), nil
	case EngineAdmissionPolicy:
		return AdmissionPolicies(set, o), nil
	}
	return nil, errors.Errorf("unknown engine %q: want %s or %s", engine, EngineKyverno, EngineAdmissionPolicy)
}

// Name is the name of the policy for a rule: unique per spec (and claim
// namespace, where names share one scope), at most 63 characters.
func Name(set *rules.Set, r *rules.Rule, clusterScoped bool) string {
	spec := set.Name
	if clusterScoped && set.Namespace != "" {
		spec = set.Namespace + "." + set.Name
	}
	return shorten("kspec-" + spec + "-" + r.Name())
}

// shorten keeps a name within 63 characters: a longer one is cut and ends in
// a hash of the whole, so it stays unique.
func shorten(n string) string {
	if len(n) <= 63 {
		return n
	}
	sum := sha256.Sum256([]byte(n))
	return strings.TrimRight(n[:54], "-.") + "-" + hex.EncodeToString(sum[:4])
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

// matchResources matches the rule's kinds on create and update.
func matchResources(r *rules.Rule, sel *metav1.LabelSelector) *admissionregistrationv1.MatchResources {
	type gv struct{ group, version string }
	var order []gv
	byGV := map[gv][]string{}
	for _, k := range r.Kinds {
		g := gv{k.Group, k.Version}
		if _, ok := byGV[g]; !ok {
			order = append(order, g)
		}
		byGV[g] = append(byGV[g], k.Resource)
	}
	m := &admissionregistrationv1.MatchResources{NamespaceSelector: sel}
	for _, g := range order {
		m.ResourceRules = append(m.ResourceRules, admissionregistrationv1.NamedRuleWithOperations{
			RuleWithOperations: admissionregistrationv1.RuleWithOperations{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
				Rule: admissionregistrationv1.Rule{
					APIGroups: []string{g.group}, APIVersions: []string{g.version}, Resources: byGV[g],
				},
			},
		})
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
		out = append(out, admissionregistrationv1.MatchCondition{Name: fmt.Sprintf("kspec-rule-%d", i), Expression: c})
	}
	return out
}

func variables(set *rules.Set, r *rules.Rule) []admissionregistrationv1.Variable {
	if !slices.ContainsFunc(r.Kinds, func(k rules.Kind) bool { return slices.Contains(rules.PodKinds, k) }) {
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
		Message:           r.ID + ": " + r.Message,
		MessageExpression: messageExpression(r),
	}
}

func messageExpression(r *rules.Rule) string {
	if r.MessageExpression == "" {
		return ""
	}
	return "'" + r.ID + ": ' + " + r.MessageExpression
}

// Kyverno renders a ValidatingPolicy per object rule (a
// NamespacedValidatingPolicy for a claim) and a PolicyException per live
// exemption. Pod controllers are matched explicitly, with autogen off, so
// the same CEL runs in Kyverno, the API server and kspec.
func Kyverno(set *rules.Set, o Options) []client.Object {
	claim := set.Namespace != ""
	var out []client.Object
	names := map[*rules.Rule]string{}
	for _, r := range set.ObjectRules() {
		spec := kyvernov1.ValidatingPolicySpec{
			MatchConstraints: matchResources(r, set.Scope.Selector),
			MatchConditions:  matchConditions(set, r),
			Variables:        variables(set, r),
			Validations:      []admissionregistrationv1.Validation{validation(r)},
			AutogenConfiguration: &kyvernov1.ValidatingPolicyAutogenConfiguration{
				PodControllers: &kyvernov1.PodControllersGenerationConfiguration{Controllers: []string{}},
			},
		}
		switch set.Mode {
		case kspecv1alpha1.ModeEnforce:
			spec.ValidationAction = []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}
		case kspecv1alpha1.ModeAudit:
			spec.ValidationAction = []admissionregistrationv1.ValidationAction{admissionregistrationv1.Audit}
		default: // monitor: background reports only, admission untouched
			spec.ValidationAction = []admissionregistrationv1.ValidationAction{admissionregistrationv1.Audit}
			spec.EvaluationConfiguration = &kyvernov1.EvaluationConfiguration{
				Admission:  &kyvernov1.AdmissionConfiguration{Enabled: ptr.To(false)},
				Background: &kyvernov1.BackgroundConfiguration{Enabled: ptr.To(true)},
			}
		}
		if claim {
			name := Name(set, r, false)
			names[r] = name
			out = append(out, &kyvernov1.NamespacedValidatingPolicy{
				TypeMeta:   metav1.TypeMeta{APIVersion: kyvernov1.GroupVersion.String(), Kind: "NamespacedValidatingPolicy"},
				ObjectMeta: meta(set, r, name, set.Namespace),
				Spec:       spec,
			})
			continue
		}
		name := Name(set, r, true)
		names[r] = name
		out = append(out, &kyvernov1.ValidatingPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: kyvernov1.GroupVersion.String(), Kind: "ValidatingPolicy"},
			ObjectMeta: meta(set, r, name, ""),
			Spec:       spec,
		})
	}
	exNamespace := o.ExceptionNamespace
	if exNamespace == "" {
		exNamespace = "kspec-system"
	}
	kind := "ValidatingPolicy"
	if claim {
		exNamespace, kind = set.Namespace, "NamespacedValidatingPolicy"
	}
	for _, e := range set.Exemptions {
		if !e.Live(o.Now) {
			continue
		}
		var refs []kyvernov1.PolicyRef
		for _, r := range set.ObjectRules() {
			if e.Covers(r) {
				refs = append(refs, kyvernov1.PolicyRef{Name: names[r], Kind: kind})
			}
		}
		if len(refs) == 0 {
			continue
		}
		m := meta(set, nil, exceptionName(set, e), exNamespace)
		m.Annotations = map[string]string{
			"kspec.io/exemption":   e.Name,
			"kspec.io/reason":      e.Reason,
			"kspec.io/approved-by": e.ApprovedBy,
			"kspec.io/expires-at":  e.ExpiresAt.UTC().Format(time.RFC3339),
		}
		out = append(out, &kyvernov1.PolicyException{
			TypeMeta:   metav1.TypeMeta{APIVersion: kyvernov1.GroupVersion.String(), Kind: "PolicyException"},
			ObjectMeta: m,
			Spec: kyvernov1.PolicyExceptionSpec{
				PolicyRefs:      refs,
				MatchConditions: []admissionregistrationv1.MatchCondition{{Name: "kspec-exemption", Expression: e.Condition}},
			},
		})
	}
	return out
}

func exceptionName(set *rules.Set, e *rules.Exemption) string {
	return shorten("kspec-" + set.Name + "-" + e.Name)
}

// AdmissionPolicies renders a ValidatingAdmissionPolicy and binding per
// object rule. Live exemptions become match conditions; a claim is scoped
// to its namespace by a match condition, since these objects are
// cluster-scoped.
func AdmissionPolicies(set *rules.Set, o Options) []client.Object {
	var out []client.Object
	actions := []admissionregistrationv1.ValidationAction{admissionregistrationv1.Audit}
	switch set.Mode {
	case kspecv1alpha1.ModeEnforce:
		actions = []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}
	case kspecv1alpha1.ModeAudit:
		actions = []admissionregistrationv1.ValidationAction{admissionregistrationv1.Warn, admissionregistrationv1.Audit}
	}
	for _, r := range set.ObjectRules() {
		name := Name(set, r, true)
		conds := matchConditions(set, r)
		for _, e := range set.Exemptions {
			if e.Live(o.Now) && e.Covers(r) {
				conds = append(conds, admissionregistrationv1.MatchCondition{
					Name:       "kspec-exemption-" + e.Name,
					Expression: "!(" + e.Condition + ")",
				})
			}
		}
		out = append(out,
			&admissionregistrationv1.ValidatingAdmissionPolicy{
				TypeMeta:   metav1.TypeMeta{APIVersion: admissionregistrationv1.SchemeGroupVersion.String(), Kind: "ValidatingAdmissionPolicy"},
				ObjectMeta: meta(set, r, name, ""),
				Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
					FailurePolicy:    ptr.To(admissionregistrationv1.Fail),
					MatchConstraints: matchResources(r, set.Scope.Selector),
					MatchConditions:  conds,
					Variables:        variables(set, r),
					Validations:      []admissionregistrationv1.Validation{validation(r)},
				},
			},
			&admissionregistrationv1.ValidatingAdmissionPolicyBinding{
				TypeMeta:   metav1.TypeMeta{APIVersion: admissionregistrationv1.SchemeGroupVersion.String(), Kind: "ValidatingAdmissionPolicyBinding"},
				ObjectMeta: meta(set, r, name, ""),
				Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
					PolicyName:        name,
					ValidationActions: actions,
				},
			})
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
