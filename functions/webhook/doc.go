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

// Package webhook is function-kspec's webhook step: the kspec-webhook stack
// of a ClusterSpecification whose engines include Webhook (Namespace,
// ServiceAccount, least-privilege RBAC, an HA Deployment, its
// PodDisruptionBudget and Service, the ValidatingWebhookConfiguration) and
// the bundle ConfigMap the webhook enforces (DESIGN §2.6). A claim renders
// only its bundle, in its own namespace: the platform runs the webhook.
//
// It also names every object of the stack, the certificates step's
// included, so the two steps agree on the Secret the Deployment mounts and
// the Certificate whose CA the webhook configuration trusts.
package webhook
