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

package webhook

import (
	"github.com/pkg/errors"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/specification"
)

// The bundle contract shared with kspec-webhook (DESIGN §2.6; the webhook
// package's BundleLabel and BundleKey).
const (
	LabelBundle = "kspec.io/bundle"
	BundleKey   = "spec.yaml"
)

// Bundle renders the bundle ConfigMap of a resolved spec: nothing when its
// engines do not include Webhook. spec.yaml holds the spec as kspec
// validate reads it, without what resolution already applied
// (policyTemplate, basedOn) and without its targets (a bundle lives on a
// target and need not list the fleet). A cluster-wide spec's bundle lives
// in home, the webhook's namespace; a claim's in the claim's namespace,
// where the webhook confines it whatever it says.
func Bundle(spec rules.Spec, set *rules.Set, home string) (*corev1.ConfigMap, error) {
	if !Enabled(set) {
		return nil, nil
	}
	namespace := home
	if spec.Claim() {
		namespace = spec.Namespace
	}
	if namespace == "" {
		return nil, errors.Errorf("the bundle of %s needs a namespace", spec.Name)
	}
	data, err := BundleData(spec)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{
		LabelBundle:                    "true",
		render.LabelSpec:               render.LabelValue(spec.Name),
		"app.kubernetes.io/managed-by": "kspec",
	}
	if spec.Claim() {
		labels[render.LabelSpecNamespace] = spec.Namespace
	}
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: BundleName(spec.Name), Namespace: namespace, Labels: labels},
		Data:       map[string]string{BundleKey: string(data)},
	}, nil
}

// BundleData is the spec.yaml of a bundle: one ClusterSpecification (or
// claim) document, keys sorted, so the same spec gives the same bytes.
func BundleData(spec rules.Spec) ([]byte, error) {
	spec.Spec = *spec.Spec.DeepCopy()
	spec.Spec.PolicyTemplate = nil
	spec.Spec.BasedOn = nil
	spec.Spec.Targets = nil
	u, err := specification.ToUnstructured(spec)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot write the bundle of %s", spec.Name)
	}
	b, err := yaml.Marshal(u.Object)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot write the bundle of %s", spec.Name)
	}
	return b, nil
}
