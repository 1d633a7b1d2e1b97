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

package compliancescan

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/report/policyreport"
)

// TestPrunePolicyReports: a scan deletes its own reports it did not write
// this time and the spec's report under the name given before reports
// were named for their scan; another scan's reports of the same spec, and
// reports kspec did not name so, stay.
func TestPrunePolicyReports(t *testing.T) {
	const mine, other = "platform/strict-hourly", "platform/strict-daily"
	rep := &report.Report{Specification: "strict"}
	pr := func(kind, ns, name string, labels map[string]string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion(policyreport.APIVersion)
		u.SetKind(kind)
		u.SetNamespace(ns)
		u.SetName(name)
		u.SetLabels(labels)
		return u
	}
	owned := func(scan string) map[string]string {
		return map[string]string{policyreport.LabelManagedBy: "kspec", policyreport.LabelSpecification: "strict", policyreport.LabelScan: policyreport.ScanLabel(scan)}
	}
	unowned := map[string]string{policyreport.LabelManagedBy: "kspec", policyreport.LabelSpecification: "strict"}
	mineName, otherName := policyreport.ScanName(rep, mine), policyreport.ScanName(rep, other)
	objs := map[string]*unstructured.Unstructured{
		"kept":                 pr(policyreport.KindPolicyReport, "team-a", mineName, owned(mine)),
		"stale":                pr(policyreport.KindPolicyReport, "team-b", mineName, owned(mine)),
		"stale cluster":        pr(policyreport.KindClusterPolicyReport, "", mineName, owned(mine)),
		"other scan":           pr(policyreport.KindPolicyReport, "team-b", otherName, owned(other)),
		"other scan's cluster": pr(policyreport.KindClusterPolicyReport, "", otherName, owned(other)),
		"legacy":               pr(policyreport.KindPolicyReport, "team-c", policyreport.Name(rep), unowned),
		"legacy cluster":       pr(policyreport.KindClusterPolicyReport, "", policyreport.Name(rep), unowned),
		"another spec's":       pr(policyreport.KindPolicyReport, "team-c", policyreport.Name(&report.Report{Specification: "moderate"}), unowned),
	}
	want := map[string]bool{"kept": true, "other scan": true, "other scan's cluster": true, "another spec's": true}

	mapper := meta.NewDefaultRESTMapper(nil)
	gv := schema.GroupVersion{Group: "wgpolicyk8s.io", Version: "v1alpha2"}
	mapper.Add(gv.WithKind(policyreport.KindPolicyReport), meta.RESTScopeNamespace)
	mapper.Add(gv.WithKind(policyreport.KindClusterPolicyReport), meta.RESTScopeRoot)
	b := fake.NewClientBuilder().WithRESTMapper(mapper)
	for _, o := range objs {
		b = b.WithObjects(o)
	}
	tc := b.Build()

	keep := map[string]bool{policyreport.KindPolicyReport + "/team-a/" + mineName: true}
	assert.Empty(t, prunePolicyReports(context.Background(), tc, rep, mine, keep))
	for name, o := range objs {
		err := tc.Get(context.Background(), client.ObjectKeyFromObject(o), o.DeepCopy())
		require.NoError(t, client.IgnoreNotFound(err))
		assert.Equal(t, want[name], err == nil, "%s: exists", name)
	}
}
