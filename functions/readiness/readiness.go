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

// Package readiness says whether an object function-kspec composed is
// really ready, from its observed state: a Deployment whose replicas are
// all available, a Certificate cert-manager reports Ready, a Kyverno
// policy Kyverno reports ready, a ValidatingAdmissionPolicy the API server
// type-checked without warnings, a managed resource whose Ready condition
// is True. Every step sets its objects' readiness from it, so the
// composite resource is Ready only when what it composed works.
package readiness

import (
	"fmt"
	"strings"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// A Verdict is an object's readiness and, when it is not ready, why.
type Verdict struct {
	Ready resource.Ready
	// Reason says why the object is not ready; empty when it is.
	Reason string
}

var ready = Verdict{Ready: resource.ReadyTrue}

func notReady(format string, args ...any) Verdict {
	return Verdict{Ready: resource.ReadyFalse, Reason: fmt.Sprintf(format, args...)}
}

// A check judges the observed state of one kind.
type check func(u *unstructured.Unstructured) (Verdict, error)

// checks by group and kind. Kinds not here are ready once they exist,
// unless they carry a Ready condition (a managed resource, a composite),
// which must then be True.
var checks = map[string]check{
	"apps/Deployment":                                        deployment,
	"/Namespace":                                             namespace,
	"cert-manager.io/Certificate":                            readyCondition,
	"cert-manager.io/Issuer":                                 readyCondition,
	"cert-manager.io/ClusterIssuer":                          readyCondition,
	"policies.kyverno.io/ValidatingPolicy":                   kyverno,
	"policies.kyverno.io/NamespacedValidatingPolicy":         kyverno,
	"admissionregistration.k8s.io/ValidatingAdmissionPolicy": admissionPolicy,
	"apiextensions.k8s.io/CustomResourceDefinition":          established,
	"kubernetes.m.crossplane.io/Object":                      readyCondition,
	"provider.kspec.io/ComplianceScan":                       readyCondition,
	"provider.kspec.io/ClusterTarget":                        readyCondition,
}

// Of judges an observed object; ok false means nothing is observed yet,
// which is not ready. An error says precisely what about the observed
// state cannot be read; the object is then not ready either. Of never
// panics, whatever obj holds.
func Of(obj *unstructured.Unstructured, ok bool) (v Verdict, err error) {
	if !ok || obj == nil || obj.Object == nil {
		return notReady("not observed yet"), nil
	}
	defer func() {
		if p := recover(); p != nil {
			v, err = notReady("observed state unreadable"), errors.Errorf("%s: cannot read its observed state: %v", describe(obj), p)
		}
	}()
	gvk := obj.GroupVersionKind()
	c, found := checks[gvk.Group+"/"+gvk.Kind]
	if !found {
		c = generic
	}
	v, err = c(obj)
	if err != nil {
		return notReady("observed state unreadable"), errors.Wrapf(err, "%s: cannot read its observed state", describe(obj))
	}
	return v, nil
}

func describe(u *unstructured.Unstructured) string {
	name := u.GetName()
	if ns := u.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	return strings.TrimSpace(u.GetKind() + " " + name)
}

// generic: ready once it exists, unless a Ready condition says otherwise.
func generic(u *unstructured.Unstructured) (Verdict, error) {
	c, found, err := condition(u, "Ready")
	if err != nil || !found {
		return ready, err
	}
	return conditionVerdict(c), nil
}

// readyCondition: the Ready condition must be True.
func readyCondition(u *unstructured.Unstructured) (Verdict, error) {
	c, found, err := condition(u, "Ready")
	if err != nil {
		return Verdict{}, err
	}
	if !found {
		return notReady("no Ready condition yet"), nil
	}
	return conditionVerdict(c), nil
}

func established(u *unstructured.Unstructured) (Verdict, error) {
	c, found, err := condition(u, "Established")
	if err != nil {
		return Verdict{}, err
	}
	if !found {
		return notReady("not established yet"), nil
	}
	return conditionVerdict(c), nil
}

// cond is one status condition.
type cond struct{ typ, status, reason, message string }

func conditionVerdict(c cond) Verdict {
	if c.status == "True" {
		return ready
	}
	msg := c.typ + " is " + c.status
	if c.reason != "" {
		msg += " (" + c.reason + ")"
	}
	if c.message != "" {
		msg += ": " + c.message
	}
	return notReady("%s", msg)
}

// condition finds the condition of type typ in status.conditions.
func condition(u *unstructured.Unstructured, typ string, path ...string) (cond, bool, error) {
	if len(path) == 0 {
		path = []string{"status", "conditions"}
	}
	raw, found, err := unstructured.NestedFieldNoCopy(u.Object, path...)
	if err != nil {
		return cond{}, false, err
	}
	if !found || raw == nil {
		return cond{}, false, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return cond{}, false, errors.Errorf(".%s is %T, not a list", strings.Join(path, "."), raw)
	}
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return cond{}, false, errors.Errorf(".%s[%d] is %T, not an object", strings.Join(path, "."), i, item)
		}
		t, err := str(m, "type", path, i)
		if err != nil {
			return cond{}, false, err
		}
		if t != typ {
			continue
		}
		c := cond{typ: t}
		for _, f := range []struct {
			key string
			dst *string
		}{{"status", &c.status}, {"reason", &c.reason}, {"message", &c.message}} {
			if *f.dst, err = str(m, f.key, path, i); err != nil {
				return cond{}, false, err
			}
		}
		return c, true, nil
	}
	return cond{}, false, nil
}

func str(m map[string]any, key string, path []string, i int) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", errors.Errorf(".%s[%d].%s is %T, not a string", strings.Join(path, "."), i, key, v)
	}
	return s, nil
}

