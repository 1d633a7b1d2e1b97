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

package functions

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/response"
	"github.com/pkg/errors"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	fnv1beta1 "github.com/kspec-io/kspec/apis/fn/v1beta1"
	"github.com/kspec-io/kspec/functions/step"
)

// A composition collects what one call composes and says.
type composition struct {
	step    fnv1beta1.Step
	xr      step.XR
	targets *targetSet
	reqs    requirements
	ttl     time.Duration

	desired    map[resource.Name]*fnv1.Resource
	conditions map[string]*step.Condition
	warnings   []string
	status     map[string]any
	// converted are the step's objects already converted: steps may
	// return one object for many targets.
	converted map[client.Object]*converted
	shared    *conversionCache
}

// A converted object: its content as a map and as a protobuf Struct, and
// the provider-kubernetes Objects wrapping it, by wrapKey.
type converted struct {
	u        *unstructured.Unstructured
	s        *structpb.Struct
	wrappers sync.Map
}

// A wrapKey is everything a wrapper depends on besides the object: a
// comparable struct, so looking a wrapper up allocates nothing.
type wrapKey struct {
	xr                            string
	step                          fnv1beta1.Step
	object                        string
	namespace, name, providerConf string
	observeOnly                   bool
}

func keyOf(xr step.XR, s fnv1beta1.Step, t step.Target, o step.Object) wrapKey {
	return wrapKey{xr: xr.Name, step: s, object: o.Name, namespace: t.Namespace, name: t.Name, providerConf: t.ProviderConfig, observeOnly: o.ObserveOnly}
}

// wrapped returns the wrapper of a converted object for a target, built
// once.
func (cv *converted) wrapped(xr step.XR, s fnv1beta1.Step, t step.Target, o step.Object) *structpb.Struct {
	k := keyOf(xr, s, t, o)
	if w, ok := cv.wrappers.Load(k); ok {
		return w.(*structpb.Struct)
	}
	w := wrap(xr, s, t, o, cv.s)
	cv.wrappers.Store(k, w)
	return w
}

// add takes in every target's output and the summary.
func (c *composition) add(outs []step.TargetOutput, summary *step.Output) error {
	c.desired = map[resource.Name]*fnv1.Resource{}
	c.converted = map[client.Object]*converted{}
	c.conditions = map[string]*step.Condition{}
	c.status = map[string]any{}
	c.targetsCondition()

	var violations []string
	for _, to := range outs {
		if c.xr.Claim() {
			violations = append(violations, confine(c.xr.ClaimNamespace, to)...)
		}
	}
	if len(violations) > 0 {
		return errors.Errorf("claim %s/%s: step %s would compose beyond the claim's namespace, so nothing is rendered: %s",
			c.xr.ClaimNamespace, c.xr.ClaimName, c.step, strings.Join(violations, "; "))
	}
	for _, to := range outs {
		if err := c.addTarget(to.Target, to.Output); err != nil {
			return err
		}
	}
	if summary != nil {
		c.addSays(summary)
	}
	return nil
}

