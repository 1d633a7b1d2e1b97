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
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/pkg/errors"
	"golang.org/x/term"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/output"
	"github.com/kspec-io/kspec/internal/scan"
)

type scanCmd struct {
	specFlags
	outputFlags
	Kubeconfig string        `type:"path" placeholder:"PATH" help:"Kubeconfig file; by default KUBECONFIG, else ~/.kube/config, else the in-cluster identity."`
	Context    string        `placeholder:"NAME" help:"Kubeconfig context to use instead of the current one."`
	PageSize   int64         `name:"page-size" default:"500" help:"Objects per list request."`
	Timeout    time.Duration `name:"request-timeout" default:"30s" help:"Time limit of each request to the API server."`
}

func (c *scanCmd) Run(s streams, rc *exitCode) error {
	if c.PageSize <= 0 {
		return errors.Errorf("--page-size %d: want a positive number", c.PageSize)
	}
	set, err := c.compile(s)
	if err != nil {
		return err
	}
	now, err := c.now()
	if err != nil {
		return err
	}
	cfg, err := restConfig(c.Kubeconfig, c.Context)
	if err != nil {
		return err
	}
	cfg.Timeout = c.Timeout
	stream, err := c.stream(s)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	progress := newProgress(s.err)
	o := scan.Options{Now: now, PageSize: c.PageSize, Progress: progress.show}
	// Nothing is written before the cluster answered: an unreachable
	// cluster is one line on standard error, not half a report.
	begun := false
	rep, err := scan.Scan(ctx, cfg, set, o, func(rs []report.Result) error {
		if !begun {
			begun = true
			if err := stream.Begin(scan.NewReport(set, now)); err != nil {
				return err
			}
		}
		return stream.Results(rs)
	})
	progress.clear()
	if err != nil {
		return oneLine(err)
	}
	if !begun {
		if err := stream.Begin(rep); err != nil {
			return err
		}
	}
	switch {
	case rep.Summary.InputErrors > 0:
		rc.code = ExitUsage
	case rep.Summary.Failed():
		rc.code = ExitInvalid
	}
	if c.Output != output.JSON {
		for _, w := range rep.Warnings[len(set.Warnings):] {
			_, _ = fmt.Fprintf(s.err, "kspec: warning: %s\n", report.Printable(w))
		}
	}
	return stream.End(rep)
}

// restConfig is the client configuration of a kubeconfig and context,
// found as kubectl finds it.
func restConfig(path, context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if path != "" {
		rules.ExplicitPath = path
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context}).ClientConfig()
	if err != nil {
		what := "kubeconfig"
		if path != "" {
			what = "kubeconfig " + path
		}
		if context != "" {
			what += ", context " + context
		}
		return nil, oneLine(errors.Wrap(err, what))
	}
	return cfg, nil
}

// oneLine folds an error onto one line: client-go's aggregate errors span
// several.
func oneLine(err error) error {
	msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
	return errors.New(msg)
}

// progress shows how far a scan has got on standard error, when it is a
// terminal, at most a few times a second; elsewhere it says nothing.
type progress struct {
	w     io.Writer
	on    bool
	last  time.Time
	shown bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) show(pr scan.Progress) {
	if !p.on || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.shown = time.Now(), true
	_, _ = fmt.Fprintf(p.w, "\r\033[Kkspec: scanning %s: %d listed, %d objects evaluated", pr.Resource, pr.Listed, pr.Objects)
}

func (p *progress) clear() {
	if p.shown {
		_, _ = fmt.Fprint(p.w, "\r\033[K")
	}
}
