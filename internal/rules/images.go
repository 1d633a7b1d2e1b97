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
	"slices"
	"strings"

	"github.com/pkg/errors"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// The grammar of the name of a normalized image reference, host/path, as
// distribution/reference (the parser of the kubelet and the container
// runtimes) reads it, with the host lowercased. A name ends at the tag
// (:) or the digest (@). The tag and digest are not checked: a reference
// wrong only there does not run, and matching the 64-hex digest too made
// each image regular expression several times dearer.
const (
	refDomain    = `[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*`
	refHost      = `(?:` + refDomain + `|\[[a-f0-9:]+\])(?::[0-9]+)?`
	refComponent = `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
	refPath      = `(?:/` + refComponent + `)*`
	refEnd       = `(?:[:@]|$)`
	// validImage matches a normalized reference whose name the runtime
	// can parse.
	validImage = "^" + refHost + "/" + refComponent + refPath + refEnd
)

// dockerHub are Docker Hub's hosts: docker.io, and the names the runtime
// resolves to it.
var dockerHub = []string{"docker.io", "index.docker.io", "registry-1.docker.io"}

// normalizeImage is CEL that normalizes the image reference img, a CEL
// variable, the way the container runtime resolves it: the host explicit
// and lowercased, Docker Hub's hosts docker.io, its official images under
// library/ (nginx is docker.io/library/nginx, acme/app docker.io/acme/app).
// The first path segment is a host when it contains . or : or an
// uppercase letter, or is localhost, as distribution/reference decides. A
// reference the runtime cannot parse does not match validImage once
// normalized. The common case, a lowercase host other than Docker Hub's,
// costs one regular expression and leaves the reference as it is.
func normalizeImage(img string) string {
	hub := make([]string, len(dockerHub))
	for k, h := range dockerHub {
		hub[k] = img + ".startsWith(" + quote(h+"/") + ")"
	}
	return fmt.Sprintf("%[1]s.matches('^(localhost|[^/A-Z]*[.:][^/A-Z]*)/') && !(%[2]s) ? %[1]s : "+
		"!%[1]s.matches('^(localhost|[^/]*[.:A-Z][^/]*)/') ? "+
		// No host: Docker Hub. A bare 64-hex name is an image id, not a reference.
		"(%[1]s.contains('/') ? 'docker.io/' + %[1]s : size(%[1]s) == 64 && %[1]s.matches('^[a-f0-9]*$') ? %[1]s : 'docker.io/library/' + %[1]s) : "+
		"%[1]s.substring(0, %[1]s.indexOf('/')).lowerAscii() in %[3]s ? "+
		"(%[1]s.indexOf('/') != %[1]s.lastIndexOf('/') ? 'docker.io' : 'docker.io/library') + %[1]s.substring(%[1]s.indexOf('/')) : "+
		"%[1]s.substring(0, %[1]s.indexOf('/')).lowerAscii() + %[1]s.substring(%[1]s.indexOf('/'))", img, strings.Join(hub, " || "), quoteList(dockerHub))
}

// patternSyntax is host[:port][/path], the host lowercased and possibly
// *.domain.
var patternSyntax = regexp.MustCompile(`^(?:\*\.)?` + refDomain + `(?::[0-9]+)?` + refPath + `$`)

// registryPattern turns a registry pattern (host[:port][/path], the host
// possibly *.domain) into the alternatives matching the host and path of a
// normalized image. The pattern is normalized as images are: its host
// compares without case and Docker Hub's hosts are docker.io. On Docker
// Hub a one-segment path names both an official image and a namespace, so
// docker.io/busybox matches docker.io/library/busybox and
// docker.io/busybox/app.
func registryPattern(p string) ([]registryAlt, error) {
	host, path, hasPath := strings.Cut(p, "/")
	host = strings.ToLower(host)
	hostname, port, hasPort := strings.Cut(host, ":")
	if strings.Contains(strings.TrimPrefix(hostname, "*."), "*") {
		return nil, errors.Errorf("registry %q: a wildcard must be a leading *. before a domain", p)
	}
	canonical := host
	if hasPath {
		canonical += "/" + path
	}
	if !patternSyntax.MatchString(canonical) {
		if patternSyntax.MatchString(strings.ToLower(canonical)) {
			return nil, errors.Errorf("registry %q: an image path is lowercase", p)
		}
		return nil, errors.Errorf("registry %q: want host[:port][/path]", p)
	}
	a := registryAlt{host: hostname, port: port, path: path}
	if domain, ok := strings.CutPrefix(hostname, "*."); ok {
		a.host, a.wildcard = domain, true
	} else if !hasPort && slices.Contains(dockerHub, hostname) {
		a.host = dockerHub[0]
	}
	alts := []registryAlt{a}
	if a.host == dockerHub[0] && !a.wildcard && !hasPort && hasPath && !strings.Contains(path, "/") && path != "library" {
		a.path = "library/" + path
		alts = append(alts, a)
	}
	return alts, nil
}

// A registryAlt is one alternative of a registry pattern: images of a
// host, or of any subdomain of a domain, with a port or none, under a path
// or anywhere on it.
type registryAlt struct {
	host     string // the hostname; the domain of a wildcard
	wildcard bool
	port     string // "": none
	path     string // "": any path
}

// regexp is the alternative as RE2, to be followed by refEnd.
func (a registryAlt) regexp() string {
	re := regexp.QuoteMeta(a.host)
	if a.wildcard {
		re = `(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+` + re
	}
	if a.port != "" {
		re += ":" + a.port
	}
	if a.path == "" {
		return re + "/" + refComponent + refPath
	}
	return re + "/" + regexp.QuoteMeta(a.path) + refPath
}

// registryPatterns is one RE2 matching a normalized image, with a valid
// name, of any of the patterns: a constant, so CEL compiles it once, at
// plan time. Batch programs match it in Go (matchRegistries).
func registryPatterns(ps []string) (string, error) {
	var alts []registryAlt
	for _, p := range ps {
		a, err := registryPattern(p)
		if err != nil {
			return "", err
		}
		alts = append(alts, a...)
	}
	res := make([]string, len(alts))
	for k, a := range alts {
		res[k] = a.regexp()
	}
	re := "^(?:" + strings.Join(res, "|") + ")" + refEnd
	registerMatcher(re, func(s string) bool { return matchRegistries(alts, s) })
	return re, nil
}

// imagesMessage is CEL naming the images each filter (a predicate over i)
// selects, followed by its text; parts that select nothing are left out.
func imagesMessage(parts ...[2]string) string {
	ms := make([]string, len(parts))
	for k, p := range parts {
		// The filter once: a registry pattern is a long constant.
		ms[k] = fmt.Sprintf("[variables.images.filter(i, %s)].map(l, size(l) > 0 ? 'images ' + l.join(', ') + %s : '')[0]", p[0], quote(" "+p[1]))
	}
	return "[" + strings.Join(ms, ", ") + "].filter(m, m != '').join('; ')"
}

// imageRules compiles workloads.images.
func imageRules(im *kspecv1alpha1.ImageRules) ([]*Rule, error) {
	valid := "i.matches(" + quote(validImage) + ")"
	var out []*Rule
	if len(im.AllowedRegistries) > 0 {
		res, err := registryPatterns(im.AllowedRegistries)
		if err != nil {
			return nil, errors.Wrap(err, "workloads.images.allowedRegistries")
		}
		allowed := "i.matches(" + quote(res) + ")"
		list := strings.Join(im.AllowedRegistries, ", ")
		out = append(out, &Rule{
			ID:       CategoryWorkloads + "/allowed-registries",
			Title:    "Images come from allowed registries",
			Severity: reportsv1alpha1.SeverityHigh,
			Kinds:    podKinds,
			every:    every{"images", "i", allowed},
			Message:  "every image must come from an allowed registry: " + list,
			MessageExpression: imagesMessage(
				[2]string{valid + " && !" + allowed, "are not from an allowed registry: " + list},
				[2]string{"!" + valid, "are not valid image references"}),
			Remediation: "Pull images from one of the allowed registries (" + list + "), mirroring them there if needed.",
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
			ID:       CategoryWorkloads + "/blocked-registries",
			Title:    "No image comes from a blocked registry",
			Severity: reportsv1alpha1.SeverityHigh,
			Kinds:    podKinds,
			// Fail closed: a reference the runtime cannot parse cannot be
			// shown to come from elsewhere.
			every:   every{"images", "i", valid + " && !" + blocked},
			Message: "no image may come from a blocked registry: " + list,
			MessageExpression: imagesMessage(
				[2]string{blocked, "come from a blocked registry: " + list},
				[2]string{"!" + valid, "are not valid image references"}),
			Remediation: "Replace images from " + list + " with images from an approved registry.",
		})
	}
	if im.RequireDigests {
		const digest = "c.?image.orValue('').matches('" + digestPattern + "')"
		out = append(out, &Rule{
			ID:                CategoryWorkloads + "/require-digests",
			Title:             "Images are pinned by digest",
			Severity:          reportsv1alpha1.SeverityMedium,
			Kinds:             podKinds,
			every:             every{"containers", "c", digest},
			Message:           "every image must be pinned by digest (@sha256:…)",
			MessageExpression: "'images ' + variables.containers.filter(c, !" + digest + ").map(c, c.?image.orValue('')).join(', ') + ' are not pinned by digest (@sha256:…)'",
			Remediation:       "Reference images by digest, such as registry/app@sha256:<digest>, as resolved at build time.",
		})
	}
	return out, nil
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
