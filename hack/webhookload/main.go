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

// Command webhookload measures kspec-webhook over loopback HTTPS next to a
// no-op webhook on the same TLS and HTTP/2 stack, in the same run. Both
// servers run in this process on 127.0.0.1: kspec-webhook as webhook.Run
// wires it, with examples/specs/strict.yaml as its only bundle, and
// webhook.Server with webhook.Noop, which reads, decodes and answers the
// review with kspec-webhook's own code and admits it unevaluated.
// Each has the same generated certificate. For every concurrency, rounds
// alternate kspec and no-op; each client is its own HTTP/2 connection,
// kept alive, posting the restricted Pod of the corpus as a CREATE review.
// It prints a Markdown table of every round and the medians; the
// comparisons are the medians of each round's pair, run back to back.
//
// Run it from the repository root:
//
//	go run ./hack/webhookload -c 1,8,64 -n 3000 -rounds 3
//
// With -apiserver (KUBEBUILDER_ASSETS set, as `hack/tools.sh path envtest`
// prints) it instead measures Pod creation through a kube-apiserver
// without and with kspec-webhook registered.
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/webhook"
)

const (
	podFile  = "test/kyverno/corpus/pod-restricted.yaml"
	specFile = "examples/specs/strict.yaml"
)

type options struct {
	concurrency []int
	requests    int
	max         time.Duration
	rounds      int
	apiserver   bool
}

func main() {
	var o options
	var cs string
	flag.StringVar(&cs, "c", "1,8,64", "concurrent clients, comma-separated")
	flag.IntVar(&o.requests, "n", 3000, "requests per round and server")
	flag.DurationVar(&o.max, "max", 10*time.Second, "longest a round may run; it stops early after this")
	flag.IntVar(&o.rounds, "rounds", 3, "alternating rounds per concurrency")
	flag.BoolVar(&o.apiserver, "apiserver", false, "measure Pod creation through an envtest kube-apiserver (needs KUBEBUILDER_ASSETS)")
	flag.Parse()
	for f := range strings.SplitSeq(cs, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 {
			fmt.Fprintf(os.Stderr, "webhookload: bad concurrency %q\n", f)
			os.Exit(2)
		}
		o.concurrency = append(o.concurrency, c)
	}
	if o.requests < 1 || o.rounds < 1 || o.max <= 0 {
		fmt.Fprintln(os.Stderr, "webhookload: -n, -rounds and -max must be positive")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "webhookload:", err)
		os.Exit(1)
	}
}

// servers are the two webhooks under load and what a client needs.
type servers struct {
	kspec, noop string // https://127.0.0.1:port/validate
	roots       *x509.CertPool
	caPEM       []byte
}

func run(o options) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "webhookload")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir) //nolint:errcheck // best effort
	s, wait, err := start(ctx, dir)
	if err != nil {
		return err
	}
	defer func() { cancel(); wait() }()
	body, err := review()
	if err != nil {
		return err
	}
	if o.apiserver {
		return apiserver(ctx, o, s)
	}
	return loopback(o, s, body)
}

// start starts both servers and waits until they are ready.
func start(ctx context.Context, dir string) (*servers, func(), error) {
	certDir, bundleDir := filepath.Join(dir, "certs"), filepath.Join(dir, "bundles")
	for _, d := range []string{certDir, bundleDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return nil, nil, err
		}
	}
	caPEM, err := writeCerts(certDir)
	if err != nil {
		return nil, nil, err
	}
	spec, err := os.ReadFile(specFile)
	if err != nil {
		return nil, nil, err
	}
	if err := os.WriteFile(filepath.Join(bundleDir, "strict.yaml"), spec, 0o600); err != nil { //nolint:gosec // our own temporary directory
		return nil, nil, err
	}
	ls := make([]net.Listener, 4)
	for i := range ls {
		if ls[i], err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, nil, err
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() {
		c := webhook.Config{Options: webhook.Options{CertDir: certDir, BundleDir: bundleDir, Namespace: "kspec-system", BreakerCooldown: time.Minute}}
		errs <- webhook.Run(ctx, c, ls[0], ls[1])
	})
	wg.Go(func() {
		s := &webhook.Server{Handler: webhook.Noop{}, Certificate: &webhook.Certificate{Dir: certDir}}
		errs <- s.Run(ctx, ls[2], ls[3])
	})
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	s := &servers{
		kspec: "https://" + ls[0].Addr().String() + "/validate",
		noop:  "https://" + ls[2].Addr().String() + "/validate",
		roots: roots, caPEM: caPEM,
	}
	for _, h := range []net.Listener{ls[1], ls[3]} {
		if err := ready(ctx, "http://"+h.Addr().String()+"/readyz", errs); err != nil {
			return nil, nil, err
		}
	}
	return s, wg.Wait, nil
}

