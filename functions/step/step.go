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

// Package step is the contract between function-kspec's dispatcher and its
// steps (policies, certificates, webhook, compliance).
//
// The dispatcher reads the request once: the observed composite resource,
// its resolved and compiled specification, the function Input, the clock
// and the targets. It then calls the step named by the Input once per
// target. A step returns plain Kubernetes objects for that target; the
// dispatcher composes them directly for the control-plane cluster, or wraps
// each one in a provider-kubernetes Object for a remote target, names the
// composed resources, confines a claim's objects to the claim's namespace,
// and writes conditions, results, status and the response TTL. Steps never
// touch the protobuf request or response.
package step

import (
	"context"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	"github.com/kspec-io/kspec/internal/rules"
)

// A Step renders one concern of a specification, one target at a time.
type Step interface {
	// Render returns what the step composes for target t. An error is
	// fatal for the whole composite resource: nothing of this step is
	// composed, and the error is the Fatal result's message, so it must
	// say what is wrong and where. A problem confined to one target (an
	// engine missing there, a target that does not allow enforcement) is
	// a condition and a warning in the Output instead, so the other
	// targets still render. Render must be deterministic and must not
	// modify req.
	Render(ctx context.Context, req *Request, t Target) (*Output, error)
}

// A Summarizer is a Step that also derives state of the composite resource
// from every target's output, such as a per-target status list. The
// dispatcher calls Summarize once, after Render for every target, with the
// outputs in target order. Its Output's objects are ignored: only Status,
// Conditions, Warnings, Require and TTL count.
type Summarizer interface {
	Summarize(ctx context.Context, req *Request, outs []TargetOutput) (*Output, error)
}

// A TargetOutput is what Render returned for one target.
type TargetOutput struct {
	Target Target
	Output *Output
}

// A Request is what every step is given. It is read-only.
type Request struct {
	// XR identifies the observed composite resource.
	XR XR
	// Spec is the resolved specification: templates and basedOn merged.
	// Spec.Namespace is set for a claim's composite.
	Spec rules.Spec
	// Set is Spec compiled.
	Set *rules.Set
	// Input of this function call. Input.Namespace is defaulted
	// (DefaultNamespace) when the Composition leaves it empty.
	Input fnv1beta1.Input
	// Now is the render time: activation windows and exemption expiry
	// are evaluated at it. Steps never read the wall clock.
	Now time.Time
	// Targets the objects are composed for, in a stable order: the
	// control-plane cluster alone when the spec names no targets, else
	// every ClusterTarget found, sorted by namespace and name. Targets
	// that were named but not found are not here: the dispatcher reports
	// them.
	Targets []Target

	// Observed composed resources, by composed resource name. Read them
	// with Observed and ObservedControlPlane. The dispatcher leaves this
	// nil and sets Lazy; tests may fill it instead.
	ObservedComposed map[resource.Name]resource.ObservedComposed
	// Required resources Crossplane resolved, by requirement name as the
	// dispatcher asked for them (see RequirementName). Read them with
	// Required. The dispatcher leaves this nil and sets Lazy; tests may
	// fill it instead.
	RequiredResources map[string][]resource.Required
	// Lazy serves what ObservedComposed and RequiredResources do not hold
	// straight from the protobuf request, converting only what a step
	// reads: a pipeline over many targets observes hundreds of objects.
	Lazy *Lazy
}

// Lazy holds the request's observed and required resources as Crossplane
// sent them.
type Lazy struct {
	Observed map[string]*fnv1.Resource
	Required map[string]*fnv1.Resources
}

// observed returns an observed composed resource by composed resource
// name.
func (r *Request) observed(name resource.Name) (*composed.Unstructured, bool) {
	if oc, ok := r.ObservedComposed[name]; ok {
		return oc.Resource, oc.Resource != nil
	}
	if r.Lazy == nil {
		return nil, false
	}
	raw, ok := r.Lazy.Observed[string(name)]
	if !ok || raw.GetResource() == nil {
		return nil, false
	}
	u := composed.New()
	if err := resource.AsObject(raw.GetResource(), u); err != nil {
		return nil, false
	}
	return u, true
}

