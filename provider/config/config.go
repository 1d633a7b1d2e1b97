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

// Package config reconciles ProviderConfigs and ClusterProviderConfigs
// (accounting for their usages) and turns one into a client configuration
// for the cluster it names. Credentials never reach an error message, a
// log line or a condition: errors name the secret and key, never content.
package config

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/providerconfig"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
)

// Setup adds the controllers that account for the usages of
// ProviderConfigs and ClusterProviderConfigs, so neither can be deleted
// while a managed resource uses it.
func Setup(mgr ctrl.Manager, o controller.Options) error {
	for _, k := range []struct {
		kinds resource.ProviderConfigKinds
		obj   client.Object
		usage client.Object
	}{
		{
			kinds: resource.ProviderConfigKinds{
				Config:    v1alpha1.ProviderConfigGroupVersionKind,
				Usage:     v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.ProviderConfigUsageKind),
				UsageList: v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.ProviderConfigUsageListKind),
			},
			obj: &v1alpha1.ProviderConfig{}, usage: &v1alpha1.ProviderConfigUsage{},
		},
		{
			kinds: resource.ProviderConfigKinds{
				Config:    v1alpha1.ClusterProviderConfigGVK,
				Usage:     v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.ClusterProviderConfigUsageKind),
				UsageList: v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.ClusterProviderConfigUsageListKind),
			},
			obj: &v1alpha1.ClusterProviderConfig{}, usage: &v1alpha1.ClusterProviderConfigUsage{},
		},
	} {
		name := providerconfig.ControllerName(k.kinds.Config.GroupKind().String())
		r := providerconfig.NewReconciler(mgr, k.kinds,
			providerconfig.WithLogger(o.Logger.WithValues("controller", name)),
			providerconfig.WithRecorder(event.NewAPIRecorder(mgr.GetEventRecorderFor(name)))) //nolint:staticcheck // crossplane-runtime's event package takes the legacy recorder.
		if err := ctrl.NewControllerManagedBy(mgr).
			Named(name).
			WithOptions(o.ForControllerRuntime()).
			For(k.obj).
			Watches(k.usage, &resource.EnqueueRequestForProviderConfig{}).
			Complete(ratelimiter.NewReconciler(name, r, o.GlobalRateLimiter)); err != nil {
			return fmt.Errorf("cannot set up the %s controller: %w", name, err)
		}
	}
	return nil
}

// NewUsageTracker records which ProviderConfig or ClusterProviderConfig a
// managed resource uses, in the usage type of the config's kind.
func NewUsageTracker(c client.Client) resource.ModernTracker {
	pc := resource.NewProviderConfigUsageTracker(c, &v1alpha1.ProviderConfigUsage{})
	cpc := resource.NewProviderConfigUsageTracker(c, &v1alpha1.ClusterProviderConfigUsage{})
	return resource.ModernTrackerFn(func(ctx context.Context, mg resource.ModernManaged) error {
		if ref := mg.GetProviderConfigReference(); ref != nil && ref.Kind == v1alpha1.ClusterProviderConfigKind {
			return cpc.Track(ctx, mg)
		}
		return pc.Track(ctx, mg)
	})
}

// A Reason says why a cluster could not be reached. Conditions carry it.
type Reason string

// Reasons a cluster cannot be reached or its credentials used.
const (
	// ReasonConfigNotFound: the ProviderConfig or ClusterProviderConfig is missing.
	ReasonConfigNotFound Reason = "ProviderConfigNotFound"
	// ReasonCredentialsInvalid: the secret, its key or its content is missing or malformed.
	ReasonCredentialsInvalid Reason = "CredentialsInvalid"
	// ReasonUnreachable: no answer from the API server.
	ReasonUnreachable Reason = "Unreachable"
	// ReasonUntrustedCertificate: the server's certificate is not trusted.
	ReasonUntrustedCertificate Reason = "UntrustedCertificate"
	// ReasonUnauthorized: the server rejected the credentials (401).
	ReasonUnauthorized Reason = "Unauthorized"
	// ReasonForbidden: the credentials may not read what kspec needs (403).
	ReasonForbidden Reason = "Forbidden"
	// ReasonServerError: the server answered with an error.
	ReasonServerError Reason = "ServerError"
)

