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

// Package certificates is function-kspec's certificates step: the
// cert-manager objects (cert-manager.io/v1) that give kspec-webhook its
// serving certificate. By default a self-signed Issuer signs a CA
// Certificate, whose CA Issuer signs the serving Certificate; with
// spec.webhook.certificate.issuerRef, only the serving Certificate, from
// that issuer. Nothing for a spec without the Webhook engine, or a claim
// (the platform runs the webhook).
//
// cert-manager's Go types need a newer k8s.io than kspec's, so the objects
// are built from the few fields kspec sets, as unstructured objects.
package certificates
