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
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(s), 0o600))
		return p
	}
	a := write("tree/a.yaml", "kind: A\n")
	write("tree/sub/b.JSON", "{}")
	write("tree/notes.txt", "x")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "piped"), 0o700))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "piped", "p.yaml"), 0o600))
	require.NoError(t, os.Symlink(filepath.Join(dir, "tree"), filepath.Join(dir, "link")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "empty"), 0o700))
	require.NoError(t, os.Symlink(filepath.Join(dir, "empty"), filepath.Join(dir, "tree", "sub", "linked")))

	cases := map[string]struct {
		reason   string
		paths    []string
		limit    int64
		stdin    string
		names    []string
		warnings int
		err      string
	}{
		"Directory":      {reason: "Manifest files, recursively, in lexical order; a symbolic link to a directory is skipped with a warning.", paths: []string{filepath.Join(dir, "tree")}, names: []string{a, filepath.Join(dir, "tree/sub/b.JSON")}, warnings: 1},
		"StandardInput":  {reason: "- is standard input.", paths: []string{"-"}, stdin: "kind: A\n", names: []string{"-"}},
		"StdinTwice":     {reason: "Standard input is read once.", paths: []string{"-", "-"}, err: "standard input (-) is given more than once"},
		"EmptyDirectory": {reason: "A directory with nothing to read is an error.", paths: []string{filepath.Join(dir, "empty")}, err: "holds no .yaml, .yml or .json file"},
		"SymlinkRoot":    {reason: "kubectl does not walk a symbolic link given as the path.", paths: []string{filepath.Join(dir, "link")}, err: "is a symbolic link to a directory"},
		"FIFOInTree":     {reason: "A FIFO found by walking is refused, not read.", paths: []string{filepath.Join(dir, "piped")}, err: "is not a regular file (a named pipe)"},
		"DevZero":        {reason: "A device given by name is read up to the limit.", paths: []string{"/dev/zero"}, limit: 1 << 10, err: "cannot read /dev/zero: the input is larger than kspec's limit of 1024 bytes"},
		"AtLimit":        {reason: "The limit counts every source together.", paths: []string{a, "-"}, stdin: "kind: B\n", limit: 16, names: []string{a, "-"}},
		"OverLimit":      {reason: "One byte more is refused.", paths: []string{a, "-"}, stdin: "kind: BB\n", limit: 16, err: "cannot read standard input: the input is larger"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srcs, warnings, err := Reader{Stdin: strings.NewReader(tc.stdin), Limit: tc.limit}.Read(tc.paths)
			if tc.err != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.err, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			var names []string
			for _, s := range srcs {
				names = append(names, s.Name)
			}
			assert.Equal(t, tc.names, names, tc.reason)
			assert.Len(t, warnings, tc.warnings, tc.reason)
		})
	}
}
