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
	"encoding/json"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/rules"
)

// The rules whose failures remediation can fix, safely and reversibly:
// a namespace's Pod Security label, raised to the level the spec requires
// (remove the label to undo), and a namespace's default-deny NetworkPolicy
// (delete it to undo).
const (
	rulePSSEnforce  = rules.CategoryPodSecurity + "/enforce"
	rulePSSAudit    = rules.CategoryPodSecurity + "/audit"
	rulePSSWarn     = rules.CategoryPodSecurity + "/warn"
	ruleDefaultDeny = rules.CategoryNetwork + "/default-deny"

	// DefaultDenyName is the NetworkPolicy remediation creates.
	DefaultDenyName = "kspec-default-deny"
)

func remediable(rule string) bool {
	return slices.Contains([]string{rulePSSEnforce, rulePSSAudit, rulePSSWarn, ruleDefaultDeny}, rule)
}

// A remediator fixes, on the target, the failures of remediable rules.
type remediator struct {
	target client.Client
	// set is the compiled spec: the levels its Pod Security rules require.
	set *rules.Set
	now time.Time
	// apply is false in monitor and audit modes, or without autoRemediate:
	// the events then say what would be done, and nothing is changed.
	apply bool
	why   string
}

// remediate returns one drift event per namespace failing a remediable
// rule, each with what was done about it.
func (m *remediator) remediate(ctx context.Context, fixable map[string][]string) []reportsv1alpha1.DriftEvent {
	var out []reportsv1alpha1.DriftEvent
	for _, rule := range slices.Sorted(func(yield func(string) bool) {
		for k := range fixable {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, ns := range slices.Compact(slices.Sorted(slices.Values(fixable[rule]))) {
			out = append(out, m.one(ctx, rule, ns))
		}
	}
	return out
}

func (m *remediator) one(ctx context.Context, rule, ns string) reportsv1alpha1.DriftEvent {
	ev := reportsv1alpha1.DriftEvent{
		Type: reportsv1alpha1.DriftNewViolation, Rule: rule, Severity: reportsv1alpha1.SeverityHigh,
		Object: &reportsv1alpha1.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: ns},
	}
	t := metav1.NewTime(m.now)
	rem := &reportsv1alpha1.Remediation{Time: &t}
	ev.Remediation = rem
	var do func() error
	switch rule {
	case ruleDefaultDeny:
		rem.Action = reportsv1alpha1.RemediationAction("Create")
		ev.Message = fmt.Sprintf("namespace %s has no default-deny NetworkPolicy", ns)
		do = func() error { return m.defaultDeny(ctx, ns) }
	default:
		mode := rule[len(rules.CategoryPodSecurity)+1:]
		label := "pod-security.kubernetes.io/" + mode
		rem.Action = reportsv1alpha1.RemediationAction("Update")
		level, exempt, err := m.set.PodSecurityLevel(mode, ns)
		if err != nil {
			ev.Message = fmt.Sprintf("namespace %s is below the Pod Security level required for %s", ns, mode)
			rem.Status, rem.Message = "Failed", cut(err.Error(), maxFindingMsg)
			return ev
		}
		ev.Message = fmt.Sprintf("namespace %s is below Pod Security level %s for %s", ns, level, mode)
		if exempt {
			rem.Status, rem.Message = "Skipped", fmt.Sprintf("the namespace's Pod Security exemption lowers its level to %s; set its label by hand", level)
			return ev
		}
		do = func() error { return m.label(ctx, ns, label, string(level)) }
	}
	if rules.IsSystemNamespace(ns) {
		rem.Status, rem.Message = "Skipped", "kspec never changes system namespaces"
		return ev
	}
	if !m.apply {
		rem.Status, rem.Message = "Skipped", m.why
		return ev
	}
	if err := do(); err != nil {
		rem.Status, rem.Message = "Failed", cut(err.Error(), maxFindingMsg)
		return ev
	}
	rem.Status = "Succeeded"
	return ev
}

func (m *remediator) label(ctx context.Context, ns, label, level string) error {
	if level == "" {
		return fmt.Errorf("the spec requires no level for %s", label)
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]string{label: level}}})
	if err != nil {
		return err
	}
	return m.target.Patch(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, client.RawPatch(types.MergePatchType, patch))
}

func (m *remediator) defaultDeny(ctx context.Context, ns string) error {
	np := &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{
			Name: DefaultDenyName, Namespace: ns,
			Labels: map[string]string{render.LabelSpec: m.set.Name, "app.kubernetes.io/managed-by": "kspec"},
		},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}},
	}
	err := m.target.Create(ctx, np)
	if kerrors.IsAlreadyExists(err) {
		return fmt.Errorf("NetworkPolicy %s/%s exists and is not a default-deny one; kspec does not overwrite it", ns, DefaultDenyName)
	}
	return err
}
