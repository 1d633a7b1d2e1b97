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
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
// of an object, whose size the API server (or the file) bounds. Objects are
// read through unstructuredAdapter.
var evalEnv = sync.OnceValues(func() (*cel.Env, error) {
	return newEvalEnv(cel.CustomTypeAdapter(unstructuredAdapter{}))
})

// newEvalEnv is the environment of evalEnv, with options: tests plan
// programs with cel-go's own type adapter to compare.
func newEvalEnv(opts ...cel.EnvOption) (*cel.Env, error) {
	return cel.NewEnv(append([]cel.EnvOption{
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
	}, opts...)...)
}

// compile type-checks a CEL expression, which must yield want, in the API
// server's environment, and plans it for evaluation.
func compile(expr string, want *cel.Type) (cel.Program, error) {
	return compileFor(evalEnv, expr, want)
}

// compileFor is compile, planning in the environment planEnv returns.
func compileFor(planEnv func() (*cel.Env, error), expr string, want *cel.Type) (cel.Program, error) {
	e, err := env()
	if err != nil {
		return nil, errors.Wrap(err, "cannot build the CEL environment")
	}
	ast, iss := e.Compile(expr)
	if iss.Err() != nil {
		return nil, errors.Errorf("cannot compile %s: %s", excerpt(expr), excerpt(iss.Err().Error()))
	}
	if want != cel.DynType && !ast.OutputType().IsExactType(want) && !ast.OutputType().IsExactType(cel.DynType) {
		return nil, errors.Errorf("%s yields %s, not %s", excerpt(expr), ast.OutputType(), want)
	}
	return plan(planEnv, ast, expr)
}

func plan(planEnv func() (*cel.Env, error), ast *cel.Ast, expr string) (cel.Program, error) {
	ee, err := planEnv()
	if err != nil {
		return nil, errors.Wrap(err, "cannot build the CEL evaluation environment")
	}
	p, err := ee.Program(ast, cel.EvalOptions(cel.OptOptimize))
	return p, errors.Wrapf(err, "cannot plan %s", excerpt(expr))
}

// compileBatch is compile for a batch program: its optional-select chains
// read by selectOrValue, the image expressions kspec writes matched in Go
// (nativeMatches). An expression that cannot be rewritten is planned as it
// is.
func compileBatch(expr string, want *cel.Type) (cel.Program, error) {
	e, err := env()
	if err != nil {
		return nil, errors.Wrap(err, "cannot build the CEL environment")
	}
	checked, iss := e.Compile(expr)
	if iss.Err() != nil {
		return nil, errors.Errorf("cannot compile %s: %s", excerpt(expr), excerpt(iss.Err().Error()))
	}
	if want != cel.DynType && !checked.OutputType().IsExactType(want) && !checked.OutputType().IsExactType(cel.DynType) {
		return nil, errors.Errorf("%s yields %s, not %s", excerpt(expr), checked.OutputType(), want)
	}
	be, err := batchEnv()
	if err != nil {
		return nil, errors.Wrap(err, "cannot build the CEL evaluation environment")
	}
	opt, err := newBatchOptimizer()
	if err != nil {
		return nil, errors.Wrap(err, "cannot build the optimizer")
	}
	if rewritten, iss := opt.Optimize(be, checked); iss.Err() == nil {
		return plan(batchEnv, rewritten, expr)
	}
	return compileFor(evalEnv, expr, want)
}

// newBatchOptimizer rewrites batch programs: optionalSelects, then
// nativeMatches.
func newBatchOptimizer() (*cel.StaticOptimizer, error) {
	return cel.NewStaticOptimizer(optionalSelects{}, nativeMatches{})
}

// excerptLen bounds what an error quotes of an expression: a spec at the
// schema's limits makes expressions of tens of kilobytes.
const excerptLen = 200

// excerpt quotes s, its middle cut when it is long.
func excerpt(s string) string {
	if r := []rune(s); len(r) > excerptLen {
		return fmt.Sprintf("%q (%d characters)", string(r[:excerptLen/2])+" … "+string(r[len(r)-excerptLen/2:]), len(r))
	}
	return fmt.Sprintf("%q", s)
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

// quote writes s as a CEL string literal that reads back as s, whatever s
// holds: quotes, backslashes, newlines and every other character a
// single-quoted literal cannot hold as it is are escaped, and so is what
// is not printable. A byte that is not UTF-8 is written as U+FFFD, as
// decoding JSON (an admission request, kubectl) reads it: a CEL string
// holds only Unicode.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s { // an invalid byte ranges as utf8.RuneError, U+FFFD
		switch {
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < utf8.RuneSelf && r >= ' ' && r != 0x7f:
			b.WriteRune(r)
		case r >= utf8.RuneSelf && unicode.IsPrint(r) && r != utf8.RuneError:
			b.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// quoteList writes ss as a CEL list of string literals.
func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