// ready polls a readiness endpoint, at most a hundred times.
func ready(ctx context.Context, url string, errs <-chan error) error {
	for range 100 {
		select {
		case err := <-errs:
			return fmt.Errorf("a server stopped: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		r, err := http.Get(url) //nolint:noctx,gosec // our own loopback server, bounded by the loop
		if err == nil {
			_ = r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("%s not ready", url)
}

// writeCerts writes a CA-signed serving pair for 127.0.0.1 to dir and
// returns the CA certificate.
func writeCerts(dir string) ([]byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "webhookload CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kspec-webhook"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}

// review is the AdmissionReview the API server sends for creating the
// restricted Pod of the corpus, which the strict example admits.
func review() ([]byte, error) {
	y, err := os.ReadFile(podFile)
	if err != nil {
		return nil, err
	}
	pod, err := yaml.YAMLToJSON(y)
	if err != nil {
		return nil, err
	}
	return json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       "705ab4f5-6393-11e8-b7cc-42010a800002",
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Name:      "restricted",
			Namespace: "team-a",
			Operation: admissionv1.Create,
			Object:    runtime.RawExtension{Raw: pod},
		},
	})
}

// result is one round against one server.
type result struct {
	n        int
	elapsed  time.Duration
	p50, p99 time.Duration
}

func (r result) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

// loopback runs the rounds and prints the table.
func loopback(o options, s *servers, body []byte) error {
	fmt.Printf("| clients | round | server | requests | reviews/s | p50 ms | p99 ms |\n|---:|---:|---|---:|---:|---:|---:|\n")
	type summary struct{ rate, p50, p99 []float64 }
	var lines []string
	for _, c := range o.concurrency {
		sum := map[string]*summary{"kspec": {}, "no-op": {}}
		clients := map[string][]*http.Client{}
		for name, url := range map[string]string{"kspec": s.kspec, "no-op": s.noop} {
			cl, err := connect(c, s.roots, url, body)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			clients[name] = cl
		}
		for round := range o.rounds {
			order := []string{"kspec", "no-op"}
			if round%2 == 1 {
				slices.Reverse(order)
			}
			for _, name := range order {
				url := s.kspec
				if name == "no-op" {
					url = s.noop
				}
				r, err := load(clients[name], url, body, o.requests, o.max)
				if err != nil {
					return fmt.Errorf("%s at %d clients: %w", name, c, err)
				}
				fmt.Printf("| %d | %d | %s | %d | %.0f | %.2f | %.2f |\n", c, round+1, name, r.n, r.rate(), ms(r.p50), ms(r.p99))
				sm := sum[name]
				sm.rate, sm.p50, sm.p99 = append(sm.rate, r.rate()), append(sm.p50, ms(r.p50)), append(sm.p99, ms(r.p99))
			}
		}
		for _, cl := range clients {
			for _, h := range cl {
				h.CloseIdleConnections()
			}
		}
		k, n := sum["kspec"], sum["no-op"]
		lines = append(lines, fmt.Sprintf("| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f%% | %.2f× |", c,
			median(k.rate), median(k.p50), median(k.p99), median(n.rate), median(n.p50), median(n.p99),
			100*median(paired(k.rate, n.rate, ratio)), median(paired(k.p99, n.p99, ratio))))
	}
	// A round's two runs are back to back, so their ratio cancels what
	// the machine does over minutes: the ratios are compared round by
	// round.
	fmt.Printf("\nMedians of %d rounds (the comparisons: of each round's kspec against its no-op):\n\n", o.rounds)
	fmt.Println("| clients | kspec reviews/s | p50 ms | p99 ms | no-op reviews/s | p50 ms | p99 ms | throughput vs no-op | p99 vs no-op |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range lines {
		fmt.Println(l)
	}
	return nil
}

// connect makes c clients, each its own kept-alive HTTP/2 connection,
// and checks that each speaks HTTP/2 and is admitted.
func connect(c int, roots *x509.CertPool, url string, body []byte) ([]*http.Client, error) {
	cl := make([]*http.Client, c)
	for i := range cl {
		cl[i] = &http.Client{Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
			ForceAttemptHTTP2: true,
		}}
		proto, err := post(cl[i], url, body)
		if err != nil {
			return nil, err
		}
		if proto != 2 {
			return nil, fmt.Errorf("HTTP/%d, want HTTP/2", proto)
		}
	}
	return cl, nil
}

var allowed = []byte(`"allowed":true`)

// post sends one review and checks it is admitted without warnings.
func post(c *http.Client, url string, body []byte) (int, error) {
	r, err := c.Post(url, "application/json", bytes.NewReader(body)) //nolint:noctx // loopback; a round is bounded by -max
	if err != nil {
		return 0, err
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return 0, err
	}
	if r.StatusCode != http.StatusOK || !bytes.Contains(b, allowed) || bytes.Contains(b, []byte(`"warnings"`)) {
		return 0, fmt.Errorf("HTTP %d: %s", r.StatusCode, b)
	}
	return r.ProtoMajor, nil
}

// load posts n reviews with every client at once, stopping early after max.
func load(clients []*http.Client, url string, body []byte, n int, maxTime time.Duration) (result, error) {
	return measure(len(clients), n, maxTime, func(w int) error {
		_, err := post(clients[w], url, body)
		return err
	})
}

// measure calls do n times from workers goroutines at once, stopping early
// after maxTime, and times each call.
func measure(workers, n int, maxTime time.Duration, do func(worker int) error) (result, error) {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var errOnce sync.Once
	var firstErr error
	deadline := time.Now().Add(maxTime)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || time.Now().After(deadline) {
					return
				}
				t := time.Now()
				if err := do(w); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				lat[i] = time.Since(t)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return result{}, firstErr
	}
	done := lat[:0]
	for _, d := range lat {
		if d > 0 {
			done = append(done, d)
		}
	}
	if len(done) == 0 {
		return result{}, errors.New("no request completed")
	}
	slices.Sort(done)
	return result{n: len(done), elapsed: elapsed, p50: quantile(done, 0.50), p99: quantile(done, 0.99)}, nil
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

// paired is f of each round's two measures.
func paired(a, b []float64, f func(a, b float64) float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = f(a[i], b[i])
	}
	return out
}

func ratio(a, b float64) float64 { return a / b }

func difference(a, b float64) float64 { return a - b }

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
