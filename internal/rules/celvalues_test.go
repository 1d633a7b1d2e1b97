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
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// referenceEnv plans programs as kspec did before unstructuredAdapter:
// with cel-go's own type adapter.
var referenceEnv = sync.OnceValues(func() (*cel.Env, error) { return newEvalEnv() })

// exampleSpecs are the specs of examples/specs, as Compile reads them.
func exampleSpecs(t testing.TB) []Spec {
	t.Helper()
	files, err := filepath.Glob("../../examples/specs/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []Spec
	for _, f := range files {
		y, err := os.ReadFile(f)
		require.NoError(t, err)
		var cs kspecv1alpha1.ClusterSpecification
		require.NoError(t, yaml.Unmarshal(y, &cs))
		s := Spec{Name: cs.Name, Spec: cs.Spec}
		if cs.Kind == kspecv1alpha1.ClusterSpecificationClaimKind {
			s.Namespace = cs.Namespace
		}
		out = append(out, s)
	}
	return out
}

// manifests are the objects of the agreement corpus and of
// examples/manifests, decoded from YAML as kubectl decodes them.
func manifests(t testing.TB) []map[string]any {
	t.Helper()
	corpus, err := filepath.Glob("../../test/kyverno/corpus/*.yaml")
	require.NoError(t, err)
	examples, err := filepath.Glob("../../examples/manifests/*.yaml")
	require.NoError(t, err)
	var out []map[string]any
	for _, f := range append(corpus, examples...) {
		y, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, doc := range bytes.Split(y, []byte("\n---")) {
			var obj map[string]any
			require.NoError(t, yaml.Unmarshal(doc, &obj), f)
			if obj != nil {
				out = append(out, obj)
			}
		}
	}
	require.Greater(t, len(out), 100)
	return out
}

// objectGen makes objects of every kind a rule reads, with the fields
// rules read set, unset, or of the wrong shape, and numbers as JSON
// (float64) and Kubernetes' unstructured decoding (int64) make them.
type objectGen struct{ r *rand.Rand }

func (g objectGen) pick(vs ...any) any { return vs[g.r.IntN(len(vs))] }

func (g objectGen) maybe() bool { return g.r.IntN(3) > 0 }

func (g objectGen) scalar() any {
	return g.pick("", "ALL", "NET_RAW", "RuntimeDefault", "Localhost", "true", "app", "x y", "ClusterIP", "NodePort",
		float64(0), float64(22), float64(3389), float64(8080), 1.5, float64(-1), int64(22), int64(9100), int64(0),
		true, false, nil)
}

// shaped is v, or now and then a value of another shape.
func (g objectGen) shaped(v any) any {
	switch g.r.IntN(24) {
	case 0:
		return g.scalar()
	case 1:
		return []any{g.scalar()}
	case 2:
		return map[string]any{"x": g.scalar()}
	}
	return v
}

func (g objectGen) fields(names ...string) map[string]any {
	m := map[string]any{}
	for _, n := range names {
		if g.maybe() {
			m[n] = g.shaped(g.pick(true, false, g.scalar()))
		}
	}
	return m
}

func (g objectGen) list(n int, elem func() any) []any {
	out := make([]any, g.r.IntN(n+1))
	for i := range out {
		out[i] = g.shaped(elem())
	}
	return out
}

func (g objectGen) strings(vs ...string) []any {
	return g.list(3, func() any { return g.pick(toAny(vs)...) })
}

func toAny(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

var genImages = []string{"nginx", "nginx:1.27", "acme/app", "docker.io/library/nginx", "INDEX.DOCKER.IO/acme/app",
	"ghcr.io/my-company/app@sha256:" + sha, "ghcr.io/my-company/app:1", "GHCR.IO/my-company/app", "ghcr.io/Acme/app",
	"x.azurecr.io/app@sha256:" + sha, "quay.io/prometheus/node-exporter:v1.8.2", "localhost:5000/app", "gcr.io/my-company/a/b",
	"registry.internal:5000/platform/app", "", "a//b", strings.Repeat("a", 64), "[::1]:5000/app", "foo_bar.com/a", "ngi nx"}

// image is a reference from genImages, or one made of parts that each
// take another branch of normalizeImage, or random characters.
func (g objectGen) image() string {
	switch g.r.IntN(4) {
	case 0:
		return genImages[g.r.IntN(len(genImages))]
	case 1:
		const alphabet = "abcdefAZ09.:-_/@[] é"
		b := make([]rune, g.r.IntN(12))
		for k := range b {
			b[k] = []rune(alphabet)[g.r.IntN(len([]rune(alphabet)))]
		}
		return string(b)
	case 2:
		b := make([]byte, 64)
		for k := range b {
			b[k] = "0123456789abcdefA"[g.r.IntN(17-g.r.IntN(2))]
		}
		return string(b)
	}
	host := g.pick("", "docker.io", "DOCKER.IO", "index.docker.io", "registry-1.docker.io", "Registry-1.Docker.io",
		"localhost", "LOCALHOST", "localhost:5000", "ghcr.io", "GHCR.IO", "a_b", "Acme", "acme", "127.0.0.1:5000",
		"[::1]:5000", "xdocker.io", "docker.io:443", "x.azurecr.io", "gcr.io").(string)
	path := g.pick("nginx", "library/nginx", "a/b/c", "Nginx", "", "my-company/app", "a//b").(string)
	ref := path
	if host != "" {
		ref = host + "/" + path
	}
	return ref + g.pick("", ":1", ":Latest", "@sha256:"+sha, ":v1@sha256:"+sha).(string)
}

func (g objectGen) container() any {
	c := map[string]any{}
	if g.maybe() {
		c["name"] = g.pick("app", "init", "debug", "", float64(1))
	}
	if g.maybe() {
		c["image"] = g.shaped(g.image())
	}
	if g.maybe() {
		sc := g.fields("runAsNonRoot", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "privileged")
		if g.maybe() {
			sc["capabilities"] = g.shaped(map[string]any{"drop": g.shaped(g.strings("ALL", "NET_RAW", "")), "add": g.shaped(g.strings("ALL", "NET_RAW", "SYS_ADMIN"))})
		}
		if g.maybe() {
			sc["seccompProfile"] = g.shaped(map[string]any{"type": g.pick("RuntimeDefault", "Localhost", "Unconfined", true)})
		}
		c["securityContext"] = g.shaped(sc)
	}
	if g.maybe() {
		res := func() any {
			return g.shaped(map[string]any{"cpu": g.pick("100m", "1", float64(2)), "memory": g.pick("64Mi", "1Gi")})
		}
		r := map[string]any{}
		if g.maybe() {
			r["limits"] = res()
		}
		if g.maybe() {
			r["requests"] = res()
		}
		c["resources"] = g.shaped(r)
	}
	if g.maybe() {
		c["ports"] = g.shaped(g.list(3, func() any {
			return g.fields("containerPort", "hostPort", "name")
		}))
	}
	return c
}

func (g objectGen) podSpec() any {
	s := g.fields("hostNetwork", "hostPID", "hostIPC")
	for _, k := range []string{"containers", "initContainers", "ephemeralContainers"} {
		if g.maybe() {
			s[k] = g.shaped(g.list(3, g.container))
		}
	}
	if g.maybe() {
		s["securityContext"] = g.shaped(map[string]any{
			"runAsNonRoot":   g.pick(true, false, "true"),
			"seccompProfile": g.shaped(map[string]any{"type": g.pick("RuntimeDefault", "Localhost", "Unconfined")}),
		})
	}
	return s
}

func (g objectGen) object() map[string]any {
	kinds := [][2]string{{"v1", "Pod"}, {"apps/v1", "Deployment"}, {"apps/v1", "DaemonSet"}, {"batch/v1", "CronJob"},
		{"batch/v1", "Job"}, {"v1", "Service"}, {"v1", "Namespace"}, {"rbac.authorization.k8s.io/v1", "Role"},
		{"rbac.authorization.k8s.io/v1", "ClusterRole"}}
	k := kinds[g.r.IntN(len(kinds))]
	meta := map[string]any{"name": g.pick("app", "legacy", "kyverno", "team-a")}
	if g.maybe() {
		meta["namespace"] = g.pick("team-a", "billing", "sandbox", "monitoring", "kube-system", "default", "")
	}
	if g.maybe() {
		meta["labels"] = map[string]any{
			"app":                                g.pick("legacy", "invoice-runner", "app"),
			"pod-security.kubernetes.io/enforce": g.pick("restricted", "baseline", "privileged"),
		}
	}
	obj := map[string]any{"apiVersion": k[0], "kind": k[1], "metadata": meta}
	switch k[1] {
	case "Pod":
		obj["spec"] = g.shaped(g.podSpec())
	case "CronJob":
		obj["spec"] = map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": map[string]any{"spec": g.shaped(g.podSpec())}}}}
	case "Service":
		obj["spec"] = g.shaped(map[string]any{
			"type":  g.pick("ClusterIP", "NodePort", "LoadBalancer", float64(1)),
			"ports": g.shaped(g.list(3, func() any { return g.fields("port", "targetPort", "nodePort", "name") })),
		})
	case "Namespace":
	case "Role", "ClusterRole":
		obj["rules"] = g.shaped(g.list(3, func() any {
			return map[string]any{
				"apiGroups": g.shaped(g.strings("", "*", "apps")),
				"resources": g.shaped(g.strings("*", "pods", "secrets", "pods/exec")),
				"verbs":     g.shaped(g.strings("*", "get", "list", "create")),
			}
		}))
	default:
		obj["spec"] = map[string]any{"template": map[string]any{"spec": g.shaped(g.podSpec())}}
	}
	return obj
}

// referenceSet compiles s as kspec did before its evaluation was made
// cheaper: cel-go's own type adapter, every variable's expression
// evaluated (no native values), batches of a row per element only.
func referenceSet(t testing.TB, s Spec) *Set {
	t.Helper()
	set, err := compileSet(s, referenceEnv, false)
	require.NoError(t, err)
	clear(set.natives)
	for _, b := range set.batches {
		b.all = nil
	}
	return set
}

// TestEvaluationAgreesWithReference compares every example spec's
// evaluation with referenceSet's, on the corpus and on thousands of
// generated objects: the same status, message and exemption for every
// rule.
func TestEvaluationAgreesWithReference(t *testing.T) {
	objects := manifests(t)
	g := objectGen{rand.New(rand.NewPCG(1, 2))}
	for range 3000 {
		objects = append(objects, g.object())
	}
	now := time.Now()
	results, failing, errors := 0, 0, 0
	for _, s := range exampleSpecs(t) {
		set, err := Compile(s)
		require.NoError(t, err)
		ref := referenceSet(t, s)
		for _, obj := range objects {
			got, want := set.Evaluate(obj, Input{Now: now}), ref.Evaluate(obj, Input{Now: now})
			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, want[i].Rule.ID, got[i].Rule.ID)
				w, g := want[i].Message, got[i].Message
				if want[i].Status == Error {
					// An error may print a map, in Go's random order.
					w, g = sortedChars(w), sortedChars(g)
				}
				if !assert.Equal(t, [3]string{string(want[i].Status), w, want[i].Exemption},
					[3]string{string(got[i].Status), g, got[i].Exemption}, "%s %s on %v", s.Name, want[i].Rule.ID, obj) {
					return
				}
				results++
				switch want[i].Status {
				case Fail:
					failing++
				case Error:
					errors++
				}
			}
		}
	}
	// The generated objects must exercise failures and errors too.
	t.Logf("%d results equal (%d failures, %d errors)", results, failing, errors)
	assert.Greater(t, failing, 5000)
	assert.Greater(t, errors, 100)
}

