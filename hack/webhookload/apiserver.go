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

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"
)

const vwcName = "kspec-webhookload"

// apiserver measures dry-run Pod creation through an envtest kube-apiserver,
// rounds alternating without and with kspec-webhook registered for Pods.
func apiserver(ctx context.Context, o options, s *servers) (err error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return errors.New("-apiserver needs KUBEBUILDER_ASSETS (hack/tools.sh path envtest)")
	}
	env := &envtest.Environment{}
	cfg, err := env.Start()
	if err != nil {
		return err
	}
	defer func() {
		if e := env.Stop(); e != nil && err == nil {
			err = e
		}
	}()
	cfg.QPS, cfg.Burst = -1, 0 // no client-side rate limit
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	y, err := os.ReadFile(podFile)
	if err != nil {
		return err
	}
	var pod corev1.Pod
	if err := yaml.Unmarshal(y, &pod); err != nil {
		return err
	}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: pod.Namespace}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	bad := pod.DeepCopy()
	bad.Spec.Containers[0].Image = "docker.io/library/nginx:latest" // unapproved registry, unpinned
	dry := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	create := func(p *corev1.Pod) error {
		_, err := kube.CoreV1().Pods(p.Namespace).Create(ctx, p, dry)
		return err
	}
	// The API server picks a configuration change up asynchronously: wait
	// until the privileged Pod is denied (registered) or admitted (not).
	settle := func(registered bool) error {
		var last error
		for range 200 {
			err := create(bad)
			last = err
			if (registered && apierrors.IsForbidden(err)) || (!registered && err == nil) {
				return nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		return fmt.Errorf("the webhook registration (%t) never took effect: %w", registered, last)
	}
	vwcs := kube.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	url := s.kspec
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: vwcName},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:         "validate.kspec.io",
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: s.caPEM},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
			}},
			FailurePolicy:           ptr.To(admissionregistrationv1.Fail),
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr.To[int32](10),
		}},
	}
	register := func(registered bool) error {
		if registered {
			if _, err := vwcs.Create(ctx, vwc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
				return err
			}
		} else if err := vwcs.Delete(ctx, vwcName, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		return settle(registered)
	}

	fmt.Printf("| clients | round | webhook | creates | creates/s | p50 ms | p99 ms |\n|---:|---:|---|---:|---:|---:|---:|\n")
	type summary struct{ p50, p99 []float64 }
	var lines []string
	for _, c := range o.concurrency {
		sum := map[bool]*summary{false: {}, true: {}}
		for round := range o.rounds {
			order := []bool{false, true}
			if round%2 == 1 {
				order = []bool{true, false}
			}
			for _, registered := range order {
				if err := register(registered); err != nil {
					return err
				}
				r, err := measure(c, o.requests, o.max, func(int) error { return create(&pod) })
				if err != nil {
					return fmt.Errorf("registered %t at %d clients: %w", registered, c, err)
				}
				name := "without"
				if registered {
					name = "with"
				}
				fmt.Printf("| %d | %d | %s | %d | %.0f | %.2f | %.2f |\n", c, round+1, name, r.n, r.rate(), ms(r.p50), ms(r.p99))
				sm := sum[registered]
				sm.p50, sm.p99 = append(sm.p50, ms(r.p50)), append(sm.p99, ms(r.p99))
			}
		}
		w, wo := sum[true], sum[false]
		lines = append(lines, fmt.Sprintf("| %d | %.2f | %.2f | %.2f | %.2f | %+.2f | %+.2f |", c,
			median(wo.p50), median(wo.p99), median(w.p50), median(w.p99),
			median(paired(w.p50, wo.p50, difference)), median(paired(w.p99, wo.p99, difference))))
	}
	fmt.Printf("\nMedians of %d rounds (dry-run Pod creation, ms; what is added: of each round's with against its without):\n\n", o.rounds)
	fmt.Println("| clients | without p50 | without p99 | with p50 | with p99 | added p50 | added p99 |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range lines {
		fmt.Println(l)
	}
	return nil
}