// addTarget composes one target's objects and takes in what it says.
func (c *composition) addTarget(t step.Target, out *step.Output) error {
	dropped := 0
	wrapped := false
	for _, o := range out.Objects {
		if t.Local && o.ObserveOnly {
			return errors.Errorf("step %s asked to observe %s on the control-plane cluster; a step requires local objects instead (this is a bug)", c.step, describeObject(o))
		}
		if !t.Local && (t.ProviderConfig == "" || !t.AllowEnforcement && !o.ObserveOnly) {
			dropped++
			continue
		}
		cv, err := c.convert(o)
		if err != nil {
			return errors.Wrapf(err, "step %s: %s for %s", c.step, describeObject(o), t)
		}
		s := cv.s
		if !t.Local {
			s = cv.wrapped(c.xr, c.step, t, o)
			wrapped = true
		}
		if err := c.compose(step.ComposedName(c.step, t, o.Name), s, o.Ready); err != nil {
			return err
		}
	}
	switch {
	case dropped > 0 && t.ProviderConfig == "":
		c.warnings = append(c.warnings, fmt.Sprintf("%s has no usable credentials for provider-kubernetes, so the %d objects of step %s for it are not composed", t, dropped, c.step))
	case dropped > 0:
		c.warnings = append(c.warnings, fmt.Sprintf("%s does not allow enforcement (spec.forProvider.allowEnforcement), so the %d objects of step %s for it are not composed", t, dropped, c.step))
	}
	if wrapped {
		pc, err := structpb.NewStruct(c.targets.configs[t.Key()].Object)
		if err != nil {
			return errors.Wrapf(err, "cannot convert the ProviderConfig of %s", t)
		}
		if err := c.compose(resource.Name("kspec/provider-config@"+t.Key()), pc, resource.ReadyTrue); err != nil {
			return err
		}
	}
	for _, o := range out.ControlPlane {
		cv, err := c.convert(o)
		if err != nil {
			return errors.Wrapf(err, "step %s: %s for %s", c.step, describeObject(o), t)
		}
		if err := c.compose(step.ComposedName(c.step, t, o.Name), cv.s, o.Ready); err != nil {
			return err
		}
	}
	c.addSays(out)
	return nil
}

func (c *composition) compose(name resource.Name, s *structpb.Struct, ready resource.Ready) error {
	if _, dup := c.desired[name]; dup && !strings.HasPrefix(string(name), "kspec/") {
		return errors.Errorf("step %s composes two objects named %q (this is a bug)", c.step, name)
	}
	r := &fnv1.Resource{Resource: s}
	switch ready {
	case resource.ReadyTrue:
		r.Ready = fnv1.Ready_READY_TRUE
	case resource.ReadyFalse:
		r.Ready = fnv1.Ready_READY_FALSE
	}
	c.desired[name] = r
	return nil
}

// convert converts a step's object once per call, and once across calls
// for an object a step returns again (the policies step's rendered
// objects are cached while the spec and clock decisions stay the same).
func (c *composition) convert(o step.Object) (*converted, error) {
	if o.Resource != nil {
		if cv, ok := c.converted[o.Resource]; ok {
			return cv, nil
		}
		if cv, ok := c.shared.get(o.Resource); ok {
			c.converted[o.Resource] = cv
			return cv, nil
		}
	}
	u, err := toUnstructured(o)
	if err != nil {
		return nil, err
	}
	s, err := structpb.NewStruct(u.Object)
	if err != nil {
		return nil, errors.Wrap(err, "cannot convert")
	}
	cv := &converted{u: u, s: s}
	c.converted[o.Resource] = cv
	c.shared.put(o.Resource, cv)
	return cv, nil
}

// convertedCacheSize bounds the conversions kept across calls.
const convertedCacheSize = 4096

// A conversionCache keeps conversions by object identity across calls.
// Its keys hold the objects, so an address is never reused while cached;
// objects steps return are never modified, and the protobuf Structs are
// only read (marshalled) after.
type conversionCache struct {
	mu sync.Mutex
	m  map[client.Object]*converted
}

func (c *conversionCache) get(o client.Object) (*converted, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cv, ok := c.m[o]
	return cv, ok
}

func (c *conversionCache) put(o client.Object, cv *converted) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= convertedCacheSize {
		c.m = map[client.Object]*converted{}
	}
	c.m[o] = cv
}

// addSays takes in an output's requirements, status, conditions, warnings
// and TTL.
func (c *composition) addSays(out *step.Output) {
	for n, s := range out.Require {
		c.reqs.add(step.RequirementName(c.step, n), s)
	}
	for k, v := range out.Status {
		c.status[k] = v
	}
	for _, cond := range out.Conditions {
		c.condition(cond)
	}
	c.warnings = append(c.warnings, out.Warnings...)
	if out.TTL > 0 && out.TTL < c.ttl {
		c.ttl = clampTTL(out.TTL)
	}
}