// An Error is a failure to use a cluster's credentials or reach it, with
// a reason for conditions and a message free of secrets.
type Error struct {
	Reason  Reason
	Message string
}

func (e *Error) Error() string { return e.Message }

// ReasonOf is the reason of err when it is an *Error, else ReasonServerError.
func ReasonOf(err error) Reason {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Reason
	}
	return ReasonServerError
}

func credentialsError(format string, args ...any) *Error {
	return &Error{Reason: ReasonCredentialsInvalid, Message: fmt.Sprintf(format, args...)}
}

// Resolver builds client configurations from provider configs.
type Resolver struct {
	// Kube reads provider configs and secrets in the provider's cluster.
	Kube client.Client
	// Local is the provider's own configuration, for InjectedIdentity.
	Local *rest.Config
	// Timeout bounds every request to a target, so a dead target cannot
	// hold a worker.
	Timeout time.Duration
}

// Spec returns the credentials of the provider config ref names, read in
// namespace for a ProviderConfig.
func (r *Resolver) Spec(ctx context.Context, namespace string, ref *xpv2.ProviderConfigReference) (*v1alpha1.ProviderConfigSpec, error) {
	if ref == nil || ref.Name == "" {
		return nil, &Error{Reason: ReasonConfigNotFound, Message: "no providerConfigRef"}
	}
	switch ref.Kind {
	case v1alpha1.ClusterProviderConfigKind:
		pc := &v1alpha1.ClusterProviderConfig{}
		if err := r.Kube.Get(ctx, client.ObjectKey{Name: ref.Name}, pc); err != nil {
			return nil, notFound(err, "ClusterProviderConfig "+ref.Name)
		}
		return &pc.Spec, nil
	case v1alpha1.ProviderConfigKind, "":
		pc := &v1alpha1.ProviderConfig{}
		if err := r.Kube.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, pc); err != nil {
			return nil, notFound(err, "ProviderConfig "+namespace+"/"+ref.Name)
		}
		return &pc.Spec, nil
	}
	return nil, &Error{Reason: ReasonConfigNotFound, Message: fmt.Sprintf("providerConfigRef kind %q is neither ProviderConfig nor ClusterProviderConfig", ref.Kind)}
}

// Connect is the client configuration of the provider config ref names,
// for a managed resource in namespace. What is wrong with the config or its
// credentials (a missing config, a bad secret) is the resource's state, not
// a failure to retry: it comes back as state, an *Error for Observe to
// report. err is any other failure.
func (r *Resolver) Connect(ctx context.Context, namespace string, ref *xpv2.ProviderConfigReference) (cfg *rest.Config, state *Error, err error) {
	spec, err := r.Spec(ctx, namespace, ref)
	if err == nil {
		cfg, err = r.Config(ctx, spec)
	}
	if err != nil {
		if e, ok := errors.AsType[*Error](err); ok {
			return nil, e, nil
		}
		return nil, nil, err
	}
	return cfg, nil, nil
}

func notFound(err error, what string) error {
	if kerrors.IsNotFound(err) {
		return &Error{Reason: ReasonConfigNotFound, Message: what + " not found"}
	}
	return fmt.Errorf("cannot get %s: %w", what, err)
}

// Config builds the client configuration of spec. A ProviderConfig's
// secret is read in namespace; a ClusterProviderConfig's secretRef names
// its own namespace.
func (r *Resolver) Config(ctx context.Context, spec *v1alpha1.ProviderConfigSpec) (*rest.Config, error) {
	var cfg *rest.Config
	c := spec.Credentials
	switch c.Source {
	case xpv2.CredentialsSourceInjectedIdentity:
		if r.Local == nil {
			return nil, credentialsError("InjectedIdentity: the provider has no in-cluster identity")
		}
		cfg = rest.CopyConfig(r.Local)
	case xpv2.CredentialsSourceSecret:
		data, err := r.secretKey(ctx, c.SecretRef)
		if err != nil {
			return nil, err
		}
		switch c.Format {
		case v1alpha1.CredentialsFormatToken:
			cfg, err = tokenConfig(c.Server, data)
		case v1alpha1.CredentialsFormatKubeconfig, "":
			cfg, err = kubeconfigConfig(data, c.SecretRef)
		default:
			err = credentialsError("credentials format %q is neither Kubeconfig nor Token", c.Format)
		}
		if err != nil {
			return nil, err
		}
	default:
		return nil, credentialsError("credentials source %q is neither Secret nor InjectedIdentity", c.Source)
	}
	cfg.Timeout = r.Timeout
	cfg.UserAgent = "provider-kspec"
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = 50, 100
	}
	return cfg, nil
}

