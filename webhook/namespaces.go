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

	"github.com/pkg/errors"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
)

// NamespaceInformer resolves namespace labels from an informer's cache:
// a namespace not (yet) in it is unknown, and its objects are in scope.
type NamespaceInformer struct {
	lister listersv1.NamespaceLister
	synced cache.InformerSynced
}

// StartNamespaceInformer starts watching namespaces.
func StartNamespaceInformer(ctx context.Context, c kubernetes.Interface) *NamespaceInformer {
	f := informers.NewSharedInformerFactory(c, 0)
	ns := f.Core().V1().Namespaces()
	n := &NamespaceInformer{lister: ns.Lister(), synced: ns.Informer().HasSynced}
	f.Start(ctx.Done())
	return n
}

// Synced reports whether the cache has listed every namespace once.
func (n *NamespaceInformer) Synced() bool { return n.synced() }

// Labels returns a namespace's labels from the cache.
func (n *NamespaceInformer) Labels(_ context.Context, namespace string) (map[string]string, bool, error) {
	ns, err := n.lister.Get(namespace)
	if kerrors.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, errors.Wrapf(err, "cannot read namespace %s", namespace)
	}
	return ns.Labels, true, nil
}
