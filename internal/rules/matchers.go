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

// The regular expressions kspec writes into image rules, matched in Go in
// batch programs.

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// digestPattern matches an image reference pinned by a sha256 digest.
const digestPattern = `@sha256:[a-f0-9]{64}$`

// A matcher is regexp.MatchString of one regular expression that kspec
// writes, in Go: Go's RE2 backtracker spends about a microsecond on an
// image reference, these a few dozen nanoseconds. The expressions stay
// the rules' definition: the rules' own programs, the rendered policies
// and every message match them with RE2, and TestMatchersAgree holds each
// matcher to its expression.
type matcher func(string) bool

// The registry is bounded, in expressions and in their bytes (a registry
// matcher holds about as much again): claims and bundles that churn
// through registry lists, each up to 64 patterns of 255 characters,
// cannot grow a webhook's memory past a few MiB. Past the bounds, batches
// match with RE2.
const (
	maxMatchers     = 4096
	maxMatcherBytes = 4 << 20
)

// A matcherRegistry holds the matcher of each expression, by expression;
// a batch program calls one by its index (matchNative).
type matcherRegistry struct {
	mu            sync.Mutex
	index         map[string]int
	bytes         int // of the expressions
	max, maxBytes int
	all           atomic.Pointer[[]matcher] // copied on write: calls read it without a lock
}

// matchers is the registry of batch programs.
var matchers = newMatcherRegistry(maxMatchers, maxMatcherBytes)

func newMatcherRegistry(max, maxBytes int) *matcherRegistry {
	r := &matcherRegistry{index: map[string]int{}, max: max, maxBytes: maxBytes}
	r.all.Store(&[]matcher{})
	return r
}

func init() {
	registerMatcher(digestPattern, pinnedByDigest)
	registerMatcher(validImage, validReference)
}

// registerMatcher registers m as the matcher of the expression re.
func registerMatcher(re string, m matcher) { matchers.register(re, m) }

func (r *matcherRegistry) register(re string, m matcher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.index[re]; ok || len(r.index) >= r.max || r.bytes+len(re) > r.maxBytes {
		return
	}
	r.bytes += len(re)
	all := *r.all.Load()
	all = append(all[:len(all):len(all)], m)
	r.index[re] = len(all) - 1
	r.all.Store(&all)
}

// lookup is the index of the expression's matcher.
func (r *matcherRegistry) lookup(re string) (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i, ok := r.index[re]
	return i, ok
}

// at is the matcher of an index lookup returned.
func (r *matcherRegistry) at(i int) matcher { return (*r.all.Load())[i] }

// matchNative is @kspec_matches(s, i): s.matches(re), re the expression
// of matcher i. A receiver that is not a string is errNotRead: cel-go's
// matches says why.
const matchNative = "@kspec_matches"

func matchNativeBinding(s, i ref.Val) ref.Val {
	str, ok := s.(types.String)
	if !ok {
		return errNotRead
	}
	return types.Bool(matchers.at(int(i.(types.Int)))(string(str)))
}

// nativeMatches rewrites, in a checked AST, s.matches(re) of an expression
// re with a matcher to @kspec_matches(s, index).
type nativeMatches struct{}

func (nativeMatches) Optimize(ctx *cel.OptimizerContext, a *ast.AST) *ast.AST {
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a), func(e ast.NavigableExpr) bool {
		return e.Kind() == ast.CallKind && e.AsCall().FunctionName() == "matches"
	}) {
		call := e.AsCall()
		if !call.IsMemberFunction() || len(call.Args()) != 1 || call.Args()[0].Kind() != ast.LiteralKind {
			continue
		}
		re, ok := call.Args()[0].AsLiteral().(types.String)
		if !ok {
			continue
		}
		if i, ok := matchers.lookup(string(re)); ok {
			ctx.UpdateExpr(e, ctx.NewCall(matchNative, call.Target(), ctx.NewLiteral(types.Int(i))))
		}
	}
	return a
}