func (r *Resolver) secretKey(ctx context.Context, ref *xpv2.SecretKeySelector) ([]byte, error) {
	if ref == nil {
		return nil, credentialsError("source Secret needs a secretRef")
	}
	s := &corev1.Secret{}
	if err := r.Kube.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, s); err != nil {
		if kerrors.IsNotFound(err) {
			return nil, credentialsError("secret %s/%s not found", ref.Namespace, ref.Name)
		}
		return nil, fmt.Errorf("cannot get secret %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	data, ok := s.Data[ref.Key]
	if !ok || len(data) == 0 {
		return nil, credentialsError("secret %s/%s has no key %q", ref.Namespace, ref.Name, ref.Key)
	}
	return data, nil
}

func tokenConfig(server *v1alpha1.ServerEndpoint, token []byte) (*rest.Config, error) {
	if server == nil || server.URL == "" {
		return nil, credentialsError("Token credentials need spec.credentials.server.url")
	}
	cfg := &rest.Config{Host: server.URL, BearerToken: string(token)}
	cfg.CAData = server.CAData
	if server.ProxyURL != "" {
		u, err := url.Parse(server.ProxyURL)
		if err != nil {
			return nil, credentialsError("server.proxyURL is not a URL")
		}
		cfg.Proxy = func(*http.Request) (*url.URL, error) { return u, nil }
	}
	return cfg, nil
}

func kubeconfigConfig(data []byte, ref *xpv2.SecretKeySelector) (*rest.Config, error) {
	// The parser's errors may quote the content; report only where it was.
	cc, err := clientcmd.NewClientConfigFromBytes(data)
	if err != nil {
		return nil, credentialsError("secret %s/%s key %q is not a kubeconfig", ref.Namespace, ref.Name, ref.Key)
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, credentialsError("secret %s/%s key %q: the kubeconfig has no usable current context", ref.Namespace, ref.Name, ref.Key)
	}
	if cfg.ExecProvider != nil || cfg.AuthProvider != nil {
		// Exec plugins run programs inside the provider; a kubeconfig in a
		// secret must carry its credentials.
		return nil, credentialsError("secret %s/%s key %q: exec and auth-provider plugins are not allowed; use a token or client certificate", ref.Namespace, ref.Name, ref.Key)
	}
	if cfg.CAFile != "" || cfg.CertFile != "" || cfg.KeyFile != "" || cfg.BearerTokenFile != "" {
		// Paths would be read on the provider's file system: inline the data.
		return nil, credentialsError("secret %s/%s key %q: the kubeconfig references files; inline certificate and token data", ref.Namespace, ref.Name, ref.Key)
	}
	return cfg, nil
}

// Classify turns an error of a request to a target into an *Error with a
// reason and a message that names what failed, not what was sent.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		tlsVerify        *tls.CertificateVerificationError
	)
	switch {
	case kerrors.IsUnauthorized(err):
		return &Error{Reason: ReasonUnauthorized, Message: "the API server rejected the credentials (401 Unauthorized)"}
	case kerrors.IsForbidden(err):
		return &Error{Reason: ReasonForbidden, Message: "the credentials may not read what kspec needs (403 Forbidden): " + shorten(err.Error())}
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &tlsVerify):
		return &Error{Reason: ReasonUntrustedCertificate, Message: "the API server's certificate is not trusted: " + shorten(tlsMessage(err))}
	}
	var status kerrors.APIStatus
	if errors.As(err, &status) {
		return &Error{Reason: ReasonServerError, Message: "the API server answered: " + shorten(err.Error())}
	}
	return &Error{Reason: ReasonUnreachable, Message: "the API server did not answer: " + shorten(err.Error())}
}

// tlsMessage is the certificate error without the request around it.
func tlsMessage(err error) string {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return err.Error()
}

// shorten bounds a message for a condition.
func shorten(s string) string {
	const n = 512
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
