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
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	v1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

// spec is a ClusterSpecification requiring a minimum Kubernetes version,
// based on the bases given.
func spec(name string, min v1.KubernetesVersion, bases ...string) rules.Spec {
	s := rules.Spec{Name: name}
	if min != "" {
		s.Spec.Kubernetes = &v1.KubernetesRequirements{MinVersion: min}
	}
	if len(bases) > 0 {
		s.Spec.BasedOn = &v1.BasedOn{Specifications: bases, MergeStrategy: v1.MergeStrategyMerge}
	}
	return s
}

// countingSource counts reads, to show bases are read once.
type countingSource struct {
	Source
	reads map[string]int
}

func (c *countingSource) Specification(ctx context.Context, name string) (rules.Spec, error) {
	c.reads[name]++
	return c.Source.Specification(ctx, name)
}

func TestResolve(t *testing.T) {
	ctx := context.Background()

	t.Run("NothingToResolve", func(t *testing.T) {
		s := spec("a", "1.30")
		got, err := Resolve(ctx, s, Specs())
		require.NoError(t, err)
		assert.Equal(t, s, got)
		got.Spec.Kubernetes.MinVersion = "1.31"
		assert.Equal(t, v1.KubernetesVersion("1.30"), s.Spec.Kubernetes.MinVersion, "the result shares nothing with the input")
	})

	t.Run("Example", func(t *testing.T) {
		in := example(t, "comprehensive")
		got, err := Resolve(ctx, in, Specs(example(t, "strict"), example(t, "team-claim")))
		require.NoError(t, err)
		assert.Nil(t, got.Spec.PolicyTemplate)
		assert.Nil(t, got.Spec.BasedOn)
		assert.NotNil(t, in.Spec.BasedOn, "the input is not modified")
		// From strict only: inherited.
		assert.Contains(t, got.Spec.Workloads.Images.AllowedRegistries, "gcr.io/my-company")
		// Its own, beside strict's.
		assert.Contains(t, got.Spec.Workloads.Images.AllowedRegistries, "*.gcr.io")
		assert.Equal(t, v1.KubernetesVersion("1.32"), got.Spec.Kubernetes.MinVersion, "its own wins over strict's 1.33")
		// The blocks that are not inherited stay the spec's own.
		assert.Equal(t, in.Spec.Exemptions, got.Spec.Exemptions)
		assert.Equal(t, in.Spec.Targets, got.Spec.Targets)
		assert.Equal(t, in.Spec.Activation, got.Spec.Activation)
		set, err := rules.Compile(got)
		require.NoError(t, err)
		assert.Empty(t, set.Warnings)
	})

	t.Run("OnlyRequirementsAreInherited", func(t *testing.T) {
		base := spec("base", "1.30")
		base.Spec.Enforcement = &v1.Enforcement{Mode: v1.ModeEnforce, Engines: []v1.Engine{v1.EngineKyverno}}
		base.Spec.NamespaceScope = &v1.NamespaceScope{Exclude: []string{"legacy"}}
		base.Spec.Exemptions = []v1.Exemption{{Name: "e", Reason: "r", ApprovedBy: "a", Namespaces: []string{"legacy"}}}
		base.Spec.Activation = &v1.Activation{TimeZone: "UTC", Windows: []v1.Window{{Days: []v1.Weekday{"Monday"}}}}
		got, err := Resolve(ctx, spec("a", "", "base"), Specs(base))
		require.NoError(t, err)
		assert.Equal(t, v1.KubernetesVersion("1.30"), got.Spec.Kubernetes.MinVersion)
		assert.Equal(t, v1.ModeMonitor, got.Spec.Enforcement.Mode, "the schema's default, not the base's mode")
		assert.Nil(t, got.Spec.NamespaceScope)
		assert.Nil(t, got.Spec.Exemptions)
		assert.Nil(t, got.Spec.Activation)
	})

	t.Run("BasesInOrderLaterWins", func(t *testing.T) {
		src := Specs(spec("b1", "1.29"), spec("b2", "1.30"))
		got, err := Resolve(ctx, spec("a", "", "b1", "b2"), src)
		require.NoError(t, err)
		assert.Equal(t, v1.KubernetesVersion("1.30"), got.Spec.Kubernetes.MinVersion)
		got, err = Resolve(ctx, spec("a", "", "b2", "b1"), src)
		require.NoError(t, err)
		assert.Equal(t, v1.KubernetesVersion("1.29"), got.Spec.Kubernetes.MinVersion)
	})

	t.Run("BasesOfBasesAndDiamonds", func(t *testing.T) {
		// a -> (b, c), b -> d, c -> d: d is read and resolved once, and a
		// diamond is no cycle.
		d := spec("d", "1.28")
		d.Spec.Network = &v1.NetworkRequirements{DefaultDeny: true}
		src := &countingSource{Source: Specs(spec("b", "", "d"), spec("c", "1.29", "d"), d), reads: map[string]int{}}
		got, err := Resolve(ctx, spec("a", "", "b", "c"), src)
		require.NoError(t, err)
		assert.Equal(t, v1.KubernetesVersion("1.29"), got.Spec.Kubernetes.MinVersion)
		assert.True(t, got.Spec.Network.DefaultDeny)
		assert.Equal(t, map[string]int{"b": 1, "c": 1, "d": 1}, src.reads)
	})

	t.Run("TemplateThenBasesThenOwn", func(t *testing.T) {
		a := spec("a", "", "b")
		a.Spec.PolicyTemplate = &v1.PolicyTemplate{Name: v1.TemplateComplianceStrict, Parameters: map[string]string{"minKubernetesVersion": "1.27"}}
		got, err := Resolve(ctx, a, Specs(spec("b", "1.29")))
		require.NoError(t, err)
		assert.Equal(t, v1.KubernetesVersion("1.29"), got.Spec.Kubernetes.MinVersion, "the base wins over the template")
		assert.True(t, got.Spec.Workloads.Images.RequireDigests, "the template's requirements stay")
		a.Spec.Kubernetes = &v1.KubernetesRequirements{MinVersion: "1.31"}
		got, err = Resolve(ctx, a, Specs(spec("b", "1.29")))
		require.NoError(t, err)
		assert.Equal(t, v1.KubernetesVersion("1.31"), got.Spec.Kubernetes.MinVersion, "its own wins over the base")
	})

	t.Run("TemplateOfABase", func(t *testing.T) {
		b := spec("b", "")
		b.Spec.PolicyTemplate = &v1.PolicyTemplate{Name: v1.TemplatePSSRestricted}
		got, err := Resolve(ctx, spec("a", "1.30", "b"), Specs(b))
		require.NoError(t, err)
		assert.Equal(t, v1.PodSecurityRestricted, got.Spec.PodSecurity.Enforce)
	})

	t.Run("ClaimWithTemplate", func(t *testing.T) {
		c := rules.Spec{Name: "team", Namespace: "team-a"}
		c.Spec.PolicyTemplate = &v1.PolicyTemplate{Name: v1.TemplateSecurityBaseline, Parameters: map[string]string{"allowedRegistries": "ghcr.io/team-a"}}
		got, err := Resolve(ctx, c, Specs())
		require.NoError(t, err)
		assert.Equal(t, "team-a", got.Namespace)
		assert.Equal(t, []string{"ghcr.io/team-a"}, got.Spec.Workloads.Images.AllowedRegistries)
	})
}

