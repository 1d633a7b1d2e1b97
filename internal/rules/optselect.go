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
	"github.com/google/cel-go/common/decls"
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
	v, found, ok := lookup(x, path)
	switch {
	case !ok:
		return errNotRead
	case !found:
		return d
	}
	return unstructuredAdapter{}.NativeToValue(v)
}

// lookup finds the fields of path under x; ok is false where it does not
// read what cel-go reads: x is not unstructured content, or a field but
// the last is present and not a map.
func lookup(x, path ref.Val) (v any, found, ok bool) {
	m, ok := x.(*unstructuredMap)
	if !ok {
		return nil, false, false
	}
	cur, rest := m.m, string(path.(types.String))
	for {
		f, more, deeper := strings.Cut(rest, fieldSep)
		v, found := cur[f]
		switch {
		case !found:
			return nil, false, true
		case !deeper:
			return v, true, true
		}
		if cur, ok = v.(map[string]any); !ok {
			return nil, false, false
		}
		rest = more
	}
}

// selectHas is A.hasValue() of a chain A = x.?f1.?f2…, read as selectOr
// reads it: @kspec_select_has(x, 'f1\x00f2…').
const selectHas = "@kspec_select_has"

// batchEnv plans batch programs: evalEnv with the selectDefaults
// functions and matchNative.
var batchEnv = sync.OnceValues(func() (*cel.Env, error) {
	e, err := evalEnv()
	if err != nil {
		return nil, err
	}
	var fns []cel.EnvOption
	for _, d := range selectDefaults {
		fns = append(fns, cel.Function(d.function, cel.Overload(d.function[1:], []*cel.Type{cel.DynType, cel.StringType}, cel.DynType,
			cel.BinaryBinding(func(x, path ref.Val) ref.Val { return selectOr(x, path, d.value) })), unguarded))
	}
	fns = append(fns, cel.Function(selectHas, cel.Overload(selectHas[1:], []*cel.Type{cel.DynType, cel.StringType}, cel.BoolType,
		cel.BinaryBinding(func(x, path ref.Val) ref.Val {
			if _, found, ok := lookup(x, path); ok {
				return types.Bool(found)
			}
			return errNotRead
		})), unguarded))
	fns = append(fns, cel.Function(matchNative, cel.Overload(matchNative[1:], []*cel.Type{cel.DynType, cel.IntType}, cel.BoolType,
		cel.BinaryBinding(matchNativeBinding)), unguarded))
	return e.Extend(fns...)
})

// unguarded: calls skip cel-go's check of their arguments' types. The
// optimizers make every call, the second argument a literal of its type;
// the bindings check the first.
var unguarded = decls.DisableTypeGuards(true)

// optionalSelects rewrites, in a checked AST, the optional-select chains
// A and B (x.?f1.?f2…) of these forms, d one of selectDefaults:
//
//	A.orValue(d)          →  select_or_d(x, path)
//	A.hasValue()          →  select_has(x, path)
//	A.or(B).orValue(d)    →  select_has(xA, pathA) ? select_or_d(xA, pathA) : select_or_d(xB, pathB)
//	A.or(B).hasValue()    →  select_has(xA, pathA) ? true : select_has(xB, pathB)
//
// A conditional, not || or an eager call: its condition's error is the
// result, as A's is in A.or(B), and B is read only when A is absent.
type optionalSelects struct{}

func (optionalSelects) Optimize(ctx *cel.OptimizerContext, a *ast.AST) *ast.AST {
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), func(e ast.NavigableExpr) bool {
		return e.Kind() == ast.CallKind && (e.AsCall().FunctionName() == "orValue" || e.AsCall().FunctionName() == "hasValue")
	}) {
		call := e.AsCall()
		if !call.IsMemberFunction() {
			continue
		}
		// select(x, path) reads a chain with the default d, or tests it.
		var sel func(x ast.Expr, path string) ast.Expr
		switch {
		case call.FunctionName() == "hasValue" && len(call.Args()) == 0:
			sel = func(x ast.Expr, path string) ast.Expr {
				return ctx.NewCall(selectHas, x, ctx.NewLiteral(types.String(path)))
			}
		case call.FunctionName() == "orValue" && len(call.Args()) == 1:
			i := slices.IndexFunc(selectDefaults, func(d selectDefault) bool { return d.is(call.Args()[0]) })
			if i < 0 {
				continue
			}
			sel = func(x ast.Expr, path string) ast.Expr {
				return ctx.NewCall(selectDefaults[i].function, x, ctx.NewLiteral(types.String(path)))
			}
		default:
			continue
		}
		if x, path, ok := chain(call.Target()); ok {
			ctx.UpdateExpr(e, sel(x, path))
			continue
		}
		or := call.Target()
		if or.Kind() != ast.CallKind || or.AsCall().FunctionName() != "or" || !or.AsCall().IsMemberFunction() || len(or.AsCall().Args()) != 1 {
			continue
		}
		xa, pa, okA := chain(or.AsCall().Target())
		xb, pb, okB := chain(or.AsCall().Args()[0])
		if !okA || !okB {
			continue
		}
		then := ctx.NewLiteral(types.True)
		if call.FunctionName() == "orValue" {
			then = sel(ctx.CopyASTAndMetadata(ctx.NewAST(xa)), pa)
		}
		has := ctx.NewCall(selectHas, xa, ctx.NewLiteral(types.String(pa)))
		ctx.UpdateExpr(e, ctx.NewCall(operators.Conditional, has, then, sel(xb, pb)))
	}
	return a
}

// chain reads an optional-select chain x.?f1.?f2…: x and the fields,
// joined by fieldSep.
func chain(e ast.Expr) (ast.Expr, string, bool) {
	var fields []string
	x := e
	for x.Kind() == ast.CallKind && x.AsCall().FunctionName() == operators.OptSelect {
		arg := x.AsCall().Args()[1]
		if arg.Kind() != ast.LiteralKind {
			return nil, "", false
		}
		f, ok := arg.AsLiteral().(types.String)
		if !ok || f == "" || strings.Contains(string(f), fieldSep) {
			return nil, "", false
		}
		fields = append([]string{string(f)}, fields...)
		x = x.AsCall().Args()[0]
	}
	return x, strings.Join(fields, fieldSep), len(fields) > 0
}
