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

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pkg/errors"
	"golang.org/x/term"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
	"github.com/kspec-io/kspec/internal/validate"
	"github.com/kspec-io/kspec/provider/compliancescan"
)

type clusterCmd struct {
	Discover clusterDiscoverCmd `cmd:"" help:"List the kubeconfig's contexts with their API server and auth type."`
	Add      clusterAddCmd      `cmd:"" help:"Write or apply the Secret, ProviderConfig and ClusterTarget that register a kubeconfig context with provider-kspec."`
	Sync     clusterSyncCmd     `cmd:"" help:"Ask for an immediate scan of every ComplianceScan of a ClusterTarget and wait for the results."`
}

// Auth types of a kubeconfig user.
const (
	authClientCert   = "client-cert"
	authToken        = "token"
	authExec         = "exec"
	authAuthProvider = "auth-provider"
	authBasic        = "basic"
	authNone         = "none"
)

// loadKubeconfig reads a kubeconfig as kubectl finds it, file paths in it
// made absolute.
func loadKubeconfig(path string) (*clientcmdapi.Config, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	where := "kubeconfig"
	if path != "" {
		rules.ExplicitPath = path
		where = "kubeconfig " + path
	} else if f := rules.GetDefaultFilename(); f != "" {
		where = "kubeconfig " + f
	}
	cfg, err := rules.Load()
	if err != nil {
		return nil, where, oneLine(errors.Wrap(err, where))
	}
	return cfg, where, nil
}

// authType names how a kubeconfig user authenticates. Plugins come first:
// they decide what is sent whatever else is set.
func authType(a *clientcmdapi.AuthInfo) string {
	switch {
	case a == nil:
		return authNone
	case a.Exec != nil:
		return authExec
	case a.AuthProvider != nil:
		return authAuthProvider
	case a.ClientCertificate != "" || len(a.ClientCertificateData) > 0:
		return authClientCert
	case a.Token != "" || a.TokenFile != "":
		return authToken
	case a.Username != "" || a.Password != "":
		return authBasic
	}
	return authNone
}

// A discoveredContext is one context of a kubeconfig.
type discoveredContext struct {
	Name      string `json:"name"`
	Current   bool   `json:"current"`
	Cluster   string `json:"cluster"`
	Server    string `json:"server"`
	User      string `json:"user"`
	Auth      string `json:"auth"`
	Namespace string `json:"namespace,omitempty"`
}

func discover(cfg *clientcmdapi.Config) []discoveredContext {
	out := make([]discoveredContext, 0, len(cfg.Contexts))
	for name, c := range cfg.Contexts {
		d := discoveredContext{Name: name, Current: name == cfg.CurrentContext, Cluster: c.Cluster, User: c.AuthInfo, Namespace: c.Namespace, Auth: authNone}
		if cl, ok := cfg.Clusters[c.Cluster]; ok {
			d.Server = cl.Server
		}
		if a, ok := cfg.AuthInfos[c.AuthInfo]; ok {
			d.Auth = authType(a)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b discoveredContext) int { return strings.Compare(a.Name, b.Name) })
	return out
}

type clusterDiscoverCmd struct {
	Kubeconfig string `type:"path" placeholder:"PATH" help:"Kubeconfig file; by default KUBECONFIG, else ~/.kube/config."`
	Output     string `short:"o" enum:"text,json" default:"text" help:"Output format: text or json."`
}

func (c *clusterDiscoverCmd) Run(s streams) error {
	cfg, where, err := loadKubeconfig(c.Kubeconfig)
	if err != nil {
		return err
	}
	ctxs := discover(cfg)
	if c.Output == "json" {
		b, err := json.MarshalIndent(ctxs, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(s.out, "%s\n", b)
		return err
	}
	if len(ctxs) == 0 {
		_, err := fmt.Fprintf(s.out, "no contexts in %s\n", where)
		return err
	}
	w := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "CURRENT\tNAME\tCLUSTER\tSERVER\tAUTH")
	for _, d := range ctxs {
		cur := ""
		if d.Current {
			cur = "*"
		}
		server := d.Server
		if server == "" {
			server = "(cluster " + d.Cluster + " not found)"
		}
		_, _ = fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", cur, d.Name, d.Cluster, server, d.Auth)
	}
	return w.Flush()
}