func TestResolveErrors(t *testing.T) {
	ctx := context.Background()
	chainOf := func(t *testing.T, err error) *Error {
		t.Helper()
		var re *Error
		require.ErrorAs(t, err, &re)
		return re
	}
	deep := func(n int) []rules.Spec {
		var out []rules.Spec
		for i := 1; i <= n; i++ {
			out = append(out, spec(fmt.Sprintf("l%d", i), "", fmt.Sprintf("l%d", i+1)))
		}
		return append(out, spec(fmt.Sprintf("l%d", n+1), "1.30"))
	}

	t.Run("Cycle", func(t *testing.T) {
		_, err := Resolve(ctx, spec("a", "", "b"), Specs(spec("b", "", "c"), spec("c", "", "a")))
		re := chainOf(t, err)
		assert.Equal(t, []string{"a", "b", "c"}, re.Chain)
		assert.Equal(t, "spec.basedOn.specifications[0]", re.Errors[0].Field)
		assert.EqualError(t, err, `cannot resolve base c (a -> b -> c): spec.basedOn.specifications[0]: Invalid value: "a": basedOn cycle: a -> b -> c -> a`)
	})

	t.Run("CycleThroughOneself", func(t *testing.T) {
		_, err := Resolve(ctx, spec("a", "", "a"), Specs())
		assert.ErrorContains(t, err, "basedOn cycle: a -> a")
	})

	t.Run("MissingEveryName", func(t *testing.T) {
		// z and y are missing; x's own missing base w is found too.
		_, err := Resolve(ctx, spec("a", "", "z", "x", "y"), Specs(spec("x", "", "w")))
		var me *MissingError
		require.ErrorAs(t, err, &me)
		assert.Equal(t, []string{"w", "y", "z"}, me.Names)
		assert.EqualError(t, err, "base specifications w, y, z not found")
	})

	t.Run("SourceError", func(t *testing.T) {
		boom := errors.New("connection refused")
		_, err := Resolve(ctx, spec("a", "", "b"), sourceFunc(func(context.Context, string) (rules.Spec, error) { return rules.Spec{}, boom }))
		require.ErrorIs(t, err, boom)
		assert.ErrorContains(t, err, "cannot read base b (a -> b)")
		var me *MissingError
		assert.False(t, errors.As(err, &me))
	})

	t.Run("DepthLimit", func(t *testing.T) {
		_, err := Resolve(ctx, spec("l0", "", "l1"), Specs(deep(MaxDepth-1)...))
		require.NoError(t, err, "%d levels are allowed", MaxDepth)
		_, err = Resolve(ctx, spec("l0", "", "l1"), Specs(deep(MaxDepth)...))
		re := chainOf(t, err)
		assert.ErrorContains(t, err, "more than the limit of 5 levels: l0 -> l1 -> l2 -> l3 -> l4 -> l5 -> l6")
		assert.Equal(t, "l5", re.Chain[len(re.Chain)-1])
	})

	t.Run("DepthLimitThroughAResolvedBase", func(t *testing.T) {
		// l3 is resolved first at level 1 (within the limit), then reached
		// again at level 4 through the second base, where its chain is too deep.
		src := append(deep(5), spec("m1", "", "m2"), spec("m2", "", "l3")) // l3 -> l4 -> l5 -> l6
		_, err := Resolve(ctx, spec("top", "", "l3"), Specs(src...))
		require.NoError(t, err)
		_, err = Resolve(ctx, spec("top", "", "l3", "m1"), Specs(src...))
		assert.ErrorContains(t, err, "cannot resolve base m2 (top -> m1 -> m2): spec.basedOn.specifications[0]: Invalid value: \"l3\": basedOn is nested 6 levels deep, more than the limit of 5: top -> m1 -> m2 -> l3 -> l4 -> l5 -> l6")
	})

	t.Run("ClaimBasedOn", func(t *testing.T) {
		c := rules.Spec{Name: "team", Namespace: "team-a", Spec: spec("", "", "strict").Spec}
		_, err := Resolve(ctx, c, Specs(spec("strict", "1.30")))
		re := chainOf(t, err)
		assert.Equal(t, []string{"team-a/team"}, re.Chain)
		assert.Equal(t, "spec.basedOn", re.Errors[0].Field)
		assert.ErrorContains(t, err, "a claim cannot be based on other specifications")
	})

	t.Run("BaseIsAClaim", func(t *testing.T) {
		_, err := Resolve(ctx, spec("a", "", "team"), sourceFunc(func(context.Context, string) (rules.Spec, error) {
			return rules.Spec{Name: "team", Namespace: "team-a"}, nil
		}))
		assert.ErrorContains(t, err, "team is the claim team-a/team: only a ClusterSpecification can be a base")
	})

	t.Run("AppendRepeatsAKey", func(t *testing.T) {
		a := spec("a", "", "b")
		a.Spec.BasedOn.MergeStrategy = v1.MergeStrategyAppend
		a.Spec.Workloads = required(v1.FieldLimitsCPU)
		b := spec("b", "")
		b.Spec.Workloads = required(v1.FieldLimitsCPU)
		_, err := Resolve(ctx, a, Specs(b))
		assert.EqualError(t, err, `cannot resolve specification a: spec.workloads.containers.required: Invalid value: "resources.limits.cpu": its own requirements sets resources.limits.cpu again after base b; append keeps every entry and a key may appear once: remove one, or use mergeStrategy merge so that the later entry wins`)
	})

	t.Run("CombinationInvalid", func(t *testing.T) {
		// Each is valid; the base's minimum above its own maximum is not.
		a := spec("a", "", "b")
		a.Spec.Kubernetes = &v1.KubernetesRequirements{MaxVersion: "1.29"}
		_, err := Resolve(ctx, a, Specs(spec("b", "1.30")))
		re := chainOf(t, err)
		assert.Equal(t, []string{"base b", "its own requirements"}, re.Combined)
		assert.Equal(t, "spec.kubernetes", re.Errors[0].Field)
		assert.ErrorContains(t, err, "cannot resolve specification a: combining base b, then its own requirements gives an invalid specification: spec.kubernetes: Invalid value: minVersion must not be greater than maxVersion")
	})

	t.Run("CombinationTooLong", func(t *testing.T) {
		regs := func(prefix string) []string {
			var out []string
			for i := range 40 {
				out = append(out, fmt.Sprintf("%s%d.example.com", prefix, i))
			}
			return out
		}
		a, b := spec("a", "", "b"), spec("b", "")
		a.Spec.Workloads = &v1.WorkloadRequirements{Images: &v1.ImageRules{AllowedRegistries: regs("a")}}
		b.Spec.Workloads = &v1.WorkloadRequirements{Images: &v1.ImageRules{AllowedRegistries: regs("b")}}
		_, err := Resolve(ctx, a, Specs(b))
		re := chainOf(t, err)
		assert.Equal(t, "spec.workloads.images.allowedRegistries", re.Errors[0].Field)
		assert.ErrorContains(t, err, "must have at most 64 items")
	})

	t.Run("InvalidBaseNamesTheChain", func(t *testing.T) {
		b := spec("b", "")
		b.Spec.PolicyTemplate = &v1.PolicyTemplate{Name: "nope"}
		_, err := Resolve(ctx, spec("a", "", "b"), Specs(b))
		re := chainOf(t, err)
		assert.Equal(t, []string{"a", "b"}, re.Chain)
		assert.ErrorContains(t, err, `cannot resolve base b (a -> b): spec.policyTemplate.name: Unsupported value: "nope": supported values: "compliance-strict", "pss-baseline", "pss-restricted", "security-baseline"`)
	})
}

type sourceFunc func(context.Context, string) (rules.Spec, error)

func (f sourceFunc) Specification(ctx context.Context, name string) (rules.Spec, error) {
	return f(ctx, name)
}
