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

package compliancescan

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/rules"
)

// maxDriftEvents is how many events a DriftReport lists.
const maxDriftEvents = 100

func failing(s reportsv1alpha1.ResultStatus) bool {
	return s == reportsv1alpha1.ResultFail || s == reportsv1alpha1.ResultError
}

func objectKey(o *reportsv1alpha1.ObjectRef) string {
	if o == nil {
		return ""
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// ResultDrift compares the results of two scans: rules and objects that
// fail now and did not, and those that failed and no longer do. Objects
// are compared through each report's findings, which list every violation
// of a rule with at most 20; beyond that a rise in the count is one event.
func ResultDrift(prev, cur []reportsv1alpha1.CheckResult) []reportsv1alpha1.DriftEvent {
	before := map[string]*reportsv1alpha1.CheckResult{}
	for i := range prev {
		before[prev[i].ID] = &prev[i]
	}
	var out []reportsv1alpha1.DriftEvent
	for i := range cur {
		c := &cur[i]
		p := before[c.ID]
		if p == nil {
			continue // a rule new to the spec is not drift of the cluster
		}
		was, is := failing(p.Status), failing(c.Status)
		switch {
		case is && !was:
			out = append(out, findingEvents(reportsv1alpha1.DriftNewViolation, c, c.Findings, "fails")...)
		case was && !is:
			out = append(out, findingEvents(reportsv1alpha1.DriftResolvedViolation, p, p.Findings, "no longer fails")...)
		case was && is:
			complete := func(r *reportsv1alpha1.CheckResult) bool { return int(r.Violations) <= len(r.Findings) }
			switch {
			case complete(p) && complete(c):
				if fs := missingFrom(c.Findings, p.Findings); len(fs) > 0 {
					out = append(out, findingEvents(reportsv1alpha1.DriftNewViolation, c, fs, "fails")...)
				}
				if fs := missingFrom(p.Findings, c.Findings); len(fs) > 0 {
					out = append(out, findingEvents(reportsv1alpha1.DriftResolvedViolation, p, fs, "no longer fails")...)
				}
			case c.Violations > p.Violations:
				out = append(out, reportsv1alpha1.DriftEvent{
					Type: reportsv1alpha1.DriftNewViolation, Rule: c.ID, Severity: c.Severity,
					Message: fmt.Sprintf("%s: violations rose from %d to %d", c.ID, p.Violations, c.Violations),
				})
			case c.Violations < p.Violations:
				out = append(out, reportsv1alpha1.DriftEvent{
					Type: reportsv1alpha1.DriftResolvedViolation, Rule: c.ID, Severity: c.Severity,
					Message: fmt.Sprintf("%s: violations fell from %d to %d", c.ID, p.Violations, c.Violations),
				})
			}
		}
	}
	return out
}

// missingFrom are the findings of a whose objects b does not list.
func missingFrom(a, b []reportsv1alpha1.Finding) []reportsv1alpha1.Finding {
	var out []reportsv1alpha1.Finding
	for _, f := range a {
		if !slices.ContainsFunc(b, func(g reportsv1alpha1.Finding) bool { return objectKey(g.Object) == objectKey(f.Object) }) {
			out = append(out, f)
		}
	}
	return out
}

func findingEvents(t reportsv1alpha1.DriftType, r *reportsv1alpha1.CheckResult, fs []reportsv1alpha1.Finding, verb string) []reportsv1alpha1.DriftEvent {
	if len(fs) == 0 {
		return []reportsv1alpha1.DriftEvent{{Type: t, Rule: r.ID, Severity: r.Severity, Message: cut(r.ID+" "+verb, maxFindingMsg)}}
	}
	out := make([]reportsv1alpha1.DriftEvent, 0, len(fs))
	for _, f := range fs {
		msg := r.ID + " " + verb
		if f.Object != nil {
			msg += " on " + f.Object.Kind + " " + orElse(f.Object.Namespace+"/", "") + f.Object.Name
		}
		if t == reportsv1alpha1.DriftNewViolation && f.Message != "" {
			msg += ": " + f.Message
		}
		out = append(out, reportsv1alpha1.DriftEvent{Type: t, Rule: r.ID, Severity: r.Severity, Object: f.Object, Message: cut(msg, maxFindingMsg)})
	}
	return out
}

// PolicyDrift compares the policies kspec renders for set (internal/render,
// every engine of the spec that renders policies) with the objects on the
// target. An engine is compared only when some object labelled
// kspec.io/spec=<spec> of its kinds exists there: a spec whose policies
// were never installed on a target (scan only) has no policy drift. A
// rendered object absent is PolicyMissing; one whose fields differ from
// what kspec renders (fields the API server defaults are ignored) is
// PolicyModified.
func PolicyDrift(ctx context.Context, target client.Client, set *rules.Set, o render.Options) ([]reportsv1alpha1.DriftEvent, error) {
	var out []reportsv1alpha1.DriftEvent
	for _, engine := range set.Engines {
		if !slices.Contains(render.Engines(), engine) {
			continue
		}
		objs, err := render.Render(set, engine, o)
		if err != nil {
			return nil, err
		}
		deployed, err := anyDeployed(ctx, target, set, objs)
		if err != nil {
			return nil, err
		}
		if !deployed {
			continue
		}
		for _, obj := range objs {
			want, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
			if err != nil {
				return nil, err
			}
			gvk := obj.GetObjectKind().GroupVersionKind()
			ref := &reportsv1alpha1.ObjectRef{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
			got := &unstructured.Unstructured{}
			got.SetGroupVersionKind(gvk)
			err = target.Get(ctx, client.ObjectKey{Namespace: obj.GetNamespace(), Name: obj.GetName()}, got)
			sev := policySeverity(set, obj)
			switch {
			case kerrors.IsNotFound(err):
				out = append(out, reportsv1alpha1.DriftEvent{Type: reportsv1alpha1.DriftPolicyMissing, Rule: obj.GetAnnotations()[render.AnnotationRule], Severity: sev, Object: ref,
					Message: cut(fmt.Sprintf("%s %s rendered for %s is missing on the target", gvk.Kind, name(obj), engine), maxFindingMsg)})
			case err != nil:
				return nil, err
			default:
				if path, ok := subset(want["spec"], got.Object["spec"], "spec"); !ok {
					out = append(out, reportsv1alpha1.DriftEvent{Type: reportsv1alpha1.DriftPolicyModified, Rule: obj.GetAnnotations()[render.AnnotationRule], Severity: sev, Object: ref,
						Message: cut(fmt.Sprintf("%s %s differs from what kspec renders at %s", gvk.Kind, name(obj), path), maxFindingMsg)})
				}
			}
		}
	}
	return out, nil
}

func name(o client.Object) string {
	if o.GetNamespace() != "" {
		return o.GetNamespace() + "/" + o.GetName()
	}
	return o.GetName()
}

func policySeverity(set *rules.Set, o client.Object) reportsv1alpha1.Severity {
	id := o.GetAnnotations()[render.AnnotationRule]
	for _, r := range set.Rules {
		if r.ID == id {
			return severity(string(r.Severity))
		}
	}
	return reportsv1alpha1.SeverityHigh
}

// anyDeployed reports whether the target holds some object of the kinds
// in objs labelled as the set's. Kinds the target does not serve hold none.
func anyDeployed(ctx context.Context, target client.Client, set *rules.Set, objs []client.Object) (bool, error) {
	seen := map[string]bool{}
	for _, obj := range objs {
		gvk := obj.GetObjectKind().GroupVersionKind()
		if seen[gvk.String()] {
			continue
		}
		seen[gvk.String()] = true
		l := &unstructured.UnstructuredList{}
		l.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		sel := client.MatchingLabels{render.LabelSpec: set.Name}
		err := target.List(ctx, l, sel, client.Limit(1))
		if meta.IsNoMatchError(err) || kerrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return false, err
		}
		if len(l.Items) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// subset reports whether every field of want has the same value in got;
// lists must have the same length. The first differing path is returned.
func subset(want, got any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for _, k := range slices.Sorted(maps.Keys(w)) {
			if p, ok := subset(w[k], g[k], path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := subset(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	case nil:
		return "", true
	}
	if reflect.DeepEqual(want, got) {
		return "", true
	}
	// JSON numbers decode as int64 or float64 depending on the side.
	if fmt.Sprint(want) == fmt.Sprint(got) {
		return "", true
	}
	return path, false
}

// sortEvents orders events most severe first, then by type, rule and
// object, so a report's content depends only on what was found.
func sortEvents(evs []reportsv1alpha1.DriftEvent) {
	rank := map[reportsv1alpha1.Severity]int{reportsv1alpha1.SeverityCritical: 0, reportsv1alpha1.SeverityHigh: 1, reportsv1alpha1.SeverityMedium: 2, reportsv1alpha1.SeverityLow: 3}
	slices.SortStableFunc(evs, func(a, b reportsv1alpha1.DriftEvent) int {
		return cmp.Or(cmp.Compare(rank[a.Severity], rank[b.Severity]), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Rule, b.Rule), cmp.Compare(objectKey(a.Object), objectKey(b.Object)))
	})
}
