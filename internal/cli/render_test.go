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

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	kyvernov1 "github.com/kyverno/api/api/policies.kyverno.io/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kspec-io/kspec/internal/render"
)

const renderNow = "--now=2026-12-01T00:00:00Z"

// golden is the golden render of an example, which internal/render's
// TestGolden keeps current.
func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "render", "testdata", name))
	require.NoError(t, err)
	return string(b)
}

// specWith writes strict.yaml with its engines line replaced.
func specWith(t *testing.T, old, replacement string) string {
	t.Helper()
	b, err := os.ReadFile(strict)
	require.NoError(t, err)
	require.Contains(t, string(b), old)
	p := filepath.Join(t.TempDir(), "spec.yaml")
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(b), old, replacement, 1)), 0o600))
	return p
}

func TestRender(t *testing.T) {
	code, a, errOut := run(t, "", "render", "-f", strict, renderNow)
	require.Equal(t, ExitOK, code, errOut)
	_, b, _ := run(t, "", "render", "-f", strict, renderNow)
	assert.Equal(t, a, b, "render must be deterministic")
	assert.Equal(t, golden(t, "strict.kyverno.yaml"), a, "kspec render writes what the golden files hold")
	assert.Contains(t, a, "name: kspec-strict-run-as-non-root")
	assert.NotContains(t, a, "status:")

	// A claim: namespaced policies, and its exemption until it expires.
	claim := "../../examples/specs/team-claim.yaml"
	_, c, _ := run(t, "", "render", "-f", claim, renderNow)
	assert.Contains(t, c, "kind: NamespacedValidatingPolicy")
	assert.Contains(t, c, "kind: PolicyException")
	_, c, _ = run(t, "", "render", "-f", claim, "--now=2027-01-01T00:00:00Z")
	assert.NotContains(t, c, "kind: PolicyException", "an expired exemption is not rendered")

	code, _, errOut = run(t, "", "render", "-f", strict, "--now", "yesterday")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "RFC3339")
}

func TestRenderEngine(t *testing.T) {
	vap := golden(t, "strict.admissionpolicy.yaml")
	for _, flag := range []string{"AdmissionPolicy", "admissionpolicy", "ADMISSIONPOLICY"} {
		code, out, errOut := run(t, "", "render", "-f", strict, renderNow, "--engine", flag)
		require.Equal(t, ExitOK, code, errOut)
		assert.Equal(t, vap, out, "--engine %s", flag)
	}
	for _, flag := range []string{"Kyverno", "kyverno"} {
		code, out, errOut := run(t, "", "render", "-f", strict, renderNow, "--engine="+flag)
		require.Equal(t, ExitOK, code, errOut)
		assert.Equal(t, golden(t, "strict.kyverno.yaml"), out, "--engine %s", flag)
	}

	code, out, errOut := run(t, "", "render", "-f", strict, renderNow, "--engine", "Webhook")
	assert.Equal(t, ExitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "kspec-webhook enforces the rules from a bundle")
	code, _, errOut = run(t, "", "render", "-f", strict, renderNow, "--engine", "vap")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, `--engine: unknown engine "vap": want Kyverno or AdmissionPolicy`)

	// Default: the spec's first engine that renders policies, else Kyverno.
	cases := map[string]struct {
		engines string
		want    string
	}{
		"WebhookThenAdmissionPolicy": {"[Webhook, AdmissionPolicy]", "kind: ValidatingAdmissionPolicyBinding"},
		"OnlyWebhook":                {"[Webhook]", "kind: ValidatingPolicy"},
		"KyvernoFirst":               {"[Kyverno, AdmissionPolicy]", "kind: ValidatingPolicy"},
	}
	for name, tc := range cases {
		spec := specWith(t, "engines: [Kyverno]", "engines: "+tc.engines)
		code, out, errOut := run(t, "", "render", "-f", spec, renderNow)
		require.Equal(t, ExitOK, code, "%s: %s", name, errOut)
		assert.Contains(t, out, tc.want, name)
	}

	code, out, _ = run(t, "", "render", "--help")
	assert.Equal(t, ExitOK, code)
	for _, want := range []string{"Kyverno or AdmissionPolicy", "kyverno and admissionpolicy still work", render.DefaultExceptionNamespace} {
		assert.Contains(t, strings.Join(strings.Fields(out), " "), want)
	}
}

