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
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apiserver/pkg/cel/environment"
	"k8s.io/apiserver/pkg/cel/library"
)

// The CEL environment is the API server's: the Kubernetes libraries (lists,
// regex, quantity, …) and optional syntax, at the compatibility version the
// API server uses for new expressions, so every rendered expression also
// compiles in a ValidatingAdmissionPolicy and in Kyverno. object is dynamic,
// as for an object whose schema is not known.
var env = sync.OnceValues(func() (*cel.Env, error) {
	es, err := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()).Extend(environment.VersionedOptions{
		IntroducedVersion: version.MajorMinor(1, 0),
		EnvOptions: []cel.EnvOption{
			cel.Variable("object", cel.DynType),
			cel.Variable("variables", cel.MapType(cel.StringType, cel.DynType)),
		},
	})
	if err != nil {
		return nil, err
	}
	return es.Env(environment.NewExpressions)
})

// evalEnv plans the programs kspec runs: the function libraries of env,
// without the API server's per-call cost tracking, which took a third of
// evaluation time. The expressions are linear in the containers and images
// of an object, whose size the API server (or the file) bounds.
var evalEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.OptionalTypes(),
		ext.Strings(ext.StringsVersion(2)),
		ext.Sets(),
		library.Regex(),
		library.Lists(),
		library.URLs(),
		library.Quantity(),
		cel.Variable("object", cel.DynType),
		cel.Variable("variables", cel.MapType(cel.StringType, cel.DynType)),
	)
})

// compile type-checks a CEL expression, which must yield want, in the API
// server's environment, and plans it for evaluation.
func compile(expr string, want *cel.Type) (cel.Program, error) {
	e, err := env()
	if err != nil {
		return nil, errors.Wrap(err, "cannot build the CEL environment")
	}
	ast, iss := e.Compile(expr)
	if iss.Err() != nil {
		return nil, errors.Errorf("cannot compile %q: %s", expr, iss.Err())
	}
	if want != cel.DynType && !ast.OutputType().IsExactType(want) && !ast.OutputType().IsExactType(cel.DynType) {
		return nil, errors.Errorf("%q yields %s, not %s", expr, ast.OutputType(), want)
	}
	ee, err := evalEnv()
	if err != nil {
		return nil, errors.Wrap(err, "cannot build the CEL evaluation environment")
	}
	p, err := ee.Program(ast, cel.EvalOptions(cel.OptOptimize))
	return p, errors.Wrapf(err, "cannot plan %q", expr)
}

// A Variable is a named CEL expression, shared by the rules of a kind; in a
// ValidatingPolicy or ValidatingAdmissionPolicy it is a spec.variables entry.
type Variable struct {
	Name, Expression string
}

// The variables of pod rules.
var (
	// VariablePod is the pod spec of a Pod or a pod controller's template.
	VariablePod = Variable{"pod", "object.kind == 'Pod' ? object.?spec.orValue({}) : " +
		"object.kind == 'CronJob' ? object.?spec.?jobTemplate.?spec.?template.?spec.orValue({}) : " +
		"object.?spec.?template.?spec.orValue({})"}
	// VariableContainers are all containers, init and ephemeral included.
	VariableContainers = Variable{"containers", "variables.pod.?containers.orValue([]) + " +
		"variables.pod.?initContainers.orValue([]) + variables.pod.?ephemeralContainers.orValue([])"}
	// VariableImages are the containers' image references, normalized as
	// the runtime resolves them (see normalizeImage): nginx is
	// docker.io/library/nginx, INDEX.DOCKER.IO/acme/app docker.io/acme/app.
	VariableImages = Variable{"images", "variables.containers.map(c, c.?image.orValue('')).map(i, " + normalizeImage("i") + ")"}
)

// quote writes s as a CEL string literal.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// quoteList writes ss as a CEL list of string literals.
func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