// integer reads an integer field (0 when absent), as JSON decodes it.
func integer(u *unstructured.Unstructured, path ...string) (int64, error) {
	v, found, err := unstructured.NestedFieldNoCopy(u.Object, path...)
	if err != nil || !found || v == nil {
		return 0, err
	}
	switch n := v.(type) {
	case int64:
		return n, nil
	case int:
		return int64(n), nil
	case int32:
		return int64(n), nil
	case float64:
		if n == float64(int64(n)) {
			return int64(n), nil
		}
	}
	return 0, errors.Errorf(".%s is %v, not an integer", strings.Join(path, "."), v)
}

// deployment: the controller saw the latest spec, and every replica is
// updated and available.
func deployment(u *unstructured.Unstructured) (Verdict, error) {
	want := int64(1)
	if _, found, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", "replicas"); found {
		n, err := integer(u, "spec", "replicas")
		if err != nil {
			return Verdict{}, err
		}
		want = n
	}
	gen, err := integer(u, "metadata", "generation")
	if err != nil {
		return Verdict{}, err
	}
	seen, err := integer(u, "status", "observedGeneration")
	if err != nil {
		return Verdict{}, err
	}
	if seen < gen {
		return notReady("the Deployment controller has not seen generation %d yet", gen), nil
	}
	updated, err := integer(u, "status", "updatedReplicas")
	if err != nil {
		return Verdict{}, err
	}
	available, err := integer(u, "status", "availableReplicas")
	if err != nil {
		return Verdict{}, err
	}
	if updated < want || available < want {
		return notReady("%d of %d replicas updated, %d available", updated, want, available), nil
	}
	c, found, err := condition(u, "Available")
	if err != nil {
		return Verdict{}, err
	}
	if !found {
		return notReady("no Available condition yet"), nil
	}
	return conditionVerdict(c), nil
}

// namespace: Active, not Terminating.
func namespace(u *unstructured.Unstructured) (Verdict, error) {
	phase, found, err := unstructured.NestedString(u.Object, "status", "phase")
	if err != nil {
		return Verdict{}, err
	}
	if found && phase != "Active" {
		return notReady("namespace is %s", phase), nil
	}
	return ready, nil
}

// kyverno: Kyverno reports status.conditionStatus.ready once it has
// configured its webhooks and cached the policy.
func kyverno(u *unstructured.Unstructured) (Verdict, error) {
	r, found, err := unstructured.NestedFieldNoCopy(u.Object, "status", "conditionStatus", "ready")
	if err != nil {
		return Verdict{}, err
	}
	if found && r != nil {
		b, ok := r.(bool)
		if !ok {
			return Verdict{}, errors.Errorf(".status.conditionStatus.ready is %v, not a boolean", r)
		}
		if b {
			return ready, nil
		}
	}
	msg, _, err := unstructured.NestedString(u.Object, "status", "conditionStatus", "message")
	if err != nil {
		return Verdict{}, err
	}
	for _, typ := range []string{"WebhookConfigured", "PolicyCached", "RBACPermissionsGranted"} {
		c, found, err := condition(u, typ, "status", "conditionStatus", "conditions")
		if err != nil {
			return Verdict{}, err
		}
		if found && c.status != "True" {
			return conditionVerdict(c), nil
		}
	}
	if msg != "" {
		return notReady("Kyverno reports the policy not ready: %s", msg), nil
	}
	return notReady("Kyverno has not reported the policy ready yet"), nil
}

// admissionPolicy: the API server type-checked the latest generation and
// found nothing to warn about: a warning means an expression does not
// type-check against the kinds it matches.
func admissionPolicy(u *unstructured.Unstructured) (Verdict, error) {
	gen, err := integer(u, "metadata", "generation")
	if err != nil {
		return Verdict{}, err
	}
	seen, err := integer(u, "status", "observedGeneration")
	if err != nil {
		return Verdict{}, err
	}
	tc, found, err := unstructured.NestedFieldNoCopy(u.Object, "status", "typeChecking")
	if err != nil {
		return Verdict{}, err
	}
	if !found || tc == nil || seen < gen {
		return notReady("the API server has not type-checked generation %d yet", gen), nil
	}
	raw, _, err := unstructured.NestedFieldNoCopy(u.Object, "status", "typeChecking", "expressionWarnings")
	if err != nil {
		return Verdict{}, err
	}
	if raw == nil {
		return ready, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return Verdict{}, errors.Errorf(".status.typeChecking.expressionWarnings is %T, not a list", raw)
	}
	if len(list) == 0 {
		return ready, nil
	}
	warnings := make([]string, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return Verdict{}, errors.Errorf(".status.typeChecking.expressionWarnings[%d] is %T, not an object", i, item)
		}
		field, _ := m["fieldRef"].(string)
		warning, _ := m["warning"].(string)
		warnings = append(warnings, strings.TrimSpace(field+": "+warning))
	}
	return notReady("type checking warns: %s", strings.Join(warnings, "; ")), nil
}

// A Condition is one entry of an object's status.conditions.
type Condition struct{ Type, Status, Reason, Message string }

// FindCondition returns the condition of type typ in u's
// status.conditions; found is false when there is none. An error says
// which part of the conditions is malformed.
func FindCondition(u *unstructured.Unstructured, typ string) (c Condition, found bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			c, found, err = Condition{}, false, errors.Errorf(".status.conditions: %v", p)
		}
	}()
	x, found, err := condition(u, typ)
	return Condition{Type: x.typ, Status: x.status, Reason: x.reason, Message: x.message}, found, err
}
