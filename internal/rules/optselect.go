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

// Optional-select chains of the batch programs, read in Go.

import (
	"slices"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// A chain x.?f1.?f2….orValue(d) whose default d is one of
// selectDefaults is, in a batch program, a call of that default's
// function: @kspec_select_or_false(x, 'f1\x00f2…'). cel-go makes an
// optional and wraps every map the chain passes through; selectOr reads
// the JSON maps under x directly. It answers only where it is cel-go's
// answer: x is unstructured content, each field but the last is absent
// (d) or a map. Anything else is errNotRead, an error, which makes the
// batch undecided: each of its rules then runs its own program, as
// written. CEL's && and || absorb an error only where the other operand
// decides alone, so a batch with these calls yields the value of the
// batch as written, or an error.
var selectDefaults = []selectDefault{
	{"@kspec_select_or_false", types.False, literal(types.False)},
	{"@kspec_select_or_true", types.True, literal(types.True)},
	{"@kspec_select_or_zero", types.IntZero, literal(types.IntZero)},
	{"@kspec_select_or_empty_string", types.String(""), literal(types.String(""))},
	// What the planner makes of [] and {}, with the programs' adapter.
	{"@kspec_select_or_empty_list", types.NewRefValList(unstructuredAdapter{}, []ref.Val{}), func(e ast.Expr) bool {
		return e.Kind() == ast.ListKind && len(e.AsList().Elements()) == 0
	}},
	{"@kspec_select_or_empty_map", types.NewRefValMap(unstructuredAdapter{}, map[ref.Val]ref.Val{}), func(e ast.Expr) bool {
		return e.Kind() == ast.MapKind && len(e.AsMap().Entries()) == 0
	}},
}

// A selectDefault is a default of orValue and its function.
type selectDefault struct {
	function string
	value    ref.Val
	is       func(ast.Expr) bool // the default, as an expression
}

// literal matches a literal of v's type and value.
func literal(v ref.Val) func(ast.Expr) bool {
	return func(e ast.Expr) bool {
		return e.Kind() == ast.LiteralKind && e.AsLiteral().Type() == v.Type() && e.AsLiteral().Equal(v) == types.True
	}
}

// fieldSep separates the fields of a chain: no field name holds it.
const fieldSep = "\x00"

// errNotRead: selectOr does not read this value; cel-go does.
var errNotRead = types.NewErr("kspec: an optional select that only cel-go reads")

// selectOr reads the fields of path under x, d when one is absent.
func selectOr(x, path, d ref.Val) ref.Val {
	m, ok := x.(*unstructuredMap)
	if !ok {
		return errNotRead
	}
	cur, rest := m.m, string(path.(types.String))
	for {
		f, more, deeper := strings.Cut(rest, fieldSep)
		v, found := cur[f]
		switch {
		case !found:
			return d
		case !deeper:
			return unstructuredAdapter{}.NativeToValue(v)
		}
		if cur, ok = v.(map[string]any); !ok {
			return errNotRead
		}
		rest = more
	}
}

// batchEnv plans batch programs: evalEnv with the selectDefaults functions.
var batchEnv = sync.OnceValues(func() (*cel.Env, error) {
	e, err := evalEnv()
	if err != nil {
		return nil, err
	}
	var fns []cel.EnvOption
	for _, d := range selectDefaults {
		fns = append(fns, cel.Function(d.function, cel.Overload(d.function[1:], []*cel.Type{cel.DynType, cel.StringType}, cel.DynType,
			cel.BinaryBinding(func(x, path ref.Val) ref.Val { return selectOr(x, path, d.value) }))))
	}
	return e.Extend(fns...)
})

// optionalSelects rewrites the chains of selectDefaults.
type optionalSelects struct{}

func (optionalSelects) Optimize(ctx *cel.OptimizerContext, a *ast.AST) *ast.AST {
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), ast.FunctionMatcher("orValue")) {
		call := e.AsCall()
		if !call.IsMemberFunction() || len(call.Args()) != 1 {
			continue
		}
		i := slices.IndexFunc(selectDefaults, func(d selectDefault) bool {
			return d.is(call.Args()[0])
		})
		if i < 0 {
			continue
		}
		var fields []string
		x := call.Target()
		for x.Kind() == ast.CallKind && x.AsCall().FunctionName() == operators.OptSelect {
			arg := x.AsCall().Args()[1]
			if arg.Kind() != ast.LiteralKind {
				break
			}
			f, ok := arg.AsLiteral().(types.String)
			if !ok || f == "" || strings.Contains(string(f), fieldSep) {
				break
			}
			fields = append([]string{string(f)}, fields...)
			x = x.AsCall().Args()[0]
		}
		if len(fields) == 0 || x.Kind() == ast.CallKind && x.AsCall().FunctionName() == operators.OptSelect {
			continue
		}
		ctx.UpdateExpr(e, ctx.NewCall(selectDefaults[i].function, x, ctx.NewLiteral(types.String(strings.Join(fields, fieldSep)))))
	}
	return a
}
