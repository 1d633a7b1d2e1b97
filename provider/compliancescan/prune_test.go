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
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// TestPruneKeepsOtherScans: two scans in one namespace whose names share
// their first 63 characters (a label value's most) label their reports
// apart, so each keeps its own history and prunes only its own.
func TestPruneKeepsOtherScans(t *testing.T) {
	long := strings.Repeat("prod-cluster-", 5) // 65 characters
	hourly := &v1alpha1.ComplianceScan{ObjectMeta: metav1.ObjectMeta{Namespace: "platform", Name: long + "hourly", UID: "h"}}
	daily := &v1alpha1.ComplianceScan{ObjectMeta: metav1.ObjectMeta{Namespace: "platform", Name: long + "daily", UID: "d"}}
	hourly.Spec.ForProvider.ReportHistory, daily.Spec.ForProvider.ReportHistory = 2, 2

	s := runtime.NewScheme()
	require.NoError(t, v1alpha1.SchemeBuilder.AddToScheme(s))
	require.NoError(t, reportsv1alpha1.SchemeBuilder.AddToScheme(s))
	kube := fake.NewClientBuilder().WithScheme(s).Build()
	e := &external{kube: kube, cluster: "platform/" + long + "target"}
	start := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	for _, cs := range []*v1alpha1.ComplianceScan{hourly, daily} {
		for i := range 3 {
			at := start.Add(time.Duration(i) * time.Hour)
			cr := &reportsv1alpha1.ComplianceReport{ObjectMeta: e.reportMeta(cs, "strict", at, "compliance")}
			cr.Spec.ScanTime = metav1.NewTime(at)
			require.NoError(t, kube.Create(context.Background(), cr))
			for k, v := range cr.Labels {
				assert.Empty(t, validation.IsValidLabelValue(v), "label %s=%s", k, v)
			}
		}
	}

	require.NoError(t, e.prune(context.Background(), hourly))
	count := func(cs *v1alpha1.ComplianceScan) int {
		l := &reportsv1alpha1.ComplianceReportList{}
		require.NoError(t, kube.List(context.Background(), l))
		n := 0
		for _, cr := range l.Items {
			if cr.OwnerReferences[0].UID == cs.UID {
				n++
			}
		}
		return n
	}
	assert.Equal(t, 2, count(hourly), "the hourly scan keeps its reportHistory")
	assert.Equal(t, 3, count(daily), "the daily scan's reports are not the hourly's to prune")
}
