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
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/stored"
)

type reportCmd struct {
	outputFlags
	Kubeconfig    string        `type:"path" placeholder:"FILE" help:"Kubeconfig file; the default is $KUBECONFIG, else ~/.kube/config."`
	Context       string        `placeholder:"NAME" help:"Kubeconfig context; the default is the current one."`
	Namespace     string        `short:"n" placeholder:"NS" help:"Read reports in this namespace only; the default is every namespace."`
	Name          string        `placeholder:"REPORT" help:"Export this ComplianceReport rather than the latest of every target."`
	Cluster       string        `placeholder:"CLUSTER" help:"Only targets of this cluster (a ComplianceReport's spec.cluster)."`
	Specification string        `placeholder:"SPEC" help:"Only targets of this specification."`
	Fleet         bool          `help:"Add a fleet summary: score, failures and score trend per target, and the rules failing on the most targets."`
	Timeout       time.Duration `default:"30s" help:"How long to wait for the API server."`
}

// Run exports reports: one scan by name, else the latest scan of every
// target, with a fleet summary if asked. It exits 1 when what it exports
// has failures, as kspec check does, so a pipeline can gate on it.
func (c *reportCmd) Run(s streams, rc *exitCode) error {
	if c.Name != "" && c.Fleet {
		return errors.New("--name exports one report; --fleet summarises many: give one of them")
	}
	k, where, err := c.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	crs, drs, err := c.read(ctx, k)
	if err != nil {
		return errors.Wrapf(err, "cannot read reports from %s", where)
	}
	var rep *report.Report
	switch {
	case c.Name != "":
		var found []reportsv1alpha1.ComplianceReport
		for _, cr := range crs {
			if cr.Name == c.Name {
				found = append(found, cr)
			}
		}
		switch len(found) {
		case 0:
			return errors.Errorf("no ComplianceReport %s in %s", c.Name, c.scope())
		case 1:
			rep = stored.FromComplianceReport(&found[0])
		default:
			return errors.Errorf("%d ComplianceReports are named %s: give --namespace", len(found), c.Name)
		}
	default:
		crs = c.filter(crs)
		if len(crs) == 0 {
			return errors.Errorf("no ComplianceReports in %s%s", c.scope(), c.filters())
		}
		if c.Fleet {
			rep = stored.Fleet(crs, drs)
		} else {
			rep = stored.Latest(crs, drs)
		}
	}
	stream, err := c.stream(s)
	if err != nil {
		return err
	}
	if err := report.WriteAll(stream, rep); err != nil {
		return err
	}
	if rep.Summary.Failed() {
		rc.code = ExitInvalid
	}
	return nil
}

// client connects as kubectl would, with --kubeconfig and --context.
func (c *reportCmd) client() (client.Client, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = c.Kubeconfig
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: c.Context})
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, "", errors.Wrap(oneLine(err), "cannot load kubeconfig")
	}
	cfg.Timeout = c.Timeout
	s := runtime.NewScheme()
	if err := reportsv1alpha1.AddToScheme(s); err != nil {
		return nil, "", err
	}
	k, err := client.New(cfg, client.Options{Scheme: s})
	if err != nil {
		return nil, "", errors.Wrapf(oneLine(err), "cannot connect to %s", cfg.Host)
	}
	return k, cfg.Host, nil
}

func (c *reportCmd) read(ctx context.Context, k client.Client) ([]reportsv1alpha1.ComplianceReport, []reportsv1alpha1.DriftReport, error) {
	var opts []client.ListOption
	if c.Namespace != "" {
		opts = append(opts, client.InNamespace(c.Namespace))
	}
	var crl reportsv1alpha1.ComplianceReportList
	if err := k.List(ctx, &crl, opts...); err != nil {
		if kerrors.IsNotFound(err) || isNoMatch(err) {
			return nil, nil, errors.New("the cluster has no ComplianceReport API (reports.kspec.io/v1alpha1): is the kspec provider installed?")
		}
		return nil, nil, oneLine(err)
	}
	var drl reportsv1alpha1.DriftReportList
	if err := k.List(ctx, &drl, opts...); err != nil && !kerrors.IsNotFound(err) && !isNoMatch(err) {
		return nil, nil, oneLine(err)
	}
	return crl.Items, drl.Items, nil
}

func (c *reportCmd) filter(crs []reportsv1alpha1.ComplianceReport) []reportsv1alpha1.ComplianceReport {
	var out []reportsv1alpha1.ComplianceReport
	for _, cr := range crs {
		if (c.Cluster == "" || cr.Spec.Cluster == c.Cluster) && (c.Specification == "" || cr.Spec.Specification == c.Specification) {
			out = append(out, cr)
		}
	}
	return out
}

func (c *reportCmd) scope() string {
	if c.Namespace != "" {
		return "namespace " + c.Namespace
	}
	return "any namespace"
}

func (c *reportCmd) filters() string {
	var s string
	if c.Cluster != "" {
		s += fmt.Sprintf(" for cluster %s", c.Cluster)
	}
	if c.Specification != "" {
		s += fmt.Sprintf(" for specification %s", c.Specification)
	}
	return s
}
