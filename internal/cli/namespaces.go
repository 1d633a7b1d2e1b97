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
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/util/validation"
)

// namespaces gives namespace selectors the labels of namespaces, offline:
// from Namespace documents in the input, else from --namespace-labels. A
// namespace known to neither is unknown, and the engine evaluates its
// objects as in scope. The input wins over the flag because it is what
// would be applied; a flag it overrides is reported.
type namespaces struct {
	inInput, given map[string]map[string]string
	// unknownNames collects, in the caller's goroutine, the namespaces
	// missed.
	unknownNames map[string]bool
}

func newNamespaces(inInput, given map[string]map[string]string) *namespaces {
	return &namespaces{inInput: inInput, given: given, unknownNames: map[string]bool{}}
}

// labels is safe for concurrent use: it only reads.
func (n *namespaces) labels(name string) (map[string]string, bool) {
	if l, ok := n.inInput[name]; ok {
		return l, true
	}
	l, ok := n.given[name]
	return l, ok
}

// missed records namespaces whose labels were needed and unknown.
func (n *namespaces) missed(names []string) {
	for _, name := range names {
		n.unknownNames[name] = true
	}
}

// warnings are one warning naming, sorted, the namespaces whose labels
// were unknown, and one naming the --namespace-labels the input overrode.
func (n *namespaces) warnings() []string {
	var out []string
	if len(n.unknownNames) > 0 {
		out = append(out, fmt.Sprintf("labels unknown for namespaces %s (no Namespace document in the input, no --namespace-labels): the namespace selector could not judge them, so their objects were evaluated as in scope, and at the Pod Security level the specification requires",
			strings.Join(slices.Sorted(maps.Keys(n.unknownNames)), ", ")))
	}
	var overridden []string
	for name := range n.given {
		if _, ok := n.inInput[name]; ok {
			overridden = append(overridden, name)
		}
	}
	if len(overridden) > 0 {
		slices.Sort(overridden)
		out = append(out, fmt.Sprintf("--namespace-labels ignored for namespaces %s: the input has their Namespace documents", strings.Join(overridden, ", ")))
	}
	return out
}

// parseNamespaceLabels reads --namespace-labels values,
// NS=KEY=VALUE[,KEY=VALUE...] or NS= for a namespace without labels.
// Values for the same namespace add up; a key given two values is an error.
func parseNamespaceLabels(flags []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, f := range flags {
		bad := func(format string, args ...any) error {
			return errors.Errorf("--namespace-labels %q: %s; want NS=KEY=VALUE[,KEY=VALUE...]", f, fmt.Sprintf(format, args...))
		}
		ns, list, ok := strings.Cut(f, "=")
		if !ok {
			return nil, bad("no =")
		}
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return nil, bad("namespace %q: %s", ns, strings.Join(errs, "; "))
		}
		labels := out[ns]
		if labels == nil {
			labels = map[string]string{}
			out[ns] = labels
		}
		if list == "" {
			continue
		}
		for kv := range strings.SplitSeq(list, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, bad("label %q has no =", kv)
			}
			if errs := validation.IsQualifiedName(k); len(errs) > 0 {
				return nil, bad("label key %q: %s", k, strings.Join(errs, "; "))
			}
			if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
				return nil, bad("label value %q: %s", v, strings.Join(errs, "; "))
			}
			if old, ok := labels[k]; ok && old != v {
				return nil, bad("label %s of namespace %s is already %q", k, ns, old)
			}
			labels[k] = v
		}
	}
	return out, nil
}
