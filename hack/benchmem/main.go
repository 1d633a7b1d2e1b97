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

// Command benchmem measures the peak memory of `kspec check` for each
// output format on generated failing Pods, next to baselines run on the
// same Pods in the same run: the same binary with a specification that has
// no object rules (reading and decoding, no results), and, with -old, kspec
// built from an earlier commit. It prints a Markdown table.
//
// Run it from the repository root:
//
//	go run ./hack/benchmem -old cfb9bbf
//
// Peak RSS is the child's getrusage maxrss, which Linux reports in KiB.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kspec-io/kspec/hack/benchcheck/podgen"
)

// now pins the time exemptions are evaluated at, so runs compare.
const now = "2026-12-01T00:00:00Z"

// noRules is a specification whose only rule is cluster-level: kspec check
// reads and decodes every document and evaluates nothing.
const noRules = `apiVersion: kspec.io/v1alpha1
kind: ClusterSpecification
metadata:
  name: no-object-rules
spec:
  kubernetes:
    minVersion: "1.30"
`

type config struct {
	spec     string
	pods     []int
	formats  []string
	kspec    string
	old      string
	oldSARIF int
	mixed    bool
}

// A run is one kspec check.
type run struct {
	wall   time.Duration
	rssKiB int64
	out    int64
}

func main() {
	if err := do(); err != nil {
		fmt.Fprintln(os.Stderr, "benchmem:", err)
		os.Exit(1)
	}
}

func do() error {
	cfg, err := parseFlags()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "benchmem-")
	if err != nil {
		return fmt.Errorf("cannot create temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // Best effort cleanup.

	if cfg.kspec == "" {
		cfg.kspec = filepath.Join(tmp, "kspec")
		logf("building kspec into %s", cfg.kspec)
		if err := build(".", cfg.kspec); err != nil {
			return err
		}
	}
	var old string
	if cfg.old != "" {
		if old, err = buildOld(cfg.old, tmp); err != nil {
			return err
		}
	}
	empty := filepath.Join(tmp, "no-object-rules.yaml")
	if err := os.WriteFile(empty, []byte(noRules), 0o600); err != nil {
		return fmt.Errorf("cannot write the empty specification: %w", err)
	}

	w := os.Stdout
	mix := "failing (every Pod misses runAsNonRoot and runs nginx:1.27)"
	if cfg.mixed {
		mix = "mixed (benchcheck's: every 3rd misses runAsNonRoot, every 5th runs nginx:1.27)"
	}
	_, _ = fmt.Fprintf(w, "Specification: %s; Pods: %s\n\n", cfg.spec, mix)
	header := "| pods | input | format | kspec: peak RSS | wall | output | no object rules: peak RSS |"
	rule := "|-----:|------:|--------|----------------:|-----:|-------:|--------------------------:|"
	if old != "" {
		header += " " + cfg.old + ": peak RSS | wall |"
		rule += "-------------:|-----:|"
	}
	_, _ = fmt.Fprintln(w, header)
	_, _ = fmt.Fprintln(w, rule)
	for _, n := range cfg.pods {
		pods := filepath.Join(tmp, fmt.Sprintf("pods-%d.yaml", n))
		m := podgen.Failing
		if cfg.mixed {
			m = podgen.Mixed
		}
		if err := podgen.WriteFile(pods, n, m); err != nil {
			return err
		}
		fi, err := os.Stat(pods)
		if err != nil {
			return fmt.Errorf("cannot read pods file: %w", err)
		}
		for _, format := range cfg.formats {
			logf("%d pods, %s: kspec check", n, format)
			k, err := measure(tmp, cfg.kspec, cfg.spec, format, pods)
			if err != nil {
				return err
			}
			logf("%d pods, %s: no object rules", n, format)
			e, err := measure(tmp, cfg.kspec, empty, format, pods)
			if err != nil {
				return err
			}
			row := fmt.Sprintf("| %d | %s | %s | %s | %s | %s | %s |", n, size(fi.Size()), format, mib(k.rssKiB), seconds(k.wall), size(k.out), mib(e.rssKiB))
			if old != "" {
				if format == "sarif" && cfg.oldSARIF > 0 && n > cfg.oldSARIF {
					row += " skipped | |"
				} else {
					logf("%d pods, %s: %s", n, format, cfg.old)
					o, err := measure(tmp, old, cfg.spec, format, pods)
					if err != nil {
						return err
					}
					row += fmt.Sprintf(" %s | %s |", mib(o.rssKiB), seconds(o.wall))
				}
			}
			_, _ = fmt.Fprintln(w, row)
		}
		if err := os.Remove(pods); err != nil {
			return fmt.Errorf("cannot remove pods file: %w", err)
		}
	}
	return nil
}

func parseFlags() (config, error) {
	var cfg config
	pods := flag.String("pods", "1000,10000,100000", "Comma separated numbers of Pods to check.")
	formats := flag.String("formats", "text,json,sarif", "Comma separated output formats.")
	flag.StringVar(&cfg.spec, "spec", "examples/specs/strict.yaml", "Specification to check against.")
	flag.StringVar(&cfg.kspec, "kspec", "", "Path of a kspec binary. Empty builds one from ./cmd/kspec.")
	flag.StringVar(&cfg.old, "old", "", "A git revision to build kspec from as a baseline (git archive into a temporary directory). Empty: no such baseline.")
	flag.IntVar(&cfg.oldSARIF, "old-sarif-max-pods", 10000, "Skip SARIF from -old above this many Pods: before streaming it needed gigabytes. 0 never skips.")
	flag.BoolVar(&cfg.mixed, "mixed", false, "Generate benchcheck's mix of passing and failing Pods instead of Pods that all fail.")
	flag.Parse()
	if flag.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	for _, f := range strings.Split(*pods, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("-pods: %q is not a positive number", f)
		}
		cfg.pods = append(cfg.pods, n)
	}
	for _, f := range strings.Split(*formats, ",") {
		switch f = strings.TrimSpace(f); f {
		case "text", "json", "sarif":
			cfg.formats = append(cfg.formats, f)
		default:
			return cfg, fmt.Errorf("-formats: %q is not text, json or sarif", f)
		}
	}
	return cfg, nil
}

