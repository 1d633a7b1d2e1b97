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

package output

import (
	"io"
	"strconv"
	"testing"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/reporttest"
)

// BenchmarkWrite writes a report of 10,000 results in every format; JSON,
// which streams with no per-result state, is the baseline (see
// docs/benchmarks.md).
func BenchmarkWrite(b *testing.B) {
	rep := reporttest.Large(10000)
	for _, format := range Formats {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := New(format, io.Discard, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := report.WriteAll(s, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteScaling writes 10,000 and 40,000 results, so the per-result
// cost can be compared: linear writers cost the same per result.
func BenchmarkWriteScaling(b *testing.B) {
	for _, n := range []int{10000, 40000} {
		rep := reporttest.Large(n)
		for _, format := range []string{JSON, Markdown, OSCAL, JUnit, PolicyReport} {
			b.Run(format+"/"+itoa(n), func(b *testing.B) {
				for b.Loop() {
					s, _ := New(format, io.Discard, Options{})
					if err := report.WriteAll(s, rep); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/result")
			})
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n/1000) + "k" }
