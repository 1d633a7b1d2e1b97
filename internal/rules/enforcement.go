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
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// An Action is what a failed rule does at admission. They are the
// validation actions of a ValidatingAdmissionPolicy binding and of a
// Kyverno ValidatingPolicy, which mean the same.
type Action = admissionregistrationv1.ValidationAction

// Actions.
const (
	// ActionDeny denies the request.
	ActionDeny = admissionregistrationv1.Deny
	// ActionWarn admits it with a warning to the client.
	ActionWarn = admissionregistrationv1.Warn
	// ActionAudit records the failure in the request's audit annotations.
	ActionAudit = admissionregistrationv1.Audit
)

// Actions says what failed rules do at admission in a mode: enforce denies;
// audit warns and records in the audit log; monitor does nothing at
// admission (failures are only recorded by scans and metrics). Every
// enforcement point (the webhook, the rendered Kyverno policies and
// ValidatingAdmissionPolicies) takes its actions from here.
func Actions(m kspecv1alpha1.Mode) []Action {
	switch m {
	case kspecv1alpha1.ModeEnforce:
		return []Action{ActionDeny}
	case kspecv1alpha1.ModeAudit:
		return []Action{ActionWarn, ActionAudit}
	}
	return nil
}

// ActionsAt is what the set's failures do at admission at a moment: its
// mode's actions inside its activation windows, none outside them. The
// webhook asks it per request; render asks it at render time, and the
// function re-renders at the set's NextChange.
func (s *Set) ActionsAt(now time.Time) []Action {
	if !s.Activation.Active(now) {
		return nil
	}
	return Actions(s.Mode)
}

// AdmissionMessage is the message a failure carries at admission: the rule
// id, then what is wrong.
func (r *Rule) AdmissionMessage() string { return r.ID + ": " + r.Message }

// AdmissionMessageExpression is CEL for the same message naming what is at
// fault; empty when the rule has only a fixed message.
func (r *Rule) AdmissionMessageExpression() string {
	if r.MessageExpression == "" {
		return ""
	}
	return quote(r.ID+": ") + " + (" + r.MessageExpression + ")"
}

// Operations are the admission operations rules judge: the new object of a
// CREATE or UPDATE. DELETE and CONNECT are always admitted.
var operations = []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}

// MatchRules are the admission rules that send the kinds to an
// enforcement point on create and update, one per group and version, in the
// order the kinds are listed.
func MatchRules(kinds []Kind) []admissionregistrationv1.RuleWithOperations {
	type gv struct{ group, version string }
	var order []gv
	byGV := map[gv][]string{}
	for _, k := range kinds {
		g := gv{k.Group, k.Version}
		if _, ok := byGV[g]; !ok {
			order = append(order, g)
		}
		byGV[g] = append(byGV[g], k.Resource)
	}
	out := make([]admissionregistrationv1.RuleWithOperations, 0, len(order))
	for _, g := range order {
		out = append(out, admissionregistrationv1.RuleWithOperations{
			Operations: append([]admissionregistrationv1.OperationType(nil), operations...),
			Rule: admissionregistrationv1.Rule{
				APIGroups: []string{g.group}, APIVersions: []string{g.version}, Resources: byGV[g],
			},
		})
	}
	return out
}
