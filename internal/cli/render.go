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
	"fmt"
	"regexp"
	"strings"

	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/report"
)

type renderCmd struct {
	specFlags
	Engine             string `placeholder:"ENGINE" help:"Engine to render for, as spec.enforcement.engines names it: Kyverno or AdmissionPolicy (case-insensitive, so the older kyverno and admissionpolicy still work). Default: the spec's first engine that renders policies, else Kyverno."`
	OutputDir          string `short:"o" name:"output-dir" placeholder:"DIR" help:"Write one file per object into DIR instead of a YAML stream on standard output. DIR must be new, empty or an earlier kspec render output: afterwards it holds exactly what this render produced (and a .kspec-render list of it); files of rules that no longer exist are removed, and nothing is written through links."`
	ExceptionNamespace string `placeholder:"NAMESPACE" help:"Namespace of the PolicyExceptions of a cluster-wide specification. Default: kspec-system."`
}

func (c *renderCmd) Run(s streams) error {
	set, err := c.compile(s)
	if err != nil {
		return err
	}
	now, err := c.now()
	if err != nil {
		return err
	}
	engine := render.DefaultEngine(set)
	if c.Engine != "" {
		if engine, err = render.ParseEngine(c.Engine); err != nil {
			return errors.Wrap(err, "--engine")
		}
	}
	objs, err := render.Render(set, engine, render.Options{Now: now, ExceptionNamespace: c.ExceptionNamespace})
	if err != nil {
		return err
	}
	if len(objs) == 0 {
		_, _ = fmt.Fprintf(s.err, "kspec: %s has no rules that apply to objects; nothing to render\n", report.Printable(set.Name))
	}
	if c.OutputDir == "" {
		b, err := render.Marshal(objs)
		if err != nil {
			return err
		}
		_, err = s.out.Write(b)
		return err
	}
	return writeDir(c.OutputDir, objs)
}

var lowerKind = regexp.MustCompile(`^[a-z]+$`)

// writeDir writes each object to DIR/<kind>-<name>.yaml. Render names
// every object with a DNS-1123 subdomain whatever the spec calls things;
// writeDir checks every name before it writes anything, since the names
// become file names.
func writeDir(dir string, objs []client.Object) error {
	files := make([]string, len(objs))
	written := map[string]bool{}
	for i, o := range objs {
		kind := strings.ToLower(o.GetObjectKind().GroupVersionKind().Kind)
		name := o.GetName()
		files[i] = kind + "-" + name + ".yaml"
		switch {
		case !lowerKind.MatchString(kind):
			return errors.Errorf("cannot name a file after kind %q", kind)
		case len(validation.IsDNS1123Subdomain(name)) > 0, strings.ContainsAny(name, `/\`), strings.Contains(name, ".."):
			return errors.Errorf("cannot name a file after %s %q: not a DNS-1123 subdomain", kind, name)
		case written[files[i]]:
			return errors.Errorf("cannot write %s twice", files[i])
		}
		written[files[i]] = true
	}
	out := make(map[string][]byte, len(objs))
	for i, o := range objs {
		b, err := render.Marshal([]client.Object{o})
		if err != nil {
			return err
		}
		out[files[i]] = b
	}
	return writeFiles(dir, out)
}