// TestUnstructuredAdapterValues compares what CEL makes of unstructured
// content through unstructuredAdapter and through cel-go's adapter, for
// every operation on maps and lists a program can apply, on generated
// objects: the same value, or the same error.
func TestUnstructuredAdapterValues(t *testing.T) {
	exprs := []string{
		"object", "object.spec", "object.metadata", "type(object.spec)", "type(object.?spec.?containers.orValue(0))",
		"object == object", "object.spec == object.spec", "object.metadata == {'name': 'app'}", "object.spec == {}",
		"object.?spec.?containers.orValue([]) == []", "object.?spec.?containers.orValue([]) == object.?spec.?initContainers.orValue([])",
		"size(object.spec)", "size(object.metadata)", "size(object.?spec.?containers.orValue([]))",
		"'containers' in object.spec", "'app' in object.metadata", "1 in object.spec", "object.metadata.name in object.metadata",
		"object.spec.containers", "object.spec.containers[0]", "object.spec.containers[1]", "object.spec.containers[-1]",
		"object.spec.containers[1.0]", "object.spec.containers['a']", "object.spec['containers']", "object.spec[1]",
		"object.spec.missing", "object.spec.?missing", "object.?spec.?containers[?0].?image", "object.?spec[?'containers'][?5]",
		"has(object.spec.containers)", "has(object.spec.hostNetwork)", "has(object.metadata.labels)",
		"object.?spec.?containers.orValue([]) + object.?spec.?initContainers.orValue([])",
		"object.?spec.?containers.orValue([]) + [1, 2]", "[1, 2] + object.?spec.?containers.orValue([])",
		"[] + object.?spec.?containers.orValue([])", "object.?spec.?containers.orValue([]) + []",
		"object.spec.containers + object.spec.containers + object.spec.containers",
		"object.?spec.?containers.orValue([]).map(c, c)", "object.?spec.?containers.orValue([]).map(c, c.?image.orValue(''))",
		"object.?spec.?containers.orValue([]).filter(c, c.?name.orValue('') != 'app')",
		"object.?spec.?containers.orValue([]).exists(c, c.image == 'nginx')", "object.?spec.?containers.orValue([]).all(c, has(c.image))",
		"object.?spec.?containers.orValue([]).exists_one(c, c.?name.orValue('') == 'app')",
		"object.metadata.all(k, k != '')", "object.metadata.map(k, k).sort()", "object.spec.exists(k, object.spec[k] == true)",
		"object.?spec.?containers.orValue([]).all(i, c, i >= 0 && c != null)",
		"object.?metadata.?labels.orValue({}).exists(k, v, k == v)",
		"object.?spec.?containers.orValue([]).map(c, c.?image.orValue('')).join(', ')", "object.spec.containers.join(', ')",
		"'ALL' in object.?spec.?containers[?0].?securityContext.?capabilities.?drop.orValue([])",
		"object.spec.containers[0].securityContext.capabilities.drop.exists(x, x in ['ALL', 'NET_RAW'])",
		"string(object.spec.containers[0].ports[0].containerPort)", "object.spec.containers[0].ports[0].containerPort in [22, 8080]",
		"object.spec.containers[0].ports[0].containerPort == 22", "object.spec.containers[0].ports[0].containerPort + 1",
		"object.spec.containers[0].ports[0].containerPort < 1024", "int(object.spec.containers[0].ports[0].containerPort)",
		"string(object.spec.hostNetwork)", "object.spec.hostNetwork == true", "!object.spec.hostNetwork",
		"object.?spec.?hostNetwork.orValue(false) == true", "object.spec.containers[0].image.matches('^nginx')",
		"object.spec.containers[0].image.startsWith('docker.io/')", "size(object.spec.containers[0].image)",
		"object.spec.containers.sort()", "object.spec.containers.indexOf(object.spec.containers[0])",
		"object.spec.containers.lastIndexOf(1)", "object.spec.containers.isSorted()", "object.spec.containers.sum()",
		"object.spec.containers.min()", "object.spec.containers.max()", "sets.contains(object.spec.containers, [1])",
		"sets.intersects(object.?spec.?containers.orValue([]), object.?spec.?initContainers.orValue([]))",
		"sets.equivalent(object.?spec.?containers.orValue([]), object.?spec.?containers.orValue([]))",
		"dyn(object.spec) == dyn(object.spec.containers)", "object.spec.containers == object.spec",
		"[object.spec, object.metadata][0]", "{'a': object.spec}.a == object.spec", "object.?spec.orValue({}).containers",
		"object.metadata.?labels.orValue({}).all(k, !(('notin:' + k + '=' + object.metadata.labels[k]) in ['notin:app=legacy']))",
		"optional.of(object.spec).orValue({}) == object.spec", "object.spec.?containers.optMap(c, size(c)).orValue(-1)",
		"object.rules", "object.rules.all(r, r.verbs.exists(v, v == '*'))", "object.?rules.orValue([]).map(r, r.?apiGroups.orValue([]))",
	}
	mine, err := evalEnv()
	require.NoError(t, err)
	theirs, err := referenceEnv()
	require.NoError(t, err)
	e, err := env()
	require.NoError(t, err)
	var got, want []cel.Program
	for _, x := range exprs {
		ast, iss := e.Compile(x)
		require.NoError(t, iss.Err(), x)
		for _, pe := range []struct {
			env *cel.Env
			out *[]cel.Program
		}{{mine, &got}, {theirs, &want}} {
			p, err := pe.env.Program(ast, cel.EvalOptions(cel.OptOptimize))
			require.NoError(t, err, x)
			*pe.out = append(*pe.out, p)
		}
	}
	objects := manifests(t)
	g := objectGen{rand.New(rand.NewPCG(3, 4))}
	for range 1000 {
		objects = append(objects, g.object())
	}
	values, errs := 0, 0
	for _, obj := range objects {
		vars := map[string]any{"object": obj, "variables": map[string]any{}}
		for i, x := range exprs {
			gv, _, gerr := got[i].Eval(vars)
			wv, _, werr := want[i].Eval(vars)
			if werr != nil || gerr != nil {
				// An error may print a map, in Go's random order, so
				// compare the characters.
				require.Equal(t, sortedChars(fmt.Sprint(werr)), sortedChars(fmt.Sprint(gerr)), "%s on %v: %v", x, obj, gerr)
				errs++
				continue
			}
			require.Equal(t, describeVal(wv), describeVal(gv), "%s on %v", x, obj)
			values++
		}
	}
	t.Logf("%d values and %d errors equal", values, errs)
	assert.Greater(t, values, 10000)
	assert.Greater(t, errs, 10000)
}

func sortedChars(s string) string {
	r := []rune(s)
	slices.Sort(r)
	return string(r)
}

// describeVal writes a CEL value with its type, maps with sorted keys.
func describeVal(v ref.Val) string {
	switch v := v.(type) {
	case traits.Lister:
		n := int(v.Size().(types.Int))
		parts := make([]string, n)
		for i := range n {
			parts[i] = describeVal(v.Get(types.Int(i)))
		}
		return "list[" + strings.Join(parts, ", ") + "]"
	case traits.Mapper:
		var parts []string
		for it := v.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			parts = append(parts, describeVal(k)+": "+describeVal(v.Get(k)))
		}
		slices.Sort(parts)
		return "map{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%s(%v)", v.Type().TypeName(), v.Value())
}
