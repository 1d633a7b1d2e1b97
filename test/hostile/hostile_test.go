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

// Package hostile_test runs kspec check on manifests written to slip past
// a compliance gate, and the pinned kubectl on the same files: whatever
// kubectl would apply, kspec must check, or fail with an input error.
package hostile_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"

	"github.com/kspec-io/kspec/internal/cli"
	"github.com/kspec-io/kspec/internal/manifest"
)

const strict = "../../examples/specs/strict.yaml"

// good passes every rule of the strict spec; root fails some.
const good = `apiVersion: v1
kind: Pod
metadata: {name: good, namespace: team-a}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: ghcr.io/my-company/app@sha256:a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
    resources:
      limits: {cpu: 500m, memory: 128Mi}
      requests: {cpu: 100m, memory: 64Mi}
`

// root is what every hostile file tries to hide.
func root(name string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: team-a}\nspec:\n  containers: [{name: app, image: nginx, securityContext: {privileged: true}}]\n", name)
}

const rootJSON = `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hidden", "namespace": "team-a"}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}}`

// kubectl's verdict on a case's input.
type kubectlVerdict int

const (
	// notCompared: kubectl cannot read it either way (it would hang).
	notCompared kubectlVerdict = iota
	// applies: kubectl reads the input; kspec must check what it reads.
	applies
	// refuses: kubectl rejects the input; kspec must exit 2.
	refuses
)

// An input is files under dir and the arguments naming them.
type input struct {
	paths []string
	stdin string
}

func file(name, content string) func(t *testing.T, dir string) input {
	return func(t *testing.T, dir string) input {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return input{paths: []string{p}}
	}
}

func utf16(t *testing.T, order unicode.Endianness, s string) string {
	b, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return string(b)
}

type testCase struct {
	reason  string
	setup   func(t *testing.T, dir string) input
	code    int
	message string
	kubectl kubectlVerdict
}

