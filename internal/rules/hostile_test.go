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
	"slices"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/interpreter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// hostile are strings a spec may hold that a CEL literal cannot hold as
// they are.
var hostile = map[string]string{
	"Quote":            "it's",
	"Backslash":        `a\b`,
	"EscapedQuote":     `x\'y`,
	"Newline":          "team\n",
	"CRLF":             "team\r\nx",
	"Tab":              "a\tb",
	"NUL":              "a\x00b",
	"Control":          "a\x07\x1b\x7fb",
	"InvalidUTF8":      "a\xff\xfeb",
	"Unicode":          "équipe-名前-🙂",
	"LineSeparator":    "a\u2028b\u2029",
	"Bidi":             "a\u202eb",
	"TripleQuotes":     `''' """`,
	"EscapeLookalikes": `\n \u0041 \x41 \101`,
	"Empty":            "",
}

// asJSON is s as decoding JSON reads it: each byte that is not UTF-8 is
// U+FFFD.
func asJSON(s string) string { return string([]rune(s)) }

// evalString evaluates CEL yielding a string, without object.
func evalString(t *testing.T, expr string) string {
	t.Helper()
	p, err := compile(expr, cel.StringType)
	require.NoError(t, err)
	v, _, err := p.Eval(map[string]any{"object": map[string]any{}, "variables": map[string]any{}})
	require.NoError(t, err)
	s, ok := v.Value().(string)
	require.True(t, ok, "%s yields %T", expr, v.Value())
	return s
}

func TestQuote(t *testing.T) {
	for name, s := range hostile {
		t.Run(name, func(t *testing.T) {
			// A CEL string holds Unicode only.
			want := asJSON(s)
			assert.Equal(t, want, evalString(t, quote(s)), "quote(%q) reads back", s)
			assert.Equal(t, want, evalString(t, quoteList([]string{"x", s})+"[1]"), "quoteList")
		})
	}
}

func TestHostileScope(t *testing.T) {
	var names []string
	for _, s := range hostile {
		if s != "" {
			names = append(names, s)
		}
	}
	// Near misses: each hostile name without its hostile part, and the
	// plain namespaces around it.
	namespaces := append([]string{"team", "it", "ab", "a", "b", "x", "default", "a b"}, names...)
	for name, scope := range map[string]*kspecv1alpha1.NamespaceScope{
		"Include": {Include: names},
		"Exclude": {Exclude: names},
	} {
		t.Run(name, func(t *testing.T) {
			set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{NamespaceScope: scope}})
			require.NoError(t, err, "a scope of any names compiles")
			p, err := compile(set.Scope.Condition(), cel.BoolType)
			require.NoError(t, err)
			for _, ns := range namespaces {
				act, err := interpreter.NewActivation(map[string]any{"object": map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": asJSON(ns)}}})
				require.NoError(t, err)
				got, err := evalBool(p, act)
				require.NoError(t, err)
				assert.Equal(t, set.Scope.Names(ns), got, "%s: a Pod in %q", name, ns)
				named := slices.Contains(names, ns)
				assert.Equal(t, named == (name == "Include"), got, "%s: %q is in scope exactly when named", name, ns)
			}
		})
	}
}

func TestHostileExemption(t *testing.T) {
	obj := func(kind, name string, lbls map[string]any) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": kind, "metadata": map[string]any{"name": name, "namespace": "team", "labels": lbls}}
	}
	for name, s := range hostile {
		if s == "" {
			continue // an empty name matches any
		}
		t.Run(name, func(t *testing.T) {
			e := kspecv1alpha1.Exemption{Name: "e", Reason: "r", ApprovedBy: "a", ExpiresAt: metav1.NewTime(time.Now().Add(time.Hour)),
				Namespaces: []string{s, "team"},
				Resources:  []kspecv1alpha1.ResourceSelector{{Kind: "K" + s, Name: s}}}
			set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Exemptions: []kspecv1alpha1.Exemption{e}}})
			require.NoError(t, err)
			v := asJSON(s)
			for _, c := range []struct {
				obj  map[string]any
				want bool
			}{
				{obj("K"+v, v, nil), true},
				{obj("K"+v, v+"x", nil), false},
				{obj("K", v, nil), s == ""},
				{obj("K"+v+" ", v, nil), false},
			} {
				got, err := matches(set.Exemptions[0], c.obj)
				require.NoError(t, err)
				assert.Equal(t, c.want, got, "%v", c.obj)
			}
		})
	}
}

// matches evaluates an exemption's condition.
func matches(e *Exemption, obj map[string]any) (bool, error) {
	act, err := interpreter.NewActivation(map[string]any{"object": obj, "variables": map[string]any{}})
	if err != nil {
		return false, err
	}
	return evalBool(e.program, act)
}

