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

package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/resolve"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/specification"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/test/harness"
	"github.com/kspec-io/kspec/webhook"
)

const corpus = "../kyverno/corpus"

// inWindow is inside comprehensive's activation window (a Tuesday, 13:00
// in Berlin) with every example exemption live, so every spec's mode acts.
const inWindow = "2026-12-01T12:00:00Z"

// clusterScoped are the corpus kinds without a namespace.
var clusterScoped = []string{"Namespace", "ClusterRole"}

type corpusObject struct {
	key       string
	namespace string
	obj       map[string]any
}

func readCorpus(t *testing.T) ([]corpusObject, rules.NamespaceLabels) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpus, "*.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 60)
	var out []corpusObject
	labels := rules.NamespaceLabels{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, d := range manifest.Parse(f, b) {
			require.NoError(t, d.Err, f)
			o := d.Object
			ns := o.GetNamespace()
			if ns == "" && !slices.Contains(clusterScoped, o.GetKind()) {
				ns = "default"
			}
			if o.GetKind() == "Namespace" {
				labels[o.GetName()] = o.GetLabels()
			}
			key := rules.ObjectRef{Kind: o.GetKind(), Namespace: ns, Name: o.GetName()}.String()
			out = append(out, corpusObject{key: key, namespace: ns, obj: o.Object})
		}
	}
	return out, labels
}

// outcome is what one side says of an object: the rules that failed and
// the rules that could not be evaluated.
type outcome struct{ failed, errored []string }

func (o outcome) sorted() outcome {
	sort.Strings(o.failed)
	sort.Strings(o.errored)
	return o
}

// checkOutcomes runs kspec check -o json and returns, per object, the
// failed and errored rules, and how many verdicts it gave each.
func checkOutcomes(t *testing.T, spec, now string) (map[string]outcome, map[string]int) {
	t.Helper()
	rep, err := harness.Check(spec, now, corpus)
	require.NoError(t, err)
	got, n := map[string]outcome{}, map[string]int{}
	for _, r := range rep.Results {
		if r.Rule == rules.RuleWorkloadsPodSecurity {
			// kspec check judges it; at admission Pod Security admission
			// does, not kspec (docs/rules.md).
			continue
		}
		k := r.Object.String()
		n[k]++
		o := got[k]
		switch strings.ToLower(string(r.Status)) {
		case "fail":
			o.failed = append(o.failed, r.Rule)
		case "error":
			o.errored = append(o.errored, r.Rule)
		}
		got[k] = o
	}
	return got, n
}

// review sends a CREATE of the object through the handler.
func review(t *testing.T, h http.Handler, o corpusObject) *admissionv1.AdmissionResponse {
	t.Helper()
	raw, err := json.Marshal(o.obj)
	require.NoError(t, err)
	u := &unstructuredKind{o.obj}
	in := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID("uid-" + o.key), Operation: admissionv1.Create,
			Kind: u.gvk(), Namespace: o.namespace, Name: u.name(),
			Object: runtime.RawExtension{Raw: raw},
		},
	}
	body, err := json.Marshal(in)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body)))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var out admissionv1.AdmissionReview
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	require.NotNil(t, out.Response)
	require.Equal(t, in.Request.UID, out.Response.UID)
	return out.Response
}

type unstructuredKind struct{ obj map[string]any }

func (u *unstructuredKind) gvk() metav1.GroupVersionKind {
	av, _ := u.obj["apiVersion"].(string)
	k, _ := u.obj["kind"].(string)
	g, v := "", av
	if i := strings.IndexByte(av, '/'); i >= 0 {
		g, v = av[:i], av[i+1:]
	}
	return metav1.GroupVersionKind{Group: g, Version: v, Kind: k}
}

func (u *unstructuredKind) name() string {
	m, _ := u.obj["metadata"].(map[string]any)
	n, _ := m["name"].(string)
	return n
}

// denied reads the failed rules off a deny message: "- <id>: …" lines.
func deniedRules(msg string) []string {
	var ids []string
	for line := range strings.SplitSeq(msg, "\n") {
		if rest, ok := strings.CutPrefix(line, "- "); ok {
			id, _, _ := strings.Cut(rest, ": ")
			ids = append(ids, id)
		}
	}
	return ids
}

// warnedRules reads the failed (audit) and errored rules off the warnings.
func warnedRules(spec string, warnings []string) outcome {
	var o outcome
	for _, w := range warnings {
		if rest, ok := strings.CutPrefix(w, "kspec "+spec+" (audit): "); ok {
			id, _, _ := strings.Cut(rest, ": ")
			o.failed = append(o.failed, id)
			continue
		}
		if rest, ok := strings.CutPrefix(w, "kspec "+spec+": "); ok {
			id, _, _ := strings.Cut(rest, " could not be evaluated")
			o.errored = append(o.errored, id)
		}
	}
	return o
}

