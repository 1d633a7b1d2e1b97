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
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
)

// TestLagging: a cached scan that predates this process's last scan of it
// is cache lag when the API server has the scan's status write, and a lost
// write (a conflict with a change made during the scan) when it has not:
// then the scan is due again, not skipped forever.
func TestLagging(t *testing.T) {
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	scan := func(last *time.Time) *v1alpha1.ComplianceScan {
		cs := &v1alpha1.ComplianceScan{ObjectMeta: metav1.ObjectMeta{Namespace: "platform", Name: "s", UID: "u"}}
		if last != nil {
			cs.Status.AtProvider.LastScanTime = &metav1.Time{Time: *last}
		}
		return cs
	}
	s := runtime.NewScheme()
	require.NoError(t, v1alpha1.SchemeBuilder.AddToScheme(s))
	cases := map[string]struct {
		reason      string
		made        bool
		live        *v1alpha1.ComplianceScan
		wantLagging bool
		wantKept    bool
	}{
		"no scan made": {reason: "read as it is", live: scan(nil)},
		"cache lag": {
			reason: "the API server has the status write; the cache will",
			made:   true, live: scan(&at), wantLagging: true, wantKept: true,
		},
		"write lost": {
			reason: "the API server has no status write: scan again when due",
			made:   true, live: scan(nil),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := &external{scans: &scansMade{}, reader: fake.NewClientBuilder().WithScheme(s).WithObjects(tc.live).Build()}
			if tc.made {
				e.scans.made("u", at)
			}
			got, err := e.lagging(context.Background(), scan(nil))
			require.NoError(t, err)
			assert.Equal(t, tc.wantLagging, got, tc.reason)
			_, kept := e.scans.m.Load(tc.live.GetUID())
			assert.Equal(t, tc.wantKept, kept, tc.reason)
		})
	}
}
