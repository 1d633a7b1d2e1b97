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

package provider_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/render"
	kreport "github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/policyreport"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/specification"
	"github.com/kspec-io/kspec/provider/compliancescan"
	"github.com/kspec-io/kspec/provider/metrics"
	"github.com/kspec-io/kspec/test/harness"
)

// snapshot is the resourceVersion of every object of the kinds kspec could
// change on the target, and of those it reads.
func snapshot(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range []client.ObjectList{&corev1.NamespaceList{}, &corev1.PodList{}, &appsv1.DeploymentList{}, &networkingv1.NetworkPolicyList{}, &rbacv1.RoleList{}, &rbacv1.ClusterRoleList{}, &rbacv1.ClusterRoleBindingList{}} {
		require.NoError(t, target.List(ctx, l))
		items, err := metaItems(l)
		require.NoError(t, err)
		for _, o := range items {
			out[fmt.Sprintf("%T/%s/%s", l, o.GetNamespace(), o.GetName())] = o.GetResourceVersion()
		}
	}
	return out
}

func metaItems(l client.ObjectList) ([]metav1.Object, error) {
	var out []metav1.Object
	switch l := l.(type) {
	case *corev1.NamespaceList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *corev1.PodList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *appsv1.DeploymentList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *networkingv1.NetworkPolicyList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *rbacv1.RoleList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *rbacv1.ClusterRoleList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *rbacv1.ClusterRoleBindingList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	default:
		return nil, fmt.Errorf("unexpected list %T", l)
	}
	return out, nil
}

func report(t *testing.T, ns, name string) *reportsv1alpha1.ComplianceReport {
	t.Helper()
	cr := &reportsv1alpha1.ComplianceReport{}
	require.NoError(t, home.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, cr))
	return cr
}

func driftReport(t *testing.T, ns, name string) *reportsv1alpha1.DriftReport {
	t.Helper()
	dr := &reportsv1alpha1.DriftReport{}
	require.NoError(t, home.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, dr))
	return dr
}

// policyReports are the target's PolicyReports and ClusterPolicyReports
// matching labels.
func policyReports(t *testing.T, labels client.MatchingLabels) []unstructured.Unstructured {
	t.Helper()
	var out []unstructured.Unstructured
	for _, kind := range []string{policyreport.KindPolicyReport, policyreport.KindClusterPolicyReport} {
		l := &unstructured.UnstructuredList{}
		l.SetAPIVersion(policyreport.APIVersion)
		l.SetKind(kind + "List")
		require.NoError(t, target.List(ctx, l, labels))
		out = append(out, l.Items...)
	}
	return out
}

// scanReports are the PolicyReports the ComplianceScan ns/name wrote to
// the target.
func scanReports(t *testing.T, ns, name string) []unstructured.Unstructured {
	t.Helper()
	return policyReports(t, client.MatchingLabels{policyreport.LabelScan: policyreport.ScanLabel(ns + "/" + name)})
}

// versions are the resourceVersions of reports, by kind/namespace/name.
func versions(prs []unstructured.Unstructured) map[string]string {
	out := map[string]string{}
	for _, pr := range prs {
		out[pr.GetKind()+"/"+pr.GetNamespace()+"/"+pr.GetName()] = pr.GetResourceVersion()
	}
	return out
}

func bump(t *testing.T, ns, name string) {
	t.Helper()
	cs, err := getScan(ns, name)
	require.NoError(t, err)
	cs.Spec.ForProvider.ReportHistory--
	require.NoError(t, home.Update(ctx, cs))
}

