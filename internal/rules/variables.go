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

// Native values of the shared variables.

import (
	"strings"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// A variable's Expression defines it: policies carry the expression, and
// kspec evaluates it. For the common shape of an object (the fields where
// a pod spec has them, of the types it gives them), kspec computes the
// same value in Go, which costs a fraction; for anything else (a field
// missing or of another type, an image that is not ASCII) the native
// function declines and the expression runs. variables_test.go compares
// both on the corpus and on generated objects.
var nativeVariables = map[string]func(obj, vars map[string]any) (ref.Val, bool){
	VariablePod.Name:        nativePod,
	VariableContainers.Name: nativeContainers,
	VariableImages.Name:     nativeImages,
}

// nativePod is VariablePod when the pod spec is where the kind has it.
func nativePod(obj, _ map[string]any) (ref.Val, bool) {
	var path []string
	switch obj["kind"] {
	case KindPod.Kind:
		path = []string{"spec"}
	case KindCronJob.Kind:
		path = []string{"spec", "jobTemplate", "spec", "template", "spec"}
	default:
		path = []string{"spec", "template", "spec"}
	}
	m := obj
	for _, f := range path {
		var ok bool
		if m, ok = m[f].(map[string]any); !ok {
			return nil, false
		}
	}
	return &unstructuredMap{m}, true
}

// nativeContainers is VariableContainers when the pod has containers and
// each list it has is a list.
func nativeContainers(_, vars map[string]any) (ref.Val, bool) {
	pod, ok := vars[VariablePod.Name].(*unstructuredMap)
	if !ok {
		return nil, false
	}
	var lists [3][]any
	n := 0
	for i, f := range []string{"containers", "initContainers", "ephemeralContainers"} {
		v, found := pod.m[f]
		if !found {
			continue
		}
		if lists[i], ok = v.([]any); !ok {
			return nil, false
		}
		n += len(lists[i])
	}
	// The expression's value is the first non-empty list when it is the
	// only one; with none, it is CEL's empty list.
	switch {
	case n == 0:
		return nil, false
	case n == len(lists[0]):
		return &unstructuredList{lists[0]}, true
	case n == len(lists[1]):
		return &unstructuredList{lists[1]}, true
	case n == len(lists[2]):
		return &unstructuredList{lists[2]}, true
	}
	all := make([]any, 0, n)
	for _, l := range lists {
		all = append(all, l...)
	}
	return &unstructuredList{all}, true
}

// nativeImages is VariableImages when every container is an object whose
// image, if set, is an ASCII string.
func nativeImages(_, vars map[string]any) (ref.Val, bool) {
	cs, ok := vars[VariableContainers.Name].(*unstructuredList)
	if !ok {
		return nil, false
	}
	images := make([]string, len(cs.l))
	for k, c := range cs.l {
		m, ok := c.(map[string]any)
		if !ok {
			return nil, false
		}
		image := ""
		if v, found := m["image"]; found {
			if image, ok = v.(string); !ok {
				return nil, false
			}
		}
		if images[k], ok = normalizedImage(image); !ok {
			return nil, false
		}
	}
	return types.NewStringList(unstructuredAdapter{}, images), true
}

// normalizedImage is normalizeImage's expression, step for step, on an
// ASCII reference (where CEL's code points are bytes).
func normalizedImage(i string) (string, bool) {
	for k := 0; k < len(i); k++ {
		if i[k] >= 0x80 {
			return "", false
		}
	}
	slash := strings.IndexByte(i, '/')
	first := ""
	if slash >= 0 {
		first = i[:slash]
	}
	hub := false
	for _, h := range dockerHub {
		hub = hub || strings.HasPrefix(i, h+"/")
	}
	upper := strings.ContainsFunc(first, func(r rune) bool { return r >= 'A' && r <= 'Z' })
	hostLike := strings.ContainsAny(first, ".:")
	switch {
	// i.matches('^(localhost|[^/A-Z]*[.:][^/A-Z]*)/') && !(hub)
	case slash >= 0 && (first == "localhost" || !upper && hostLike) && !hub:
		return i, true
	// !i.matches('^(localhost|[^/]*[.:A-Z][^/]*)/')
	case slash < 0 || first != "localhost" && !hostLike && !upper:
		switch {
		case slash >= 0:
			return "docker.io/" + i, true
		case len(i) == 64 && strings.Trim(i, "0123456789abcdef") == "":
			return i, true
		}
		return "docker.io/library/" + i, true
	}
	host := strings.ToLower(first) // CEL's lowerAscii: first is ASCII
	for _, h := range dockerHub {
		if host == h {
			if strings.Count(i, "/") > 1 {
				return "docker.io" + i[slash:], true
			}
			return "docker.io/library" + i[slash:], true
		}
	}
	return host + i[slash:], true
}