func TestRenderExceptionNamespace(t *testing.T) {
	comprehensive := "../../examples/specs/comprehensive.yaml"
	_, out, _ := run(t, "", "render", "-f", comprehensive, "--specs", "../../examples/specs", renderNow)
	assert.Equal(t, 2, strings.Count(out, "namespace: "+render.DefaultExceptionNamespace+"\n"))
	_, out, _ = run(t, "", "render", "-f", comprehensive, "--specs", "../../examples/specs", renderNow, "--exception-namespace", "policy")
	assert.Equal(t, 2, strings.Count(out, "namespace: policy\n"))
}

func TestRenderDir(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := run(t, "", "render", "-f", strict, renderNow, "-o", dir)
	require.Equal(t, ExitOK, code, errOut)
	files, err := filepath.Glob(filepath.Join(dir, "validatingpolicy-*.yaml"))
	require.NoError(t, err)
	assert.Len(t, files, 23)

	// An exemption kspec validate accepts, named in free text: every
	// object, and so every file, gets a valid name.
	spec := specWith(t, "  namespaceScope:", `  exemptions:
    - name: "Legacy billing (Q3) ../../etc"
      reason: r
      approvedBy: a@example.com
      expiresAt: "2027-01-01T00:00:00Z"
      namespaces: [billing]
  namespaceScope:`)
	code, out, errOut := run(t, "", "validate", spec)
	require.Equal(t, ExitOK, code, out+errOut)
	for _, engine := range []string{"Kyverno", "AdmissionPolicy"} {
		dir := t.TempDir()
		code, _, errOut = run(t, "", "render", "-f", spec, renderNow, "--engine", engine, "-o", dir)
		require.Equal(t, ExitOK, code, errOut)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.NotEmpty(t, entries)
		exceptions := 0
		for _, e := range entries {
			if e.Name() == manifestFile {
				continue
			}
			name := strings.TrimSuffix(e.Name(), ".yaml")
			assert.Empty(t, k8svalidation.IsDNS1123Subdomain(name), e.Name())
			if strings.HasPrefix(name, "policyexception-kspec-strict-legacy-billing-q3-etc-") {
				exceptions++
			}
		}
		if engine == "Kyverno" {
			assert.Equal(t, 1, exceptions, "the exemption's PolicyException")
		}
	}
}

func TestWriteDir(t *testing.T) {
	policy := func(name string) client.Object {
		return &kyvernov1.ValidatingPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: kyvernov1.GroupVersion.String(), Kind: "ValidatingPolicy"},
			ObjectMeta: metav1.ObjectMeta{Name: name},
		}
	}
	cases := map[string]struct {
		objs []client.Object
		want string
	}{
		"Valid":         {[]client.Object{policy("kspec-a"), policy("kspec-b.c")}, ""},
		"Parent":        {[]client.Object{policy("../x")}, "not a DNS-1123 subdomain"},
		"Dots":          {[]client.Object{policy("a..b")}, "not a DNS-1123 subdomain"},
		"Slash":         {[]client.Object{policy("a/b")}, "not a DNS-1123 subdomain"},
		"Backslash":     {[]client.Object{policy(`a\b`)}, "not a DNS-1123 subdomain"},
		"Space":         {[]client.Object{policy("Legacy billing (Q3)")}, "not a DNS-1123 subdomain"},
		"Empty":         {[]client.Object{policy("")}, "not a DNS-1123 subdomain"},
		"Twice":         {[]client.Object{policy("kspec-a"), policy("kspec-a")}, "cannot write validatingpolicy-kspec-a.yaml twice"},
		"KindWithSlash": {[]client.Object{&kyvernov1.ValidatingPolicy{TypeMeta: metav1.TypeMeta{Kind: "../x"}, ObjectMeta: metav1.ObjectMeta{Name: "a"}}}, "cannot name a file after kind"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "out")
			err := writeDir(dir, tc.objs)
			if tc.want == "" {
				require.NoError(t, err)
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				assert.Len(t, entries, len(tc.objs)+1, "the objects and the %s list", manifestFile)
				return
			}
			require.ErrorContains(t, err, tc.want)
			var all []string
			require.NoError(t, filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
				all = append(all, p)
				return err
			}))
			assert.Equal(t, []string{root}, all, "nothing is written for a bad name")
		})
	}
}

