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

// Pod Security of workloads: Pods and the pod templates of their
// controllers judged by the Pod Security Standards, with the evaluator
// the API server's Pod Security admission runs (k8s.io/pod-security-admission).
// Admission judges a Pod once, when it is created; a namespace labelled
// later, or a spec that asks for more, leaves running Pods unjudged. This
// rule judges them where they are (kspec scan) and where they are written
// (kspec check), so CI catches what admission would reject.

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	smdvalue "sigs.k8s.io/structured-merge-diff/v6/value"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// RuleWorkloadsPodSecurity is the id of the rule judging workloads by the
// Pod Security Standards.
const RuleWorkloadsPodSecurity = CategoryPodSecurity + "/workloads"

// psaEvaluator is the upstream evaluator with its default checks, built
// once: the same checks, at the same versions, as the API server's.
var psaEvaluator = sync.OnceValues(func() (policy.Evaluator, error) {
	return policy.NewEvaluator(policy.DefaultChecks(), nil)
})

// workloadsRule judges every pod spec at the stricter of the level the spec
// requires in its namespace (podSecurity.enforce, lowered by the
// namespace's podSecurity.exemptions as the label rule lowers it) and the
// level the namespace enforces (its pod-security.kubernetes.io/enforce
// label, at its enforce-version), when its labels are known.
func workloadsRule(ps *kspecv1alpha1.PodSecurityRequirements) *Rule {
	exempt := map[string]kspecv1alpha1.PodSecurityLevel{}
	for _, e := range ps.Exemptions {
		if _, seen := exempt[e.Namespace]; !seen { // the first listed wins
			exempt[e.Namespace] = e.Level
		}
	}
	required := func(ns string) kspecv1alpha1.PodSecurityLevel {
		l := ps.Enforce
		if l == "" {
			return kspecv1alpha1.PodSecurityPrivileged
		}
		if e, ok := exempt[ns]; ok {
			l = lower(l, e)
		}
		return l
	}
	title := "Workloads meet the Pod Security level their namespace enforces"
	if ps.Enforce != "" {
		title = fmt.Sprintf("Workloads meet Pod Security level %s and the level their namespace enforces", ps.Enforce)
	}
	return &Rule{
		ID:          RuleWorkloadsPodSecurity,
		Title:       title,
		Severity:    reportsv1alpha1.SeverityHigh,
		Kinds:       podKinds,
		Message:     "the workload violates the Pod Security level of its namespace",
		Remediation: "Change the workload to meet the Pod Security Standard named in the message (https://kubernetes.io/docs/concepts/security/pod-security-standards/); Pod Security admission rejects its Pods when they are next created.",
		native: func(obj map[string]any, in Input) (Status, string) {
			return podSecurityVerdict(obj, in, required)
		},
	}
}

// podSecurityVerdict is the workloads rule's verdict on one object.
func podSecurityVerdict(obj map[string]any, in Input, required func(string) kspecv1alpha1.PodSecurityLevel) (Status, string) {
	eval, err := psaEvaluator()
	if err != nil {
		return Error, "the Pod Security evaluator: " + err.Error()
	}
	u, _ := obj["metadata"].(map[string]any)
	ns, _ := u["namespace"].(string)

	spec0 := psaapi.LevelVersion{Level: psaapi.Level(required(ns)), Version: psaapi.LatestVersion()}
	want, by := spec0, "the specification requires"
	if in.NamespaceLabels != nil {
		if labels, known := in.NamespaceLabels(ns); known {
			// As Pod Security admission reads the labels: unset is
			// privileged, an unparsable level is restricted.
			p, _ := psaapi.PolicyToEvaluate(labels, psaapi.Policy{Enforce: psaapi.LevelVersion{Level: psaapi.LevelPrivileged, Version: psaapi.LatestVersion()}})
			if psaapi.CompareLevels(p.Enforce.Level, spec0.Level) > 0 {
				want, by = p.Enforce, "namespace "+ns+" enforces"
			}
		}
	}
	if want.Level == psaapi.LevelPrivileged {
		return Pass, "" // allows every pod: nothing to read
	}
	meta, spec, err := podTemplate(obj)
	if err != nil {
		return Error, err.Error()
	}
	if spec == nil {
		return Skip, "the object has no pod template"
	}
	agg := policy.AggregateCheckResults(eval.EvaluatePod(want, meta, spec))
	if agg.Allowed {
		return Pass, ""
	}
	return Fail, fmt.Sprintf("violates PodSecurity %q, which %s: %s", want.String(), by, agg.ForbiddenDetail())
}

