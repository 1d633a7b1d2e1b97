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

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestObservabilityClusterRules(t *testing.T) {
	set, err := Compile(Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		Observability: &kspecv1alpha1.ObservabilityRequirements{
			Metrics: &kspecv1alpha1.MetricsRequirements{Required: true, Providers: []string{"prometheus", "metrics-server"}},
			Logging: &kspecv1alpha1.LoggingRequirements{AuditLog: &kspecv1alpha1.AuditLogRequirements{Required: true, MinRetentionDays: 30}},
		},
	}}})
	require.NoError(t, err)
	c := &Cluster{
		Workloads: []Workload{{Kind: "StatefulSet", Namespace: "monitoring", Name: "prom", Labels: map[string]string{"app.kubernetes.io/name": "prometheus"}}},
		ControlPlanePods: []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "kube-apiserver-cp", Namespace: "kube-system"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Command: []string{"kube-apiserver", "--audit-policy-file=/etc/audit.yaml", "--audit-log-path=/var/log/audit.log", "--audit-log-maxage=7"},
		}}}}},
	}
	assert.Equal(t, map[string]Status{
		"observability.validation/metrics prometheus":          Pass,
		"observability.validation/metrics metrics-server":      Fail,
		"observability.validation/audit-log kube-apiserver-cp": Fail,
	}, clusterVerdicts(set, c))
	c.APIServices = []string{"v1beta1.metrics.k8s.io"}
	assertReads(t, clusterRule(t, set, "observability.validation/metrics"), c)
	assertReads(t, clusterRule(t, set, "observability.validation/audit-log"), c)
}
