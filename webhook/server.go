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

package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pkg/errors"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Certificate serves the key pair in a directory (tls.crt, tls.key) and
// reloads it when either file changes; a bad new pair keeps the old one.
type Certificate struct {
	Dir     string
	Metrics *Metrics
	Log     *slog.Logger

	mu       sync.Mutex
	cert     *tls.Certificate
	crt, key []byte
}

// Load reads the pair if it changed since the last load.
func (c *Certificate) Load() error {
	crt, err := os.ReadFile(filepath.Join(c.Dir, "tls.crt"))
	if err != nil {
		return c.failed(errors.Wrap(err, "cannot read the serving certificate"))
	}
	key, err := os.ReadFile(filepath.Join(c.Dir, "tls.key"))
	if err != nil {
		return c.failed(errors.Wrap(err, "cannot read the serving key"))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cert != nil && bytes.Equal(crt, c.crt) && bytes.Equal(key, c.key) {
		return nil
	}
	pair, err := tls.X509KeyPair(crt, key)
	if err != nil {
		return c.failed(errors.Wrap(err, "cannot load the serving key pair"))
	}
	c.cert, c.crt, c.key = &pair, crt, key
	if c.Metrics != nil {
		c.Metrics.CertReloads.WithLabelValues("ok").Inc()
	}
	if c.Log != nil {
		c.Log.Info("serving certificate loaded", "dir", c.Dir)
	}
	return nil
}

func (c *Certificate) failed(err error) error {
	if c.Metrics != nil {
		c.Metrics.CertReloads.WithLabelValues("error").Inc()
	}
	if c.Log != nil {
		c.Log.Error("serving certificate not (re)loaded; the previous one stays in use", "error", err)
	}
	return err
}

// Loaded reports whether a certificate is loaded.
func (c *Certificate) Loaded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cert != nil
}

// GetCertificate is tls.Config's: the current pair, reloaded first if its
// files changed (two small file reads per handshake, none per request on
// a kept-alive connection).
func (c *Certificate) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	_ = c.Load() // a failed reload keeps the previous pair
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cert == nil {
		return nil, errors.New("cannot serve TLS: no certificate loaded")
	}
	return c.cert, nil
}

// A Server serves admission on TLS and health and metrics on plain HTTP.
type Server struct {
	Handler     http.Handler
	Certificate *Certificate
	Gatherer    prometheus.Gatherer
	// Ready reports what besides the certificate readiness needs (bundles
	// synced); nil means nothing.
	Ready func() error
	Log   *slog.Logger
	// ShutdownGrace bounds draining in-flight requests (default 25s).
	ShutdownGrace time.Duration
	// MaxInFlight bounds the reviews read and evaluated at once (default
	// DefaultMaxInFlight); more wait for a slot, so memory stays within
	// MaxInFlight request bodies whoever connects.
	MaxInFlight int
}

// DefaultMaxInFlight reviews at once: with DefaultMaxBodyBytes each, at
// most 256 MiB of request bodies.
const DefaultMaxInFlight = 32

// limit admits at most n requests to h at once; the others wait, and one
// whose client gives up first gets a 503.
func limit(h http.Handler, n int) http.Handler {
	slots := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			h.ServeHTTP(w, r)
		case <-r.Context().Done():
			http.Error(w, "kspec-webhook: too many reviews in flight", http.StatusServiceUnavailable)
		}
	})
}

// Run serves on the listeners until ctx is done, then drains in-flight
// requests. admission is wrapped in TLS.
func (s *Server) Run(ctx context.Context, admission, health net.Listener) error {
	inFlight := s.MaxInFlight
	if inFlight <= 0 {
		inFlight = DefaultMaxInFlight
	}
	mux := http.NewServeMux()
	mux.Handle("/validate", limit(s.Handler, inFlight))
	// The API server waits at most 30 s for a webhook: a client slower
	// than that is not the API server.
	tlsSrv := &http.Server{
		Handler:           mux,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: s.Certificate.GetCertificate},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
	}
	hmux := http.NewServeMux()
	hmux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	hmux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.ready(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	if s.Gatherer != nil {
		hmux.Handle("/metrics", promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{}))
	}
	plain := &http.Server{Handler: hmux, ReadHeaderTimeout: 10 * time.Second}

	errs := make(chan error, 2)
	go func() { errs <- ignoreClosed(tlsSrv.ServeTLS(admission, "", "")) }()
	go func() { errs <- ignoreClosed(plain.Serve(health)) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	grace := s.ShutdownGrace
	if grace <= 0 {
		grace = 25 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if e := tlsSrv.Shutdown(sctx); e != nil && err == nil {
		err = errors.Wrap(e, "cannot drain admission requests")
	}
	if e := plain.Shutdown(sctx); e != nil && err == nil {
		err = errors.Wrap(e, "cannot stop the health server")
	}
	return err
}

func (s *Server) ready() error {
	if !s.Certificate.Loaded() {
		if err := s.Certificate.Load(); err != nil {
			return err
		}
	}
	if s.Ready != nil {
		return s.Ready()
	}
	return nil
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
