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
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
)

const examples = "../../examples/specs"

// writeFiles writes files into a new directory and returns it.
func writeSpecs(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600))
	}
	return dir
}

func specYAML(name, body string) string {
	return "apiVersion: kspec.io/v1alpha1\nkind: ClusterSpecification\nmetadata: {name: " + name + "}\nspec:\n" + body
}

// TestCheckResolves: kspec check compiles the resolved spec: the rules of
// its template and its bases count, read from --specs.
func TestCheckResolves(t *testing.T) {
	dir := writeSpecs(t, map[string]string{
		"base.yaml": specYAML("base", "  workloads: {images: {requireDigests: true}}\n"),
		"app.yaml": specYAML("app", "  enforcement: {mode: enforce}\n  basedOn: {specifications: [base]}\n"+
			"  policyTemplate: {name: security-baseline, parameters: {allowedRegistries: ghcr.io/acme}}\n"),
	})
	app := filepath.Join(dir, "app.yaml")
	code, out, errOut := run(t, rootPod, "check", "-f", app, "--specs", dir, "-o", "json", "-")
	require.Equal(t, ExitInvalid, code, errOut)
	var rep report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	failed := map[string]bool{}
	for _, r := range rep.Results {
		if r.Status == rules.Fail {
			failed[r.Rule] = true
		}
	}
	assert.True(t, failed["workload.security/require-digests"], "from the base: %v", failed)
	assert.True(t, failed["workload.security/run-as-non-root"], "from the template: %v", failed)
	assert.True(t, failed["workload.security/allowed-registries"], "the template's parameter: %v", failed)
	assert.NotContains(t, errOut, "not merged")

	// A file given as --specs works as well as its directory.
	code, _, errOut = run(t, rootPod, "check", "-f", app, "--specs", filepath.Join(dir, "base.yaml"), "-")
	assert.Equal(t, ExitInvalid, code, errOut)
}

func TestResolveErrorsCLI(t *testing.T) {
	dir := writeSpecs(t, map[string]string{
		"a.yaml":         specYAML("a", "  basedOn: {specifications: [b]}\n"),
		"b.yaml":         specYAML("b", "  basedOn: {specifications: [a]}\n"),
		"twice.yaml":     specYAML("dup", "  kubernetes: {minVersion: '1.30'}\n") + "---\n" + specYAML("dup", "  kubernetes: {minVersion: '1.31'}\n"),
		"uses-dup.yaml":  specYAML("uses-dup", "  basedOn: {specifications: [dup]}\n"),
		"bad-param.yaml": specYAML("bad-param", "  policyTemplate: {name: pss-restricted, parameters: {modes: 'enforce,deny', level: restricted}}\n"),
		"bad-base.yaml":  specYAML("bad-base", "  basedOn: {specifications: [bad-param]}\n"),
	})
	other := writeSpecs(t, map[string]string{"x.yaml": specYAML("x", "  kubernetes: {minVersion: '1.30'}\n"), "broken.yaml": "kind: [\n"})
	cases := map[string]struct {
		args []string
		want []string
	}{
		"NoSpecsFlag": {[]string{"-f", filepath.Join(dir, "a.yaml")},
			[]string{"a needs the base b: no --specs given; name the files or directories that hold it with --specs"}},
		"NotInSpecs": {[]string{"-f", filepath.Join(dir, "a.yaml"), "--specs", other},
			[]string{"a needs the base b, not found in --specs " + other + " (2 files), which hold x; 1 documents there could not be read (" + filepath.Join(other, "broken.yaml") + ":1)"}},
		"Cycle": {[]string{"-f", filepath.Join(dir, "a.yaml"), "--specs", dir},
			[]string{`cannot resolve base b (a -> b): spec.basedOn.specifications[0]: Invalid value: "a": basedOn cycle: a -> b -> a`}},
		"DefinedTwice": {[]string{"-f", filepath.Join(dir, "uses-dup.yaml"), "--specs", dir},
			[]string{`cannot resolve specification uses-dup: spec.basedOn.specifications[0]: Invalid value: "dup": cannot read base: ClusterSpecification dup is defined 2 times: ` + filepath.Join(dir, "twice.yaml") + ":1, " + filepath.Join(dir, "twice.yaml") + ":7"}},
		"TemplateParameters": {[]string{"-f", filepath.Join(dir, "bad-param.yaml")},
			[]string{`spec.policyTemplate.parameters[level]: Invalid value: "restricted": template pss-restricted has no parameter "level"; its parameters are modes, workloadRules, baselineNamespaces`,
				`spec.policyTemplate.parameters[modes]: Invalid value: "enforce,deny": item 2 (deny): must be one of enforce, audit, warn`}},
		"BadBase": {[]string{"-f", filepath.Join(dir, "bad-base.yaml"), "--specs", dir},
			[]string{"cannot resolve base bad-param (bad-base -> bad-param): spec.policyTemplate.parameters[level]"}},
		"Stdin": {[]string{"-f", filepath.Join(dir, "a.yaml"), "--specs", "-"},
			[]string{"--specs reads files and directories, not standard input (-)"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, cmd := range []string{"check", "render"} {
				args := append([]string{cmd}, tc.args...)
				if cmd == "check" {
					args = append(args, "-")
				}
				code, _, errOut := run(t, goodPod, args...)
				assert.Equal(t, ExitUsage, code, errOut)
				for _, w := range tc.want {
					assert.Contains(t, strings.Join(strings.Fields(errOut), " "), w, cmd)
				}
			}
		})
	}
}