// DefaultNamespace is where namespaced objects of a cluster-wide
// specification go when the Input names no namespace.
const DefaultNamespace = "kspec-system"

// An XR identifies the observed composite resource.
type XR struct {
	// Name and UID of the composite resource (a ClusterSpecification).
	Name string
	UID  string
	// ClaimName and ClaimNamespace name the claim, for a claim's
	// composite; both empty otherwise.
	ClaimName, ClaimNamespace string
	// Object is the observed composite resource. Read-only.
	Object *unstructured.Unstructured
}

// Claim reports whether the composite resource is a claim's. A claim's
// objects must all be namespaced, in ClaimNamespace.
func (x XR) Claim() bool { return x.ClaimNamespace != "" }

// A Target is a cluster the step composes objects for.
type Target struct {
	// Local is true for the control-plane cluster itself: the spec names
	// no targets, and objects are composed directly.
	Local bool
	// Name and Namespace of the ClusterTarget; empty when Local.
	Name, Namespace string
	// Ready is true for the local cluster, and for a ClusterTarget whose
	// Ready condition is True. The dispatcher already reports a target
	// that is not ready; steps still render for it, so a flapping probe
	// does not delete what was composed there.
	Ready bool
	// AllowEnforcement says whether policies, certificates and the
	// webhook may be composed on the target (ClusterTarget
	// spec.forProvider.allowEnforcement; always true when Local). Steps
	// that enforce must render nothing on a target that does not allow
	// it; the dispatcher drops such objects and warns.
	AllowEnforcement bool
	// Version is the target's Kubernetes version as its last probe read
	// it (status.atProvider.version), empty when unknown or Local.
	Version string
	// ProviderConfig is the name of the provider-kubernetes ProviderConfig
	// (kubernetes.m.crossplane.io, in Namespace) the dispatcher composes
	// for the target and its Objects use; empty when Local.
	ProviderConfig string
	// Object is the observed ClusterTarget; nil when Local. Read-only.
	Object *unstructured.Unstructured
}

// Key is a short stable identity of the target: "local", or
// "<namespace>.<name>" of the ClusterTarget. Namespaces hold no dots, so
// keys never collide.
func (t Target) Key() string {
	if t.Local {
		return "local"
	}
	return t.Namespace + "." + t.Name
}

// String names the target for messages.
func (t Target) String() string {
	if t.Local {
		return "the control-plane cluster"
	}
	return "ClusterTarget " + t.Namespace + "/" + t.Name
}

// An Output is what a step composes for one target, and what it says
// about the composite resource.
type Output struct {
	// Objects are composed on the target cluster: directly when it is
	// Local, else each wrapped in a provider-kubernetes Object.
	Objects []Object
	// ControlPlane objects are composed on the control-plane cluster
	// whatever the target, never wrapped (for example a ComplianceScan
	// that scans the target).
	ControlPlane []Object
	// Require asks Crossplane for resources, by requirement name. The
	// step reads them back with Request.Required on a later call; ask
	// for the same ones on every call, as Crossplane compares them.
	Require map[string]Selector
	// Status fields merged into the composite resource's status, by
	// top-level key; a later output's key replaces an earlier one.
	Status map[string]any
	// Conditions set on the composite resource (and its claim). Types
	// are CamelCase and never Crossplane's own (Ready, Synced).
	Conditions []Condition
	// Warnings become Warning results on the composite resource (and its
	// claim), each a full sentence naming what and where.
	Warnings []string
	// TTL, when positive, asks Crossplane to call the function again
	// within it. The response's TTL is the smallest of every hint, the
	// specification's next change and the dispatcher's cap.
	TTL time.Duration
}

// An Object is one desired object.
type Object struct {
	// Name identifies the object among the step's objects for one target
	// (Objects and ControlPlane together), stable across calls (for example "policy-pod-security" or
	// "deployment"). The dispatcher derives the composed resource name
	// from the step, the target and Name; renaming an object deletes and
	// recreates it.
	Name string
	// Resource is the object. It must carry apiVersion and kind, and a
	// namespace when namespaced. Typed objects must set TypeMeta.
	Resource client.Object
	// Ready is the object's readiness, derived from its observed state
	// (see Request.Observed). ReadyUnspecified lets Crossplane decide.
	Ready resource.Ready
	// ObserveOnly composes the object with management policy Observe:
	// provider-kubernetes reads it from the remote target without ever
	// changing it, so a step can check that something exists there (for
	// example an engine's CRD). Only for remote targets: on the local
	// target, Require the object instead.
	ObserveOnly bool
}