// TestScan scans the target with every example specification in monitor
// mode, then drives drift and remediation. The subtests run in order: the
// monitor scans prove the target unchanged before remediation changes it.
func TestScan(t *testing.T) {
	harness.SkipShort(t)
	ns := "scans"
	require.NoError(t, home.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	registerTarget(t, ns, "remote", true)
	examples := []string{"minimal", "moderate", "strict", "comprehensive"}

	t.Run("examples in monitor mode change nothing", func(t *testing.T) {
		before := snapshot(t)
		for _, ex := range examples {
			example(t, ex)
			complianceScan(t, ns, ex, ex, scanOpts{target: "remote", mode: "monitor", interval: time.Hour})
		}
		for _, ex := range examples {
			cs := scanned(t, ns, ex, "")
			obs := cs.Status.AtProvider
			cr := report(t, ns, obs.Report)
			sum := cr.Spec.Summary
			assert.Equal(t, ex, cr.Spec.Specification)
			assert.Equal(t, ns+"/remote", cr.Spec.Cluster)
			assert.NotEmpty(t, cr.Spec.ClusterUID)
			assert.Equal(t, sum.Total, sum.Passed+sum.Failed+sum.Warnings+sum.Skipped+sum.Errors, ex)
			if evaluated := sum.Total - sum.Skipped; evaluated > 0 {
				assert.Equal(t, sum.Passed*100/evaluated, sum.Score, "%s: skipped checks never count in the score", ex)
			}
			assert.Equal(t, sum.Score, obs.Score)
			assert.Equal(t, sum.Passed, obs.Passed)
			assert.Equal(t, sum.Failed+sum.Errors, obs.Failed)
			assert.Equal(t, sum.Skipped, obs.Skipped)
			assert.NotEmpty(t, cr.Spec.Results, ex)
			if ex != "minimal" { // minimal checks little the seed violates
				assert.Positive(t, sum.Failed, "%s: the seeded target violates the example", ex)
			}
			for _, r := range cr.Spec.Results {
				assert.LessOrEqual(t, len(r.Findings), 20)
				assert.LessOrEqual(t, len(r.Findings), int(r.Violations))
			}
			assert.Equal(t, "monitor", cs.Spec.ForProvider.Mode)

			// PolicyReports on the target, one per namespace, counting
			// every result of the scan.
			prs := scanReports(t, ns, ex)
			require.NotEmpty(t, prs, ex)
			var pass, fail, warn, errs, skip int64
			seen := map[string]bool{}
			for _, pr := range prs {
				assert.False(t, seen[pr.GetNamespace()], "one report per namespace")
				seen[pr.GetNamespace()] = true
				s, _, _ := unstructured.NestedMap(pr.Object, "summary")
				pass, fail, warn, errs, skip = pass+s["pass"].(int64), fail+s["fail"].(int64), warn+s["warn"].(int64), errs+s["error"].(int64), skip+s["skip"].(int64)
			}
			assert.Equal(t, []int64{int64(sum.Passed), int64(sum.Failed), int64(sum.Warnings), int64(sum.Errors), int64(sum.Skipped)}, []int64{pass, fail, warn, errs, skip}, ex)
			assert.Equal(t, corev1.ConditionTrue, cs.GetCondition(compliancescan.TypePolicyReports).Status, "%+v", cs.GetCondition(compliancescan.TypePolicyReports))
		}
		assert.Equal(t, before, snapshot(t), "monitor scans changed the target")
	})

	t.Run("drift: a new violation, then resolved; PolicyReports replaced", func(t *testing.T) {
		cs, err := getScan(ns, "strict")
		require.NoError(t, err)
		before := len(scanReports(t, ns, "strict"))
		require.NoError(t, target.Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "intruder"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "x", Image: "nginx:latest", SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
			}}},
		}))
		bump(t, ns, "strict")
		cs = scanned(t, ns, "strict", cs.Status.AtProvider.Report)
		require.NotEmpty(t, cs.Status.AtProvider.DriftReport)
		dr := driftReport(t, ns, cs.Status.AtProvider.DriftReport)
		assert.Equal(t, int(dr.Spec.TotalEvents), len(dr.Spec.Events))
		assert.True(t, slices.ContainsFunc(dr.Spec.Events, func(e reportsv1alpha1.DriftEvent) bool {
			return e.Type == reportsv1alpha1.DriftNewViolation && e.Object != nil && e.Object.Name == "intruder"
		}), "the privileged pod is a new violation: %+v", dr.Spec.Events)
		assert.Len(t, scanReports(t, ns, "strict"), before, "PolicyReports are replaced, never accumulated")

		require.NoError(t, target.Delete(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "intruder"}}, client.GracePeriodSeconds(0)))
		waitFor(t, "the pod gone", func() (bool, error) {
			err := target.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: "intruder"}, &corev1.Pod{})
			return client.IgnoreNotFound(err) == nil && err != nil, client.IgnoreNotFound(err)
		})
		bump(t, ns, "strict")
		cs = scanned(t, ns, "strict", cs.Status.AtProvider.Report)
		dr = driftReport(t, ns, cs.Status.AtProvider.DriftReport)
		assert.True(t, slices.ContainsFunc(dr.Spec.Events, func(e reportsv1alpha1.DriftEvent) bool {
			return e.Type == reportsv1alpha1.DriftResolvedViolation && e.Object != nil && e.Object.Name == "intruder"
		}), "the pod's violation is resolved: %+v", dr.Spec.Events)
	})

	t.Run("two scans of one spec on one target keep their own PolicyReports", func(t *testing.T) {
		first := scanReports(t, ns, "strict")
		require.NotEmpty(t, first)
		// A report of the spec under the name reports had before they were
		// named for their scan, as an earlier provider-kspec left it.
		legacy := &unstructured.Unstructured{}
		legacy.SetAPIVersion(policyreport.APIVersion)
		legacy.SetKind(policyreport.KindPolicyReport)
		legacy.SetNamespace("team-a")
		legacy.SetName(policyreport.Name(&kreport.Report{Specification: "strict"}))
		legacy.SetLabels(map[string]string{policyreport.LabelManagedBy: "kspec", policyreport.LabelSpecification: "strict"})
		require.NoError(t, target.Create(ctx, legacy))

		complianceScan(t, ns, "strict-daily", "strict", scanOpts{target: "remote", mode: "monitor", interval: 24 * time.Hour})
		scanned(t, ns, "strict-daily", "")
		second := scanReports(t, ns, "strict-daily")
		assert.Len(t, second, len(first), "one report per namespace, as the first scan's")
		assert.Equal(t, versions(first), versions(scanReports(t, ns, "strict")), "the second scan left the first's reports alone")
		for _, pr := range second {
			assert.NotContains(t, versions(first), pr.GetKind()+"/"+pr.GetNamespace()+"/"+pr.GetName())
		}

		// The first scan again: its reports are replaced, not
		// accumulated; the second's are untouched; the legacy one is gone.
		cs, err := getScan(ns, "strict")
		require.NoError(t, err)
		bump(t, ns, "strict")
		scanned(t, ns, "strict", cs.Status.AtProvider.Report)
		again := scanReports(t, ns, "strict")
		assert.Len(t, again, len(first))
		for k := range versions(first) {
			assert.Contains(t, versions(again), k, "the same reports, replaced")
		}
		assert.Equal(t, versions(second), versions(scanReports(t, ns, "strict-daily")), "a scan prunes only its own reports")
		err = target.Get(ctx, client.ObjectKeyFromObject(legacy), legacy.DeepCopy())
		assert.True(t, kerrors.IsNotFound(err), "the report under the earlier name is replaced: %v", err)
		assert.Len(t, policyReports(t, client.MatchingLabels{policyreport.LabelSpecification: "strict"}), len(first)+len(second))
	})

	t.Run("a dead target does not stop the others", func(t *testing.T) {
		secret(t, ns, "dead-creds", map[string][]byte{"kubeconfig": kubeconfig(&rest.Config{Host: "https://127.0.0.1:1", TLSClientConfig: rest.TLSClientConfig{CAData: targetCfg.CAData, CertData: targetCfg.CertData, KeyData: targetCfg.KeyData}})})
		providerConfig(t, ns, "dead", kubeconfigCreds(ns, "dead-creds", "kubeconfig"))
		clusterTarget(t, ns, "dead", "dead", false)
		example(t, "minimal")
		complianceScan(t, ns, "on-dead", "minimal", scanOpts{target: "dead", mode: "monitor", interval: time.Hour})
		cs, err := getScan(ns, "moderate")
		require.NoError(t, err)
		bump(t, ns, "moderate")
		scanned(t, ns, "moderate", cs.Status.AtProvider.Report)
		waitFor(t, "the scan of the dead target not ready", func() (bool, error) {
			cs, err := getScan(ns, "on-dead")
			return err == nil && ready(cs).Status == corev1.ConditionFalse, err
		})
		dead, err := getScan(ns, "on-dead")
		require.NoError(t, err)
		assert.Contains(t, []xpv2.ConditionReason{compliancescan.ReasonTargetUnavailable, "Unreachable"}, ready(dead).Reason, ready(dead).Message)
		assert.Nil(t, dead.Status.AtProvider.LastScanTime)
	})

	remedy := `
apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata:
  name: remedy
spec:
  enforcement:
    mode: enforce
  namespaceScope:
    exclude: [kspec-system]
  podSecurity:
    enforce: baseline
  network:
    defaultDeny: true
`
	t.Run("audit without autoRemediate changes nothing", func(t *testing.T) {
		spec(t, remedy)
		before := snapshot(t)
		complianceScan(t, ns, "remedy-audit", "remedy", scanOpts{target: "remote", mode: "audit", interval: time.Hour})
		cs := scanned(t, ns, "remedy-audit", "")
		assert.Positive(t, cs.Status.AtProvider.Failed)
		assert.Equal(t, before, snapshot(t), "an audit scan changed the target")
	})

	t.Run("enforce with autoRemediate fixes what is safe and records it", func(t *testing.T) {
		complianceScan(t, ns, "remedy", "remedy", scanOpts{target: "remote", mode: "enforce", autoRemediate: true, interval: time.Hour})
		cs := scanned(t, ns, "remedy", "")
		require.NotEmpty(t, cs.Status.AtProvider.DriftReport, "remediation is recorded in a DriftReport")
		dr := driftReport(t, ns, cs.Status.AtProvider.DriftReport)
		status := map[string]reportsv1alpha1.RemediationStatus{}
		for _, e := range dr.Spec.Events {
			if e.Remediation != nil && e.Object != nil {
				status[e.Rule+" "+e.Object.Name] = e.Remediation.Status
			}
		}
		assert.Equal(t, reportsv1alpha1.RemediationStatus("Succeeded"), status["podsecurity.standards/enforce team-a"], status)
		assert.Equal(t, reportsv1alpha1.RemediationStatus("Succeeded"), status["network.policies/default-deny team-a"], status)
		assert.Equal(t, reportsv1alpha1.RemediationStatus("Failed"), status["network.policies/default-deny team-c"], "team-c's kspec-default-deny is not one, and is not overwritten: %v", status)
		_, touched := status["podsecurity.standards/enforce team-b"]
		assert.False(t, touched, "team-b complies")

		nsA := &corev1.Namespace{}
		require.NoError(t, target.Get(ctx, client.ObjectKey{Name: "team-a"}, nsA))
		assert.Equal(t, "baseline", nsA.Labels["pod-security.kubernetes.io/enforce"])
		np := &networkingv1.NetworkPolicy{}
		require.NoError(t, target.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: compliancescan.DefaultDenyName}, np))
		assert.Equal(t, "remedy", np.Labels["kspec.io/spec"])
		npC := &networkingv1.NetworkPolicy{}
		require.NoError(t, target.Get(ctx, client.ObjectKey{Namespace: "team-c", Name: compliancescan.DefaultDenyName}, npC))
		assert.NotEmpty(t, npC.Spec.Ingress, "kspec never overwrites a policy it did not create")

		// The next scan finds team-a fixed.
		bump(t, ns, "remedy")
		cs = scanned(t, ns, "remedy", cs.Status.AtProvider.Report)
		dr = driftReport(t, ns, cs.Status.AtProvider.DriftReport)
		assert.True(t, slices.ContainsFunc(dr.Spec.Events, func(e reportsv1alpha1.DriftEvent) bool {
			return e.Type == reportsv1alpha1.DriftResolvedViolation && e.Object != nil && e.Object.Name == "team-a"
		}), "%+v", dr.Spec.Events)
	})

	t.Run("a missing specification is not ready", func(t *testing.T) {
		complianceScan(t, ns, "no-spec", "does-not-exist", scanOpts{target: "remote", mode: "monitor"})
		waitFor(t, "not ready", func() (bool, error) {
			cs, err := getScan(ns, "no-spec")
			return err == nil && ready(cs).Reason == compliancescan.ReasonSpecNotFound, err
		})
	})

	t.Run("a bad providerConfigRef is a reconcile error", func(t *testing.T) {
		ct := &v1alpha1.ClusterTarget{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "no-kind"},
			Spec: v1alpha1.ClusterTargetSpec{ManagedResourceSpec: xpv2.ManagedResourceSpec{
				ProviderConfigReference: &xpv2.ProviderConfigReference{Name: "remote"},
			}},
		}
		require.NoError(t, home.Create(ctx, ct))
		waitFor(t, "not synced", func() (bool, error) {
			ct, err := getTarget(ns, "no-kind")
			return err == nil && ct.GetCondition(xpv2.TypeSynced).Status == corev1.ConditionFalse, err
		})
	})
}

