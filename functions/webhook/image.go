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

package webhook

import "github.com/kspec-io/kspec/internal/version"

// DefaultImageRepository is where kspec's release puts the kspec-webhook
// image; the default image is it at the version of this build.
const DefaultImageRepository = "xpkg.kspec.io/kspec/kspec-webhook"

// DefaultImage is the kspec-webhook image released with this function:
// DefaultImageRepository tagged with this build's version, spelled as a
// valid image tag.
func DefaultImage() string {
	return DefaultImageRepository + ":" + tag(version.Version())
}

// tag makes v a valid image tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. A
// module version's build metadata ("+dirty") becomes "-dirty".
func tag(v string) string {
	b := []byte(v)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || i > 0 && (c == '.' || c == '-')
		switch {
		case ok:
		case i == 0:
			b[i] = '_'
		default:
			b[i] = '-'
		}
	}
	if len(b) == 0 {
		return "devel"
	}
	return string(b[:min(len(b), 128)])
}
