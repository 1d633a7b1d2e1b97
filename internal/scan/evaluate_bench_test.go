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

package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

// listedPod is a Pod as kube-apiserver lists it (defaults, managed fields,
// status) in BenchmarkScan's cluster: two containers with resources,
// hardened when i is even.
func listedPod(i int) map[string]any {
	sc := `{}`
	if i%2 == 0 {
		sc = `{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"readOnlyRootFilesystem":true,"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}`
	}
	res := `{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}`
	ns := fmt.Sprintf("bench-%03d", i/20)
	managed := `{"f:metadata":{"f:labels":{".":{},"f:app.kubernetes.io/name":{},"f:tier":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:env":{".":{},"k:{\"name\":\"MODE\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:securityContext":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}},"k:{\"name\":\"sidecar\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:securityContext":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}`
	j := fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":"2026-12-02T05:00:00Z","labels":{"app.kubernetes.io/name":"app","tier":"web"},"managedFields":[{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":%s,"manager":"scan.test","operation":"Update","time":"2026-12-02T05:00:00Z"}],"name":"app-%02d","namespace":"%s","resourceVersion":"%d","uid":"0b3e4c2a-7d8e-4f5a-9b6c-%012d"},"spec":{"containers":[{"env":[{"name":"MODE","value":"production"}],"image":"ghcr.io/my-company/app:v%d","imagePullPolicy":"IfNotPresent","name":"app","ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":%s,"securityContext":%s,"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},{"image":"docker.io/library/envoy:1.30","imagePullPolicy":"IfNotPresent","name":"sidecar","resources":%s,"securityContext":%s,"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority","priority":0,"restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30,"tolerations":[{"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},{"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}]},"status":{"phase":"Pending","qosClass":"Burstable"}}`,
		managed, i%20, ns, 1000+i, i, i%20, res, sc, res, sc)
	var pod map[string]any
	if err := json.Unmarshal([]byte(j), &pod); err != nil {
		panic(err)
	}
	return pod
}

// BenchmarkEvaluatePage: one page (DefaultPageSize) of listed Pods, as
// BenchmarkScan's cluster holds them, decoded from the list's JSON as the
// dynamic client decodes it (decode, the baseline: the client's share of
// merely listing) and evaluated by the scanner with the strict example on
// every worker (evaluate). Without an API server, this is the client side
// of BenchmarkScan's Pods.
//
//	go test ./internal/scan/ -run '^$' -bench EvaluatePage -benchmem
func BenchmarkEvaluatePage(b *testing.B) {
	const path = "../../examples/specs/strict.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	spec, err := validate.ReadSpecification(context.Background(), path, data)
	if err != nil {
		b.Fatal(err)
	}
	set, err := rules.Compile(spec)
	if err != nil {
		b.Fatal(err)
	}
	items := make([]any, DefaultPageSize)
	for i := range items {
		items[i] = listedPod(i)
	}
	page, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "PodList", "metadata": map[string]any{"resourceVersion": "1"}, "items": items})
	if err != nil {
		b.Fatal(err)
	}
	decode := func(b *testing.B) []unstructured.Unstructured {
		var l unstructured.UnstructuredList
		if err := l.UnmarshalJSON(page); err != nil {
			b.Fatal(err)
		}
		return l.Items
	}
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decode(b)
		}
	})
	b.Run("evaluate", func(b *testing.B) {
		now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
		s := &scanner{set: set, o: Options{Now: now, Workers: runtime.GOMAXPROCS(0)}}
		s.in = rules.Input{Now: now, NamespaceLabels: func(ns string) (map[string]string, bool) { return map[string]string{}, true }}
		s.rep = NewReport(set, now)
		results := 0
		s.emit = func(rs []report.Result) error { results += len(rs); return nil }
		items := decode(b)
		if err := s.evaluate(items); err != nil {
			b.Fatal(err)
		}
		if s.rep.Summary.Fail == 0 || s.rep.Summary.Pass == 0 || s.rep.Summary.Error > 0 {
			b.Fatalf("the page should pass and fail rules, without errors: %+v", s.rep.Summary)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := s.evaluate(items); err != nil {
				b.Fatal(err)
			}
		}
	})
}
