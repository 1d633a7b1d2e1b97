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
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/randfill"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// restrictedSpec is a restricted pod spec: it meets every level.
func restrictedSpec() map[string]any {
	return map[string]any{
		"securityContext": map[string]any{"runAsNonRoot": true, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
		"containers": []any{map[string]any{"name": "c", "image": "nginx", "securityContext": map[string]any{
			"allowPrivilegeEscalation": false, "capabilities": map[string]any{"drop": []any{"ALL"}},
		}}},
	}
}

// baselineSpec meets baseline but not restricted.
func baselineSpec() map[string]any {
	return map[string]any{"containers": []any{map[string]any{"name": "c", "image": "nginx"}}}
}

// privilegedSpec meets privileged only.
func privilegedSpec() map[string]any {
	return map[string]any{"hostPID": true, "containers": []any{map[string]any{"name": "c", "image": "nginx", "securityContext": map[string]any{"privileged": true}}}}
}

func inNS(obj map[string]any, ns string) map[string]any {
	obj["metadata"].(map[string]any)["namespace"] = ns
	return obj
}

func workloadsVerdict(t *testing.T, set *Set, obj map[string]any, labels map[string]map[string]string) Result {
	t.Helper()
	in := Input{Now: time.Now(), NamespaceLabels: func(ns string) (map[string]string, bool) {
		l, ok := labels[ns]
		return l, ok
	}}
	for _, r := range set.Evaluate(obj, in) {
		if r.Rule.ID == RuleWorkloadsPodSecurity {
			return r
		}
	}
	t.Fatalf("no result of %s", RuleWorkloadsPodSecurity)
	return Result{}
}

func TestWorkloadsPodSecurity(t *testing.T) {
	set := mustCompile(t, Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		PodSecurity: &kspecv1alpha1.PodSecurityRequirements{
			Enforce: kspecv1alpha1.PodSecurityBaseline,
			Exemptions: []kspecv1alpha1.PodSecurityExemption{
				{Namespace: "monitoring", Level: kspecv1alpha1.PodSecurityPrivileged},
				{Namespace: "monitoring", Level: kspecv1alpha1.PodSecurityRestricted}, // the first listed wins
			},
		},
	}}})
	labels := map[string]map[string]string{
		"plain":      {},
		"strict":     {"pod-security.kubernetes.io/enforce": "restricted"},
		"strict-old": {"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.24"},
		"loose":      {"pod-security.kubernetes.io/enforce": "privileged"},
		"bogus":      {"pod-security.kubernetes.io/enforce": "bogus"},
		"monitoring": {},
	}
	for name, c := range map[string]struct {
		obj     map[string]any
		want    Status
		message string
	}{
		"baseline pod, spec requires baseline":          {inNS(podSpec(baselineSpec()), "plain"), Pass, ""},
		"privileged pod, spec requires baseline":        {inNS(podSpec(privilegedSpec()), "plain"), Fail, `violates PodSecurity "baseline:latest", which the specification requires: host namespaces (hostPID=true), privileged (container "c" must not set securityContext.privileged=true)`},
		"a namespace labelled stricter than the spec":   {inNS(podSpec(baselineSpec()), "strict"), Fail, `violates PodSecurity "restricted:latest", which namespace strict enforces: allowPrivilegeEscalation != false`},
		"at the namespace's enforce-version":            {inNS(podSpec(baselineSpec()), "strict-old"), Fail, `"restricted:v1.24", which namespace strict-old enforces`},
		"restricted pod in a restricted namespace":      {inNS(podSpec(restrictedSpec()), "strict"), Pass, ""},
		"a namespace labelled looser: the spec wins":    {inNS(podSpec(privilegedSpec()), "loose"), Fail, "which the specification requires"},
		"an unparsable label is restricted, as PSA":     {inNS(podSpec(baselineSpec()), "bogus"), Fail, `"restricted:latest", which namespace bogus enforces`},
		"an exemption lowers the spec's level":          {inNS(podSpec(privilegedSpec()), "monitoring"), Pass, ""},
		"labels unknown: the spec's level":              {inNS(podSpec(privilegedSpec()), "unknown"), Fail, "which the specification requires"},
		"a Deployment's template":                       {workload("apps/v1", "Deployment", "plain", []string{"spec", "template"}, privilegedSpec()), Fail, "privileged"},
		"a CronJob's job template":                      {workload("batch/v1", "CronJob", "plain", []string{"spec", "jobTemplate", "spec", "template"}, privilegedSpec()), Fail, "privileged"},
		"a Deployment without a template":               {map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d", "namespace": "plain"}}, Skip, "no pod template"},
		"a system namespace is out of scope, as always": {inNS(podSpec(privilegedSpec()), "kube-system"), Skip, "out of scope"},
	} {
		t.Run(name, func(t *testing.T) {
			r := workloadsVerdict(t, set, c.obj, labels)
			assert.Equal(t, c.want, r.Status, r.Message)
			assert.Contains(t, r.Message, c.message)
		})
	}

	t.Run("a malformed pod spec is an error, never a pass", func(t *testing.T) {
		r := workloadsVerdict(t, set, inNS(podSpec(map[string]any{"containers": "nope"}), "plain"), labels)
		assert.Equal(t, Error, r.Status)
	})

	t.Run("rendered policies and Admit leave it to Pod Security admission", func(t *testing.T) {
		assert.NotContains(t, set.AdmissionRules(), ruleByID(set, RuleWorkloadsPodSecurity))
		assert.Contains(t, set.ObjectRules(), ruleByID(set, RuleWorkloadsPodSecurity))
		d, err := set.Admit(context.Background(), Request{Operation: admissionv1.Create, Namespace: "plain", Object: inNS(podSpec(privilegedSpec()), "plain")}, atTime(time.Now()))
		require.NoError(t, err)
		assert.Zero(t, d.Passed+len(d.Results), "no rule of this set judges a Pod at admission")
		for _, r := range d.Results {
			assert.NotEqual(t, RuleWorkloadsPodSecurity, r.Rule.ID)
		}
	})
}

