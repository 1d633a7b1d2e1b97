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

package compliance

import (
	"context"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	providerv1alpha1 "github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

var (
	local  = step.Target{Local: true, Ready: true, AllowEnforcement: true}
	east   = step.Target{Name: "prod-us-east-1", Namespace: "fleet", Ready: true, AllowEnforcement: true, ProviderConfig: "east"}
	west   = step.Target{Name: "prod-eu-west-1", Namespace: "fleet", Ready: true}
	broken = step.Target{Name: "broken", Namespace: "fleet", Object: obj(`{apiVersion: provider.kspec.io/v1alpha1, kind: ClusterTarget, metadata: {name: broken, namespace: fleet},
		status: {conditions: [{type: Ready, status: "False", reason: Unavailable, message: "dial tcp 10.0.0.1:6443: connection refused"}]}}`)}
)

func obj(y string) *unstructured.Unstructured {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		panic(err)
	}
	return &unstructured.Unstructured{Object: m}
}

func spec(name, claimNamespace string, mode kspecv1alpha1.Mode, autoRemediate bool) rules.Spec {
	return rules.Spec{Name: name, Namespace: claimNamespace, Spec: kspecv1alpha1.ClusterSpecificationSpec{
		Enforcement: &kspecv1alpha1.Enforcement{Mode: mode, Engines: []kspecv1alpha1.Engine{kspecv1alpha1.EngineKyverno}, AutoRemediate: autoRemediate},
	}}
}

func request(t *testing.T, xr step.XR, s rules.Spec, targets ...step.Target) *step.Request {
	t.Helper()
	set, err := rules.Compile(s)
	require.NoError(t, err)
	return &step.Request{
		XR: xr, Spec: s, Set: set,
		Input:            fnv1beta1.Input{Step: fnv1beta1.StepCompliance, Namespace: step.DefaultNamespace},
		Targets:          targets,
		ObservedComposed: map[resource.Name]resource.ObservedComposed{},
	}
}

// observe records u as the observed state of the scan of target t.
func observe(req *step.Request, t step.Target, u *unstructured.Unstructured) {
	req.ObservedComposed[step.ComposedName(fnv1beta1.StepCompliance, t, objectScan)] = resource.ObservedComposed{Resource: &composed.Unstructured{Unstructured: *u}}
}

func TestScan(t *testing.T) {
	cases := map[string]struct {
		reason        string
		xr            step.XR
		spec          rules.Spec
		target        step.Target
		namespace     string
		name          string
		targetRef     *providerv1alpha1.LocalRef
		mode          string
		autoRemediate bool
	}{
		"Local": {
			reason: "The control-plane cluster's scan lives in the Input's namespace and names no target.",
			xr:     step.XR{Name: "prod"}, spec: spec("prod", "", kspecv1alpha1.ModeEnforce, true), target: local,
			namespace: "kspec-system", name: "kspec-scan-prod", mode: "enforce", autoRemediate: true,
		},
		"Remote": {
			reason: "A remote target's scan lives in the ClusterTarget's namespace, which its targetRef is local to.",
			xr:     step.XR{Name: "prod"}, spec: spec("prod", "", kspecv1alpha1.ModeAudit, false), target: east,
			namespace: "fleet", name: "kspec-scan-prod-prod-us-east-1-", targetRef: &providerv1alpha1.LocalRef{Name: "prod-us-east-1"}, mode: "audit",
		},
		"AutoRemediateNeedsEnforce": {
			reason: "autoRemediate outside enforce mode is never composed: the scan's schema rejects it.",
			xr:     step.XR{Name: "prod"}, spec: spec("prod", "", kspecv1alpha1.ModeMonitor, true), target: local,
			namespace: "kspec-system", name: "kspec-scan-prod", mode: "monitor",
		},
		"Claim": {
			reason: "A claim's scan lives in the claim's namespace and names the claim's composite.",
			xr:     step.XR{Name: "payments-hardening-x7k2p", ClaimName: "payments-hardening", ClaimNamespace: "team-payments"},
			spec:   spec("payments-hardening", "team-payments", kspecv1alpha1.ModeEnforce, false), target: local,
			namespace: "team-payments", name: "kspec-scan-payments-hardening-x7k2p", mode: "enforce",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req := request(t, tc.xr, tc.spec, tc.target)
			s, err := Scan(req.XR, req.Spec, req.Set, tc.target, "kspec-system")
			require.NoError(t, err)
			assert.Equal(t, tc.namespace, s.Namespace, tc.reason)
			assert.True(t, strings.HasPrefix(s.Name, tc.name), "%s: name %s", tc.reason, s.Name)
			assert.Empty(t, validation.IsDNS1035Label(s.Name))
			p := s.Spec.ForProvider
			assert.Equal(t, tc.xr.Name, p.SpecificationRef.Name, "the scan names the composite, which provider-kspec reads")
			assert.Equal(t, tc.targetRef, p.TargetRef, tc.reason)
			assert.Equal(t, tc.mode, p.Mode, tc.reason)
			assert.Equal(t, tc.autoRemediate, p.AutoRemediate, tc.reason)
			assert.Equal(t, DefaultInterval, p.Interval.Duration)
		})
	}
}

