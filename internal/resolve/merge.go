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

package resolve

import (
	"fmt"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// A layer is one source of requirements: the template, a base, or the
// specification's own.
type layer struct {
	// name says where the requirements come from, for errors: "template
	// security-baseline", "base strict", "its own requirements".
	name string
	reqs v1alpha1.Requirements
}

// combine folds the layers, in order, with the strategy (see
// docs/resolution.md for every field). p is the path of the spec. The
// layers are not modified and the result shares nothing with them.
func combine(strategy v1alpha1.MergeStrategy, layers []layer, p *field.Path) (v1alpha1.Requirements, field.ErrorList) {
	c := &combiner{strategy: strategy, origins: map[string]map[string]string{}}
	var out v1alpha1.Requirements
	for _, l := range layers {
		c.layer = l.name
		c.requirements(&out, l.reqs.DeepCopy(), p)
	}
	return *out.DeepCopy(), c.errs
}

// A combiner applies one layer after another.
type combiner struct {
	strategy v1alpha1.MergeStrategy
	// layer is the name of the layer being applied.
	layer string
	// origins are, per keyed list (by path), the layer that set each key:
	// append names both layers when a key comes twice.
	origins map[string]map[string]string
	errs    field.ErrorList
}

func (c *combiner) requirements(dst, src *v1alpha1.Requirements, p *field.Path) {
	block(c, &dst.Kubernetes, src.Kubernetes, func(d, s *v1alpha1.KubernetesRequirements) {
		scalar(&d.MinVersion, s.MinVersion)
		scalar(&d.MaxVersion, s.MaxVersion)
		d.ExcludedVersions = union(d.ExcludedVersions, s.ExcludedVersions)
	})
	block(c, &dst.PodSecurity, src.PodSecurity, func(d, s *v1alpha1.PodSecurityRequirements) {
		scalar(&d.Enforce, s.Enforce)
		scalar(&d.Audit, s.Audit)
		scalar(&d.Warn, s.Warn)
		d.Exemptions = keyed(c, p.Child("podSecurity", "exemptions"), d.Exemptions, s.Exemptions, func(e v1alpha1.PodSecurityExemption) string { return e.Namespace })
	})
	block(c, &dst.Network, src.Network, func(d, s *v1alpha1.NetworkRequirements) {
		scalar(&d.DefaultDeny, s.DefaultDeny)
		d.RequiredPolicies = keyed(c, p.Child("network", "requiredPolicies"), d.RequiredPolicies, s.RequiredPolicies, func(r v1alpha1.RequiredNetworkPolicy) string { return r.Name })
		d.AllowedServiceTypes = union(d.AllowedServiceTypes, s.AllowedServiceTypes)
		d.DisallowedPorts = union(d.DisallowedPorts, s.DisallowedPorts)
	})
	block(c, &dst.Workloads, src.Workloads, func(d, s *v1alpha1.WorkloadRequirements) {
		wp := p.Child("workloads")
		block(c, &d.Containers, s.Containers, func(d, s *v1alpha1.ContainerRules) {
			key := func(r v1alpha1.FieldRule) string { return string(r.Key) }
			d.Required = keyed(c, wp.Child("containers", "required"), d.Required, s.Required, key)
			d.Forbidden = keyed(c, wp.Child("containers", "forbidden"), d.Forbidden, s.Forbidden, key)
		})
		block(c, &d.Images, s.Images, func(d, s *v1alpha1.ImageRules) {
			d.AllowedRegistries = union(d.AllowedRegistries, s.AllowedRegistries)
			d.BlockedRegistries = union(d.BlockedRegistries, s.BlockedRegistries)
			scalar(&d.RequireDigests, s.RequireDigests)
		})
	})
	block(c, &dst.RBAC, src.RBAC, func(d, s *v1alpha1.RBACRequirements) {
		d.MinimumRules = unionEqual(d.MinimumRules, s.MinimumRules)
		d.ForbiddenRules = unionEqual(d.ForbiddenRules, s.ForbiddenRules)
	})
	block(c, &dst.Admission, src.Admission, func(d, s *v1alpha1.AdmissionRequirements) {
		d.Required = unionEqual(d.Required, s.Required)
		block(c, &d.Policies, s.Policies, func(d, s *v1alpha1.RequiredPolicies) {
			scalar(&d.MinCount, s.MinCount)
			d.RequiredPolicies = keyed(c, p.Child("admission", "policies", "requiredPolicies"), d.RequiredPolicies, s.RequiredPolicies, func(n v1alpha1.NamedPolicy) string { return n.Name })
		})
	})
	block(c, &dst.Observability, src.Observability, func(d, s *v1alpha1.ObservabilityRequirements) {
		block(c, &d.Metrics, s.Metrics, func(d, s *v1alpha1.MetricsRequirements) {
			scalar(&d.Required, s.Required)
			d.Providers = union(d.Providers, s.Providers)
		})
		block(c, &d.Logging, s.Logging, func(d, s *v1alpha1.LoggingRequirements) {
			block(c, &d.AuditLog, s.AuditLog, func(d, s *v1alpha1.AuditLogRequirements) {
				scalar(&d.Required, s.Required)
				scalar(&d.MinRetentionDays, s.MinRetentionDays)
			})
		})
	})
	block(c, &dst.Compliance, src.Compliance, func(d, s *v1alpha1.ComplianceMapping) {
		d.Frameworks = keyed(c, p.Child("compliance", "frameworks"), d.Frameworks, s.Frameworks, func(f v1alpha1.Framework) string { return f.Name })
	})
}

// block applies a layer's block: override replaces the earlier block
// whole; merge and append combine the two field by field.
func block[T any](c *combiner, dst **T, src *T, fields func(d, s *T)) {
	switch {
	case src == nil:
	case c.strategy == v1alpha1.MergeStrategyOverride:
		*dst = src
	default:
		if *dst == nil {
			*dst = new(T)
		}
		fields(*dst, src)
	}
}

// scalar: a value the layer sets wins; the zero value (false, 0, "")
// counts as unset, as the API cannot tell them apart.
func scalar[T comparable](dst *T, src T) {
	var zero T
	if src != zero {
		*dst = src
	}
}

// union appends the items of src that dst does not hold: a set's key is
// its item.
func union[T comparable](dst, src []T) []T {
	for _, v := range src {
		if !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

// unionEqual is union for lists without a key: an entry is the same
// entry only when it is equal in every field.
func unionEqual[T any](dst, src []T) []T {
	for _, v := range src {
		if !slices.ContainsFunc(dst, func(d T) bool { return reflect.DeepEqual(d, v) }) {
			dst = append(dst, v)
		}
	}
	return dst
}

// keyed combines lists with a key (their listMapKey): merge replaces an
// earlier entry with the same key where it stands and appends new keys;
// append refuses a key that an earlier layer set.
func keyed[T any](c *combiner, p *field.Path, dst, src []T, key func(T) string) []T {
	origins := c.origins[p.String()]
	if origins == nil {
		origins = map[string]string{}
		c.origins[p.String()] = origins
	}
	for _, e := range src {
		k := key(e)
		i := slices.IndexFunc(dst, func(d T) bool { return key(d) == k })
		switch {
		case i < 0:
			dst = append(dst, e)
		case c.strategy == v1alpha1.MergeStrategyAppend:
			c.errs = append(c.errs, field.Invalid(p, k, fmt.Sprintf("%s sets %s again after %s; append keeps every entry and a key may appear once: remove one, or use mergeStrategy merge so that the later entry wins", c.layer, k, origins[k])))
			continue
		default:
			dst[i] = e
		}
		origins[k] = c.layer
	}
	return dst
}
