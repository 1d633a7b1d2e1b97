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

// Images: allowed and blocked registries, digests.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pkg/errors"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// registryPattern turns a registry pattern (host[:port][/path], the host
// possibly *.domain) into an RE2 matched against a normalized image.
func registryPattern(p string) (string, error) {
	host, path, _ := strings.Cut(p, "/")
	if host == "" || strings.ContainsAny(p, " \t@") || strings.HasSuffix(p, "/") {
		return "", errors.Errorf("registry %q: want host[:port][/path]", p)
	}
	hostname, port, hasPort := strings.Cut(host, ":")
	var b strings.Builder
	b.WriteString("^")
	if rest, ok := strings.CutPrefix(hostname, "*."); ok {
		if rest == "" || strings.Contains(rest, "*") {
			return "", errors.Errorf("registry %q: a wildcard must be a leading *. before a domain", p)
		}
		b.WriteString(`[^/:]+\.` + regexp.QuoteMeta(rest))
	} else {
		if strings.Contains(hostname, "*") {
			return "", errors.Errorf("registry %q: a wildcard must be a leading *. before a domain", p)
		}
		b.WriteString(regexp.QuoteMeta(hostname))
	}
	if hasPort {
		b.WriteString(":" + regexp.QuoteMeta(port))
	}
	b.WriteString("/")
	if path != "" {
		b.WriteString(regexp.QuoteMeta(path) + "([/:@]|$)")
	}
	return b.String(), nil
}

// registryPatterns is one RE2 matching an image of any of the patterns: a
// constant, so CEL compiles it once, at plan time.
func registryPatterns(ps []string) (string, error) {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		re, err := registryPattern(p)
		if err != nil {
			return "", err
		}
		out = append(out, "(?:"+strings.TrimPrefix(re, "^")+")")
	}
	return "^(?:" + strings.Join(out, "|") + ")", nil
}

// imageRules compiles workloads.images.
func imageRules(im *kspecv1alpha1.ImageRules) ([]*Rule, error) {
	var out []*Rule
	if len(im.AllowedRegistries) > 0 {
		res, err := registryPatterns(im.AllowedRegistries)
		if err != nil {
			return nil, errors.Wrap(err, "workloads.images.allowedRegistries")
		}
		allowed := "i.matches(" + quote(res) + ")"
		list := strings.Join(im.AllowedRegistries, ", ")
		out = append(out, &Rule{
			ID:                CategoryWorkloads + "/allowed-registries",
			Title:             "Images come from allowed registries",
			Severity:          reportsv1alpha1.SeverityHigh,
			Kinds:             PodKinds,
			every:             every{"images", "i", allowed},
			Message:           "every image must come from an allowed registry: " + list,
			MessageExpression: "'images ' + variables.images.filter(i, !" + allowed + ").join(', ') + " + quote(" are not from an allowed registry: "+list),
			Remediation:       "Pull images from one of the allowed registries (" + list + "), mirroring them there if needed.",
		})
	}
	if len(im.BlockedRegistries) > 0 {
		res, err := registryPatterns(im.BlockedRegistries)
		if err != nil {
			return nil, errors.Wrap(err, "workloads.images.blockedRegistries")
		}
		blocked := "i.matches(" + quote(res) + ")"
		list := strings.Join(im.BlockedRegistries, ", ")
		out = append(out, &Rule{
			ID:                CategoryWorkloads + "/blocked-registries",
			Title:             "No image comes from a blocked registry",
			Severity:          reportsv1alpha1.SeverityHigh,
			Kinds:             PodKinds,
			every:             every{"images", "i", "!" + blocked},
			Message:           "no image may come from a blocked registry: " + list,
			MessageExpression: "'images ' + variables.images.filter(i, " + blocked + ").join(', ') + " + quote(" come from a blocked registry: "+list),
			Remediation:       "Replace images from " + list + " with images from an approved registry.",
		})
	}
	if im.RequireDigests {
		const digest = "c.?image.orValue('').matches('@sha256:[a-f0-9]{64}$')"
		out = append(out, &Rule{
			ID:                CategoryWorkloads + "/require-digests",
			Title:             "Images are pinned by digest",
			Severity:          reportsv1alpha1.SeverityMedium,
			Kinds:             PodKinds,
			every:             every{"containers", "c", digest},
			Message:           "every image must be pinned by digest (@sha256:…)",
			MessageExpression: "'images ' + variables.containers.filter(c, !" + digest + ").map(c, c.?image.orValue('')).join(', ') + ' are not pinned by digest (@sha256:…)'",
			Remediation:       "Reference images by digest, such as registry/app@sha256:<digest>, as resolved at build time.",
		})
	}
	return out, nil
}

// normalizeImage is CEL that normalizes the image reference img the way
// the container runtime resolves it.
func normalizeImage(img string) string {
	return fmt.Sprintf("%[1]s.matches('^(localhost|[^/]*[.:][^/]*)/') ? "+
		"(%[1]s.startsWith('index.docker.io/') ? 'docker.io/' + %[1]s.substring(16) : %[1]s) : "+
		"(%[1]s.contains('/') ? 'docker.io/' + %[1]s : 'docker.io/library/' + %[1]s)", img)
}

var imagesFamily = family{
	category: CategoryWorkloads,
	names:    func() []string { return []string{"allowed-registries", "blocked-registries", "require-digests"} },
	compile: func(req *kspecv1alpha1.Requirements) ([]*Rule, error) {
		if req.Workloads == nil || req.Workloads.Images == nil {
			return nil, nil
		}
		return imageRules(req.Workloads.Images)
	},
}
