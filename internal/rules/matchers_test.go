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
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/cel-go/common/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// imageTokens are the pieces random image references are made of: the
// characters and words the expressions turn on, and some they reject.
var imageTokens = []string{
	"a", "z", "0", "9", "-", "--", ".", "_", "__", "___", "/", "//", ":", "@", "[", "]", "[::1]", "[fe80::1]", "A", "é", " ", "\n",
	"localhost", "docker.io", "gcr.io", "ghcr.io", "azurecr.io", "x.azurecr.io", "5000", "443", "my-company", "library", "app",
	"@sha256:", "sha256", sha, sha[:63], sha[:63] + "g", "[]", "[g]", strings.ToUpper(sha[:8]), ":1.0", "@sha256:" + sha, "registry.internal",
}

// randomImage is a reference made of imageTokens, or one of seeds with a
// byte dropped, doubled or replaced.
func randomImage(r *rand.Rand, seeds []string) string {
	if len(seeds) > 0 && r.IntN(2) == 0 {
		s := seeds[r.IntN(len(seeds))]
		if s == "" || r.IntN(4) == 0 {
			return s
		}
		i := r.IntN(len(s))
		switch r.IntN(3) {
		case 0:
			return s[:i] + s[i+1:]
		case 1:
			return s[:i] + s[i:i+1] + s[i:]
		default:
			t := imageTokens[r.IntN(len(imageTokens))]
			return s[:i] + t + s[i+1:]
		}
	}
	var b strings.Builder
	for range 1 + r.IntN(12) {
		b.WriteString(imageTokens[r.IntN(len(imageTokens))])
	}
	return b.String()
}

// randomPattern is a registry pattern: a host, *.domain or Docker Hub
// name, a port or none, a path or none; some are not valid patterns.
func randomPattern(r *rand.Rand) string {
	labels := []string{"a", "gcr", "io", "my-company", "x-1", "azurecr", "registry", "internal", "docker", "b2"}
	domain := func() string {
		parts := make([]string, 1+r.IntN(3))
		for i := range parts {
			parts[i] = labels[r.IntN(len(labels))]
		}
		return strings.Join(parts, ".")
	}
	var p string
	switch r.IntN(4) {
	case 0:
		p = "*." + domain()
	case 1:
		p = dockerHub[r.IntN(len(dockerHub))]
	default:
		p = domain()
	}
	if r.IntN(3) == 0 {
		p += []string{":5000", ":443", ":1"}[r.IntN(3)]
	}
	for range r.IntN(3) {
		p += "/" + []string{"library", "my-company", "app", "a.b", "a__b", "a-b", "busybox"}[r.IntN(7)]
	}
	return p
}

// imagesOf are references near the patterns: their hosts with subdomains
// or not, their paths and more, tags and digests.
func imagesOf(r *rand.Rand, patterns []string) []string {
	var out []string
	for _, p := range patterns {
		for range 8 {
			s := strings.Replace(p, "*", []string{"x", "a.b", "", "-x", "x-"}[r.IntN(5)], 1)
			if !strings.Contains(s, "/") || r.IntN(2) == 0 {
				s += "/" + []string{"app", "library/nginx", "a.b/c", "my-company2"}[r.IntN(4)]
			}
			s += []string{"", ":1.0", "@sha256:" + sha, "@", "!"}[r.IntN(5)]
			out = append(out, s)
		}
	}
	return out
}

// TestMatchersAgree holds every matcher to its regular expression, on
// generated references and, for registries, generated pattern lists.
func TestMatchersAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	seeds := append(referenceImages(), "ghcr.io/my-company/app@sha256:"+sha, "x@sha256:"+sha, "@sha256:"+sha, "a/b@sha256:"+sha+"\n")
	agree := func(re string, m matcher, images []string) (matched int) {
		t.Helper()
		compiled := regexp.MustCompile(re)
		for _, s := range images {
			want := compiled.MatchString(s)
			if !assert.Equal(t, want, m(s), "%q on %q", re, s) {
				return matched
			}
			if want {
				matched++
			}
		}
		return matched
	}
	images := func(n int, seeds []string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = randomImage(r, seeds)
		}
		return append(out, seeds...)
	}

	// Both verdicts must be common, or agreement says little.
	all := images(100000, seeds)
	for re, m := range map[string]matcher{validImage: validReference, digestPattern: pinnedByDigest} {
		matched := agree(re, m, all)
		t.Logf("%s: %d of %d match", excerpt(re), matched, len(all))
		assert.Greater(t, matched, len(all)/20)
		assert.Less(t, matched, len(all)*19/20)
	}

	lists, matched, tried := 0, 0, 0
	for range 3000 {
		patterns := make([]string, 1+r.IntN(3))
		for i := range patterns {
			patterns[i] = randomPattern(r)
		}
		re, err := registryPatterns(patterns)
		if err != nil {
			continue
		}
		lists++
		i, ok := matchers.lookup(re)
		require.True(t, ok, "%v has a matcher", patterns)
		near := images(60, imagesOf(r, patterns))
		matched += agree(re, matchers.at(i), near)
		tried += len(near)
	}
	t.Logf("%d registry lists, %d of %d references match", lists, matched, tried)
	assert.Greater(t, lists, 1000)
	assert.Greater(t, matched, tried/20)
}

