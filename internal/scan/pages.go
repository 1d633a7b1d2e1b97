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

package scan

import (
	"context"
	"errors"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// A fetch reads one page of a list from the continue token cont ("" for
// the first page) and returns its items and the next token ("" after the
// last page).
type fetch[T any] func(ctx context.Context, cont string) (items []T, next string, err error)

// A page is one page's items, or the error that ended the list.
type page[T any] struct {
	items []T
	err   error
}

// pages reads a list page by page and hands each page to use, in order.
// The next page is read while use works on this one, so listing and
// evaluating overlap, and at most three pages are held at once (the one
// in use, one read ahead, one being read).
//
// A continue token that expired (410 Gone: the list took longer than the
// storage keeps old revisions) is replaced by the one the API server
// offers in its answer, which continues after the last object read but at
// a newer revision; warn says so. Without one the list fails.
func pages[T any](ctx context.Context, get fetch[T], warn func(string), use func([]T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan page[T], 1)
	go func() {
		defer close(ch)
		cont := ""
		for {
			items, next, err := get(ctx, cont)
			if err != nil && cont != "" && apierrors.IsResourceExpired(err) {
				if tok := expiredContinue(err); tok != "" {
					warn("the list took longer than the API server keeps a consistent snapshot: its rest was read at a newer revision, so objects changed meanwhile may be missed or seen twice")
					cont = tok
					continue
				}
			}
			select {
			case ch <- page[T]{items: items, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil || next == "" {
				return
			}
			cont = next
		}
	}()
	for p := range ch {
		if p.err != nil {
			return p.err
		}
		if err := use(p.items); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// expiredContinue is the continue token a 410 answer to an expired one
// offers, if any.
func expiredContinue(err error) string {
	var s apierrors.APIStatus
	if errors.As(err, &s) {
		return s.Status().Continue
	}
	return ""
}