// standalone is a kubeconfig holding only context name of cfg, its
// current context, with every file it references read inline: what
// provider-kspec accepts in a Secret. Exec and auth-provider plugins are
// refused: they would run programs inside the provider.
func standalone(cfg *clientcmdapi.Config, name, where string) (*clientcmdapi.Config, error) {
	kc, ok := cfg.Contexts[name]
	if !ok {
		return nil, errors.Errorf("context %q not found in %s", name, where)
	}
	cl, ok := cfg.Clusters[kc.Cluster]
	if !ok {
		return nil, errors.Errorf("context %q names cluster %q, which is not in %s", name, kc.Cluster, where)
	}
	if cl.Server == "" {
		return nil, errors.Errorf("cluster %q of context %q has no server", kc.Cluster, name)
	}
	user := &clientcmdapi.AuthInfo{}
	if kc.AuthInfo != "" {
		u, ok := cfg.AuthInfos[kc.AuthInfo]
		if !ok {
			return nil, errors.Errorf("context %q names user %q, which is not in %s", name, kc.AuthInfo, where)
		}
		user = u.DeepCopy()
	}
	switch authType(user) {
	case authExec, authAuthProvider:
		return nil, errors.Errorf("context %q authenticates with an %s plugin, which provider-kspec refuses (it would run a program inside the provider): use a service account token or a client certificate", name, authType(user))
	}
	cluster := cl.DeepCopy()
	cluster.LocationOfOrigin, cluster.Extensions = "", nil
	if cluster.CertificateAuthority != "" {
		b, err := os.ReadFile(cluster.CertificateAuthority)
		if err != nil {
			return nil, errors.Wrapf(err, "certificate-authority of cluster %q", kc.Cluster)
		}
		cluster.CertificateAuthorityData, cluster.CertificateAuthority = b, ""
	}
	user.LocationOfOrigin, user.Extensions = "", nil
	for _, f := range []struct {
		path *string
		data *[]byte
		what string
	}{
		{&user.ClientCertificate, &user.ClientCertificateData, "client-certificate"},
		{&user.ClientKey, &user.ClientKeyData, "client-key"},
	} {
		if *f.path == "" {
			continue
		}
		b, err := os.ReadFile(*f.path)
		if err != nil {
			return nil, errors.Wrapf(err, "%s of user %q", f.what, kc.AuthInfo)
		}
		*f.data, *f.path = b, ""
	}
	if user.TokenFile != "" {
		b, err := os.ReadFile(user.TokenFile)
		if err != nil {
			return nil, errors.Wrapf(err, "tokenFile of user %q", kc.AuthInfo)
		}
		user.Token, user.TokenFile = strings.TrimSpace(string(b)), ""
	}
	out := clientcmdapi.NewConfig()
	out.Clusters[kc.Cluster] = cluster
	out.AuthInfos[kc.AuthInfo] = user
	out.Contexts[name] = &clientcmdapi.Context{Cluster: kc.Cluster, AuthInfo: kc.AuthInfo, Namespace: kc.Namespace}
	out.CurrentContext = name
	return out, nil
}

// objectName turns a context name into a DNS-1123 label: lower case,
// other characters dashes, at most 52 characters so that NAME-kubeconfig
// and NAME-connection stay labels too.
func objectName(context string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(context) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteRune('-')
		}
	}
	n := b.String()
	if len(n) > 52 {
		n = n[:52]
	}
	return strings.Trim(n, "-")
}

// SecretKeyKubeconfig is the key of the kubeconfig in the Secret kspec
// cluster add writes.
const SecretKeyKubeconfig = "kubeconfig"