// auditedRules reads the failed rules off the audit annotation.
func auditedRules(t *testing.T, ann map[string]string) []string {
	t.Helper()
	var ids []string
	for _, v := range ann {
		var fs []struct {
			Rule string `json:"rule"`
		}
		require.NoError(t, json.Unmarshal([]byte(v), &fs))
		for _, f := range fs {
			ids = append(ids, f.Rule)
		}
	}
	return ids
}

// TestAgreementWithCheck sends every corpus object through the webhook
// handler under every example spec and requires the verdicts kspec check
// gives the same object, at the same clock with the same namespace labels.
func TestAgreementWithCheck(t *testing.T) {
	objects, labels := readCorpus(t)
	total := 0
	for _, name := range []string{"strict", "moderate", "comprehensive", "team-claim"} {
		t.Run(name, func(t *testing.T) {
			file, data := bundle(t, name)
			set, err := webhook.CompileBundle(context.Background(), file, data, "")
			require.NoError(t, err)
			at, err := time.Parse(time.RFC3339, inWindow)
			require.NoError(t, err)
			require.True(t, set.Activation.Active(at), "the clock must be in the spec's activation window")
			actions := set.ActionsAt(at)
			h := &webhook.Handler{Sets: sets{set}, Clock: clocktesting.NewFakePassiveClock(at), Namespaces: labels}

			want, n := checkOutcomes(t, file, inWindow)
			require.NotEmpty(t, want, "kspec check gave no results")
			failures, compared := 0, 0
			for _, o := range objects {
				compared += n[o.key]
				w := want[o.key].sorted()
				failures += len(w.failed)
				resp := review(t, h, o)
				var got outcome
				switch {
				case slices.Contains(actions, rules.ActionDeny):
					require.Equal(t, len(w.failed) == 0, resp.Allowed, "%s: denied iff kspec check fails it (%v)", o.key, w.failed)
					if !resp.Allowed {
						require.NotNil(t, resp.Result)
						require.EqualValues(t, http.StatusForbidden, resp.Result.Code)
						got.failed = deniedRules(resp.Result.Message)
					}
					got.errored = warnedRules(set.String(), resp.Warnings).errored
				case slices.Contains(actions, rules.ActionWarn):
					require.True(t, resp.Allowed, o.key)
					got = warnedRules(set.String(), resp.Warnings)
					require.ElementsMatch(t, got.failed, auditedRules(t, resp.AuditAnnotations), "%s: the audit annotation names the warned rules", o.key)
				default:
					t.Fatalf("the %s spec neither denies nor warns: nothing to compare", name)
				}
				require.Equal(t, w, got.sorted(), "%s: the webhook and kspec check disagree", o.key)
			}
			require.Positive(t, failures, "no failure in the corpus: the comparison proves little")
			t.Logf("the webhook agrees with kspec check on %d verdicts (%d failures) of %d objects", compared, failures, len(objects))
			total += compared
		})
	}
	require.Greater(t, total, 2000, "thousands of verdicts must be compared")
}

// TestOutsideActivationWindow: outside comprehensive's window its failures
// neither deny nor warn, though kspec check still reports them.
func TestOutsideActivationWindow(t *testing.T) {
	objects, labels := readCorpus(t)
	file, data := bundle(t, "comprehensive")
	set, err := webhook.CompileBundle(context.Background(), file, data, "")
	require.NoError(t, err)
	const outside = "2026-12-01T00:00:00Z" // a Tuesday, 01:00 in Berlin
	at, err := time.Parse(time.RFC3339, outside)
	require.NoError(t, err)
	require.False(t, set.Activation.Active(at))
	h := &webhook.Handler{Sets: sets{set}, Clock: clocktesting.NewFakePassiveClock(at), Namespaces: labels}
	want, _ := checkOutcomes(t, file, outside)
	failing := 0
	for _, o := range objects {
		if len(want[o.key].failed) == 0 {
			continue
		}
		failing++
		resp := review(t, h, o)
		require.True(t, resp.Allowed, o.key)
		require.Empty(t, resp.Warnings, o.key)
		require.Empty(t, resp.AuditAnnotations, o.key)
	}
	require.Positive(t, failing, "no object fails comprehensive: the test proves nothing")
}

// bundle is an example as the function writes it into a bundle, its
// template and bases applied, in a file that kspec check reads too.
func bundle(t *testing.T, name string) (string, []byte) {
	t.Helper()
	ctx := context.Background()
	read := func(name string) rules.Spec {
		file := filepath.Join("..", "..", "examples", "specs", name+".yaml")
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		s, err := validate.ReadSpecification(ctx, file, data)
		require.NoError(t, err)
		return s
	}
	resolved, err := resolve.Resolve(ctx, read(name), resolve.Specs(read("strict"), read("moderate"), read("minimal")))
	require.NoError(t, err)
	u, err := specification.ToUnstructured(resolved)
	require.NoError(t, err)
	data, err := yaml.Marshal(u.Object)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), name+".yaml")
	require.NoError(t, os.WriteFile(file, data, 0o600))
	return file, data
}

type sets []*rules.Set

func (s sets) Sets() []*rules.Set { return s }