// A Selector asks Crossplane for resources: one by name, or every one
// matching labels (MatchLabels non-nil, possibly empty), in Namespace when
// the kind is namespaced (empty: any namespace).
type Selector struct {
	APIVersion, Kind string
	Name             string
	MatchLabels      map[string]string
	Namespace        string
}

// A ConditionStatus is True, False or Unknown.
type ConditionStatus string

// Condition statuses.
const (
	ConditionTrue    ConditionStatus = "True"
	ConditionFalse   ConditionStatus = "False"
	ConditionUnknown ConditionStatus = "Unknown"
)

// A Condition of the composite resource.
type Condition struct {
	Type    string
	Status  ConditionStatus
	Reason  string
	Message string
}

// RequirementName is the name under which the dispatcher asks Crossplane
// for a step's requirement: the step's name, a slash, and the name the
// step gave. Steps use Request.Required and never need it.
func RequirementName(s fnv1beta1.Step, name string) string {
	return string(s) + "/" + name
}

// Required returns the resources Crossplane resolved for the step's
// requirement name, and whether Crossplane has resolved it yet: false on
// the first call, before Crossplane fetched what the step asked for. A
// resolved requirement that matched nothing is (nil, true).
func (r *Request) Required(name string) ([]*unstructured.Unstructured, bool) {
	n := RequirementName(r.Input.Step, name)
	if rs, ok := r.RequiredResources[n]; ok {
		out := make([]*unstructured.Unstructured, 0, len(rs))
		for _, x := range rs {
			if x.Resource != nil {
				out = append(out, x.Resource)
			}
		}
		return out, true
	}
	if r.Lazy == nil {
		return nil, false
	}
	raw, ok := r.Lazy.Required[n]
	if !ok {
		return nil, false
	}
	out := make([]*unstructured.Unstructured, 0, len(raw.GetItems()))
	for _, i := range raw.GetItems() {
		u := &unstructured.Unstructured{}
		if i.GetResource() == nil || resource.AsObject(i.GetResource(), u) != nil {
			continue
		}
		out = append(out, u)
	}
	return out, true
}

// Observed returns the observed state of the object the step named name
// for target t, as it is on that target: the composed resource itself for
// the local target, the remote object provider-kubernetes last read
// (status.atProvider.manifest) for a remote one. ok is false when nothing
// was observed yet.
func (r *Request) Observed(t Target, name string) (obj *unstructured.Unstructured, ok bool) {
	oc, ok := r.observed(ComposedName(r.Input.Step, t, name))
	if !ok {
		return nil, false
	}
	if t.Local {
		return &unstructured.Unstructured{Object: oc.UnstructuredContent()}, true
	}
	m, found, err := unstructured.NestedMap(oc.UnstructuredContent(), "status", "atProvider", "manifest")
	if err != nil || !found || len(m) == 0 {
		return nil, false
	}
	return &unstructured.Unstructured{Object: m}, true
}

// ObservedControlPlane returns the observed composed resource of the
// object the step named name for target t, as it is on the control plane:
// a ControlPlane object itself, and for an object on a remote target the
// provider-kubernetes Object wrapping it (with its Synced and Ready
// conditions).
func (r *Request) ObservedControlPlane(t Target, name string) (*unstructured.Unstructured, bool) {
	oc, ok := r.observed(ComposedName(r.Input.Step, t, name))
	if !ok {
		return nil, false
	}
	return &unstructured.Unstructured{Object: oc.UnstructuredContent()}, true
}

// ComposedName is the composed resource name of a step's object for a
// target: "<step>/<name>" on the local target, "<step>/<name>@<target
// key>" on a remote one. Steps use Request.Observed and never need it.
func ComposedName(s fnv1beta1.Step, t Target, name string) resource.Name {
	if t.Local {
		return resource.Name(string(s) + "/" + name)
	}
	return resource.Name(string(s) + "/" + name + "@" + t.Key())
}
