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
	"os"
	"path/filepath"
	"strings"

	"github.com/pkg/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
)

type renderCmd struct {
	specFlags
	Engine             string `enum:",kyverno,admissionpolicy" default:"" help:"Engine to render for: kyverno or admissionpolicy. Default: the spec's first engine that renders policies, else kyverno."`
	OutputDir          string `short:"o" name:"output-dir" placeholder:"DIR" help:"Write one file per object into DIR instead of a YAML stream on standard output."`
	ExceptionNamespace string `default:"kspec-system" help:"Namespace of the PolicyExceptions of a cluster-wide specification."`
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
	objs, err := render.Render(set, c.engine(set), render.Options{Now: now, ExceptionNamespace: c.ExceptionNamespace})
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

// engine picks the engine: the flag, else the spec's first engine that
// renders policies.
func (c *renderCmd) engine(set *rules.Set) string {
	if c.Engine != "" {
		return c.Engine
	}
	for _, e := range set.Engines {
		switch e {
		case kspecv1alpha1.EngineKyverno:
			return render.EngineKyverno
		case kspecv1alpha1.EngineAdmissionPolicy:
			return render.EngineAdmissionPolicy
		}
	}
	return render.EngineKyverno
}

// writeDir writes each object to DIR/<kind>-<name>.yaml.
func writeDir(dir string, objs []client.Object) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return errors.Wrap(err, "cannot create output directory")
	}
	for _, o := range objs {
		b, err := render.Marshal([]client.Object{o})
		if err != nil {
			return err
		}
		kind := strings.ToLower(o.GetObjectKind().GroupVersionKind().Kind)
		name := filepath.Join(dir, kind+"-"+o.GetName()+".yaml")
		if err := os.WriteFile(name, b, 0o600); err != nil {
			return errors.Wrap(err, "cannot write output")
		}
	}
	return nil
}