// TestExemptionSelectorAgrees checks the CEL of exemption label selectors
// against the API's own selector matching.
func TestExemptionSelectorAgrees(t *testing.T) {
	selectors := map[string]*metav1.LabelSelector{
		"MatchLabels": {MatchLabels: map[string]string{"app": "web", "example.com/tier": "a"}},
		"In":          {MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}}}},
		"InTwice":     {MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}}, {Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"b", "c"}}}},
		"InDisjoint":  {MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a"}}, {Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"b"}}}},
		"LabelAndIn":  {MatchLabels: map[string]string{"tier": "a"}, MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}}}},
		"NotIn":       {MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"a", "b"}}, {Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"web"}}}},
		"Exists":      {MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpExists}, {Key: "app", Operator: metav1.LabelSelectorOpDoesNotExist}}},
		"Empty":       {},
	}
	labelSets := []map[string]string{nil, {"tier": "a"}, {"tier": "b"}, {"tier": "c"}, {"tier": "a", "app": "web"}, {"app": "web"}, {"app": "db"},
		{"app": "web", "example.com/tier": "a"}, {"app": "web", "example.com/tier": "b"}, {"tier": "a=b"}, {"tier=a": "x"}}
	n := 0
	for name, sel := range selectors {
		e := kspecv1alpha1.Exemption{Name: "e", Reason: "r", ApprovedBy: "a", ExpiresAt: metav1.NewTime(time.Now().Add(time.Hour)),
			Resources: []kspecv1alpha1.ResourceSelector{{Selector: sel}}}
		set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Exemptions: []kspecv1alpha1.Exemption{e}}})
		require.NoError(t, err, name)
		s, err := metav1.LabelSelectorAsSelector(sel)
		require.NoError(t, err)
		for _, ls := range labelSets {
			lm := map[string]any{}
			for k, v := range ls {
				lm[k] = v
			}
			obj := map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": "team", "labels": lm}}
			if ls == nil {
				delete(obj["metadata"].(map[string]any), "labels")
			}
			got, err := matches(set.Exemptions[0], obj)
			require.NoError(t, err)
			assert.Equal(t, s.Matches(labels.Set(ls)), got, "%s on %v", name, ls)
			n++
		}
	}
	require.Equal(t, len(selectors)*len(labelSets), n)
}

func TestHostileValues(t *testing.T) {
	for name, s := range hostile {
		if s == "" {
			continue // an empty value is an error
		}
		t.Run(name, func(t *testing.T) {
			v := asJSON(s)
			// Semantic checks reject such a capability; the engine still
			// compiles it, to the exact value.
			set := fieldSet(t, nil, []kspecv1alpha1.FieldRule{{Key: kspecv1alpha1.FieldCapabilitiesAdd, Value: value(s)}})
			var got []Status
			for _, add := range []string{v, v + "x", "NET_RAW"} {
				for _, r := range set.Evaluate(podSpec(map[string]any{"containers": []any{capabilities([]any{add}, nil)}}), Input{Now: time.Now()}) {
					require.NotEqual(t, Error, r.Status, r.Message)
					got = append(got, r.Status)
				}
			}
			assert.Equal(t, []Status{Fail, Pass, Pass}, got, "adding %q is forbidden, nothing else", v)

			ps, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{PodSecurity: &kspecv1alpha1.PodSecurityRequirements{
				Enforce: kspecv1alpha1.PodSecurityRestricted, Exemptions: []kspecv1alpha1.PodSecurityExemption{{Namespace: s, Level: kspecv1alpha1.PodSecurityPrivileged, Reason: "r"}},
			}}}})
			require.NoError(t, err)
			id := CategoryPodSecurity + "/enforce"
			privileged := map[string]any{"pod-security.kubernetes.io/enforce": "privileged"}
			assert.Equal(t, Pass, resultOf(t, ps, namespaceObject(v, privileged), id).Status, "the exempted namespace %q", v)
			assert.Equal(t, Fail, resultOf(t, ps, namespaceObject(v+"x", privileged), id).Status, "another namespace")
		})
	}
}

func TestHostileRegistries(t *testing.T) {
	for name, s := range hostile {
		t.Run(name, func(t *testing.T) {
			for _, p := range []string{s, "ghcr.io/" + s, s + ".example.com"} {
				_, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{Workloads: &kspecv1alpha1.WorkloadRequirements{
					Images: &kspecv1alpha1.ImageRules{AllowedRegistries: []string{p}},
				}}}})
				// Registries are checked before any CEL is written: a
				// bad one is an error naming it, never broken CEL.
				require.Error(t, err, "%q", p)
				assert.Contains(t, err.Error(), fmt.Sprintf("registry %q", p))
			}
		})
	}
}
