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

package manifest

import (
	"strings"

	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Expand returns the objects kubectl would apply for a decoded document:
// the document itself, or, when it has an items field (a List, as kubectl
// get -o yaml prints, or any kind: kubectl looks only at items), its
// items, each reported at the document's position. Items without
// apiVersion and kind take the list's (a PodList's items are Pods). Like
// kubectl, Expand refuses items that are not a list, items that are not
// objects and a List inside a List; it then still returns the items it
// could read, so that they are checked too.
func Expand(d Document) ([]Document, error) {
	raw, ok := d.Object.Object["items"]
	if !ok {
		return []Document{d}, nil
	}
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, errors.Errorf("items is %s, not a list", describe(raw))
	}
	apiVersion, kind := d.Object.GetAPIVersion(), strings.TrimSuffix(d.Object.GetKind(), "List")
	var out []Document
	var bad []string
	for i, it := range list {
		obj, ok := it.(map[string]any)
		if !ok {
			bad = append(bad, errors.Errorf("items[%d] is %s, not an object", i, describe(it)).Error())
			continue
		}
		if _, nested := obj["items"].([]any); nested {
			bad = append(bad, errors.Errorf("items[%d] is a list inside a list, which kubectl does not read", i).Error())
			continue
		}
		u := &unstructured.Unstructured{Object: obj}
		if u.GetKind() == "" && u.GetAPIVersion() == "" {
			u.SetKind(kind)
			u.SetAPIVersion(apiVersion)
		}
		item := d
		item.Object = u
		out = append(out, item)
	}
	if len(bad) > 0 {
		return out, errors.New(strings.Join(bad, "; "))
	}
	return out, nil
}

// describe names a decoded JSON value's type for messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}
