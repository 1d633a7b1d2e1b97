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
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/pkg/errors"
)

// manifestFile lists, in an output directory, the files kspec render wrote
// there: a re-render removes those it no longer renders, and refuses a
// directory holding anything else.
const manifestFile = ".kspec-render"

// writeFiles makes dir hold exactly files (name → content) and the
// manifest listing them. dir must be absent, empty, or what an earlier
// kspec render left there; anything else (a file kspec did not write, a
// symlink, a subdirectory) is an error, and nothing is written. Writes go
// through an os.Root, to a temporary file renamed into place, so they never
// leave dir nor follow a link inside it.
func writeFiles(dir string, files map[string][]byte) error {
	for name := range files {
		if name == manifestFile || name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
			return errors.Errorf("cannot write %q into %s: not a plain file name", name, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return errors.Wrap(err, "cannot create output directory")
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return errors.Wrap(err, "cannot open output directory")
	}
	defer root.Close() //nolint:errcheck // read-only handle; writes are checked where they happen

	previous, err := previousFiles(root, dir)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := replace(root, name, files[name]); err != nil {
			return errors.Wrapf(err, "cannot write %s", name)
		}
	}
	for _, name := range previous {
		if _, keep := files[name]; !keep {
			if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return errors.Wrapf(err, "cannot remove %s, which kspec no longer renders", name)
			}
		}
	}
	return errors.Wrapf(replace(root, manifestFile, []byte(strings.Join(names, "\n")+"\n")), "cannot write %s", manifestFile)
}

// previousFiles reads what an earlier render wrote, and checks dir holds
// nothing else.
func previousFiles(root *os.Root, dir string) ([]string, error) {
	f, err := root.Open(".")
	if err != nil {
		return nil, errors.Wrap(err, "cannot read output directory")
	}
	entries, err := f.ReadDir(-1)
	_ = f.Close()
	if err != nil {
		return nil, errors.Wrap(err, "cannot read output directory")
	}
	if len(entries) == 0 {
		return nil, nil
	}
	b, err := root.ReadFile(manifestFile)
	if err != nil {
		return nil, errors.Errorf("%s is not empty and holds no %s: kspec render writes only into a new or empty directory, or one it rendered before", dir, manifestFile)
	}
	var previous []string
	for sc := bufio.NewScanner(bytes.NewReader(b)); sc.Scan(); {
		if name := sc.Text(); name != "" {
			previous = append(previous, name)
		}
	}
	// Only the directory's own entries count: a list naming anything else
	// (../x, a tampered line) removes nothing.
	var present []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == manifestFile:
		case !e.Type().IsRegular():
			return nil, errors.Errorf("%s holds %s, which is not a regular file: kspec render does not write where links or directories are", dir, name)
		case !slices.Contains(previous, name):
			return nil, errors.Errorf("%s holds %s, which kspec render did not write: render into a new or empty directory", dir, name)
		default:
			present = append(present, name)
		}
	}
	return present, nil
}

// replace writes a file through a temporary file renamed over it, so an
// existing link at name is replaced, never followed.
func replace(root *os.Root, name string, data []byte) error {
	tmp := "." + name + ".tmp"
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		_ = root.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		_ = root.Remove(tmp)
		return err
	}
	return root.Rename(tmp, name)
}
