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

package policies

import (
	"fmt"
	"sort"
	"strings"
	"time"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/version"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/functions/step"
)

// minVAP is the first Kubernetes release that serves
// ValidatingAdmissionPolicy in admissionregistration.k8s.io/v1.
var minVAP = version.MajorMinor(1, 30)

// checkTTL is how soon the function looks again while an engine's API is
// being checked on a remote target.
const checkTTL = 30 * time.Second

// An engineCheck says whether an engine's API exists on a target.
type engineCheck struct {
	available bool
	// probes observe the engine's CRDs on a remote target.
	probes []step.Object
	// require asks for the engine's CRDs on the control-plane cluster.
	require   map[string]step.Selector
	condition step.Condition
	warning   string
	ttl       time.Duration
}

// availability checks that the API of every kind the engine rendered
// exists on t. Kyverno's are CRDs: required from the control-plane cluster,
// observed through provider-kubernetes on a remote target, and they must
// serve the version rendered. ValidatingAdmissionPolicy is built in: a
// remote target's probed Kubernetes version must be 1.30 or later; the
// control-plane cluster, and a target whose version is not known yet, are
// assumed to serve it, and the condition says so.
func availability(req *step.Request, t step.Target, e kspecv1alpha1.Engine, objs []client.Object) engineCheck {
	if len(objs) == 0 {
		return engineCheck{available: true, condition: availableCondition()}
	}
	if e == kspecv1alpha1.EngineAdmissionPolicy {
		return vapAvailability(t)
	}
	crds := neededCRDs(objs)
	c := engineCheck{available: true}
	var missing, checking []string
	for _, crd := range crds {
		name := "crd-" + crd.name
		var (
			obj   *unstructured.Unstructured
			found bool
			why   string
		)
		if t.Local {
			if c.require == nil {
				c.require = map[string]step.Selector{}
			}
			c.require[name] = step.Selector{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition", Name: crd.name}
			objs, resolved := req.Required(name)
			if !resolved {
				checking = append(checking, crd.name)
				continue
			}
			if len(objs) > 0 {
				obj, found = objs[0], true
			} else {
				why = "not found"
			}
		} else {
			probe := &unstructured.Unstructured{}
			probe.SetAPIVersion("apiextensions.k8s.io/v1")
			probe.SetKind("CustomResourceDefinition")
			probe.SetName(crd.name)
			o := step.Object{Name: name, Resource: probe, ObserveOnly: true, Ready: resource.ReadyFalse}
			obj, found = req.Observed(t, name)
			if !found {
				why = probeFailure(req, t, name)
				if why == "" {
					c.probes = append(c.probes, o)
					checking = append(checking, crd.name)
					continue
				}
			}
			if found {
				o.Ready = resource.ReadyTrue
			}
			c.probes = append(c.probes, o)
		}
		if found && !serves(obj, crd.version) {
			found, why = false, "does not serve "+crd.version
		}
		if !found {
			missing = append(missing, fmt.Sprintf("CustomResourceDefinition %s %s", crd.name, why))
		}
	}
	switch {
	case len(missing) > 0:
		c.available = false
		msg := fmt.Sprintf("engine %s is missing on %s: %s", e, t, strings.Join(missing, "; "))
		c.condition = step.Condition{Type: ConditionEnginesAvailable, Status: step.ConditionFalse, Reason: "EngineMissing", Message: msg}
		c.warning = msg + "; none of its policies are composed there"
	case len(checking) > 0:
		c.available = false
		c.condition = step.Condition{Type: ConditionEnginesAvailable, Status: step.ConditionUnknown, Reason: "Checking",
			Message: fmt.Sprintf("checking that engine %s is installed on %s (%s)", e, t, strings.Join(checking, ", "))}
		c.ttl = checkTTL
	default:
		c.condition = availableCondition()
	}
	return c
}

func availableCondition() step.Condition {
	return step.Condition{Type: ConditionEnginesAvailable, Status: step.ConditionTrue, Reason: "Available", Message: "every policy engine is available"}
}

func vapAvailability(t step.Target) engineCheck {
	if t.Local || t.Version == "" {
		where := "the control-plane cluster"
		if !t.Local {
			where = t.String() + ", whose version is not probed yet,"
		}
		return engineCheck{available: true, condition: step.Condition{Type: ConditionEnginesAvailable, Status: step.ConditionTrue, Reason: "Available",
			Message: fmt.Sprintf("ValidatingAdmissionPolicy is assumed on %s (built in since Kubernetes %s)", where, minVAP)}}
	}
	v, err := version.ParseGeneric(t.Version)
	if err != nil || v.LessThan(minVAP) {
		msg := fmt.Sprintf("engine %s is missing on %s: it runs Kubernetes %s, and ValidatingAdmissionPolicy needs %s or later", kspecv1alpha1.EngineAdmissionPolicy, t, t.Version, minVAP)
		return engineCheck{condition: step.Condition{Type: ConditionEnginesAvailable, Status: step.ConditionFalse, Reason: "EngineMissing", Message: msg},
			warning: msg + "; none of its policies are composed there"}
	}
	return engineCheck{available: true, condition: availableCondition()}
}

// A crd is the CustomResourceDefinition a kind needs, and the version.
type crd struct{ name, version string }

// neededCRDs are the CRDs of the kinds rendered, sorted.
func neededCRDs(objs []client.Object) []crd {
	seen := map[crd]bool{}
	var out []crd
	for _, o := range objs {
		gvk := o.GetObjectKind().GroupVersionKind()
		c := crd{name: plural(gvk.Kind) + "." + gvk.Group, version: gvk.Version}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// plural is the resource of a kind, as Kubernetes' default pluralization
// makes it for the kinds kspec renders.
func plural(kind string) string {
	k := strings.ToLower(kind)
	if strings.HasSuffix(k, "y") {
		return strings.TrimSuffix(k, "y") + "ies"
	}
	return k + "s"
}

// serves reports whether a CRD serves a version.
func serves(crd *unstructured.Unstructured, v string) bool {
	vs, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	for _, x := range vs {
		m, _ := x.(map[string]any)
		if m["name"] == v && m["served"] == true {
			return true
		}
	}
	return false
}

// probeFailure is why provider-kubernetes could not observe a probe: its
// Synced condition's message when False; empty while it has not tried.
func probeFailure(req *step.Request, t step.Target, name string) string {
	oc, ok := req.ObservedControlPlane(t, name)
	if !ok {
		return ""
	}
	c := (&composed.Unstructured{Unstructured: *oc}).GetCondition(xpv2.TypeSynced)
	if c.Status != "False" {
		return ""
	}
	msg := c.Message
	if msg == "" {
		msg = string(c.Reason)
	}
	return "could not be observed: " + msg
}

// readiness is an object's readiness from its observed state: Kyverno's
// status.conditionStatus.ready on a policy, the API server's type checking
// on a ValidatingAdmissionPolicy (its warnings become a warning), and
// existence for objects without status. Not observed yet is not ready.
func readiness(req *step.Request, t step.Target, o client.Object) (resource.Ready, string) {
	obs, ok := req.Observed(t, ObjectName(o))
	if !ok {
		return resource.ReadyFalse, ""
	}
	gk := o.GetObjectKind().GroupVersionKind().GroupKind()
	switch gk {
	case schema.GroupKind{Group: "policies.kyverno.io", Kind: "ValidatingPolicy"},
		schema.GroupKind{Group: "policies.kyverno.io", Kind: "NamespacedValidatingPolicy"}:
		if r, _, _ := unstructured.NestedBool(obs.Object, "status", "conditionStatus", "ready"); r {
			return resource.ReadyTrue, ""
		}
		return resource.ReadyFalse, ""
	case schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"}:
		tc, found, _ := unstructured.NestedMap(obs.Object, "status", "typeChecking")
		if !found {
			return resource.ReadyFalse, ""
		}
		ws, _, _ := unstructured.NestedSlice(tc, "expressionWarnings")
		if len(ws) == 0 {
			return resource.ReadyTrue, ""
		}
		msgs := make([]string, 0, len(ws))
		for _, w := range ws {
			m, _ := w.(map[string]any)
			msgs = append(msgs, fmt.Sprintf("%v: %v", m["fieldRef"], m["warning"]))
		}
		return resource.ReadyTrue, fmt.Sprintf("the API server's type checking of ValidatingAdmissionPolicy %s on %s warns: %s", o.GetName(), t, strings.Join(msgs, "; "))
	}
	return resource.ReadyTrue, ""
}
