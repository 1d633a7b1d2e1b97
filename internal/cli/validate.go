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
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/pkg/errors"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kspec-io/kspec/internal/manifest"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/resolve"
	"github.com/kspec-io/kspec/internal/validate"
)

type validateCmd struct {
	Output string   `short:"o" enum:"text,json" default:"text" help:"Output format: text or json."`
	Specs  []string `name:"specs" placeholder:"PATH" help:"Files or directories holding more ClusterSpecifications that the validated ones may be based on (spec.basedOn); repeatable. The validated documents are bases too."`
	Paths  []string `arg:"" name:"path" help:"Files or directories of YAML or JSON manifests; - reads standard input."`
}

type documentResult struct {
	Source   string             `json:"source"`
	Index    int                `json:"index"`
	Line     int                `json:"line"`
	Kind     string             `json:"kind,omitempty"`
	Name     string             `json:"name,omitempty"`
	Status   string             `json:"status"`
	Problems []validate.Problem `json:"problems,omitempty"`
}

// Document statuses.
const (
	statusValid   = "valid"
	statusInvalid = "invalid"
	statusSkipped = "skipped"
)

type validateSummary struct {
	Documents []documentResult `json:"documents"`
	Valid     int              `json:"valid"`
	Invalid   int              `json:"invalid"`
	Skipped   int              `json:"skipped"`
}

func (c *validateCmd) Run(s streams, rc *exitCode) error {
	schema, err := validate.KspecSchema()
	if err != nil {
		return err
	}
	sources, warnings, err := manifest.Read(c.Paths, s.in)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		_, _ = fmt.Fprintf(s.err, "kspec: warning: %s\n", w)
	}

	// Only the documents kspec validates need YAML nodes for positions.
	validated := func(apiVersion, kind string) bool {
		gvk := runtimeschema.FromAPIVersionAndKind(apiVersion, kind)
		return schema.Knows(gvk) || isKspecGroup(gvk.Group)
	}
	sum := &validateSummary{Documents: []documentResult{}}
	ctx := context.Background()
	var results []documentResult
	var specs []manifest.Document             // the specifications: bases (an invalid one says why when named)
	resolvable := map[int]manifest.Document{} // by result: the valid specs with a template or bases
	for _, src := range sources {
		for _, d := range manifest.ParseKinds(src.Name, src.Data, validated) {
			r := validateDocument(ctx, schema, d)
			if d.Object != nil && isSpecification(d.Object.GetAPIVersion(), d.Object.GetKind()) {
				specs = append(specs, d)
				spec, _ := d.Object.Object["spec"].(map[string]any)
				if r.Status == statusValid && (spec["policyTemplate"] != nil || spec["basedOn"] != nil) {
					resolvable[len(results)] = d
				}
			}
			results = append(results, r)
		}
	}
	// Bases may come later in the input: resolve once every document is read.
	if len(resolvable) > 0 {
		src, err := c.specSource(specs)
		if err != nil {
			return err
		}
		for _, i := range slices.Sorted(maps.Keys(resolvable)) {
			if ps := resolveDocument(ctx, resolvable[i], src); len(ps) > 0 {
				results[i].Status, results[i].Problems = statusInvalid, ps
			}
		}
	}
	for _, r := range results {
		sum.add(r)
	}
	if len(sum.Documents) == 0 {
		return errors.Errorf("no documents found in %s", strings.Join(c.Paths, ", "))
	}
	if sum.Invalid > 0 {
		rc.code = ExitInvalid
	}
	if c.Output == "json" {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	return sum.writeText(s.out, len(sources))
}

// specSource is a source of bases over the valid specifications of the
// input and those of --specs.
func (c *validateCmd) specSource(specs []manifest.Document) (*specSource, error) {
	more, err := readSpecSource(c.Specs)
	if err != nil {
		return nil, err
	}
	where := "the validated files (" + strings.Join(c.Paths, ", ") + ")"
	if more.where != "" {
		where += " and " + more.where
	}
	src := newSpecSource(where, specs)
	for name, docs := range more.byName {
		src.byName[name] = append(src.byName[name], docs...)
	}
	src.unreadable = more.unreadable
	return src, nil
}

