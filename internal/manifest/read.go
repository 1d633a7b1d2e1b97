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

package manifest

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkg/errors"
)

// MaxInputBytes bounds what one command reads from all its sources
// together: kspec holds its input in memory while it checks it.
const MaxInputBytes = 256 << 20

// A Source is the content of one file, or of standard input ("-").
type Source struct {
	Name string
	Data []byte
}

// Read reads what kspec checks: files, directories and - for standard
// input. See Reader.
func Read(paths []string, stdin io.Reader) ([]Source, []string, error) {
	return Reader{Stdin: stdin}.Read(paths)
}

// A Reader reads manifests from paths, as kubectl apply -R -f does, but
// fails where kubectl would silently read nothing.
type Reader struct {
	Stdin io.Reader
	// Limit is the most bytes read from all sources; 0 is MaxInputBytes.
	Limit int64
}

// Read reads files given by name whatever their type (a FIFO or
// /dev/stdin too, up to the limit), directories recursively in lexical
// order (their *.yaml, *.yml and *.json regular files and symbolic links
// to such files), and - for standard input, at most once. It refuses a
// directory with no such file, a symbolic link to a directory given as a
// path and a non-regular file with a manifest extension inside a
// directory (a FIFO would hang, a device never end). It skips symbolic
// links to directories inside a directory, as kubectl does, and says so in
// the warnings it returns. Reading more than the limit is an error.
func (r Reader) Read(paths []string) ([]Source, []string, error) {
	budget := r.Limit
	if budget <= 0 {
		budget = MaxInputBytes
	}
	var out []Source
	var warnings []string
	stdin := false
	read := func(name string, f io.Reader) error {
		display := name
		if name == "-" {
			display = "standard input"
		}
		b, err := io.ReadAll(io.LimitReader(f, budget+1))
		if err != nil {
			return errors.Wrapf(err, "cannot read %s", display)
		}
		if int64(len(b)) > budget {
			return errors.Errorf("cannot read %s: the input is larger than kspec's limit of %d bytes for all sources together", display, r.limit())
		}
		budget -= int64(len(b))
		out = append(out, Source{Name: name, Data: b})
		return nil
	}
	readFile := func(name string) error {
		f, err := os.Open(name)
		if err != nil {
			return errors.Wrap(err, "cannot read input")
		}
		defer f.Close() //nolint:errcheck // Read only.
		return read(name, f)
	}
	for _, p := range paths {
		if p == "-" {
			if stdin {
				return nil, nil, errors.New("standard input (-) is given more than once")
			}
			stdin = true
			if err := read("-", r.Stdin); err != nil {
				return nil, nil, err
			}
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, nil, errors.Wrap(err, "cannot read input")
		}
		if !fi.IsDir() {
			if err := readFile(p); err != nil {
				return nil, nil, err
			}
			continue
		}
		if li, err := os.Lstat(p); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			return nil, nil, errors.Errorf("%s is a symbolic link to a directory, which kubectl does not read: give the directory itself", p)
		}
		found := len(out)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			manifest := hasManifestExt(path)
			mode := d.Type()
			if mode&fs.ModeSymlink != 0 {
				fi, err := os.Stat(path)
				if err != nil {
					if !manifest {
						return nil
					}
					return errors.Wrapf(err, "cannot read %s", path)
				}
				if fi.IsDir() && !manifest {
					warnings = append(warnings, fmt.Sprintf("%s: skipped a symbolic link to a directory; kubectl apply -R does not follow it either", path))
					return nil
				}
				mode = fi.Mode().Type()
			}
			if !manifest {
				return nil
			}
			if !mode.IsRegular() {
				return errors.Errorf("%s is not a regular file (%s); give it by name to read it", path, describeMode(mode))
			}
			return readFile(path)
		})
		if err != nil {
			return nil, nil, errors.Wrapf(err, "cannot read directory %s", p)
		}
		if len(out) == found {
			return nil, nil, errors.Errorf("directory %s holds no .yaml, .yml or .json file", p)
		}
	}
	return out, warnings, nil
}

func (r Reader) limit() int64 {
	if r.Limit <= 0 {
		return MaxInputBytes
	}
	return r.Limit
}

func hasManifestExt(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}
