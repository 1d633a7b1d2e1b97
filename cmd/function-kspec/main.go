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

// Command function-kspec is kspec's composition function. It serves
// Crossplane's RunFunction over gRPC; the Input of each pipeline step names
// the step to run (see package functions).
package main

import (
	"time"

	"github.com/alecthomas/kong"
	function "github.com/crossplane/function-sdk-go"

	"github.com/kspec-io/kspec/functions"
	"github.com/kspec-io/kspec/internal/version"
)

// cli holds the flags and environment every Crossplane function takes.
type cli struct {
	Debug bool `short:"d" help:"Emit debug logs in addition to info logs."`

	Network            string `help:"Network on which to listen for gRPC connections." default:"tcp"`
	Address            string `help:"Address at which to listen for gRPC connections." default:":9443"`
	TLSCertsDir        string `help:"Directory containing server certs (tls.key, tls.crt) and the CA used to verify client certificates (ca.crt)." env:"TLS_SERVER_CERTS_DIR" name:"tls-server-certs-dir"`
	Insecure           bool   `help:"Run without mTLS credentials. If you supply this flag --tls-server-certs-dir will be ignored."`
	MaxRecvMessageSize int    `help:"Maximum size of received messages in MB." default:"4"`

	Now time.Time `help:"Render as if the clock read this RFC 3339 time (activation windows, exemption expiry), for offline rendering with crossplane render and its golden files. Default: the real clock." placeholder:"TIME"`
}

// Run serves the function until the process is stopped.
func (c *cli) Run() error {
	log, err := function.NewLogger(c.Debug)
	if err != nil {
		return err
	}
	log.Debug("Starting function-kspec", "version", version.Version())
	var opts []functions.Option
	if !c.Now.IsZero() {
		now := c.Now
		opts = append(opts, functions.WithClock(func() time.Time { return now }))
		log.Info("Rendering at a fixed clock", "now", now.Format(time.RFC3339))
	}
	return function.Serve(functions.New(log, opts...),
		function.Listen(c.Network, c.Address),
		function.MTLSCertificates(c.TLSCertsDir),
		function.Insecure(c.Insecure),
		function.MaxRecvMessageSize(c.MaxRecvMessageSize*1024*1024))
}

func main() {
	ctx := kong.Parse(&cli{}, kong.Name("function-kspec"), kong.Description("kspec's Crossplane composition function: renders a ClusterSpecification's policies, certificates, webhook and scans."))
	ctx.FatalIfErrorf(ctx.Run())
}