// TestWriteFiles: a re-render leaves exactly what it renders, never
// writes through a link, and never writes into a directory it did not fill.
func TestWriteFiles(t *testing.T) {
	list := func(t *testing.T, dir string) []string {
		t.Helper()
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	t.Run("RerenderRemovesStale", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out")
		require.NoError(t, writeFiles(dir, map[string][]byte{"a.yaml": []byte("a"), "b.yaml": []byte("b")}))
		require.NoError(t, writeFiles(dir, map[string][]byte{"b.yaml": []byte("b2"), "c.yaml": []byte("c")}))
		assert.Equal(t, []string{manifestFile, "b.yaml", "c.yaml"}, list(t, dir))
		b, err := os.ReadFile(filepath.Join(dir, "b.yaml"))
		require.NoError(t, err)
		assert.Equal(t, "b2", string(b))
	})
	t.Run("SymlinkNotFollowed", func(t *testing.T) {
		root := t.TempDir()
		dir := filepath.Join(root, "out")
		require.NoError(t, writeFiles(dir, map[string][]byte{"a.yaml": []byte("a")}))
		victim := filepath.Join(root, "kustomization.yaml")
		require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o600))
		require.NoError(t, os.Remove(filepath.Join(dir, "a.yaml")))
		require.NoError(t, os.Symlink(victim, filepath.Join(dir, "a.yaml")))
		err := writeFiles(dir, map[string][]byte{"a.yaml": []byte("evil")})
		require.ErrorContains(t, err, "a.yaml, which is not a regular file")
		b, err := os.ReadFile(victim)
		require.NoError(t, err)
		assert.Equal(t, "precious", string(b), "the link's target is untouched")
	})
	t.Run("ForeignDirectory", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte("mine"), 0o600))
		err := writeFiles(dir, map[string][]byte{"a.yaml": []byte("a")})
		require.ErrorContains(t, err, "is not empty and holds no "+manifestFile)
		assert.Equal(t, []string{"kustomization.yaml"}, list(t, dir), "nothing written")
	})
	t.Run("ForeignFileInRenderedDirectory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out")
		require.NoError(t, writeFiles(dir, map[string][]byte{"a.yaml": []byte("a")}))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.md"), []byte("mine"), 0o600))
		err := writeFiles(dir, map[string][]byte{"b.yaml": []byte("b")})
		require.ErrorContains(t, err, "notes.md, which kspec render did not write")
		assert.Equal(t, []string{manifestFile, "a.yaml", "notes.md"}, list(t, dir), "nothing written or removed")
	})
	t.Run("ManifestNamesOutsideIgnored", func(t *testing.T) {
		root := t.TempDir()
		dir := filepath.Join(root, "out")
		require.NoError(t, writeFiles(dir, map[string][]byte{"a.yaml": []byte("a")}))
		victim := filepath.Join(root, "victim.yaml")
		require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o600))
		// A tampered list naming a file outside: removal stays inside dir.
		require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), []byte("a.yaml\n../victim.yaml\n"), 0o600))
		require.NoError(t, writeFiles(dir, map[string][]byte{"b.yaml": []byte("b")}))
		_, err := os.Stat(victim)
		require.NoError(t, err, "a file outside the directory is never removed")
	})
	t.Run("BadNames", func(t *testing.T) {
		for _, name := range []string{"../x.yaml", "a/b.yaml", manifestFile, ".hidden", ""} {
			err := writeFiles(filepath.Join(t.TempDir(), "out"), map[string][]byte{name: nil})
			require.ErrorContains(t, err, "not a plain file name", name)
		}
	})
}