// TestPolicyDrift installs what kspec renders for a spec on the target,
// then deletes one policy and alters another: the next scan reports both.
func TestPolicyDrift(t *testing.T) {
	harness.SkipShort(t)
	ns := "policy-drift"
	require.NoError(t, home.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	registerTarget(t, ns, "remote", false)
	u := example(t, "strict")
	s, err := specification.FromUnstructured(u)
	require.NoError(t, err)
	set, err := rules.Compile(s)
	require.NoError(t, err)
	objs, err := render.Render(set, kspecv1alpha1.EngineKyverno, render.Options{Now: time.Now()})
	require.NoError(t, err)
	require.Greater(t, len(objs), 2)
	var installed []*unstructured.Unstructured
	for _, o := range objs {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		require.NoError(t, err)
		obj := &unstructured.Unstructured{Object: m}
		require.NoError(t, target.Create(ctx, obj), "%s %s", obj.GetKind(), obj.GetName())
		installed = append(installed, obj)
	}
	complianceScan(t, ns, "strict", "strict", scanOpts{target: "remote", mode: "monitor", interval: time.Hour})
	cs := scanned(t, ns, "strict", "")
	assert.Empty(t, cs.Status.AtProvider.DriftReport, "the policies are as rendered: no drift on the first scan")

	gone, altered := installed[0], installed[1]
	require.NoError(t, target.Delete(ctx, gone))
	require.NoError(t, target.Get(ctx, client.ObjectKeyFromObject(altered), altered))
	spec, _, _ := unstructured.NestedMap(altered.Object, "spec")
	spec["validationActions"] = []any{"Audit"}
	require.NoError(t, unstructured.SetNestedMap(altered.Object, spec, "spec"))
	require.NoError(t, target.Update(ctx, altered))

	bump(t, ns, "strict")
	cs = scanned(t, ns, "strict", cs.Status.AtProvider.Report)
	require.NotEmpty(t, cs.Status.AtProvider.DriftReport)
	dr := driftReport(t, ns, cs.Status.AtProvider.DriftReport)
	var missing, modified []string
	for _, e := range dr.Spec.Events {
		switch e.Type {
		case reportsv1alpha1.DriftPolicyMissing:
			missing = append(missing, e.Object.Name)
		case reportsv1alpha1.DriftPolicyModified:
			modified = append(modified, e.Object.Name)
		}
	}
	assert.Equal(t, []string{gone.GetName()}, missing)
	assert.Equal(t, []string{altered.GetName()}, modified)
}

// TestMetrics: every kspec_* metric the provider declares has a sample
// after the scenarios above.
func TestMetrics(t *testing.T) {
	harness.SkipShort(t)
	families, err := ctrlmetrics.Registry.Gather()
	require.NoError(t, err)
	have := map[string]int{}
	for _, f := range families {
		have[f.GetName()] = len(f.GetMetric())
	}
	for _, name := range metrics.Names {
		assert.Positive(t, have[name], "metric %s was never set", name)
	}
	assert.Len(t, metrics.All, len(metrics.Names))
}

// counter sums the samples of a counter family whose labels include want.
func counter(t *testing.T, name string, want map[string]string) float64 {
	t.Helper()
	families, err := ctrlmetrics.Registry.Gather()
	require.NoError(t, err)
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metric:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue metric
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// TestNoHotLoop: with every other scan gone, one scan of the provider's
// own cluster every 2 s is looked at about once a poll interval and scans
// at most once an interval; its reports are pruned to its history.
func TestNoHotLoop(t *testing.T) {
	harness.SkipShort(t)
	all := &v1alpha1.ComplianceScanList{}
	require.NoError(t, home.List(ctx, all))
	for i := range all.Items {
		require.NoError(t, client.IgnoreNotFound(home.Delete(ctx, &all.Items[i])))
	}
	waitFor(t, "every scan gone", func() (bool, error) {
		l := &v1alpha1.ComplianceScanList{}
		err := home.List(ctx, l)
		return err == nil && len(l.Items) == 0, err
	})
	ns := "hot-loop"
	require.NoError(t, home.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	example(t, "minimal")
	const interval = 2 * time.Second
	controllerLabel := map[string]string{"controller": "managed/compliancescan.provider.kspec.io"}
	reconciles0 := counter(t, "controller_runtime_reconcile_total", controllerLabel)
	start := time.Now()
	complianceScan(t, ns, "local", "minimal", scanOpts{mode: "monitor", interval: interval, history: 2})
	const want = 4
	waitFor(t, "4 scans", func() (bool, error) {
		return counter(t, "kspec_scans_total", map[string]string{"scan": ns + "/local", "outcome": "succeeded"}) >= want, nil
	})
	elapsed := time.Since(start)
	scans := counter(t, "kspec_scans_total", map[string]string{"scan": ns + "/local"})
	reconciles := counter(t, "controller_runtime_reconcile_total", controllerLabel) - reconciles0

	// At most one scan per interval (the first is immediate).
	assert.LessOrEqual(t, scans, float64(elapsed/interval)+1, "%v scans in %v", scans, elapsed)
	// About one look per poll interval, plus the scans' own, plus the
	// reconciles of creation (finalizer, external name).
	limit := 2*float64(elapsed/pollInterval) + 2*scans + 5
	assert.LessOrEqual(t, reconciles, limit, "%v reconciles in %v", reconciles, elapsed)
	t.Logf("%v: %v scans, %v reconciles", elapsed.Round(time.Millisecond), scans, reconciles)

	// The reports are pruned to the history, and no two are closer than
	// the interval.
	waitFor(t, "reports pruned", func() (bool, error) {
		l := &reportsv1alpha1.ComplianceReportList{}
		err := home.List(ctx, l, client.InNamespace(ns))
		return err == nil && len(l.Items) <= 2, err
	})
	l := &reportsv1alpha1.ComplianceReportList{}
	require.NoError(t, home.List(ctx, l, client.InNamespace(ns)))
	require.Len(t, l.Items, 2)
	times := []time.Time{l.Items[0].Spec.ScanTime.Time, l.Items[1].Spec.ScanTime.Time}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	assert.GreaterOrEqual(t, times[1].Sub(times[0]), interval)
	assert.Equal(t, compliancescan.LocalCluster, l.Items[0].Spec.Cluster)
}
