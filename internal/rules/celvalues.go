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

// Unstructured content as CEL values, without reflection.

import (
	"errors"
	"reflect"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// unstructuredAdapter is the type adapter of the programs kspec runs. CEL
// reads objects as JSON and YAML decode them (map[string]any, []any,
// string, float64, int64, bool, nil); cel-go's own adapter wraps each map
// and list it reaches in a new value and reads lists by reflection, once
// per field an expression selects. This one wraps a map in a named map
// and list in a small struct, and reads both directly (pointers: CEL uses
// values as map keys, in a constant set an operand of in is looked up in). The values it makes are the ones cel-go's adapter makes,
// field for field: the same CEL types and the same results for every
// operation (equivalence_test.go compares them), so no verdict or message
// depends on which adapter ran. Anything else goes to cel-go's adapter.
type unstructuredAdapter struct{}

func (unstructuredAdapter) NativeToValue(v any) ref.Val {
	switch v := v.(type) {
	case map[string]any:
		return &unstructuredMap{v}
	case []any:
		return &unstructuredList{v}
	case string:
		return types.String(v)
	case float64:
		return types.Double(v)
	case int64:
		return types.Int(v)
	case bool:
		return types.Bool(v)
	case nil:
		return types.NullValue
	case ref.Val:
		return v
	}
	return types.DefaultTypeAdapter.NativeToValue(v)
}

// unstructuredMap is a JSON object as a CEL map.
type unstructuredMap struct{ m map[string]any }

var (
	_ traits.Mapper = &unstructuredMap{}
	_ traits.Lister = &unstructuredList{}
)

// base is the value cel-go's adapter makes of the map, whose nested values
// this adapter makes: the operations that are not on an evaluation's hot
// path are its own.
func (m *unstructuredMap) base() traits.Mapper {
	return types.NewStringInterfaceMap(unstructuredAdapter{}, m.m)
}

// Find is a field access, with or without ?.
func (m *unstructuredMap) Find(key ref.Val) (ref.Val, bool) {
	k, ok := key.(types.String)
	if !ok {
		return nil, false
	}
	v, found := m.m[string(k)]
	if !found {
		return nil, false
	}
	return unstructuredAdapter{}.NativeToValue(v), true
}

func (m *unstructuredMap) Get(key ref.Val) ref.Val {
	if v, found := m.Find(key); found {
		return v
	}
	return m.base().Get(key)
}

func (m *unstructuredMap) Contains(key ref.Val) ref.Val {
	_, found := m.Find(key)
	return types.Bool(found)
}

func (m *unstructuredMap) Size() ref.Val             { return types.Int(len(m.m)) }
func (m *unstructuredMap) IsZeroValue() bool         { return len(m.m) == 0 }
func (m *unstructuredMap) Type() ref.Type            { return types.MapType }
func (m *unstructuredMap) Value() any                { return m.m }
func (m *unstructuredMap) Iterator() traits.Iterator { return m.base().Iterator() }
func (m *unstructuredMap) Equal(other ref.Val) ref.Val {
	return m.base().Equal(other)
}

func (m *unstructuredMap) ConvertToNative(t reflect.Type) (any, error) {
	return m.base().ConvertToNative(t)
}

func (m *unstructuredMap) ConvertToType(t ref.Type) ref.Val {
	if t == types.MapType {
		return m
	}
	return m.base().ConvertToType(t)
}

func (m *unstructuredMap) String() string {
	return m.base().(interface{ String() string }).String()
}

// unstructuredList is a JSON array as a CEL list.
type unstructuredList struct{ l []any }

// base is the value cel-go's adapter makes of the list.
func (l *unstructuredList) base() traits.Lister {
	return types.NewDynamicList(unstructuredAdapter{}, l.l)
}

func (l *unstructuredList) Get(index ref.Val) ref.Val {
	i, err := types.IndexOrError(index)
	if err != nil || i < 0 || i >= len(l.l) {
		return l.base().Get(index) // the same error
	}
	return unstructuredAdapter{}.NativeToValue(l.l[i])
}

func (l *unstructuredList) Contains(elem ref.Val) ref.Val {
	for _, v := range l.l {
		if elem.Equal(unstructuredAdapter{}.NativeToValue(v)) == types.True {
			return types.True
		}
	}
	return types.False
}

// Add concatenates lists: an empty list and another are the other, as in
// cel-go; two unstructured lists are one (cel-go makes a view of both).
func (l *unstructuredList) Add(other ref.Val) ref.Val {
	o, ok := other.(traits.Lister)
	switch {
	case !ok:
		return types.MaybeNoSuchOverloadErr(other)
	case len(l.l) == 0:
		return other
	case o.Size() == types.IntZero:
		return l
	}
	if u, ok := other.(*unstructuredList); ok {
		return &unstructuredList{append(append(make([]any, 0, len(l.l)+len(u.l)), l.l...), u.l...)}
	}
	return l.base().Add(other)
}

func (l *unstructuredList) Size() ref.Val     { return types.Int(len(l.l)) }
func (l *unstructuredList) IsZeroValue() bool { return len(l.l) == 0 }
func (l *unstructuredList) Type() ref.Type    { return types.ListType }
func (l *unstructuredList) Value() any        { return l.l }
func (l *unstructuredList) Iterator() traits.Iterator {
	return &unstructuredIterator{list: l.l}
}

func (l *unstructuredList) Equal(other ref.Val) ref.Val {
	return l.base().Equal(other)
}

func (l *unstructuredList) ConvertToNative(t reflect.Type) (any, error) {
	return l.base().ConvertToNative(t)
}

func (l *unstructuredList) ConvertToType(t ref.Type) ref.Val {
	if t == types.ListType {
		return l
	}
	return l.base().ConvertToType(t)
}

func (l *unstructuredList) String() string {
	return l.base().(interface{ String() string }).String()
}

// unstructuredIterator iterates over a list, as a comprehension does.
type unstructuredIterator struct {
	list []any
	next int
}

func (it *unstructuredIterator) HasNext() ref.Val { return types.Bool(it.next < len(it.list)) }

func (it *unstructuredIterator) Next() ref.Val {
	if it.next >= len(it.list) {
		return nil
	}
	it.next++
	return unstructuredAdapter{}.NativeToValue(it.list[it.next-1])
}

// An iterator is no value a program can see; these are cel-go's answers.
func (it *unstructuredIterator) ConvertToNative(reflect.Type) (any, error) {
	return nil, errors.New("type conversion on iterators not supported")
}
func (it *unstructuredIterator) ConvertToType(ref.Type) ref.Val {
	return types.NewErr("no such overload")
}
func (it *unstructuredIterator) Equal(ref.Val) ref.Val { return types.NewErr("no such overload") }
func (it *unstructuredIterator) Type() ref.Type        { return types.IteratorType }
func (it *unstructuredIterator) Value() any            { return nil }