func TestScanSchema(t *testing.T) {
	// Every scan the step composes is what provider-kspec's CRD accepts,
	// under strict field validation, its CEL rules included.
	schema, err := validate.KspecSchema()
	require.NoError(t, err)
	for _, mode := range []kspecv1alpha1.Mode{kspecv1alpha1.ModeMonitor, kspecv1alpha1.ModeAudit, kspecv1alpha1.ModeEnforce} {
		for _, target := range []step.Target{local, east} {
			req := request(t, step.XR{Name: "prod"}, spec("prod", "", mode, true), target)
			s, err := Scan(req.XR, req.Spec, req.Set, target, "kspec-system")
			require.NoError(t, err)
			m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(s)
			require.NoError(t, err)
			delete(m, "status")
			errs := schema.Validate(context.Background(), &unstructured.Unstructured{Object: m})
			assert.Empty(t, errs, "%s on %s", mode, target)
		}
	}
}

func TestScanNamesApart(t *testing.T) {
	// Two composites and targets whose names join alike get two scans.
	a := step.Target{Name: "b.c", Namespace: "fleet", Ready: true}
	b := step.Target{Name: "c", Namespace: "fleet", Ready: true}
	req := request(t, step.XR{Name: "a"}, spec("a", "", kspecv1alpha1.ModeMonitor, false))
	s1, err := Scan(step.XR{Name: "a"}, req.Spec, req.Set, a, "kspec-system")
	require.NoError(t, err)
	s2, err := Scan(step.XR{Name: "a.b"}, req.Spec, req.Set, b, "kspec-system")
	require.NoError(t, err)
	assert.NotEqual(t, s1.Name, s2.Name)

	long := step.Target{Name: strings.Repeat("t", 253), Namespace: "fleet", Ready: true}
	s3, err := Scan(step.XR{Name: strings.Repeat("x", 63)}, req.Spec, req.Set, long, "kspec-system")
	require.NoError(t, err)
	assert.Empty(t, validation.IsDNS1035Label(s3.Name))
}

func TestScanErrors(t *testing.T) {
	req := request(t, step.XR{Name: "prod"}, spec("prod", "", kspecv1alpha1.ModeMonitor, false))
	_, err := Scan(step.XR{}, req.Spec, req.Set, local, "kspec-system")
	assert.ErrorContains(t, err, "the composite resource has no name")
	_, err = Scan(req.XR, req.Spec, req.Set, step.Target{Name: "x"}, "kspec-system")
	assert.ErrorContains(t, err, "has no name or namespace")
	_, err = Scan(req.XR, req.Spec, req.Set, local, "")
	assert.ErrorContains(t, err, "no namespace for the ComplianceScan of the control-plane cluster")
}
