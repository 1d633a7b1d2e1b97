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

package render

import (
	"crypto/sha256"
	"encoding/hex"

	kvalidation "k8s.io/apimachinery/pkg/util/validation"
)

// LabelName is a DNS-1035 label of at most 63 characters (a valid name for
// any object, Services included) made of a prefix and a name of any
// spelling: the name slugged, followed by a hash of it verbatim when
// slugging changed it, so "a.b" and "a-b" stay apart. prefix must be a
// DNS-1035 label. The function's steps name their objects with it.
func LabelName(prefix, name string) string {
	s := slug(name)
	if s == name {
		return shorten(join(prefix, s))
	}
	sum := sha256.Sum256([]byte(name))
	return shorten(join(prefix, s, hex.EncodeToString(sum[:4])))
}

// Shorten keeps a name within 63 characters: a longer one is cut and ends
// in a hash of the whole, so it stays unique.
func Shorten(n string) string { return shorten(n) }

// LabelValue is name when it is a valid label value, else its shortened
// form: an object's name may be 253 characters, a label value only 63.
func LabelValue(name string) string {
	if len(kvalidation.IsValidLabelValue(name)) == 0 {
		return name
	}
	return shorten(name)
}
