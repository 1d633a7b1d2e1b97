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
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// osc8 is a terminal hyperlink whose text hides where it points.
const osc8 = "\x1b]8;;https://evil.example/\x1b\\docs\x1b]8;;\x1b\\"

func TestPrintable(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     string
		want   string
	}{
		"Plain":      {reason: "What a terminal shows as it is stays as it is.", in: "Pod/team-a/web-0 ghcr.io/x@sha256:ab", want: "Pod/team-a/web-0 ghcr.io/x@sha256:ab"},
		"Letters":    {reason: "Letters of any script are not controls.", in: "café-日本-Ω", want: "café-日本-Ω"},
		"Backslash":  {reason: "A backslash is kept, so Windows paths read as paths.", in: `manifests\pod.yaml`, want: `manifests\pod.yaml`},
		"Replaced":   {reason: "U+FFFD, well encoded, is a character like others.", in: "a\uFFFDb", want: "a\uFFFDb"},
		"EraseLine":  {reason: "ESC[2K would erase the line printed so far.", in: "a\x1b[2Kb", want: `a\x1b[2Kb`},
		"CR":         {reason: "A carriage return would overprint the line.", in: "a\rFAKE", want: `a\rFAKE`},
		"LF":         {reason: "A newline would start a line kspec did not write.", in: "a\nPASS", want: `a\nPASS`},
		"Tab":        {reason: "A tab would add a column to the text report.", in: "a\tb", want: `a\tb`},
		"OtherC0":    {reason: "NUL, BEL, backspace and the rest of C0.", in: "\x00\a\b\f\v\x1f", want: `\x00\a\b\f\v\x1f`},
		"DEL":        {reason: "DEL is a control.", in: "a\x7fb", want: `a\x7fb`},
		"C1":         {reason: "C1 controls: U+009B is CSI on terminals that read them.", in: "a\u009b2Kb\u0085", want: `a\u009b2Kb\u0085`},
		"OSC8":       {reason: "A hyperlink escape would hide its target.", in: osc8, want: `\x1b]8;;https://evil.example/\x1b\docs\x1b]8;;\x1b\`},
		"BidiRLO":    {reason: "U+202E reverses what follows: exe.txt would read as txt.exe.", in: "invoice\u202Etxt.exe", want: `invoice\u202etxt.exe`},
		"BidiIsolat": {reason: "Isolates and marks reorder too.", in: "\u2066a\u2069\u200F\u061C", want: `\u2066a\u2069\u200f\u061c`},
		"ZeroWidth":  {reason: "Zero-width characters make two names look alike.", in: "ad\u200Bmin\uFEFF", want: `ad\u200bmin\ufeff`},
		"Separators": {reason: "Line and paragraph separators break lines in some terminals.", in: "a\u2028b\u2029", want: `a\u2028b\u2029`},
		"Astral":     {reason: "Format characters beyond the BMP get eight digits.", in: "a\U000E0041", want: `a\U000e0041`},
		"NotUTF8":    {reason: "Bytes that are not UTF-8 (8-bit CSI, tabwriter's escape) are written as bytes.", in: "a\x9b2K\xffb", want: `a\x9b2K\xffb`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Printable(tc.in)
			assert.Equal(t, tc.want, got, tc.reason)
			assert.True(t, utf8.ValidString(got), "the output is UTF-8")
			for _, r := range got {
				assert.False(t, unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp), "%U is left in %q", r, got)
			}
		})
	}
}

func TestPrintableKeepsSafeStrings(t *testing.T) {
	s := "Deployment/shop/legacy-admin"
	assert.Equal(t, 0, int(testing.AllocsPerRun(100, func() { _ = Printable(s) })), "a safe string is returned as it is, without a copy")
}