// TestValidateResolves: kspec validate resolves each spec against the
// others it is given and --specs, and reports why it cannot at the field.
func TestValidateResolves(t *testing.T) {
	code, out, _ := run(t, "", "validate", filepath.Join(examples, "comprehensive.yaml"))
	assert.Equal(t, ExitInvalid, code)
	assert.Contains(t, out, "comprehensive.yaml:33:5: ClusterSpecification/comprehensive: spec.basedOn.specifications: comprehensive needs the base strict, not found in the validated files")

	code, out, _ = run(t, "", "validate", filepath.Join(examples, "comprehensive.yaml"), "--specs", examples)
	assert.Equal(t, ExitOK, code, out)
	code, out, _ = run(t, "", "validate", examples)
	assert.Equal(t, ExitOK, code, out)

	dir := writeSpecs(t, map[string]string{
		"a.yaml": specYAML("a", "  policyTemplate:\n    name: compliance-strict\n    parameters:\n      auditLogRetentionDays: forever\n"),
		"b.yaml": specYAML("b", "  basedOn:\n    specifications: [c, a]\n    mergeStrategy: append\n  kubernetes: {maxVersion: '1.29'}\n"),
		"c.yaml": specYAML("c", "  kubernetes: {minVersion: '1.30'}\n"),
		"d.yaml": specYAML("d", "  basedOn:\n    specifications: [c]\n  kubernetes: {maxVersion: '1.29'}\n"),
		"g.yaml": specYAML("g", "  basedOn:\n    specifications: [h]\n") + "---\n" + specYAML("h", "  kubernetes: {minVersion: '1.31', maxVersion: '1.30'}\n"),
		"e.yaml": specYAML("e", "  basedOn:\n    specifications: [c]\n    mergeStrategy: append\n  kubernetes: {excludedVersions: ['1.31']}\n  network:\n    requiredPolicies: [{name: p}]\n") +
			"---\n" + specYAML("f", "  basedOn:\n    specifications: [e]\n    mergeStrategy: append\n  network:\n    requiredPolicies: [{name: p}]\n"),
	})
	code, out, _ = run(t, "", "validate", "-o", "json", dir)
	assert.Equal(t, ExitInvalid, code)
	var sum validateSummary
	require.NoError(t, json.Unmarshal([]byte(out), &sum), out)
	got := map[string][]string{}
	for _, d := range sum.Documents {
		for _, p := range d.Problems {
			got[d.Name] = append(got[d.Name], p.String()+" "+p.Field+": "+p.Message)
		}
	}
	assert.Equal(t, map[string][]string{
		"a": {`8:30 spec.policyTemplate.parameters[auditLogRetentionDays]: Invalid value: "forever": must be a decimal integer`},
		"b": {"6:25 spec.basedOn.specifications[1]: cannot resolve base a (b -> a): spec.policyTemplate.parameters[auditLogRetentionDays]: Invalid value: \"forever\": must be a decimal integer"},
		"d": {"7:3 spec.kubernetes: combining base c, then its own requirements gives an invalid specification: Invalid value: minVersion must not be greater than maxVersion"},
		"f": {"20:5 spec.network.requiredPolicies: Invalid value: \"p\": its own requirements sets p again after base e; append keeps every entry and a key may appear once: remove one, or use mergeStrategy merge so that the later entry wins"},
		"g": {"6:22 spec.basedOn.specifications[0]: Invalid value: \"h\": cannot read base: invalid specification h:\n" + filepath.Join(dir, "g.yaml") + ":12:3: spec.kubernetes: Invalid value: minVersion must not be greater than maxVersion"},
		"h": {"12:3 spec.kubernetes: Invalid value: minVersion must not be greater than maxVersion"},
	}, got)
	assert.Equal(t, 2, sum.Valid, "c and e")
}