func TestWorkloadsPodSecurityWithoutEnforce(t *testing.T) {
	// Only audit required: the namespace's own enforce level is what is
	// checked.
	set := mustCompile(t, Spec{Name: "s", Spec: kspecv1alpha1.ClusterSpecificationSpec{Requirements: kspecv1alpha1.Requirements{
		PodSecurity: &kspecv1alpha1.PodSecurityRequirements{Audit: kspecv1alpha1.PodSecurityRestricted},
	}}})
	labels := map[string]map[string]string{"strict": {"pod-security.kubernetes.io/enforce": "baseline"}, "plain": {}}
	assert.Equal(t, Pass, workloadsVerdict(t, set, inNS(podSpec(privilegedSpec()), "plain"), labels).Status)
	assert.Equal(t, Fail, workloadsVerdict(t, set, inNS(podSpec(privilegedSpec()), "strict"), labels).Status)

	none := mustCompile(t, Spec{Name: "s"})
	assert.Nil(t, ruleByID(none, RuleWorkloadsPodSecurity), "no podSecurity, no rule")
}

func workload(apiVersion, kind, ns string, path []string, spec map[string]any) map[string]any {
	inner := map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "x"}}, "spec": spec}
	for i := len(path) - 1; i >= 1; i-- {
		inner = map[string]any{path[i]: inner}
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": "w", "namespace": ns}, path[0]: inner}
}

func ruleByID(set *Set, id string) *Rule {
	for _, r := range set.Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// psaVersions are the Pod Security versions the pruned-conversion tests
// judge at: the checks differ between them.
var psaVersions = []string{"v1.0", "v1.22", "v1.25", "v1.30", "v1.34", "latest"}

// psaVerdicts are the checks' results on a template at every level and
// version in psaVersions.
func psaVerdicts(t *testing.T, meta *metav1.ObjectMeta, spec *corev1.PodSpec) [][]policy.CheckResult {
	t.Helper()
	eval, err := psaEvaluator()
	require.NoError(t, err)
	var out [][]policy.CheckResult
	for _, l := range []psaapi.Level{psaapi.LevelBaseline, psaapi.LevelRestricted} {
		for _, v := range psaVersions {
			ver, err := psaapi.ParseVersion(v)
			require.NoError(t, err)
			out = append(out, eval.EvaluatePod(psaapi.LevelVersion{Level: l, Version: ver}, meta, spec))
		}
	}
	return out
}

// assertSameConversion asserts that podTemplate, which converts only what
// the checks read, gives the checks what the full conversion gives them,
// or the same error.
func assertSameConversion(t *testing.T, tmpl map[string]any) {
	t.Helper()
	obj := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d"}, "spec": map[string]any{"template": tmpl}}
	meta, spec, err := podTemplate(obj)
	content := podTemplateContent(obj)
	if content == nil {
		assert.Nil(t, spec, "no template")
		assert.NoError(t, err)
		return
	}
	fullMeta, fullSpec, fullErr := podTemplateFull(content)
	if fullErr != nil {
		require.Error(t, err, "the full conversion fails: %v", fullErr)
		assert.Equal(t, fullErr.Error(), err.Error())
		return
	}
	require.NoError(t, err)
	if !assert.Equal(t, psaVerdicts(t, fullMeta, fullSpec), psaVerdicts(t, meta, spec)) {
		j, _ := json.Marshal(tmpl)
		t.Logf("template: %s", j)
	}
}

// randomTemplate is a pod template with every field filled at random, as
// an API server would serve it (JSON numbers as int64 where whole).
func randomTemplate(t *testing.T, f *randfill.Filler) map[string]any {
	t.Helper()
	var tmpl corev1.PodTemplateSpec
	f.Fill(&tmpl)
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&tmpl)
	require.NoError(t, err)
	j, err := json.Marshal(u)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, utiljson.Unmarshal(j, &out))
	return out
}