// podTemplate is the pod metadata and spec of a pod kind: a Pod's own, a
// controller's template, a CronJob's job template's. A nil spec means the
// object has none.
//
// Only what the Pod Security checks read is converted to typed form
// (psaTemplate): converting a whole listed Pod, managed fields and
// quantities included, costs several times the checks themselves. The
// verdict stays the full conversion's: the rest is only checked to be
// convertible (convertible), and whenever either step is unsure the whole
// template is converted, as before.
func podTemplate(obj map[string]any) (*metav1.ObjectMeta, *corev1.PodSpec, error) {
	in := podTemplateContent(obj)
	if in == nil {
		return nil, nil, nil
	}
	if convertible(in, podTemplateSpecType) {
		var t psaTemplate
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(in, &t); err == nil {
			meta, spec := t.typed()
			return meta, spec, nil
		}
	}
	return podTemplateFull(in)
}

// podTemplateContent is the unstructured pod template of a pod kind (spec
// and, when it is an object, metadata), or nil when it has none.
func podTemplateContent(obj map[string]any) map[string]any {
	kind, _ := obj["kind"].(string)
	var path []string
	switch kind {
	case KindPod.Kind:
	case KindCronJob.Kind:
		path = []string{"spec", "jobTemplate", "spec", "template"}
	default:
		path = []string{"spec", "template"}
	}
	cur := obj
	for _, p := range path {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	if _, ok := cur["spec"].(map[string]any); !ok {
		return nil
	}
	in := map[string]any{"spec": cur["spec"]}
	if m, ok := cur["metadata"].(map[string]any); ok {
		in["metadata"] = m
	}
	return in
}

// podTemplateFull converts a whole pod template.
func podTemplateFull(in map[string]any) (*metav1.ObjectMeta, *corev1.PodSpec, error) {
	var t corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(in, &t); err != nil {
		return nil, nil, fmt.Errorf("cannot read the pod spec: %w", err)
	}
	return &t.ObjectMeta, &t.Spec, nil
}

// psaTemplate is corev1.PodTemplateSpec cut down to the fields the checks
// of the pinned k8s.io/pod-security-admission (policy.DefaultChecks) read,
// each with its corev1 name and type, so the converter converts them as it
// would in the whole template and skips the rest.
// TestPodSecurityPrunedConversion proves, over randomly filled pod
// templates, that the checks decide the same on it as on the whole
// template; it fails when the module is bumped, so that these fields are
// read again against the new checks.
type psaTemplate struct {
	Metadata struct {
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"metadata"`
	Spec struct {
		Volumes             []corev1.Volume            `json:"volumes,omitempty"`
		InitContainers      []psaContainer             `json:"initContainers,omitempty"`
		Containers          []psaContainer             `json:"containers"`
		EphemeralContainers []psaContainer             `json:"ephemeralContainers,omitempty"`
		HostNetwork         bool                       `json:"hostNetwork,omitempty"`
		HostPID             bool                       `json:"hostPID,omitempty"`
		HostIPC             bool                       `json:"hostIPC,omitempty"`
		SecurityContext     *corev1.PodSecurityContext `json:"securityContext,omitempty"`
		OS                  *corev1.PodOS              `json:"os,omitempty"`
		HostUsers           *bool                      `json:"hostUsers,omitempty"`
	} `json:"spec"`
}

// psaContainer is corev1.Container (and an ephemeral container's
// corev1.EphemeralContainerCommon) cut down the same way.
type psaContainer struct {
	Name            string                  `json:"name"`
	Ports           []corev1.ContainerPort  `json:"ports,omitempty"`
	LivenessProbe   *corev1.Probe           `json:"livenessProbe,omitempty"`
	ReadinessProbe  *corev1.Probe           `json:"readinessProbe,omitempty"`
	StartupProbe    *corev1.Probe           `json:"startupProbe,omitempty"`
	Lifecycle       *corev1.Lifecycle       `json:"lifecycle,omitempty"`
	SecurityContext *corev1.SecurityContext `json:"securityContext,omitempty"`
}

func (c psaContainer) container() corev1.Container {
	return corev1.Container{Name: c.Name, Ports: c.Ports, LivenessProbe: c.LivenessProbe, ReadinessProbe: c.ReadinessProbe,
		StartupProbe: c.StartupProbe, Lifecycle: c.Lifecycle, SecurityContext: c.SecurityContext}
}

func containers(cs []psaContainer) []corev1.Container {
	if cs == nil {
		return nil
	}
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		out[i] = c.container()
	}
	return out
}

// typed is the template as corev1 types, the fields not read left zero.
func (t *psaTemplate) typed() (*metav1.ObjectMeta, *corev1.PodSpec) {
	s := &t.Spec
	spec := &corev1.PodSpec{Volumes: s.Volumes, InitContainers: containers(s.InitContainers), Containers: containers(s.Containers),
		HostNetwork: s.HostNetwork, HostPID: s.HostPID, HostIPC: s.HostIPC, SecurityContext: s.SecurityContext, OS: s.OS, HostUsers: s.HostUsers}
	if s.EphemeralContainers != nil {
		spec.EphemeralContainers = make([]corev1.EphemeralContainer, len(s.EphemeralContainers))
		for i, c := range s.EphemeralContainers {
			spec.EphemeralContainers[i] = corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon(c.container())}
		}
	}
	return &metav1.ObjectMeta{Annotations: t.Metadata.Annotations}, spec
}

var (
	podTemplateSpecType = reflect.TypeFor[corev1.PodTemplateSpec]()
	fieldsV1Type        = reflect.TypeFor[metav1.FieldsV1]()
	quantityType        = reflect.TypeFor[resource.Quantity]()
	timeType            = reflect.TypeFor[metav1.Time]()
)

// convertible reports whether runtime.DefaultUnstructuredConverter
// converts v into a t without an error. It follows the converter's rules
// and may answer false where the converter would succeed (the caller then
// converts in full), never true where it would fail.
func convertible(v any, t reflect.Type) bool {
	if v == nil {
		return true // the zero value
	}
	switch t.Kind() {
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Struct, reflect.Interface:
	default:
		return primitiveConvertible(v, t.Kind())
	}
	info := typeInfoOf(t)
	if info.unmarshaler {
		return unmarshals(v, t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return convertible(v, t.Elem())
	case reflect.Interface:
		return reflect.TypeOf(v).AssignableTo(t)
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			return false
		}
		for _, e := range l {
			if !convertible(e, t.Elem()) {
				return false
			}
		}
		return true
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return false
		}
		for _, e := range m {
			if !convertible(e, t.Elem()) {
				return false
			}
		}
		return true
	default: // reflect.Struct
		m, ok := v.(map[string]any)
		if !ok || info.fields == nil {
			return false
		}
		// By the keys present, not by the type's many fields: the
		// converter ignores keys that name no field.
		for k, e := range m {
			for _, ft := range info.fields[k] {
				if !convertible(e, ft) {
					return false
				}
			}
		}
		return true
	}
}

// unmarshals reports whether the converter converts v into t, a type
// with its own JSON unmarshaling, which the converter hands v as JSON.
func unmarshals(v any, t reflect.Type) bool {
	s, isString := v.(string)
	switch {
	case t == fieldsV1Type:
		return jsonValue(v) // FieldsV1 keeps any JSON it is given
	case t == quantityType && isString && jsonVerbatim(s):
		_, err := resource.ParseQuantity(s) // what UnmarshalJSON parses
		return err == nil
	case t == timeType && isString && jsonVerbatim(s):
		_, err := time.Parse(time.RFC3339, s) // what UnmarshalJSON parses
		return err == nil
	}
	return smdvalue.TypeReflectEntryOf(t).FromUnstructured(reflect.ValueOf(v), reflect.New(t).Elem()) == nil
}

// jsonVerbatim reports whether encoding/json writes s as itself between
// quotes: no escapes, no spaces.
func jsonVerbatim(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '+', c == '-', c == ':':
		default:
			return false
		}
	}
	return true
}

// primitiveConvertible follows the converter: JSON does not convert
// between bools, numbers and strings, and a float goes into an integer
// only when it is whole.
func primitiveConvertible(v any, k reflect.Kind) bool {
	isInt := k >= reflect.Int && k <= reflect.Uint64
	isFloat := k == reflect.Float32 || k == reflect.Float64
	switch v := v.(type) {
	case string:
		return k == reflect.String
	case bool:
		return k == reflect.Bool
	case int64, int:
		return isInt || isFloat
	case float64:
		return isFloat || (isInt && v == math.Trunc(v))
	}
	return false
}

// jsonValue reports whether v is a tree of JSON values, which
// encoding/json marshals without an error.
func jsonValue(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, int64, int:
		return true
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	case []any:
		for _, e := range v {
			if !jsonValue(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range v {
			if !jsonValue(e) {
				return false
			}
		}
		return true
	}
	return false
}

// A typeInfo is what convertible needs of a composite type.
type typeInfo struct {
	// unmarshaler: the converter hands the type its value as JSON.
	unmarshaler bool
	// fields are a struct's fields by the name the converter reads each
	// from, with the fields of inline (embedded, unnamed) structs as
	// their own; nil when an inline field is not a plain struct, which
	// convertible leaves to the converter.
	fields map[string][]reflect.Type
}

var typeInfoCache sync.Map // reflect.Type -> *typeInfo

func typeInfoOf(t reflect.Type) *typeInfo {
	if i, ok := typeInfoCache.Load(t); ok {
		return i.(*typeInfo)
	}
	info := &typeInfo{unmarshaler: smdvalue.TypeReflectEntryOf(t).CanConvertFromUnstructured()}
	if t.Kind() == reflect.Struct && !info.unmarshaler {
		info.fields = map[string][]reflect.Type{}
		if !addFields(info.fields, t) {
			info.fields = nil
		}
	}
	typeInfoCache.Store(t, info)
	return info
}

func addFields(fs map[string][]reflect.Type, t reflect.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" && !f.Anonymous {
			name = f.Name
		}
		if name != "" {
			fs[name] = append(fs[name], f.Type)
			continue
		}
		if f.Type.Kind() != reflect.Struct || smdvalue.TypeReflectEntryOf(f.Type).CanConvertFromUnstructured() || !addFields(fs, f.Type) {
			return false
		}
	}
	return true
}
