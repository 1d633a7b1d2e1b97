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

package resolve

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkResolve resolves the comprehensive example (a template and a
// base, validated by the API schema) as a function does on every
// reconcile (Comprehensive), the first time (Uncached: the schema
// validates, the template renders), and next to a spec with nothing to
// resolve, the baseline.
func BenchmarkResolve(b *testing.B) {
	ctx := context.Background()
	comprehensive, strict := example(b, "comprehensive"), example(b, "strict")
	src := Specs(strict)
	_, err := Resolve(ctx, comprehensive, src) // compiles the schema once
	require.NoError(b, err)
	b.Run("Comprehensive", func(b *testing.B) {
		for b.Loop() {
			if _, err := Resolve(ctx, comprehensive, src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Uncached", func(b *testing.B) {
		for b.Loop() {
			checked.Clear()
			applied.Clear()
			if _, err := Resolve(ctx, comprehensive, src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NothingToResolve", func(b *testing.B) {
		for b.Loop() {
			if _, err := Resolve(ctx, strict, src); err != nil {
				b.Fatal(err)
			}
		}
	})
}