// psaFiller fills pod templates with values the checks tell apart: the
// profiles, capabilities, hosts and sysctls they allow and some they do
// not, next to random ones.
func psaFiller(seed int64) *randfill.Filler {
	pick := func(c randfill.Continue, vs ...string) string {
		if c.Intn(len(vs)+1) == len(vs) {
			return c.String(8)
		}
		return vs[c.Intn(len(vs))]
	}
	return randfill.NewWithSeed(seed).NilChance(0.4).NumElements(0, 2).MaxDepth(12).Funcs(
		func(s *string, c randfill.Continue) {
			*s = pick(c, "", "localhost", "127.0.0.1", "ALL", "NET_BIND_SERVICE", "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
				"container_t", "container_init_t", "container.seccomp.security.alpha.kubernetes.io/c", "container.apparmor.security.beta.kubernetes.io/c",
				"runtime/default", "unconfined", "localhost/p")
		},
		func(c *corev1.Capability, r randfill.Continue) {
			*c = corev1.Capability(pick(r, "ALL", "NET_BIND_SERVICE", "SYS_ADMIN", "CHOWN"))
		},
		func(p *corev1.SeccompProfileType, r randfill.Continue) {
			*p = corev1.SeccompProfileType(pick(r, "RuntimeDefault", "Localhost", "Unconfined"))
		},
		func(p *corev1.AppArmorProfileType, r randfill.Continue) {
			*p = corev1.AppArmorProfileType(pick(r, "RuntimeDefault", "Localhost", "Unconfined"))
		},
		func(p *corev1.ProcMountType, r randfill.Continue) {
			*p = corev1.ProcMountType(pick(r, "Default", "Unmasked"))
		},
		func(p *corev1.OSName, r randfill.Continue) { *p = corev1.OSName(pick(r, "linux", "windows")) },
		func(m *map[string]string, c randfill.Continue) {
			*m = map[string]string{}
			for range c.Intn(3) {
				(*m)[c.String(0)+pick(c, "container.seccomp.security.alpha.kubernetes.io/c", "container.apparmor.security.beta.kubernetes.io/c",
					"seccomp.security.alpha.kubernetes.io/pod")] = pick(c, "runtime/default", "unconfined", "localhost/p")
			}
		},
		func(q *resource.Quantity, c randfill.Continue) {
			*q = *resource.NewQuantity(c.Int63n(1000), resource.DecimalSI)
		},
		func(i *intstr.IntOrString, c randfill.Continue) {
			if c.Bool() {
				*i = intstr.FromInt32(c.Int31n(65536))
			} else {
				*i = intstr.FromString(c.String(8))
			}
		},
		func(f *metav1.FieldsV1, c randfill.Continue) { f.Raw = []byte(`{"f:metadata":{"f:name":{}}}`) },
		func(tm *metav1.Time, c randfill.Continue) { *tm = metav1.Unix(c.Int63n(1<<31), 0) },
		func(tm *metav1.MicroTime, c randfill.Continue) {
			*tm = metav1.NewMicroTime(time.Unix(c.Int63n(1<<31), 0))
		},
	)
}

