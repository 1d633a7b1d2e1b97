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

package cli

import (
	"os"

	"k8s.io/apimachinery/pkg/api/meta"

	"golang.org/x/term"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/output"
)

// outputFlags are the flags of commands that write a report.
type outputFlags struct {
	Output string `short:"o" enum:"text,json,sarif,markdown,oscal,junit,policyreport" default:"text" help:"Output format: text, json, sarif, markdown, oscal (assessment results), junit or policyreport (wgpolicyk8s.io/v1alpha2)."`
}

// stream is the chosen format's writer to standard output. Text is
// coloured when standard output is a terminal and NO_COLOR is not set.
func (o outputFlags) stream(s streams) (report.Stream, error) {
	return output.New(o.Output, s.out, output.Options{Color: colorful(s)})
}

func colorful(s streams) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := s.out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// isNoMatch reports whether the API server does not serve a kind.
func isNoMatch(err error) bool { return meta.IsNoMatchError(err) }