// condition merges a condition with one of the same type: the worse status
// wins (False, then Unknown, then True) with its reason and message; the
// messages of equally bad ones join, so a False condition never says that
// all is well somewhere else.
func (c *composition) condition(n step.Condition) {
	old, ok := c.conditions[n.Type]
	if !ok {
		c.conditions[n.Type] = &n
		return
	}
	rank := map[step.ConditionStatus]int{step.ConditionFalse: 0, step.ConditionUnknown: 1, step.ConditionTrue: 2}
	switch {
	case rank[n.Status] < rank[old.Status]:
		*old = n
		return
	case rank[n.Status] > rank[old.Status]:
		return
	}
	if n.Message != "" && !strings.Contains(old.Message, n.Message) {
		if old.Message != "" {
			old.Message += "; "
		}
		old.Message += n.Message
	}
}

// targetsCondition says whether every target is there and ready.
func (c *composition) targetsCondition() {
	if len(c.targets.problems) == 0 {
		msg := "the specification targets the control-plane cluster"
		if n := len(c.targets.found); n > 0 && !c.targets.found[0].Local {
			msg = fmt.Sprintf("all %d ClusterTargets are ready", n)
		}
		c.condition(step.Condition{Type: ConditionTargetsReady, Status: step.ConditionTrue, Reason: "Available", Message: msg})
		return
	}
	c.condition(step.Condition{Type: ConditionTargetsReady, Status: step.ConditionFalse, Reason: "Unavailable", Message: strings.Join(c.targets.problems, "; ")})
	c.warnings = append(c.warnings, c.targets.problems...)
}

// write puts the composition into the response, keeping what earlier
// pipeline steps desired.
func (c *composition) write(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse) error {
	// Earlier steps' resources pass through untouched, without being
	// converted back and forth.
	resources := maps.Clone(req.GetDesired().GetResources())
	if resources == nil {
		resources = map[string]*fnv1.Resource{}
	}
	for n, r := range c.desired {
		resources[string(n)] = r
	}
	rsp.Desired = &fnv1.State{Composite: req.GetDesired().GetComposite(), Resources: resources}
	if len(c.status) > 0 {
		dxr, err := request.GetDesiredCompositeResource(req)
		if err != nil {
			return errors.Wrap(err, "cannot read the desired composite resource")
		}
		for _, k := range sortedKeys(c.status) {
			if err := dxr.Resource.SetValue("status."+k, c.status[k]); err != nil {
				return errors.Wrapf(err, "cannot set status.%s", k)
			}
		}
		if err := response.SetDesiredCompositeResource(rsp, dxr); err != nil {
			return errors.Wrap(err, "cannot set the desired composite resource")
		}
	}
	for _, t := range sortedKeys(c.conditions) {
		cond := c.conditions[t]
		var o *response.ConditionOption
		switch cond.Status {
		case step.ConditionTrue:
			o = response.ConditionTrue(rsp, cond.Type, cond.Reason)
		case step.ConditionFalse:
			o = response.ConditionFalse(rsp, cond.Type, cond.Reason)
		default:
			o = response.ConditionUnknown(rsp, cond.Type, cond.Reason)
		}
		o.WithMessage(cond.Message).TargetCompositeAndClaim()
	}
	seen := map[string]bool{}
	for _, w := range c.warnings {
		if seen[w] {
			continue
		}
		seen[w] = true
		response.Warning(rsp, errors.New(w)).TargetCompositeAndClaim()
	}
	rsp.Meta.Ttl = durationpb.New(c.ttl)
	c.reqs.write(rsp)
	return nil
}