// TestBatchesMatchNatively checks that the batch programs of the image
// rules match every expression kspec writes in Go, and the rules' own
// programs with RE2.
func TestBatchesMatchNatively(t *testing.T) {
	set := mustCompile(t, Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Workloads: &kspecv1alpha1.WorkloadRequirements{Images: &kspecv1alpha1.ImageRules{
			AllowedRegistries: []string{"ghcr.io/acme", "*.azurecr.io"},
			BlockedRegistries: []string{"docker.io"},
			RequireDigests:    true,
		}},
	}}})
	e, err := env()
	require.NoError(t, err)
	for _, b := range set.batches {
		for _, r := range b.rules {
			checked, iss := e.Compile(r.Expression)
			require.NoError(t, iss.Err())
			assert.NotEmpty(t, ast.MatchDescendants(ast.NavigateAST(checked.NativeRep()), ast.FunctionMatcher("matches")), "%s matches with RE2", r.ID)
		}
		preds := make([]string, len(b.rules))
		for i, r := range b.rules {
			preds[i] = r.every.pred
		}
		checked, iss := e.Compile("variables." + b.list + ".all(" + b.v + ", (" + strings.Join(preds, ") && (") + "))")
		require.NoError(t, iss.Err())
		opt, err := newBatchOptimizer()
		require.NoError(t, err)
		be, err := batchEnv()
		require.NoError(t, err)
		rewritten, iss := opt.Optimize(be, checked)
		require.NoError(t, iss.Err())
		assert.Empty(t, ast.MatchDescendants(ast.NavigateAST(rewritten.NativeRep()), ast.FunctionMatcher("matches")), "the %s batch matches every expression in Go", b.list)
		assert.NotEmpty(t, ast.MatchDescendants(ast.NavigateAST(rewritten.NativeRep()), ast.FunctionMatcher(matchNative)))
	}
	assert.Equal(t, Fail, verdict(t, set, pod("ghcr.io/acme/app"), "workload.security/require-digests"))
	assert.Equal(t, Pass, verdict(t, set, pod("ghcr.io/acme/app@sha256:"+sha), "workload.security/require-digests"))
	assert.Equal(t, Pass, verdict(t, set, pod("x.azurecr.io/app"), "workload.security/allowed-registries"))
	assert.Equal(t, Fail, verdict(t, set, pod("azurecr.io/app"), "workload.security/allowed-registries"))
	assert.Equal(t, Fail, verdict(t, set, pod("busybox"), "workload.security/blocked-registries"))
}

// TestMatchersBounded checks that a registry stops growing at its bounds,
// in expressions and in bytes: an expression past them is matched with
// RE2.
func TestMatchersBounded(t *testing.T) {
	yes := func(string) bool { return true }
	registered := func(r *matcherRegistry, res ...string) []bool {
		var out []bool
		for _, re := range res {
			_, ok := r.lookup(re)
			out = append(out, ok)
		}
		return out
	}

	r := newMatcherRegistry(3, 1<<20)
	for _, re := range []string{"a", "b", "a", "c", "d"} {
		r.register(re, yes)
	}
	assert.Equal(t, []bool{true, true, true, false}, registered(r, "a", "b", "c", "d"), "past the count")
	assert.Len(t, *r.all.Load(), 3)

	r = newMatcherRegistry(100, 10)
	for _, re := range []string{"aaaa", "bbbb", "cccc", "dd"} {
		r.register(re, yes)
	}
	assert.Equal(t, []bool{true, true, false, true}, registered(r, "aaaa", "bbbb", "cccc", "dd"), "past the bytes")
	assert.Len(t, *r.all.Load(), 3)
}
