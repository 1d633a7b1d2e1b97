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
	"strings"

	"github.com/kspec-io/kspec/internal/rules"
)

// maxName is the longest object name render writes, and the longest name
// part of a match condition's qualified name.
const maxName = 63

// Name is the name of the policy for a rule: unique per spec (and claim
// namespace, where names share one scope), at most 63 characters.
func Name(set *rules.Set, r *rules.Rule, clusterScoped bool) string {
	spec := set.Name
	if clusterScoped && set.Namespace != "" {
		spec = set.Namespace + "." + set.Name
	}
	return shorten("kspec-" + spec + "-" + r.Name())
}

// exceptionName is the name of the PolicyException of an exemption: a
// DNS-1123 subdomain of at most 63 characters whatever the exemption is
// called, ending in a hash of the spec and exemption names so that two
// exemptions whose names slug alike ("Legacy billing", "legacy-billing")
// stay apart.
func exceptionName(set *rules.Set, e *rules.Exemption) string {
	return shorten(join("kspec", set.Name, slug(e.Name), exemptionHash(set, e)))
}

// exemptionCondition is the name of the match condition an exemption
// renders to in a ValidatingAdmissionPolicy: a qualified name (its name
// part at most 63 characters), unique per set like exceptionName.
func exemptionCondition(set *rules.Set, e *rules.Exemption) string {
	return shorten(join("kspec-exemption", slug(e.Name), exemptionHash(set, e)))
}

// exemptionHash identifies an exemption among every spec's: a claim's
// namespace, the spec's name and the exemption's, verbatim.
func exemptionHash(set *rules.Set, e *rules.Exemption) string {
	sum := sha256.Sum256([]byte(set.Namespace + "\x00" + set.Name + "\x00" + e.Name))
	return hex.EncodeToString(sum[:4])
}

// slug keeps the letters and digits of s, lowercased, and makes every run
// of anything else one hyphen: what a DNS label may hold. It may be empty
// (a name in another script).
func slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			hyphen = false
			continue
		}
		hyphen = true
	}
	return b.String()
}

// join joins the non-empty parts with hyphens.
func join(parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "-")
}

// shorten keeps a name within 63 characters: a longer one is cut and ends in
// a hash of the whole, so it stays unique.
func shorten(n string) string {
	if len(n) <= maxName {
		return n
	}
	sum := sha256.Sum256([]byte(n))
	return strings.TrimRight(n[:maxName-9], "-.") + "-" + hex.EncodeToString(sum[:4])
}
