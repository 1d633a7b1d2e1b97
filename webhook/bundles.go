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
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/errors"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kspec-io/kspec/internal/resolve"
	"github.com/kspec-io/kspec/internal/rules"
	"github.com/kspec-io/kspec/internal/validate"
)

// Bundle ConfigMaps: labelled BundleLabel=true, the spec in BundleKey.
const (
	BundleLabel = "kspec.io/bundle"
	BundleKey   = "spec.yaml"
)

// CompileBundle reads a bundle as kspec validate reads a file and compiles
// it. A non-empty confine makes it a claim of that namespace, whatever it
// says: the engine then confines it to objects of that namespace. A
// bundle's policyTemplate is applied; bases are not looked up: a bundle
// holds its spec resolved, as function-kspec writes it, so one that still
// names bases is refused rather than enforced without them.
func CompileBundle(ctx context.Context, source string, data []byte, confine string) (*rules.Set, error) {
	spec, err := validate.ReadSpecification(ctx, source, data)
	if err != nil {
		return nil, err
	}
	if confine != "" {
		spec.Namespace = confine
	}
	spec, err = resolve.Resolve(ctx, spec, resolve.Specs())
	if err != nil {
		return nil, errors.Wrapf(err, "cannot resolve %s: a bundle holds its specification resolved, bases merged, as function-kspec writes it", source)
	}
	set, err := rules.Compile(spec)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot compile %s", source)
	}
	return set, nil
}

type bundle struct {
	set    *rules.Set // the last good one; nil if none
	err    error      // of the latest version
	source [sha256.Size]byte
}

// Bundles are the compiled bundles in force, by source key. Readers get an
// immutable snapshot; a bad version of a bundle keeps its last good set.
type Bundles struct {
	Metrics *Metrics
	Log     *slog.Logger

	mu       sync.Mutex
	bundles  map[string]bundle
	specs    map[string]bool // the spec names of the sets in force
	snapshot atomic.Pointer[[]*rules.Set]
}

// Sets returns the sets in force, ordered by source key.
func (b *Bundles) Sets() []*rules.Set {
	if p := b.snapshot.Load(); p != nil {
		return *p
	}
	return nil
}

// Put puts a good set in force for key.
func (b *Bundles) Put(key string, set *rules.Set) {
	b.update(key, func(bd *bundle) bool { bd.set, bd.err = set, nil; return true })
}

// load compiles data as key's bundle unless it is the version already
// read: a directory poll or an informer resync recompiles nothing, and
// changes no generation. confine is CompileBundle's. fresh reports
// whether data was a new version.
func (b *Bundles) load(ctx context.Context, key, origin, source string, data []byte, confine string) (fresh bool, err error) {
	sum := sha256.Sum256(append([]byte(confine+"\x00"), data...))
	b.mu.Lock()
	bd, known := b.bundles[key]
	b.mu.Unlock()
	if known && bd.source == sum {
		return false, bd.err
	}
	set, err := CompileBundle(ctx, source, data, confine)
	if err != nil {
		b.fail(key, origin, sum, err)
		return true, err
	}
	b.update(key, func(bd *bundle) bool { bd.set, bd.err, bd.source = set, nil, sum; return true })
	return true, nil
}

// Fail records that key's latest version is bad; its last good set stays.
func (b *Bundles) Fail(key, origin string, err error) {
	b.fail(key, origin, [sha256.Size]byte{}, err)
}

func (b *Bundles) fail(key, source string, sum [sha256.Size]byte, err error) {
	b.update(key, func(bd *bundle) bool { bd.err, bd.source = err, sum; return true })
	if b.Metrics != nil {
		b.Metrics.BundleErrors.WithLabelValues(source).Inc()
	}
	if b.Log != nil {
		b.Log.Error("bundle is invalid; the previous good version stays in force", "bundle", key, "error", err)
	}
}

// Delete removes key.
func (b *Bundles) Delete(key string) {
	b.update(key, func(*bundle) bool { return false })
}

// Err returns the error of key's latest version.
func (b *Bundles) Err(key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bundles[key].err
}

