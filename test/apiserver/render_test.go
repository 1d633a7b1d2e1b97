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

package apiserver_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/test/harness"
)

// compileExample compiles an example spec, with extra exemptions that
// expire in 2027.
func compileExample(t *testing.T, name string, exemptions ...kspecv1alpha1.Exemption) *rules.Set {
	t.Helper()
	file := filepath.Join("..", "..", "examples", "specs", name+".yaml")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	spec, err := validate.ReadSpecification(context.Background(), file, b)
	require.NoError(t, err)
	for _, e := range exemptions {
		e.ExpiresAt = metav1.NewTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		spec.Spec.Exemptions = append(spec.Spec.Exemptions, e)
	}
	set, err := rules.Compile(spec)
	require.NoError(t, err)
	return set
}

// hostileExemptions are exemptions kspec validate accepts whose names are
// free text: what render makes of them must still be valid objects.
var hostileExemptions = []kspecv1alpha1.Exemption{
	{Name: "Legacy billing (Q3)", Reason: "r", ApprovedBy: "a@example.com", Namespaces: []string{"billing"}},
	{Name: "legacy-billing-q3", Reason: "r", ApprovedBy: "a@example.com", Namespaces: []string{"billing"}},
	{Name: "../" + strings.Repeat("Ünïcödé ", 7), Reason: "r", ApprovedBy: "a@example.com", Namespaces: []string{"billing"}},
}

// TestRenderedPoliciesDryRun creates everything kspec renders for every
// example, for both engines, with server-side dry-run and strict field
// validation: Kyverno's CRDs and the API server's own ValidatingAdmission
// Policy validation (which compiles the CEL) accept it all. The strict
// example also gets exemptions with hostile names.
func TestRenderedPoliciesDryRun(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	hostile := compileExample(t, "strict", hostileExemptions...)
	sets := map[string]*rules.Set{"strict-hostile-exemptions": hostile}
	for _, name := range []string{"minimal", "moderate", "strict", "comprehensive", "team-claim"} {
		sets[name] = compileExample(t, name)
	}
	require.Len(t, hostile.Exemptions, len(hostileExemptions))
	for name, set := range sets {
		for _, engine := range render.Engines() {
			objs, err := render.Render(set, engine, render.Options{Now: now})
			require.NoError(t, err)
			exceptions := 0
			for _, o := range objs {
				c := k8s
				if strings.HasPrefix(o.GetObjectKind().GroupVersionKind().Group, "policies.kyverno.io") {
					c = kyverno
				}
				if o.GetObjectKind().GroupVersionKind().Kind == "PolicyException" {
					exceptions++
				}
				err := c.Create(ctx, o, client.DryRunAll, client.FieldValidation(metav1.FieldValidationStrict))
				require.NoError(t, err, "%s %s: %s %s", name, engine, o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
			}
			if set == hostile && engine == kspecv1alpha1.EngineKyverno {
				require.Equal(t, len(hostileExemptions), exceptions, "a PolicyException per hostile exemption")
			}
		}
	}
}

// TestAdmissionPolicyEnforced installs the strict spec's
// ValidatingAdmissionPolicies in a real kube-apiserver and checks that it
// denies a violating Pod with kspec's message and admits a compliant one.
func TestAdmissionPolicyEnforced(t *testing.T) {
	harness.SkipShort(t)
	ctx := context.Background()
	set := compileExample(t, "strict")
	objs, err := render.Render(set, kspecv1alpha1.EngineAdmissionPolicy, render.Options{Now: time.Now()})
	require.NoError(t, err)
	good := readPod(t, "pod-restricted.yaml")
	bad := readPod(t, "pod-root-user.yaml")
	require.NoError(t, k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}))
	for _, o := range objs {
		require.NoError(t, k8s.Create(ctx, o))
	}
	t.Cleanup(func() {
		for _, o := range objs {
			_ = k8s.Delete(ctx, o)
		}
		// The API server forgets deleted policies asynchronously too, each
		// in its own time: the tests after this one must meet none of
		// them, so wait until a Pod that breaks every rule is admitted.
		require.Eventually(t, func() bool {
			return k8s.Create(ctx, worstPod(bad), client.DryRunAll) == nil
		}, time.Minute, 200*time.Millisecond, "the deleted ValidatingAdmissionPolicies still deny")
	})

	// The API server loads new policies asynchronously: wait until the
	// violating Pod is denied, then check the compliant one is admitted.
	var denial error
	require.Eventually(t, func() bool {
		denial = k8s.Create(ctx, bad.DeepCopy(), client.DryRunAll)
		return denial != nil
	}, time.Minute, 200*time.Millisecond, "the ValidatingAdmissionPolicies never denied a root Pod")
	require.ErrorContains(t, denial, "workload.security/run-as-non-root")
	require.NoError(t, k8s.Create(ctx, good.DeepCopy(), client.DryRunAll), "a compliant Pod was denied")
	require.Error(t, k8s.Create(ctx, worstPod(bad), client.DryRunAll), "the Pod the cleanup waits for must be denied while the policies stand")
}

// worstPod is p breaking every Pod rule of the strict example: root,
// privileged, host namespaces, an SSH port, no resources, images from
// Docker Hub without digests.
func worstPod(p *corev1.Pod) *corev1.Pod {
	w := p.DeepCopy()
	w.Name = "worst"
	w.Spec.SecurityContext = nil
	w.Spec.HostNetwork, w.Spec.HostPID, w.Spec.HostIPC = true, true, true
	w.Spec.Containers = []corev1.Container{{
		Name: "admin", Image: "nginx:1.27",
		Ports:           []corev1.ContainerPort{{ContainerPort: 22, HostPort: 22}},
		SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true), AllowPrivilegeEscalation: ptr.To(true), Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"ALL"}}},
	}}
	w.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox:1.36"}}
	return w
}

func readPod(t *testing.T, file string) *corev1.Pod {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "kyverno", "corpus", file))
	require.NoError(t, err)
	var p corev1.Pod
	require.NoError(t, yaml.UnmarshalStrict(b, &p))
	return &p
}