// TestPodSecurityPrunedConversion: the workloads rule converts only the
// fields the Pod Security checks read (psaTemplate). On randomly filled
// pod templates, every field set or not, the checks decide the same, at
// every level and version, as on the full conversion; a field the checks
// read but psaTemplate left out shows here.
func TestPodSecurityPrunedConversion(t *testing.T) {
	t.Run("the pinned module", func(t *testing.T) {
		// psaTemplate lists what this version's checks read: a bump must
		// read the new checks and update it.
		mod, err := os.ReadFile("../../go.mod")
		require.NoError(t, err)
		assert.Regexp(t, `(?m)^\s*k8s\.io/pod-security-admission v0\.35\.3$`, string(mod),
			"k8s.io/pod-security-admission changed: check psaTemplate against its checks, then update this version")
	})
	t.Run("the cut-down types have corev1's names and types", func(t *testing.T) {
		mirrors := func(t *testing.T, cut, full reflect.Type) {
			t.Helper()
			byName := map[string]reflect.StructField{}
			for _, f := range reflect.VisibleFields(full) {
				byName[f.Name] = f
			}
			for i := range cut.NumField() {
				c := cut.Field(i)
				f, ok := byName[c.Name]
				if assert.True(t, ok, "%s.%s is not in %s", cut, c.Name, full) {
					assert.Equal(t, f.Tag.Get("json"), c.Tag.Get("json"), c.Name)
					if c.Type != reflect.TypeFor[[]psaContainer]() {
						assert.Equal(t, f.Type, c.Type, c.Name)
					}
				}
			}
		}
		pt := reflect.TypeFor[psaTemplate]()
		mirrors(t, pt.Field(1).Type, reflect.TypeFor[corev1.PodSpec]())
		mirrors(t, pt.Field(0).Type, reflect.TypeFor[metav1.ObjectMeta]())
		mirrors(t, reflect.TypeFor[psaContainer](), reflect.TypeFor[corev1.Container]())
		mirrors(t, reflect.TypeFor[psaContainer](), reflect.TypeFor[corev1.EphemeralContainer]())
	})
	t.Run("random templates", func(t *testing.T) {
		f := psaFiller(1)
		for range 2000 {
			tmpl := randomTemplate(t, f)
			require.True(t, convertible(tmpl, podTemplateSpecType), "the pruned conversion is what is compared")
			assertSameConversion(t, tmpl)
		}
		require.True(t, convertible(listedPodTemplate(t), podTemplateSpecType))
	})

	t.Run("malformed templates", func(t *testing.T) {
		// A value of the wrong type anywhere, read by the checks or not, is
		// the full conversion's error: never a verdict it would not give.
		f := psaFiller(2)
		wrong := []any{"abc", int64(3), 1.5, true, map[string]any{"x": int64(1)}, []any{"y"}, nil, "500m", "2026-12-02T05:00:00Z", "-", ""}
		r := rand.New(rand.NewPCG(3, 4))
		for i := range 3000 {
			tmpl := randomTemplate(t, f)
			if i%3 == 0 {
				tmpl = listedPodTemplate(t)
			}
			paths := leafPaths(tmpl, nil, nil)
			mutate(tmpl, paths[r.IntN(len(paths))], wrong[r.IntN(len(wrong))])
			assertSameConversion(t, tmpl)
		}
	})
	t.Run("hand-picked", func(t *testing.T) {
		for name, mut := range map[string]func(map[string]any){
			"a quantity that does not parse": func(m map[string]any) {
				container(m)["resources"] = map[string]any{"limits": map[string]any{"cpu": "lots"}}
			},
			"a quantity with spaces": func(m map[string]any) {
				container(m)["resources"] = map[string]any{"limits": map[string]any{"cpu": " 1 "}}
			},
			"a number as a quantity": func(m map[string]any) {
				container(m)["resources"] = map[string]any{"limits": map[string]any{"cpu": 1.5}}
			},
			"a timestamp that does not parse": func(m map[string]any) {
				m["metadata"].(map[string]any)["creationTimestamp"] = "yesterday"
			},
			"a timestamp with an escape": func(m map[string]any) { m["metadata"].(map[string]any)["creationTimestamp"] = "2026-12-02T05:00:00Z<" },
			"managed fields of any JSON": func(m map[string]any) {
				m["metadata"].(map[string]any)["managedFields"] = []any{map[string]any{"fieldsV1": "x"}}
			},
			"env as a string":             func(m map[string]any) { container(m)["env"] = "MODE=production" },
			"containers as a string":      func(m map[string]any) { m["spec"].(map[string]any)["containers"] = "nope" },
			"a container as a string":     func(m map[string]any) { m["spec"].(map[string]any)["containers"] = []any{"nope"} },
			"a port number as a string":   func(m map[string]any) { container(m)["ports"] = []any{map[string]any{"containerPort": "80"}} },
			"a whole float as an integer": func(m map[string]any) { container(m)["ports"] = []any{map[string]any{"hostPort": 80.0}} },
			"a fraction as an integer":    func(m map[string]any) { container(m)["ports"] = []any{map[string]any{"hostPort": 80.5}} },
			"an unknown field":            func(m map[string]any) { container(m)["color"] = "blue" },
			"annotations of numbers":      func(m map[string]any) { m["metadata"].(map[string]any)["annotations"] = map[string]any{"a": int64(1)} },
			"labels of numbers":           func(m map[string]any) { m["metadata"].(map[string]any)["labels"] = map[string]any{"a": int64(1)} },
			"an ephemeral container's target": func(m map[string]any) {
				m["spec"].(map[string]any)["ephemeralContainers"] = []any{map[string]any{"name": "e", "targetContainerName": int64(1)}}
			},
		} {
			t.Run(name, func(t *testing.T) {
				tmpl := listedPodTemplate(t)
				mut(tmpl)
				assertSameConversion(t, tmpl)
			})
		}
	})
}