// pinnedByDigest matches digestPattern: the reference ends with @sha256:
// and 64 lowercase hex digits. They are ASCII, so the last 72 bytes are
// the last 72 characters.
func pinnedByDigest(s string) bool {
	const prefix = "@sha256:"
	n := len(s) - len(prefix) - 64
	if n < 0 || s[n:n+len(prefix)] != prefix {
		return false
	}
	for i := n + len(prefix); i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// validReference matches validImage: host[:port]/path, then a tag or a
// digest or nothing. No part of the host holds a /, so it ends at the
// first one.
func validReference(s string) bool {
	hostport, rest, ok := strings.Cut(s, "/")
	if !ok || !validHostPort(hostport) {
		return false
	}
	path, ok := pathOf(rest)
	return ok && validPath(path)
}

// matchRegistries matches the expression registryPatterns makes of alts.
func matchRegistries(alts []registryAlt, s string) bool {
	hostport, rest, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	path, ok := pathOf(rest)
	if !ok {
		return false
	}
	for _, a := range alts {
		if a.matchHost(hostport) && a.matchPath(path) {
			return true
		}
	}
	return false
}

// matchHost matches refHost's part of the alternative.
func (a registryAlt) matchHost(hostport string) bool {
	if a.port != "" {
		var ok bool
		if hostport, ok = strings.CutSuffix(hostport, ":"+a.port); !ok {
			return false
		}
	}
	if !a.wildcard {
		return hostport == a.host
	}
	sub, ok := strings.CutSuffix(hostport, "."+a.host)
	return ok && validDomain(sub)
}

// matchPath matches the path part of the alternative: one component or
// more, or the alternative's path and any components under it.
func (a registryAlt) matchPath(path string) bool {
	if a.path == "" {
		return validPath(path)
	}
	under, ok := strings.CutPrefix(path, a.path)
	if !ok {
		return false
	}
	if under == "" {
		return true
	}
	under, ok = strings.CutPrefix(under, "/")
	return ok && validPath(under)
}

// pathOf is the path at the start of rest, up to a tag or digest: the
// bytes of path components and their separators. The path ends refEnd's
// way, at a : or @ or the end; anything else there fails.
func pathOf(rest string) (string, bool) {
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '/':
		case c == ':' || c == '@':
			return rest[:i], true
		default:
			return "", false
		}
	}
	return rest, true
}

// validHostPort matches refHost: a domain or a bracketed IPv6 address,
// then a port or none.
func validHostPort(s string) bool {
	host, port := s, ""
	if ip, ok := strings.CutPrefix(s, "["); ok {
		end := strings.IndexByte(ip, ']')
		if end < 1 {
			return false
		}
		for i := 0; i < end; i++ {
			if !isHex(ip[i]) && ip[i] != ':' {
				return false
			}
		}
		switch rest := ip[end+1:]; {
		case rest == "":
			return true
		case rest[0] != ':':
			return false
		default:
			return digits(rest[1:])
		}
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		host, port = s[:i], s[i+1:]
		if !digits(port) {
			return false
		}
	}
	return validDomain(host)
}

// validDomain matches refDomain: labels joined by dots.
func validDomain(s string) bool { return joined(s, ".", validLabel) }

// joined reports whether s is one or more parts, each valid, joined by sep.
func joined(s, sep string, valid func(string) bool) bool {
	for {
		part, rest, more := strings.Cut(s, sep)
		if !valid(part) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

// validLabel matches [a-z0-9](?:[a-z0-9-]*[a-z0-9])?.
func validLabel(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if !isAlnum(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// validPath matches refComponent refPath: components joined by slashes.
func validPath(s string) bool { return joined(s, "/", validComponent) }

// validComponent matches refComponent: runs of [a-z0-9] joined by one
// dot, one or two underscores, or dashes.
func validComponent(s string) bool {
	i := 0
	for {
		run := i
		for i < len(s) && isAlnum(s[i]) {
			i++
		}
		if i == run {
			return false
		}
		if i == len(s) {
			return true
		}
		switch s[i] {
		case '.':
			i++
		case '_':
			i++
			if i < len(s) && s[i] == '_' {
				i++
			}
		case '-':
			for i < len(s) && s[i] == '-' {
				i++
			}
		default:
			return false
		}
	}
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

func isHex(c byte) bool { return 'a' <= c && c <= 'f' || '0' <= c && c <= '9' }
