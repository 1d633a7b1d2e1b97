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
	"time"

	"github.com/pkg/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	providerv1alpha1 "github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/rules"
)

// DefaultInterval is how often a target is scanned.
const DefaultInterval = 10 * time.Minute

// Scan is the ComplianceScan of the composite resource xr (its spec
// compiled as set) on target t. It lives where its target is: a remote
// target's scan in the ClusterTarget's namespace (a scan's targetRef is
// local to it); the control-plane cluster's in home, or a claim's
// namespace for a claim. Its name is derived from the composite's name
// and the target's, so scans of two specs, or of two targets, never
// collide.
func Scan(xr step.XR, spec rules.Spec, set *rules.Set, t step.Target, home string) (*providerv1alpha1.ComplianceScan, error) {
	if xr.Name == "" {
		return nil, errors.New("the composite resource has no name: a ComplianceScan must name its specification")
	}
	namespace, name := home, render.LabelName("kspec-scan", xr.Name)
	if spec.Claim() {
		namespace = spec.Namespace
	}
	var target *providerv1alpha1.LocalRef
	if !t.Local {
		if t.Name == "" || t.Namespace == "" {
			return nil, errors.Errorf("%s has no name or namespace", t)
		}
		// "/" is no name's: the hash keeps a/b.c and a.b/c apart.
		namespace, name = t.Namespace, render.LabelName("kspec-scan", xr.Name+"/"+t.Name)
		target = &providerv1alpha1.LocalRef{Name: t.Name}
	}
	if namespace == "" {
		return nil, errors.Errorf("no namespace for the ComplianceScan of %s", t)
	}
	labels := map[string]string{
		render.LabelSpec:               render.LabelValue(spec.Name),
		"app.kubernetes.io/managed-by": "kspec",
	}
	if spec.Claim() {
		labels[render.LabelSpecNamespace] = spec.Namespace
	}
	autoRemediate := false
	if e := spec.Spec.Enforcement; e != nil {
		autoRemediate = e.AutoRemediate && set.Mode == kspecv1alpha1.ModeEnforce
	}
	return &providerv1alpha1.ComplianceScan{
		TypeMeta:   metav1.TypeMeta{APIVersion: providerv1alpha1.SchemeGroupVersion.String(), Kind: "ComplianceScan"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
		Spec: providerv1alpha1.ComplianceScanSpec{ForProvider: providerv1alpha1.ComplianceScanParameters{
			SpecificationRef: providerv1alpha1.SpecificationRef{Name: xr.Name},
			TargetRef:        target,
			Interval:         &metav1.Duration{Duration: DefaultInterval},
			Mode:             string(set.Mode),
			AutoRemediate:    autoRemediate,
		}},
	}, nil
}