// listedPodJSON is a Pod as kube-apiserver lists it: two containers with
// resources, defaults, managed fields, status.
const listedPodJSON = `{"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":"2026-12-02T05:00:00Z","labels":{"app.kubernetes.io/name":"app","tier":"web"},"managedFields":[{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app.kubernetes.io/name":{},"f:tier":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:env":{".":{},"k:{\"name\":\"MODE\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:securityContext":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}},"k:{\"name\":\"sidecar\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:securityContext":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}},"manager":"scan.test","operation":"Update","time":"2026-12-02T05:00:00Z"}],"name":"app-01","namespace":"bench-001","resourceVersion":"12345","uid":"0b3e4c2a-7d8e-4f5a-9b6c-1d2e3f4a5b6c"},"spec":{"containers":[{"env":[{"name":"MODE","value":"production"}],"image":"ghcr.io/my-company/app:v1","imagePullPolicy":"IfNotPresent","name":"app","ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"securityContext":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},{"image":"docker.io/library/envoy:1.30","imagePullPolicy":"IfNotPresent","name":"sidecar","resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"securityContext":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority","priority":0,"restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30,"tolerations":[{"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},{"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}]},"status":{"phase":"Pending","qosClass":"Burstable"}}`

// listedPodTemplate is listedPodJSON's template (metadata and spec), as
// the dynamic client decodes it.
func listedPodTemplate(t testing.TB) map[string]any {
	t.Helper()
	var pod map[string]any
	require.NoError(t, utiljson.Unmarshal([]byte(listedPodJSON), &pod))
	return map[string]any{"metadata": pod["metadata"], "spec": pod["spec"]}
}

func container(tmpl map[string]any) map[string]any {
	return tmpl["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
}

// leafPaths are the paths of every value in v, maps' keys and lists'
// indexes.
func leafPaths(v any, path []any, out [][]any) [][]any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			p := append(slices.Clone(path), k)
			out = append(out, p)
			out = leafPaths(e, p, out)
		}
	case []any:
		for i, e := range v {
			p := append(slices.Clone(path), i)
			out = append(out, p)
			out = leafPaths(e, p, out)
		}
	}
	return out
}

// mutate sets the value at path to w.
func mutate(v any, path []any, w any) {
	for i, p := range path {
		last := i == len(path)-1
		switch p := p.(type) {
		case string:
			m := v.(map[string]any)
			if last {
				m[p] = w
				return
			}
			v = m[p]
		case int:
			l := v.([]any)
			if last {
				l[p] = w
				return
			}
			v = l[p]
		}
	}
}

// BenchmarkPodSecurityTemplate converts a listed Pod's template for the
// Pod Security checks: only what they read (pruned, what the rule does),
// next to the whole template (full, what it did) and the checks
// themselves on the result (checks).
//
//	go test ./internal/rules/ -run '^$' -bench PodSecurityTemplate -benchmem
func BenchmarkPodSecurityTemplate(b *testing.B) {
	tmpl := listedPodTemplate(b)
	obj := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "spec": map[string]any{"template": tmpl}}
	b.Run("pruned", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := podTemplate(obj); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := podTemplateFull(tmpl); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checks", func(b *testing.B) {
		eval, err := psaEvaluator()
		if err != nil {
			b.Fatal(err)
		}
		meta, spec, err := podTemplate(obj)
		if err != nil {
			b.Fatal(err)
		}
		lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
		b.ReportAllocs()
		for b.Loop() {
			_ = policy.AggregateCheckResults(eval.EvaluatePod(lv, meta, spec))
		}
	})
}