// toUnstructured converts a step's object, without the empty status and
// creation timestamp typed objects carry.
func toUnstructured(o step.Object) (*unstructured.Unstructured, error) {
	if o.Resource == nil {
		return nil, errors.New("no resource")
	}
	if u, ok := o.Resource.(*unstructured.Unstructured); ok && u.Object["status"] == nil && !hasCreationTimestamp(u) {
		// Already plain: read as it is, never modified.
		if u.GetAPIVersion() == "" || u.GetKind() == "" || u.GetName() == "" {
			return nil, errors.New("apiVersion, kind and metadata.name are required")
		}
		return u, nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o.Resource)
	if err != nil {
		return nil, errors.Wrap(err, "cannot convert")
	}
	u := &unstructured.Unstructured{Object: m}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
	}
	if u.GetAPIVersion() == "" || u.GetKind() == "" || u.GetName() == "" {
		return nil, errors.New("apiVersion, kind and metadata.name are required")
	}
	return u, nil
}

func hasCreationTimestamp(u *unstructured.Unstructured) bool {
	md, _ := u.Object["metadata"].(map[string]any)
	_, ok := md["creationTimestamp"]
	return ok
}

// wrap puts an object for a remote target into a provider-kubernetes
// Object in the target's namespace, using the target's ProviderConfig. The
// manifest is shared, not copied: nothing modifies it.
func wrap(xr step.XR, s fnv1beta1.Step, t step.Target, o step.Object, manifest *structpb.Struct) *structpb.Struct {
	str := structpb.NewStringValue
	obj := func(f map[string]*structpb.Value) *structpb.Value {
		return structpb.NewStructValue(&structpb.Struct{Fields: f})
	}
	spec := map[string]*structpb.Value{
		"forProvider":       obj(map[string]*structpb.Value{"manifest": structpb.NewStructValue(manifest)}),
		"providerConfigRef": obj(map[string]*structpb.Value{"kind": str(kindProviderConfig), "name": str(t.ProviderConfig)}),
	}
	if o.ObserveOnly {
		spec["managementPolicies"] = structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{str("Observe")}})
	}
	return &structpb.Struct{Fields: map[string]*structpb.Value{
		"apiVersion": str(kubernetesAPIVersion),
		"kind":       str(kindObject),
		"metadata": obj(map[string]*structpb.Value{
			"name":      str(objectName(xr.Name, string(s), o.Name, t.Name)),
			"namespace": str(t.Namespace),
			"labels": obj(map[string]*structpb.Value{
				"app.kubernetes.io/managed-by": str("kspec"),
				"kspec.io/cluster-target":      str(t.Name),
				"kspec.io/step":                str(string(s)),
			}),
		}),
		"spec": obj(spec),
	}}
}

// objectName is a DNS label (at most 63 characters) made of the parts,
// ending in a hash of all of them: deterministic, and distinct for distinct
// parts however they are cut.
func objectName(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(sum[:4])
	var b strings.Builder
	for _, p := range parts {
		s := slug(p)
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s)
	}
	n := b.String()
	if len(n) > 63-len(h)-1 {
		n = strings.TrimRight(n[:63-len(h)-1], "-")
	}
	if n == "" {
		return "kspec-" + h
	}
	return n + "-" + h
}

// slug keeps lowercase letters and digits, and turns every run of anything
// else into one hyphen.
func slug(s string) string {
	b := make([]byte, 0, len(s))
	hyphen := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if hyphen && len(b) > 0 {
				b = append(b, '-')
			}
			b = append(b, c)
			hyphen = false
			continue
		}
		hyphen = true
	}
	return string(b)
}

func describeObject(o step.Object) string {
	if o.Resource == nil {
		return fmt.Sprintf("object %q", o.Name)
	}
	gvk := o.Resource.GetObjectKind().GroupVersionKind()
	what := gvk.Kind
	if what == "" {
		what = "object"
	}
	if ns := o.Resource.GetNamespace(); ns != "" {
		return fmt.Sprintf("%s %s/%s", what, ns, o.Resource.GetName())
	}
	return fmt.Sprintf("%s %s", what, o.Resource.GetName())
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return slices.Clip(ks)
}