// registration is what registers one cluster: the kubeconfig Secret, the
// ProviderConfig that reads it and the ClusterTarget.
func registration(kubeconfig []byte, namespace, name string) ([]*unstructured.Unstructured, error) {
	secretName := name + "-kubeconfig"
	secret := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: secretName, Labels: map[string]string{"kspec.io/cluster": name}},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{SecretKeyKubeconfig: kubeconfig},
	}
	pc := &v1alpha1.ProviderConfig{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: v1alpha1.ProviderConfigKind},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.ProviderConfigSpec{Credentials: v1alpha1.ProviderCredentials{
			Source:    xpv2.CredentialsSourceSecret,
			Format:    v1alpha1.CredentialsFormatKubeconfig,
			SecretRef: &xpv2.SecretKeySelector{SecretReference: xpv2.SecretReference{Namespace: namespace, Name: secretName}, Key: SecretKeyKubeconfig},
		}},
	}
	ct := &v1alpha1.ClusterTarget{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: v1alpha1.ClusterTargetKind},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
	}
	ct.Spec.ProviderConfigReference = &xpv2.ProviderConfigReference{Kind: v1alpha1.ProviderConfigKind, Name: name}
	ct.Spec.WriteConnectionSecretToReference = &xpv2.LocalSecretReference{Name: name + "-connection"}

	schema, err := validate.KspecSchema()
	if err != nil {
		return nil, err
	}
	var objs []*unstructured.Unstructured
	for _, o := range []runtime.Object{secret, pc, ct} {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{Object: m}
		unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
		unstructured.RemoveNestedField(u.Object, "status")
		if u.GetKind() == "Secret" {
			if errs := validation.IsDNS1123Subdomain(secretName); len(errs) > 0 {
				return nil, errors.Errorf("secret name %q: %s", secretName, strings.Join(errs, "; "))
			}
		} else if errs := schema.Validate(context.Background(), u.DeepCopy()); len(errs) > 0 {
			return nil, errors.Errorf("%s %s/%s would be refused: %s", u.GetKind(), namespace, u.GetName(), errs.ToAggregate())
		}
		objs = append(objs, u)
	}
	return objs, nil
}

type clusterAddCmd struct {
	Context       string `arg:"" help:"Kubeconfig context of the cluster to register."`
	Kubeconfig    string `type:"path" placeholder:"PATH" help:"Kubeconfig holding the context; by default KUBECONFIG, else ~/.kube/config."`
	Namespace     string `short:"n" default:"kspec-system" help:"Namespace of the Secret, ProviderConfig and ClusterTarget on the hub."`
	Name          string `placeholder:"NAME" help:"Name of the ProviderConfig and ClusterTarget; by default the context's name made a DNS label."`
	Output        string `short:"o" type:"path" placeholder:"FILE" help:"Write the objects to FILE (created 0600) instead of standard output."`
	ShowSecrets   bool   `name:"show-secrets" help:"Write the Secret to standard output even when it is a terminal."`
	Apply         bool   `help:"Apply the objects to the hub cluster (server-side apply) instead of writing them; prints only their names."`
	HubKubeconfig string `name:"hub-kubeconfig" type:"path" placeholder:"PATH" help:"Kubeconfig of the hub cluster for --apply; by default KUBECONFIG, else ~/.kube/config."`
	HubContext    string `name:"hub-context" placeholder:"NAME" help:"Context of the hub cluster for --apply; by default the current one."`
}

func (c *clusterAddCmd) Run(s streams) error {
	name := c.Name
	if name == "" {
		name = objectName(c.Context)
	}
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return errors.Errorf("name %q: %s; choose one with --name", name, strings.Join(errs, "; "))
	}
	if errs := validation.IsDNS1123Label(c.Namespace); len(errs) > 0 {
		return errors.Errorf("namespace %q: %s", c.Namespace, strings.Join(errs, "; "))
	}
	if c.Apply && c.Output != "" {
		return errors.New("--apply and -o exclude each other")
	}
	cfg, where, err := loadKubeconfig(c.Kubeconfig)
	if err != nil {
		return err
	}
	one, err := standalone(cfg, c.Context, where)
	if err != nil {
		return err
	}
	kc, err := clientcmd.Write(*one)
	if err != nil {
		return err
	}
	objs, err := registration(kc, c.Namespace, name)
	if err != nil {
		return err
	}
	if c.Apply {
		return c.apply(s, objs)
	}
	var buf bytes.Buffer
	for i, u := range objs {
		if i > 0 {
			buf.WriteString("---\n")
		}
		b, err := yaml.Marshal(u.Object)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	if c.Output != "" {
		return writePrivate(c.Output, buf.Bytes())
	}
	if isTerminal(s.out) && !c.ShowSecrets {
		return errors.New("the Secret holds the cluster's credentials: write it with -o FILE, pipe it (kspec cluster add ... | kubectl apply -f -), apply it with --apply, or pass --show-secrets")
	}
	_, err = s.out.Write(buf.Bytes())
	return err
}