// resolveDocument resolves a valid specification's template and bases
// and returns why it cannot, at the positions of the fields at fault.
func resolveDocument(ctx context.Context, d manifest.Document, src *specSource) []validate.Problem {
	spec, err := validate.ReadDocument(ctx, d)
	if err != nil { // validated already
		return []validate.Problem{{Position: d.Locate(""), Message: err.Error()}}
	}
	_, err = resolve.Resolve(ctx, spec, src)
	if err == nil {
		return nil
	}
	at := func(f, msg string) validate.Problem {
		return validate.Problem{Position: d.Locate(f), Field: f, Message: msg}
	}
	var me *resolve.MissingError
	var re *resolve.Error
	switch {
	case errors.As(err, &me):
		return []validate.Problem{at("spec.basedOn.specifications", src.missing(spec.Name, me).Error())}
	case errors.As(err, &re) && len(re.Chain) == 1:
		ps := make([]validate.Problem, len(re.Errors))
		for i, fe := range re.Errors {
			msg := fe.ErrorBody()
			if len(re.Combined) > 0 {
				msg = "combining " + strings.Join(re.Combined, ", then ") + " gives an invalid specification: " + msg
			}
			ps[i] = at(fe.Field, msg)
		}
		return ps
	case errors.As(err, &re) && len(re.Chain) > 1 && spec.Spec.BasedOn != nil:
		// A base at fault: point at the reference that leads to it.
		f := "spec.basedOn"
		if i := slices.Index(spec.Spec.BasedOn.Specifications, re.Chain[1]); i >= 0 {
			f = fmt.Sprintf("spec.basedOn.specifications[%d]", i)
		}
		return []validate.Problem{at(f, err.Error())}
	}
	return []validate.Problem{at("spec.basedOn", err.Error())}
}

func validateDocument(ctx context.Context, schema *validate.Schema, d manifest.Document) documentResult {
	r := documentResult{Source: d.Source, Index: d.Index, Line: d.Line, Status: statusValid}
	if d.Object != nil {
		r.Kind, r.Name = d.Object.GetKind(), d.Object.GetName()
		gvk := d.Object.GroupVersionKind()
		if !schema.Knows(gvk) && !isKspecGroup(gvk.Group) {
			r.Status = statusSkipped
			return r
		}
	}
	if r.Problems = schema.Check(ctx, d); len(r.Problems) > 0 {
		r.Status = statusInvalid
	}
	return r
}

// isKspecGroup reports whether a group is kspec's, where an unknown kind is
// a mistake rather than someone else's manifest.
func isKspecGroup(g string) bool { return g == "kspec.io" || strings.HasSuffix(g, ".kspec.io") }

func (s *validateSummary) add(r documentResult) {
	s.Documents = append(s.Documents, r)
	switch r.Status {
	case statusValid:
		s.Valid++
	case statusInvalid:
		s.Invalid++
	case statusSkipped:
		s.Skipped++
	}
}

// writeText writes a line per document, or per problem of an invalid one,
// and a summary. Names, kinds, files and messages come from the input, so
// each goes through report.Printable.
func (s *validateSummary) writeText(w io.Writer, files int) error {
	var b strings.Builder
	for _, r := range s.Documents {
		what := fmt.Sprintf("document %d", r.Index)
		if r.Kind != "" {
			what = report.Printable(r.Kind) + "/" + report.Printable(r.Name)
		}
		src := report.Printable(r.Source)
		switch r.Status {
		case statusValid:
			fmt.Fprintf(&b, "%s:%d: %s is valid\n", src, r.Line, what)
		case statusSkipped:
			fmt.Fprintf(&b, "%s:%d: %s skipped: not a kspec kind\n", src, r.Line, what)
		default:
			for _, p := range r.Problems {
				fmt.Fprintf(&b, "%s:%s: %s: ", src, p.Position, what)
				if p.Field != "" {
					fmt.Fprintf(&b, "%s: ", report.Printable(p.Field))
				}
				fmt.Fprintln(&b, report.Printable(p.Message))
			}
		}
	}
	fmt.Fprintf(&b, "%d documents in %d files: %d valid, %d invalid, %d skipped\n", len(s.Documents), files, s.Valid, s.Invalid, s.Skipped)
	_, err := io.WriteString(w, b.String())
	return err
}
