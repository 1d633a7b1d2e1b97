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

// ComplianceScans watch their ClusterTargets: a scan waiting for its
// target is looked at when the target becomes Ready, not a poll later.

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
)

// IndexTarget indexes ComplianceScans by the name of their ClusterTarget
// (in their own namespace); scans of the provider's own cluster have none.
const IndexTarget = "spec.forProvider.targetRef.name"

// targetOf is the IndexTarget value of a ComplianceScan.
func targetOf(o client.Object) []string {
	cs, ok := o.(*v1alpha1.ComplianceScan)
	if !ok || cs.Spec.ForProvider.TargetRef == nil || cs.Spec.ForProvider.TargetRef.Name == "" {
		return nil
	}
	return []string{cs.Spec.ForProvider.TargetRef.Name}
}

// scansOf maps a ClusterTarget to the ComplianceScans that reference it,
// read from the cache through IndexTarget.
func scansOf(kube client.Reader) func(context.Context, client.Object) []reconcile.Request {
	return func(ctx context.Context, ct client.Object) []reconcile.Request {
		l := &v1alpha1.ComplianceScanList{}
		if err := kube.List(ctx, l, client.InNamespace(ct.GetNamespace()), client.MatchingFields{IndexTarget: ct.GetName()}); err != nil {
			// The cache lists from memory; the scans' own polls are the
			// fallback if it cannot.
			return nil
		}
		out := make([]reconcile.Request, 0, len(l.Items))
		for _, cs := range l.Items {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&cs)})
		}
		return out
	}
}

// readinessChanged passes the ClusterTarget events a scan acts on: its
// Ready condition's status changed (it became Ready, or stopped being),
// or it was deleted. The target's probe writes its status every probe
// interval; those writes, with Ready unchanged, never reach the scans.
func readinessChanged() predicate.Predicate {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return true },
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, ok1 := e.ObjectOld.(*v1alpha1.ClusterTarget)
			n, ok2 := e.ObjectNew.(*v1alpha1.ClusterTarget)
			return ok1 && ok2 && o.GetCondition(xpv2.TypeReady).Status != n.GetCondition(xpv2.TypeReady).Status
		},
	}
}