// writePrivate writes data to path, readable by its owner only.
func writePrivate(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil { // An existing file keeps its mode otherwise.
		_ = f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// isTerminal reports whether w is a terminal; a variable for tests.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// hubClient is a client of the hub cluster, which holds provider-kspec's
// objects.
func hubClient(path, context string, timeout time.Duration) (client.Client, string, error) {
	cfg, err := restConfig(path, context)
	if err != nil {
		return nil, "", err
	}
	cfg.Timeout = timeout
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, "", err
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		return nil, "", err
	}
	c, err := client.New(cfg, client.Options{Scheme: s})
	if err != nil {
		return nil, "", oneLine(errors.Wrapf(err, "hub cluster %s", cfg.Host))
	}
	return c, cfg.Host, nil
}

func (c *clusterAddCmd) apply(s streams, objs []*unstructured.Unstructured) error {
	hub, host, err := hubClient(c.HubKubeconfig, c.HubContext, 30*time.Second)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := hub.Get(ctx, types.NamespacedName{Name: c.Namespace}, &corev1.Namespace{}); err != nil {
		if kerrors.IsNotFound(err) {
			return errors.Errorf("namespace %s not found on the hub cluster %s: create it first", c.Namespace, host)
		}
		return oneLine(errors.Wrapf(err, "hub cluster %s", host))
	}
	// A dry run of every object first: nothing is applied unless all are
	// accepted.
	for _, dry := range []bool{true, false} {
		for _, u := range objs {
			opts := []client.PatchOption{client.FieldOwner("kspec"), client.ForceOwnership, client.FieldValidation("Strict")}
			if dry {
				opts = append(opts, client.DryRunAll)
			}
			if err := hub.Patch(ctx, u.DeepCopy(), client.Apply, opts...); err != nil { //nolint:staticcheck // Unstructured objects have no apply configuration.
				return oneLine(errors.Wrapf(err, "cannot apply %s %s/%s on the hub cluster %s", u.GetKind(), u.GetNamespace(), u.GetName(), host))
			}
		}
	}
	for _, u := range objs {
		_, _ = fmt.Fprintf(s.out, "%s/%s applied in namespace %s\n", strings.ToLower(u.GetKind()), u.GetName(), u.GetNamespace())
	}
	return nil
}

type clusterSyncCmd struct {
	Target     string        `arg:"" help:"Name of the ClusterTarget."`
	Namespace  string        `short:"n" default:"kspec-system" help:"Namespace of the ClusterTarget and its ComplianceScans."`
	Kubeconfig string        `type:"path" placeholder:"PATH" help:"Kubeconfig of the hub cluster; by default KUBECONFIG, else ~/.kube/config."`
	Context    string        `placeholder:"NAME" help:"Context of the hub cluster; by default the current one."`
	Timeout    time.Duration `default:"10m" help:"How long to wait for the scans."`
}

func (c *clusterSyncCmd) Run(s streams, rc *exitCode) error {
	hub, host, err := hubClient(c.Kubeconfig, c.Context, 30*time.Second)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ct := &v1alpha1.ClusterTarget{}
	if err := hub.Get(ctx, types.NamespacedName{Namespace: c.Namespace, Name: c.Target}, ct); err != nil {
		if kerrors.IsNotFound(err) {
			return errors.Errorf("ClusterTarget %s/%s not found on the hub cluster %s", c.Namespace, c.Target, host)
		}
		return oneLine(errors.Wrapf(err, "hub cluster %s", host))
	}
	if r := ct.GetCondition(xpv2.TypeReady); r.Status != corev1.ConditionTrue {
		return oneLine(errors.Errorf("ClusterTarget %s/%s is not ready (%s): its scans do not run until it is", c.Namespace, c.Target, orElse(strings.TrimSpace(string(r.Reason)+": "+r.Message), "not probed yet")))
	}
	list := &v1alpha1.ComplianceScanList{}
	if err := hub.List(ctx, list, client.InNamespace(c.Namespace)); err != nil {
		return oneLine(errors.Wrapf(err, "cannot list ComplianceScans in %s", c.Namespace))
	}
	var names []string
	for _, cs := range list.Items {
		if r := cs.Spec.ForProvider.TargetRef; r != nil && r.Name == c.Target {
			names = append(names, cs.Name)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return errors.Errorf("no ComplianceScan in namespace %s scans ClusterTarget %s", c.Namespace, c.Target)
	}

	requested := time.Now().UTC().Truncate(time.Second)
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{compliancescan.AnnotationScanRequestedAt: requested.Format(time.RFC3339)}}})
	if err != nil {
		return err
	}
	for _, n := range names {
		cs := &v1alpha1.ComplianceScan{ObjectMeta: metav1.ObjectMeta{Namespace: c.Namespace, Name: n}}
		if err := hub.Patch(ctx, cs, client.RawPatch(types.MergePatchType, patch)); err != nil {
			return oneLine(errors.Wrapf(err, "cannot request a scan of ComplianceScan %s/%s", c.Namespace, n))
		}
	}

	done := map[string]*v1alpha1.ComplianceScan{}
	var failed []string
	p := newProgress(s.err)
	deadline := time.Now().Add(c.Timeout)
	wait := 250 * time.Millisecond
	for len(done) < len(names) {
		for _, n := range names {
			if done[n] != nil {
				continue
			}
			cs := &v1alpha1.ComplianceScan{}
			if err := hub.Get(ctx, types.NamespacedName{Namespace: c.Namespace, Name: n}, cs); err != nil {
				p.clear()
				return oneLine(errors.Wrapf(err, "cannot get ComplianceScan %s/%s", c.Namespace, n))
			}
			if why := failedSince(cs, requested); why != "" {
				done[n] = cs
				p.clear()
				failed = append(failed, n+" ("+why+")")
				continue
			}
			if answered(cs, requested) {
				done[n] = cs
				p.clear()
				printScan(s.out, cs)
				if cs.Status.AtProvider.Failed > 0 {
					rc.code = ExitInvalid
				}
			}
		}
		if len(done) == len(names) {
			break
		}
		if time.Now().After(deadline) {
			p.clear()
			var waiting []string
			for _, n := range names {
				if done[n] == nil {
					waiting = append(waiting, n)
				}
			}
			return errors.Errorf("timed out after %s waiting for ComplianceScan %s in %s to scan", c.Timeout, strings.Join(waiting, ", "), c.Namespace)
		}
		p.wait(len(done), len(names), time.Since(requested))
		select {
		case <-ctx.Done():
			p.clear()
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
	if len(failed) > 0 {
		return errors.Errorf("ComplianceScan %s in %s could not scan", strings.Join(failed, ", "), c.Namespace)
	}
	return nil
}

// failedSince is why cs could not scan, when its Ready condition turned
// False at or after the request; empty otherwise. A scan already failing
// before the request keeps its old transition time: sync then waits for
// its timeout.
func failedSince(cs *v1alpha1.ComplianceScan, requested time.Time) string {
	r := cs.GetCondition(xpv2.TypeReady)
	if r.Status != corev1.ConditionFalse || r.LastTransitionTime.Time.Before(requested) {
		return ""
	}
	switch r.Reason {
	case compliancescan.ReasonScanFailed, compliancescan.ReasonSpecNotFound, compliancescan.ReasonSpecInvalid, compliancescan.ReasonTargetNotFound, compliancescan.ReasonTargetUnavailable:
		return orElse(strings.TrimSpace(string(r.Reason)+": "+r.Message), string(r.Reason))
	}
	return ""
}

// answered reports whether cs scanned at or after the request: both
// times are whole seconds, as the provider's due-ness counts them.
func answered(cs *v1alpha1.ComplianceScan, requested time.Time) bool {
	last := cs.Status.AtProvider.LastScanTime
	return last != nil && !last.Time.Before(requested)
}

func printScan(w io.Writer, cs *v1alpha1.ComplianceScan) {
	a := cs.Status.AtProvider
	_, _ = fmt.Fprintf(w, "%s/%s: score %d (%d passed, %d failed, %d skipped) at %s, report %s\n",
		cs.Namespace, cs.Name, a.Score, a.Passed, a.Failed, a.Skipped, a.LastScanTime.UTC().Format(time.RFC3339), orElse(a.Report, "none"))
}

func (p *progress) wait(done, all int, since time.Duration) {
	if !p.on {
		return
	}
	p.shown = true
	_, _ = fmt.Fprintf(p.w, "\r\033[Kkspec: waiting for %d of %d scans (%s)", all-done, all, since.Round(time.Second))
}

func orElse(s, alt string) string {
	if s == "" || s == ":" {
		return alt
	}
	return s
}