// Keys returns the keys of every bundle, sorted.
func (b *Bundles) Keys() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	keys := make([]string, 0, len(b.bundles))
	for k := range b.bundles {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (b *Bundles) update(key string, f func(*bundle) bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bundles == nil {
		b.bundles = map[string]bundle{}
	}
	bd := b.bundles[key]
	if f(&bd) {
		b.bundles[key] = bd
	} else {
		delete(b.bundles, key)
	}
	keys := make([]string, 0, len(b.bundles))
	invalid := 0
	for k, v := range b.bundles {
		keys = append(keys, k)
		if v.err != nil {
			invalid++
		}
	}
	slices.Sort(keys)
	sets := make([]*rules.Set, 0, len(keys))
	specs := map[string]bool{}
	for _, k := range keys {
		if s := b.bundles[k].set; s != nil {
			sets = append(sets, s)
			specs[s.String()] = true
		}
	}
	b.snapshot.Store(&sets)
	// Series of specs no longer in force go: teams write bundles, and
	// their names must not pile up in the webhook's memory.
	for name := range b.specs {
		if !specs[name] && b.Metrics != nil {
			b.Metrics.forget(name)
		}
	}
	b.specs = specs
	if b.Metrics != nil {
		b.Metrics.Bundles.Set(float64(len(sets)))
		b.Metrics.BundlesInvalid.Set(float64(invalid))
		b.Metrics.BundleGeneration.Inc()
	}
}

// LoadDir loads every *.yaml, *.yml and *.json file of dir as a bundle
// (key "file:<name>"), as kspec validate reads it; files no longer there
// are removed. Bundles from files are not confined: they are the
// operator's. It returns the errors of bad files, joined.
func (b *Bundles) LoadDir(ctx context.Context, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Wrapf(err, "cannot read bundle directory %s", dir)
	}
	seen := map[string]bool{}
	var bad []string
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || ext != ".yaml" && ext != ".yml" && ext != ".json" || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		key := "file:" + e.Name()
		seen[key] = true
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fail(key, "dir", err)
		} else {
			_, err = b.load(ctx, key, "dir", path, data, "")
		}
		if err != nil {
			bad = append(bad, err.Error())
		}
	}
	for _, k := range b.Keys() {
		if strings.HasPrefix(k, "file:") && !seen[k] {
			b.Delete(k)
		}
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "\n"))
	}
	return nil
}

// WatchDir reloads dir every interval until ctx is done.
func (b *Bundles) WatchDir(ctx context.Context, dir string, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = b.LoadDir(ctx, dir) // reported per bundle
		}
	}
}

// ConfigMapSource keeps Bundles in step with the bundle ConfigMaps of a
// cluster. A ConfigMap outside Home is compiled as a claim of its own
// namespace, whatever it holds.
type ConfigMapSource struct {
	Client  kubernetes.Interface
	Bundles *Bundles
	Home    string // the webhook's own namespace
	Log     *slog.Logger

	synced cache.InformerSynced
}

// Start starts the informer; Synced reports when it has listed.
func (c *ConfigMapSource) Start(ctx context.Context) error {
	f := informers.NewSharedInformerFactoryWithOptions(c.Client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.LabelSelector = BundleLabel + "=true"
	}))
	inf := f.Core().V1().ConfigMaps().Informer()
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { c.apply(ctx, o) },
		UpdateFunc: func(_, o any) { c.apply(ctx, o) },
		DeleteFunc: func(o any) {
			if d, ok := o.(cache.DeletedFinalStateUnknown); ok {
				o = d.Obj
			}
			if cm, ok := o.(*corev1.ConfigMap); ok {
				c.Bundles.Delete(configMapKey(cm))
			}
		},
	}); err != nil {
		return errors.Wrap(err, "cannot watch bundle ConfigMaps")
	}
	c.synced = inf.HasSynced
	f.Start(ctx.Done())
	return nil
}

// Synced reports whether every bundle ConfigMap has been read once.
func (c *ConfigMapSource) Synced() bool { return c.synced != nil && c.synced() }

func configMapKey(cm *corev1.ConfigMap) string {
	return "configmap:" + cm.Namespace + "/" + cm.Name
}

func (c *ConfigMapSource) apply(ctx context.Context, o any) {
	cm, ok := o.(*corev1.ConfigMap)
	if !ok {
		return
	}
	key := configMapKey(cm)
	confine := ""
	if cm.Namespace != c.Home {
		confine = cm.Namespace
	}
	data, ok := cm.Data[BundleKey]
	if !ok {
		err := errors.Errorf("ConfigMap %s/%s has no %s", cm.Namespace, cm.Name, BundleKey)
		c.Bundles.Fail(key, "configmap", err)
		c.event(ctx, cm, err)
		return
	}
	if fresh, err := c.Bundles.load(ctx, key, "configmap", cm.Namespace+"/"+cm.Name+"/"+BundleKey, []byte(data), confine); fresh && err != nil {
		c.event(ctx, cm, err) // once per bad version
	}
}

// event records a Warning Event on the bad bundle; best effort.
func (c *ConfigMapSource) event(ctx context.Context, cm *corev1.ConfigMap, cause error) {
	msg := cause.Error()
	if len(msg) > 1000 {
		msg = msg[:1000] + "…"
	}
	now := metav1.Now()
	ev := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{GenerateName: cm.Name + ".", Namespace: cm.Namespace},
		InvolvedObject: corev1.ObjectReference{APIVersion: "v1", Kind: "ConfigMap", Namespace: cm.Namespace, Name: cm.Name, UID: cm.UID, ResourceVersion: cm.ResourceVersion},
		Reason:         "InvalidBundle",
		Message:        fmt.Sprintf("bundle not applied, the previous good version stays in force: %s", msg),
		Type:           corev1.EventTypeWarning,
		Source:         corev1.EventSource{Component: "kspec-webhook"},
		FirstTimestamp: now, LastTimestamp: now, Count: 1,
	}
	if _, err := c.Client.CoreV1().Events(cm.Namespace).Create(ctx, ev, metav1.CreateOptions{}); err != nil && c.Log != nil {
		c.Log.Info("cannot record an event for an invalid bundle", "bundle", configMapKey(cm), "error", err)
	}
}
