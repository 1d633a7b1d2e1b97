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
	"context"
	"fmt"
	"time"

	"github.com/pkg/errors"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

// specFlags are the flags of commands that read a specification.
type specFlags struct {
	File  string   `short:"f" required:"" type:"existingfile" placeholder:"SPEC" help:"File holding one ClusterSpecification or ClusterSpecificationClaim."`
	Specs []string `name:"specs" placeholder:"PATH" help:"Files or directories holding the ClusterSpecifications the spec is based on (spec.basedOn), and theirs; repeatable. Only the ones named are read and validated."`
	Now   string   `placeholder:"RFC3339" help:"Evaluate exemptions at this time instead of now, for reproducible runs."`
}

func (f specFlags) now() (time.Time, error) {
	if f.Now == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, f.Now)
	return t, errors.Wrap(err, "--now: want an RFC3339 time such as 2026-12-01T00:00:00Z")
}

// compile reads, validates, resolves (policyTemplate and basedOn, with
// bases from --specs) and compiles the specification. An invalid
// specification is an error that lists every problem with its position.
func (f specFlags) compile(s streams) (*rules.Set, error) {
	srcs, _, err := manifest.Read([]string{f.File}, s.in)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	spec, err := validate.ReadSpecification(ctx, f.File, srcs[0].Data)
	if err != nil {
		return nil, err
	}
	// Templates and bases apply here, as in the function: what is
	// compiled is the resolved spec.
	if spec, err = resolveSpec(ctx, spec, func() (*specSource, error) { return readSpecSource(f.Specs) }); err != nil {
		return nil, errors.Wrap(err, f.File)
	}
	set, err := rules.Compile(spec)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot compile specification %s", spec.Name)
	}
	for _, w := range set.Warnings {
		_, _ = fmt.Fprintf(s.err, "kspec: warning: %s: %s\n", report.Printable(spec.Name), report.Printable(w))
	}
	return set, nil
}