func build(dir, out string) error {
	cmd := exec.Command("go", "build", "-o", out, "./cmd/kspec") //nolint:gosec // G204: builds to a path this tool chose.
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cannot build kspec in %s (run from the repository root): %w\n%s", dir, err, b)
	}
	return nil
}

// buildOld builds kspec from a git revision: its tree is extracted into
// tmp and built there, with the same module cache.
func buildOld(rev, tmp string) (string, error) {
	src := filepath.Join(tmp, "old")
	if err := os.MkdirAll(src, 0o750); err != nil {
		return "", fmt.Errorf("cannot create directory for %s: %w", rev, err)
	}
	logf("building kspec at %s", rev)
	archive := exec.Command("git", "archive", rev)  //nolint:gosec // G204: the revision the user named.
	extract := exec.Command("tar", "-x", "-C", src) //nolint:gosec // G204: extracts into a directory this tool created.
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", fmt.Errorf("git archive %s: %w", rev, err)
	}
	extract.Stdin = pipe
	if err := archive.Start(); err != nil {
		return "", fmt.Errorf("git archive %s: %w", rev, err)
	}
	if out, err := extract.CombinedOutput(); err != nil {
		return "", fmt.Errorf("cannot extract %s: %w\n%s", rev, err, out)
	}
	if err := archive.Wait(); err != nil {
		return "", fmt.Errorf("git archive %s: %w", rev, err)
	}
	bin := filepath.Join(tmp, "kspec-old")
	return bin, build(src, bin)
}

// measure runs kspec check with its report sent to a file, and returns its
// wall time, peak RSS, and the report's size. Exit code 1 (violations) is
// what failing Pods give; 0 is what no rules give.
func measure(tmp, bin, spec, format, pods string) (run, error) {
	path := filepath.Join(tmp, "report")
	stdout, err := os.Create(path)
	if err != nil {
		return run{}, fmt.Errorf("cannot create output file: %w", err)
	}
	defer stdout.Close() //nolint:errcheck // Only written by the child.
	var stderr strings.Builder
	cmd := exec.CommandContext(context.Background(), bin, "check", "-f", spec, "--now", now, "-o", format, pods) //nolint:gosec // The point is to run kspec.
	cmd.Stdout, cmd.Stderr = stdout, &limited{w: &stderr, n: 8 << 10}
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 1:
	case err != nil:
		return run{}, fmt.Errorf("%s check -f %s -o %s: %w\n%s", bin, spec, format, err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return run{}, errors.New("no resource usage for the child process on this platform")
	}
	fi, err := stdout.Stat()
	if err != nil {
		return run{}, fmt.Errorf("cannot read output file: %w", err)
	}
	return run{wall: wall, rssKiB: ru.Maxrss, out: fi.Size()}, os.Remove(path)
}

// limited keeps the first n bytes written to it.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(l.n, len(p))
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func mib(kib int64) string { return fmt.Sprintf("%.0f MiB", float64(kib)/1024) }

func size(b int64) string {
	if b >= 1e6 {
		return fmt.Sprintf("%.1f MB", float64(b)/1e6)
	}
	return fmt.Sprintf("%.0f KB", float64(b)/1e3)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
