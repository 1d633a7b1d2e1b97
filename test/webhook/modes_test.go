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

package webhook_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/kspec-io/kspec/test/harness"
)

const modesNS = "wh-modes"

// modesSpec governs only wh-modes (and Namespaces named wh-*), so the
// other tests' namespaces are untouched.
func modesSpec(mode string) string {
	return fmt.Sprintf(`apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata:
  name: modes
spec:
  enforcement:
    mode: %s
  namespaceScope:
    include: [%s, wh-bad, wh-good]
  podSecurity:
    enforce: baseline
  workloads:
    containers:
      required:
        - key: securityContext.runAsNonRoot
          value: true
      forbidden:
        - key: securityContext.privileged
          value: true
`, mode, modesNS)
}

// warnings collects the warnings the API server passes on.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

func warningClient(t *testing.T) (kubernetes.Interface, *warnings) {
	t.Helper()
	w := &warnings{}
	cfg := rest.CopyConfig(restCfg)
	cfg.WarningHandler = w
	c, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	return c, w
}

func nonRoot() *corev1.SecurityContext { return &corev1.SecurityContext{RunAsNonRoot: ptr.To(true)} }

func pod(name string, mutate func(*corev1.PodSpec)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: modesNS}, Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "app", Image: "ghcr.io/x/app:1", SecurityContext: nonRoot()}},
	}}
	if mutate != nil {
		mutate(&p.Spec)
	}
	return p
}

// A violation is an object that fails one rule, created (dry run) with
// the client.
type violation struct {
	reason string
	rule   string
	create func(c kubernetes.Interface) error
}

var dryRun = metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}

func violations() map[string]violation {
	ctx := context.Background()
	return map[string]violation{
		"PodRoot": {reason: "a container without runAsNonRoot", rule: "workload.security/run-as-non-root", create: func(c kubernetes.Interface) error {
			_, err := c.CoreV1().Pods(modesNS).Create(ctx, pod("root", func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = nil }), dryRun)
			return err
		}},
		"PodPrivilegedInit": {reason: "a privileged init container", rule: "workload.security/privileged", create: func(c kubernetes.Interface) error {
			_, err := c.CoreV1().Pods(modesNS).Create(ctx, pod("init", func(s *corev1.PodSpec) {
				s.InitContainers = []corev1.Container{{Name: "init", Image: "ghcr.io/x/init:1", SecurityContext: &corev1.SecurityContext{RunAsNonRoot: ptr.To(true), Privileged: ptr.To(true)}}}
			}), dryRun)
			return err
		}},
		"Deployment": {reason: "a Deployment's template without runAsNonRoot", rule: "workload.security/run-as-non-root", create: func(c kubernetes.Interface) error {
			labels := map[string]string{"app": "d"}
			p := pod("", func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = nil })
			d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: modesNS}, Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: p.Spec},
			}}
			_, err := c.AppsV1().Deployments(modesNS).Create(ctx, d, dryRun)
			return err
		}},
		"Namespace": {reason: "a Namespace without a Pod Security enforce label", rule: "podsecurity.standards/enforce", create: func(c kubernetes.Interface) error {
			_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "wh-bad"}}, dryRun)
			return err
		}},
	}
}

// compliant creates (dry run) objects that pass every rule.
func compliant(t *testing.T, c kubernetes.Interface) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CoreV1().Pods(modesNS).Create(ctx, pod("good", func(s *corev1.PodSpec) {
		s.InitContainers = []corev1.Container{{Name: "init", Image: "ghcr.io/x/init:1", SecurityContext: nonRoot()}}
	}), dryRun)
	require.NoError(t, err, "a compliant Pod is admitted")
	_, err = c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "wh-good",
		Labels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}}}, dryRun)
	require.NoError(t, err, "a Namespace enforcing restricted Pod Security is admitted")
}

// addEphemeral adds a privileged ephemeral container to a running Pod.
func addEphemeral(c kubernetes.Interface, p *corev1.Pod, name string) error {
	p = p.DeepCopy()
	p.Spec.EphemeralContainers = append(p.Spec.EphemeralContainers, corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
		Name: name, Image: "ghcr.io/x/debug:1", SecurityContext: &corev1.SecurityContext{RunAsNonRoot: ptr.To(true), Privileged: ptr.To(true)},
	}})
	_, err := c.CoreV1().Pods(p.Namespace).UpdateEphemeralContainers(context.Background(), p.Name, p, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})
	return err
}

func TestModesThroughTheAPIServer(t *testing.T) {
	harness.SkipShort(t)
	register(t)
	ensureNamespace(t, modesNS)
	c, w := warningClient(t)
	ctx := context.Background()
	// A real Pod for ephemeral containers, created before any bundle.
	target, err := kube.CoreV1().Pods(modesNS).Create(ctx, pod("target", nil), metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = kube.CoreV1().Pods(modesNS).Delete(context.Background(), "target", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
	})
	ephemeral := violation{reason: "a privileged ephemeral container", rule: "workload.security/privileged", create: func(c kubernetes.Interface) error {
		return addEphemeral(c, target, "debug")
	}}
	all := violations()
	all["EphemeralContainer"] = ephemeral
	t.Cleanup(func() {
		_ = kube.CoreV1().ConfigMaps("kspec-system").Delete(context.Background(), "modes", metav1.DeleteOptions{})
	})

	t.Run("enforce", func(t *testing.T) {
		putBundle(t, "kspec-system", "modes", modesSpec("enforce"))
		require.Eventually(t, func() bool {
			err := all["PodRoot"].create(c)
			return err != nil && strings.Contains(err.Error(), "kspec modes denies")
		}, eventually, 200*time.Millisecond, "the enforced bundle never came into force")
		for name, v := range all {
			err := v.create(c)
			require.Error(t, err, "%s: %s is denied", name, v.reason)
			require.Contains(t, err.Error(), "kspec modes denies", name)
			require.Contains(t, err.Error(), "- "+v.rule+": ", name)
		}
		compliant(t, c)
	})

	t.Run("audit", func(t *testing.T) {
		putBundle(t, "kspec-system", "modes", modesSpec("audit"))
		require.Eventually(t, func() bool { return all["PodRoot"].create(c) == nil }, eventually, 200*time.Millisecond, "the audit bundle never came into force")
		for name, v := range all {
			w.take()
			require.NoError(t, v.create(c), "%s: %s is admitted", name, v.reason)
			got := w.take()
			require.Len(t, got, 1, "%s: one warning per failed rule: %v", name, got)
			require.True(t, strings.HasPrefix(got[0], "kspec modes (audit): "+v.rule+": "), "%s: %q", name, got[0])
		}
		w.take()
		compliant(t, c)
		require.Empty(t, w.take(), "compliant objects draw no warning")
	})

	t.Run("monitor", func(t *testing.T) {
		putBundle(t, "kspec-system", "modes", modesSpec("monitor"))
		require.Eventually(t, func() bool {
			w.take()
			return all["PodRoot"].create(c) == nil && len(w.take()) == 0
		}, eventually, 200*time.Millisecond, "the monitor bundle never came into force")
		for name, v := range all {
			require.NoError(t, v.create(c), "%s: %s is admitted", name, v.reason)
			require.Empty(t, w.take(), "%s: monitor admits silently", name)
		}
	})
}