func cases(t *testing.T) map[string]testCase {
	bigData := func(size int) string {
		// A ConfigMap of exactly size bytes.
		head := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: team-a}\ndata:\n  blob: "
		return head + strings.Repeat("x", size-len(head)-1) + "\n"
	}
	// An anchor of 100 values, aliased often enough to add just over
	// MaxAliasNodes nodes.
	var bomb strings.Builder
	bomb.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb, namespace: team-a}\ndata:\n  a: &a [" + strings.Repeat("x,", 99) + "x]\n  b: [")
	for range manifest.MaxAliasNodes/101 + 1 {
		bomb.WriteString("*a,")
	}
	bomb.WriteString("*a]\n")

	return map[string]testCase{
		"SeparatorWithComment": {
			reason:  "A --- line with a comment separates documents, for kubectl and kspec.",
			setup:   file("m.yaml", good+"--- # the next document is never checked\n"+root("hidden")),
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"SeparatorWithTab": {
			reason:  "A tab and a comment after --- separate documents too.",
			setup:   file("m.yaml", good+"---\t#x\n"+root("hidden")),
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"SeparatorWithContent": {
			reason:  "kubectl rejects content after --- on its line; so does kspec.",
			setup:   file("m.yaml", good+"--- apiVersion: v1\n"+root("hidden")),
			code:    cli.ExitUsage,
			message: `invalid document separator "--- apiVersion: v1"`,
			kubectl: refuses,
		},
		"ContentAfterEndMarker": {
			reason:  "kubectl reads only the document before ...; kspec refuses the ambiguity.",
			setup:   file("m.yaml", root("first")+"...\n"+root("hidden")),
			code:    cli.ExitUsage,
			message: "content after the document end marker at line 6",
			kubectl: applies,
		},
		"UTF16LE": {
			reason: "kubectl transcodes UTF-16 with a byte order mark and applies every document.",
			setup: func(t *testing.T, dir string) input {
				return file("m.yaml", utf16(t, unicode.LittleEndian, good+"---\n"+root("hidden")))(t, dir)
			},
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"UTF16BE": {
			reason: "Big-endian too.",
			setup: func(t *testing.T, dir string) input {
				return file("m.yaml", utf16(t, unicode.BigEndian, good+"---\n"+root("hidden")))(t, dir)
			},
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"UTF16WithoutBOM": {
			reason: "Without a byte order mark kubectl cannot read UTF-16; neither can kspec.",
			setup: func(t *testing.T, dir string) input {
				return file("m.yaml", utf16(t, unicode.LittleEndian, root("hidden"))[2:])(t, dir)
			},
			code:    cli.ExitUsage,
			message: "document 0",
			kubectl: refuses,
		},
		"UTF8BOMBeforeJSON": {
			reason:  "kubectl drops a UTF-8 byte order mark before JSON.",
			setup:   file("m.json", "\ufeff"+rootJSON+"\n"),
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"JSONThenYAML": {
			reason:  "kubectl reads on as YAML when the second value of a JSON stream is not JSON.",
			setup:   file("m.yaml", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\", \"namespace\": \"team-a\"}}\n---\n"+root("hidden")),
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"YAMLFlowMapping": {
			reason:  "A document that starts with { but is not JSON is YAML to kubectl.",
			setup:   file("m.yaml", "{apiVersion: v1, kind: Pod, metadata: {name: hidden, namespace: team-a}, spec: {containers: [{name: app, image: nginx}]}}\n"),
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"ListWithNonObject": {
			reason:  "kubectl rejects a List with an item that is not an object; the Pod after it is not dropped silently.",
			setup:   file("m.yaml", "apiVersion: v1\nkind: List\nitems:\n- 3\n- "+strings.ReplaceAll(root("hidden"), "\n", "\n  ")),
			code:    cli.ExitUsage,
			message: "items[0] is a number, not an object",
			kubectl: refuses,
		},
		"ListInList": {
			reason:  "kubectl cannot read a List inside a List; it is not one object with no rules.",
			setup:   file("m.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - "+strings.ReplaceAll(root("hidden"), "\n", "\n    ")),
			code:    cli.ExitUsage,
			message: "items[0] is a list inside a list",
			kubectl: refuses,
		},
		"ItemsAsMap": {
			reason:  "items must be a list.",
			setup:   file("m.yaml", "apiVersion: v1\nkind: List\nitems:\n  a:\n    "+strings.ReplaceAll(root("hidden"), "\n", "\n    ")),
			code:    cli.ExitUsage,
			message: "items is an object, not a list",
			kubectl: refuses,
		},
		"TypedListItemsWithoutKind": {
			reason:  "kubectl gives a PodList's items without kind the kind Pod.",
			setup:   file("m.yaml", "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: hidden, namespace: team-a}\n  spec:\n    containers: [{name: app, image: nginx}]\n"),
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"EmptyDirectory": {
			reason:  "Nothing to check is not a pass.",
			setup:   func(_ *testing.T, dir string) input { return input{paths: []string{dir}} },
			code:    cli.ExitUsage,
			message: "holds no .yaml, .yml or .json file",
			kubectl: refuses,
		},
		"DirectoryWithoutManifests": {
			reason: "Files kspec does not read are not a pass either.",
			setup: func(t *testing.T, dir string) input {
				file("pod.txt", root("hidden"))(t, dir)
				return input{paths: []string{dir}}
			},
			code:    cli.ExitUsage,
			message: "holds no .yaml, .yml or .json file",
			kubectl: refuses,
		},
		"SymlinkToDirectory": {
			reason: "kubectl does not walk a symbolic link given as the path; kspec refuses it rather than read nothing.",
			setup: func(t *testing.T, dir string) input {
				real := filepath.Join(dir, "real")
				require.NoError(t, os.Mkdir(real, 0o700))
				file("pod.yaml", root("hidden"))(t, real)
				link := filepath.Join(dir, "link")
				require.NoError(t, os.Symlink(real, link))
				return input{paths: []string{link}}
			},
			code:    cli.ExitUsage,
			message: "is a symbolic link to a directory",
			kubectl: refuses,
		},
		"SymlinkedSubdirectory": {
			reason: "kubectl -R skips a symbolic link to a directory in the tree; kspec skips it too, with a warning.",
			setup: func(t *testing.T, dir string) input {
				tree, other := filepath.Join(dir, "tree"), filepath.Join(dir, "other")
				require.NoError(t, os.Mkdir(tree, 0o700))
				require.NoError(t, os.Mkdir(other, 0o700))
				file("pod.yaml", root("hidden"))(t, other)
				file("good.yaml", good)(t, tree)
				require.NoError(t, os.Symlink(other, filepath.Join(tree, "linked")))
				return input{paths: []string{tree}}
			},
			code:    cli.ExitOK,
			message: "skipped a symbolic link to a directory",
			kubectl: applies,
		},
		"NamedPipeInDirectory": {
			reason: "A FIFO named *.yaml in a directory would hang the reader: an input error.",
			setup: func(t *testing.T, dir string) input {
				file("good.yaml", good)(t, dir)
				require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o600))
				return input{paths: []string{dir}}
			},
			code:    cli.ExitUsage,
			message: "pipe.yaml is not a regular file (a named pipe)",
			kubectl: notCompared, // kubectl blocks on it forever.
		},
		"EmptyStandardInput": {
			reason:  "No input at all is not a pass (kubectl apply: no objects passed to apply).",
			setup:   func(*testing.T, string) input { return input{paths: []string{"-"}} },
			code:    cli.ExitUsage,
			message: "no objects to check in -",
			kubectl: applies,
		},
		"OnlyEmptyList": {
			reason:  "A List with no items holds nothing to check.",
			setup:   file("m.yaml", "apiVersion: v1\nkind: List\nitems: []\n"),
			code:    cli.ExitUsage,
			message: "no objects to check",
			kubectl: applies,
		},
		"StandardInputTwice": {
			reason:  "Standard input can be read once: - - would check nothing.",
			setup:   func(*testing.T, string) input { return input{paths: []string{"-", "-"}, stdin: root("hidden")} },
			code:    cli.ExitUsage,
			message: "standard input (-) is given more than once",
			kubectl: refuses,
		},
		"DocumentAtSizeLimit": {
			reason:  "A document of exactly MaxDocumentBytes is read.",
			setup:   file("m.yaml", bigData(manifest.MaxDocumentBytes)+"---\n"+root("hidden")),
			code:    cli.ExitInvalid,
			message: "Pod/team-a/hidden",
			kubectl: applies,
		},
		"DocumentOverSizeLimit": {
			reason:  "One byte more is an input error, and the documents after it are still checked.",
			setup:   file("m.yaml", bigData(manifest.MaxDocumentBytes+1)+"---\n"+root("hidden")),
			code:    cli.ExitUsage,
			message: fmt.Sprintf("document is %d bytes, more than the limit of %d", manifest.MaxDocumentBytes+1, manifest.MaxDocumentBytes),
			kubectl: applies,
		},
		"AliasBomb": {
			reason:  "Aliases that expand past MaxAliasNodes are an input error, not gigabytes.",
			setup:   file("m.yaml", bomb.String()+"---\n"+root("hidden")),
			code:    cli.ExitUsage,
			message: "aliases expand the document by",
			kubectl: applies,
		},
	}
}

func TestHostileInput(t *testing.T) {
	for name, tc := range cases(t) {
		t.Run(name, func(t *testing.T) {
			in := tc.setup(t, t.TempDir())
			var out, errOut bytes.Buffer
			code := cli.Run(append([]string{"check", "-f", strict}, in.paths...), strings.NewReader(in.stdin), &out, &errOut)
			assert.Equal(t, tc.code, code, "%s\n%s%s", tc.reason, out.String(), errOut.String())
			assert.Contains(t, out.String()+errOut.String(), tc.message, tc.reason)

			if tc.kubectl == notCompared {
				return
			}
			skipShort(t)
			names, err := kubectl(t, in)
			if tc.kubectl == refuses {
				require.Error(t, err, "kubectl should refuse this input: %s", tc.reason)
				assert.Equal(t, cli.ExitUsage, code, "kubectl refuses the input, so kspec must: %s", tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			// Whatever kubectl would apply, kspec checked, or it failed.
			for _, n := range names {
				if code == cli.ExitUsage {
					break
				}
				assert.Contains(t, out.String(), "Pod/team-a/"+n, "kubectl applies pod %s; kspec must check it: %s", n, tc.reason)
			}
		})
	}
}

var podName = regexp.MustCompile(`(?m)^pod/(\S+)$`)

// kubectl runs the pinned kubectl's file reader on the input without a
// cluster (label --local reads and decodes every object, as apply does)
// and returns the names of the Pods it read that fail the strict spec.
func kubectl(t *testing.T, in input) ([]string, error) {
	t.Helper()
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\nclusters: [{name: none, cluster: {server: 'https://127.0.0.1:1'}}]\ncontexts: [{name: none, context: {cluster: none}}]\ncurrent-context: none\n"), 0o600))
	args := []string{"label", "--local", "-R", "-o", "name"}
	for _, p := range in.paths {
		args = append(args, "-f", p)
	}
	cmd := exec.Command(filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl"), append(args, "kspec.io/probe=1")...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	cmd.Stdin = strings.NewReader(in.stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w: %s", err, errOut.String())
	}
	var names []string
	for _, m := range podName.FindAllStringSubmatch(out.String(), -1) {
		if m[1] != "good" {
			names = append(names, m[1])
		}
	}
	return names, nil
}
