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

// Kubernetes version: the cluster runs a version in the spec's range.

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/pkg/errors"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// A release is a Kubernetes version; patch is -1 for a MAJOR.MINOR bound.
type release struct{ major, minor, patch int }

var releaseRE = regexp.MustCompile(`^v?(\d+)\.(\d+)(?:\.(\d+))?`)

// parseRelease reads MAJOR.MINOR[.PATCH], ignoring a distribution suffix
// such as -eks-4f4795d or +k3s1.
func parseRelease(s string) (release, error) {
	m := releaseRE.FindStringSubmatch(s)
	if m == nil {
		return release{}, errors.Errorf("%q is not a Kubernetes version", s)
	}
	r := release{patch: -1}
	r.major, _ = strconv.Atoi(m[1])
	r.minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		r.patch, _ = strconv.Atoi(m[3])
	}
	return r, nil
}

// compare compares v with a bound; a bound without a patch compares
// equal to every patch of its minor.
func (v release) compare(bound release) int {
	if c := v.major - bound.major; c != 0 {
		return c
	}
	if c := v.minor - bound.minor; c != 0 {
		return c
	}
	if bound.patch < 0 {
		return 0
	}
	return v.patch - bound.patch
}

func versionRule(k *kspecv1alpha1.KubernetesRequirements) (*Rule, error) {
	var minV, maxV *release
	for _, b := range []struct {
		v   kspecv1alpha1.KubernetesVersion
		dst **release
	}{{k.MinVersion, &minV}, {k.MaxVersion, &maxV}} {
		if b.v == "" {
			continue
		}
		r, err := parseRelease(string(b.v))
		if err != nil {
			return nil, err
		}
		*b.dst = &r
	}
	excluded := make([]release, 0, len(k.ExcludedVersions))
	for _, e := range k.ExcludedVersions {
		r, err := parseRelease(string(e))
		if err != nil {
			return nil, errors.Wrap(err, "excludedVersions")
		}
		excluded = append(excluded, r)
	}
	want := fmt.Sprintf("between %s and %s", or(string(k.MinVersion), "any"), or(string(k.MaxVersion), "any"))
	return &Rule{
		ID:          CategoryKubernetesVersion + "/supported",
		Title:       "The cluster runs a supported Kubernetes version",
		Severity:    reportsv1alpha1.SeverityCritical,
		Remediation: fmt.Sprintf("Upgrade the control plane to a Kubernetes version %s that is not excluded.", want),
		reads:       []string{"Version"},
		cluster: func(c *Cluster) []Finding {
			v, err := parseRelease(c.Version)
			if err != nil {
				return []Finding{{Status: Error, Message: err.Error()}}
			}
			switch {
			case minV != nil && v.compare(*minV) < 0:
				return []Finding{fail(ObjectRef{}, "Kubernetes %s is older than %s", c.Version, k.MinVersion)}
			case maxV != nil && v.compare(*maxV) > 0:
				return []Finding{fail(ObjectRef{}, "Kubernetes %s is newer than %s", c.Version, k.MaxVersion)}
			}
			for i, e := range excluded {
				if v.compare(e) == 0 {
					return []Finding{fail(ObjectRef{}, "Kubernetes %s is excluded (%s)", c.Version, k.ExcludedVersions[i])}
				}
			}
			return []Finding{pass(ObjectRef{}, "Kubernetes %s is %s", c.Version, want)}
		},
	}, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

var versionFamily = family{
	category: CategoryKubernetesVersion,
	names:    func() []string { return []string{"supported"} },
	compile: func(req *kspecv1alpha1.Requirements) ([]*Rule, error) {
		if req.Kubernetes == nil {
			return nil, nil
		}
		r, err := versionRule(req.Kubernetes)
		if err != nil {
			return nil, errors.Wrap(err, "kubernetes")
		}
		return []*Rule{r}, nil
	},
}
