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

// Package cli implements the kspec command line.
package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/version"
)

// Exit codes, for CI.
const (
	// ExitOK means every input was valid or compliant.
	ExitOK = 0
	// ExitInvalid means some input was invalid or non-compliant.
	ExitInvalid = 1
	// ExitUsage means the command could not run: bad flags, unreadable files.
	ExitUsage = 2
)

// streams are what a command reads and writes.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

type cli struct {
	Cluster  clusterCmd  `cmd:"" help:"Register clusters with provider-kspec from a kubeconfig, and scan them now."`
	Check    checkCmd    `cmd:"" help:"Check manifests against a specification, offline, as kyverno apply would."`
	Render   renderCmd   `cmd:"" help:"Render a specification's admission policies: Kyverno or ValidatingAdmissionPolicy."`
	Report   reportCmd   `cmd:"" help:"Export the ComplianceReports stored in a cluster: the latest per target, one by name, or a fleet summary."`
	Scan     scanCmd     `cmd:"" help:"Scan a live cluster against a specification: every governed object, Pod Security of running workloads, the cluster-level checks."`
	Validate validateCmd `cmd:"" help:"Validate kspec manifests against the kspec API schemas, offline."`
	Version  versionCmd  `cmd:"" help:"Print the kspec version."`
}

type versionCmd struct{}

func (versionCmd) Run(s streams) error {
	_, err := fmt.Fprintln(s.out, "kspec", version.Version())
	return err
}

// exitCode is bound into commands that decide their own exit code; an error
// returned by a command always exits with ExitUsage.
type exitCode struct{ code int }

// Run runs the kspec command line and returns its exit code.
func Run(args []string, in io.Reader, out, errOut io.Writer) int {
	var c cli
	code := -1
	parser, err := kong.New(&c,
		kong.Name("kspec"),
		kong.Description("kspec: Kubernetes cluster compliance, the Crossplane way."),
		kong.Writers(out, errOut),
		kong.Exit(func(c int) { code = c }),
	)
	if err != nil {
		complain(errOut, err)
		return ExitUsage
	}
	ctx, err := parser.Parse(args)
	if code >= 0 { // --help exits through kong.Exit.
		return code
	}
	if err != nil {
		complain(errOut, err)
		return ExitUsage
	}
	rc := &exitCode{}
	if err := ctx.Run(streams{in: in, out: out, err: errOut}, rc); err != nil {
		complain(errOut, err)
		return ExitUsage
	}
	return rc.code
}

// complain reports an error that stops a command; there is nowhere left to
// report a failure to write it. An error can name files and values from
// the input, so each of its lines goes through report.Printable, and lines
// after the first are indented: a line break inside a value cannot print a
// line that looks like one of kspec's own.
func complain(w io.Writer, err error) {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = report.Printable(l)
	}
	_, _ = fmt.Fprintln(w, "kspec:", strings.Join(lines, "\n  "))
}
