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

// Package provider sets up provider-kspec's controllers: provider configs,
// ClusterTargets and ComplianceScans.
package provider

import (
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
	"github.com/kspec-io/kspec/provider/clustertarget"
	"github.com/kspec-io/kspec/provider/compliancescan"
	"github.com/kspec-io/kspec/provider/config"
	"github.com/kspec-io/kspec/provider/metrics"
)

// Options of the provider.
type Options struct {
	controller.Options
	// Local is the provider's own configuration, for InjectedIdentity and
	// scans with no target.
	Local *rest.Config
	// RequestTimeout bounds every request to a target. Default 30 s.
	RequestTimeout time.Duration
	// ScanTimeout bounds one scan. Default 10 minutes.
	ScanTimeout time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// AddToScheme adds what the provider reads and writes in its own cluster.
func AddToScheme(s *runtime.Scheme) error {
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme, reportsv1alpha1.AddToScheme} {
		if err := add(s); err != nil {
			return err
		}
	}
	return nil
}

// Setup adds every controller of the provider to mgr and registers the
// kspec_* metrics.
func Setup(mgr ctrl.Manager, o Options) error {
	metrics.Register()
	if o.RequestTimeout == 0 {
		o.RequestTimeout = 30 * time.Second
	}
	res := &config.Resolver{Kube: mgr.GetClient(), Local: o.Local, Timeout: o.RequestTimeout}
	if err := config.Setup(mgr, o.Options); err != nil {
		return err
	}
	if err := clustertarget.Setup(mgr, clustertarget.Options{Options: o.Options, Resolver: res, Now: o.Now}); err != nil {
		return err
	}
	return compliancescan.Setup(mgr, compliancescan.Options{Options: o.Options, Resolver: res, Now: o.Now, ScanTimeout: o.ScanTimeout})
}
