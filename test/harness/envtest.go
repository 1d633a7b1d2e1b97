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

package harness

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// Envtest runs a test package whose tests share a control plane started
// from the envtest binaries (kube-apiserver, etcd) that make test builds:
//
//	func TestMain(m *testing.M) { os.Exit(harness.Envtest(m, run)) }
//
// run starts what the package shares, calls m.Run and tears down,
// returning m.Run's code. Under -short the tests run without it (each
// skips itself with SkipShort); without KUBEBUILDER_ASSETS, Envtest says
// how to get the binaries and fails.
func Envtest(m *testing.M, run func(*testing.M) int) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set: run these tests with 'make test', which builds kube-apiserver and etcd")
		return 1
	}
	return run(m)
}

// Must panics with err: what a TestMain's setup, which has no T, does
// with an error.
func Must(err error) {
	if err != nil {
		panic(err)
	}
}

// SkipShort skips, under -short, a test that needs the control plane.
func SkipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a kube-apiserver: run with make test")
	}
}
