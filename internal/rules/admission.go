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

package rules

// Admission: the required webhooks and enough policies are installed.

import (
	"regexp"
	"slices"

	"github.com/pkg/errors"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

func admissionRules(a *kspecv1alpha1.AdmissionRequirements) ([]*Rule, error) {
	var out []*Rule
	if len(a.Required) > 0 {
		res := make([]*regexp.Regexp, len(a.Required))
		for i, w := range a.Required {
			re, err := regexp.Compile("^(?:" + w.NamePattern + ")$")
			if err != nil {
				return nil, errors.Wrapf(err, "required[%d].namePattern", i)
			}
			res[i] = re
		}
		out = append(out, &Rule{
			ID:          CategoryAdmission + "/webhooks",
			Title:       "The required admission webhooks are installed",
			Severity:    reportsv1alpha1.SeverityHigh,
			Remediation: "Install the admission controllers the specification requires (for example Kyverno).",
			reads:       webhookReads(a.Required),
			cluster: func(c *Cluster) []Finding {
				out := make([]Finding, 0, len(a.Required))
				for i, w := range a.Required {
					names := c.ValidatingWebhooks
					if w.Type == "MutatingWebhookConfiguration" {
						names = c.MutatingWebhooks
					}
					n := 0
					for _, name := range names {
						if res[i].MatchString(name) {
							n++
						}
					}
					want := max(int(w.MinCount), 1)
					o := ObjectRef{APIVersion: "admissionregistration.k8s.io/v1", Kind: string(w.Type), Name: w.NamePattern}
					if n < want {
						out = append(out, fail(o, "%d %s named %s, want at least %d", n, w.Type, w.NamePattern, want))
					} else {
						out = append(out, pass(o, "%d %s named %s", n, w.Type, w.NamePattern))
					}
				}
				return out
			},
		})
	}
	if p := a.Policies; p != nil {
		out = append(out, &Rule{
			ID:          CategoryAdmission + "/policies",
			Title:       "Enough admission policies are in place",
			Severity:    reportsv1alpha1.SeverityMedium,
			Remediation: "Render and apply the specification's policies (kspec render), and the named policies.",
			reads:       []string{"Policies"},
			cluster: func(c *Cluster) []Finding {
				var out []Finding
				if len(c.Policies) < int(p.MinCount) {
					out = append(out, fail(ObjectRef{}, "%d admission policies, want at least %d", len(c.Policies), p.MinCount))
				} else {
					out = append(out, pass(ObjectRef{}, "%d admission policies", len(c.Policies)))
				}
				for _, want := range p.RequiredPolicies {
					if slices.ContainsFunc(c.Policies, func(o ObjectRef) bool { return o.Name == want.Name }) {
						out = append(out, pass(ObjectRef{Name: want.Name}, "policy %s exists", want.Name))
					} else {
						out = append(out, fail(ObjectRef{Name: want.Name}, "policy %s is missing", want.Name))
					}
				}
				return out
			},
		})
	}
	return out, nil
}

var admissionFamily = family{
	category: CategoryAdmission,
	names:    func() []string { return []string{"webhooks", "policies"} },
	compile: func(req *kspecv1alpha1.Requirements) ([]*Rule, error) {
		if req.Admission == nil {
			return nil, nil
		}
		rs, err := admissionRules(req.Admission)
		return rs, errors.Wrap(err, "admission")
	},
}

// webhookReads are the webhook configuration lists the required webhooks
// are looked up in.
func webhookReads(ws []kspecv1alpha1.RequiredWebhook) []string {
	var out []string
	for _, w := range ws {
		f := "ValidatingWebhooks"
		if w.Type == "MutatingWebhookConfiguration" {
			f = "MutatingWebhooks"
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
