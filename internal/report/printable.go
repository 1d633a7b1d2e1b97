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

package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable is s made safe to print on a terminal: every character a
// terminal would act on rather than show is written as a Go escape, so a
// name read from a manifest cannot move the cursor, erase or fake a line,
// open a hyperlink or reorder the text around it. It escapes C0 controls
// (tab and newline too), DEL, C1 controls, format characters (bidi
// overrides and isolates, zero-width characters), line and paragraph
// separators, and bytes that are not UTF-8. ESC becomes \x1b, a newline \n,
// U+202E \u202e. A backslash is kept as it is, so Windows paths stay
// readable: the escapes are for eyes, not to be parsed back.
//
// Every human-readable output of kspec passes what it did not write itself
// through Printable; JSON and SARIF escape by their own rules.
func Printable(s string) string {
	i := unsafeAt(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case unsafeRune(r):
			b.WriteString(escape(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unsafeAt is the index of the first byte Printable must escape, or -1.
func unsafeAt(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || unsafeRune(r) {
			return i
		}
		i += n
	}
	return -1
}

// unsafeRune reports whether a terminal may act on r: a control (C0, DEL,
// C1), a format character (Cf: bidi controls, zero-width characters) or a
// line or paragraph separator.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// escape writes r as Go does in a string literal: the short forms for the
// common controls, \xNN for the other ASCII ones, \uNNNN or \UNNNNNNNN
// beyond.
func escape(r rune) string {
	switch r {
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case '\v':
		return `\v`
	}
	switch {
	case r < 0x80:
		return `\x` + pad(strconv.FormatInt(int64(r), 16), 2)
	case r <= 0xffff:
		return `\u` + pad(strconv.FormatInt(int64(r), 16), 4)
	}
	return `\U` + pad(strconv.FormatInt(int64(r), 16), 8)
}

func hex2(c byte) string { return pad(strconv.FormatUint(uint64(c), 16), 2) }

func pad(s string, n int) string { return strings.Repeat("0", n-len(s)) + s }
