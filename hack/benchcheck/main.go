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

// Command benchcheck measures `kspec check` against `kyverno apply` on the
// same generated Pods and the same specification, rendered for Kyverno by
// `kspec render`. It prints the wall time and peak RSS of each child process
// as a Markdown table.
//
// Run it from the repository root:
//
//	go run ./hack/benchcheck -kyverno "$(hack/tools.sh path kyverno)"
//
// Peak RSS comes from getrusage of the child, which Linux reports in KiB.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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

// now pins the time both tools evaluate exemptions at, so runs compare.
const now = "2026-12-01T00:00:00Z"

type config struct {
	spec      string
	pods      []int
	kspec     string
	kyverno   string
	skipAbove int
	timeout   time.Duration
}

// A measurement is one run of one tool.
type measurement struct {
	pods    int
	tool    string
	wall    time.Duration
	rssKiB  int64
	skipped bool
	// timedOut runs were killed after -timeout: wall and rssKiB are lower
	// bounds.
	timedOut bool
	// pass and fail are the results the tool reported, to check that
	// both tools did the same work.
	pass, fail int
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchcheck:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := parseFlags()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "benchcheck-")
	if err != nil {
		return fmt.Errorf("cannot create temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // Best effort cleanup.

	if cfg.kspec == "" {
		cfg.kspec = filepath.Join(tmp, "kspec")
		logf("building kspec into %s", cfg.kspec)
		if out, err := exec.Command("go", "build", "-o", cfg.kspec, "./cmd/kspec").CombinedOutput(); err != nil { //nolint:gosec // G204: builds to the path the user named.
			return fmt.Errorf("cannot build kspec (run from the repository root): %w\n%s", err, out)
		}
	}
	kspecVersion, err := firstLine(cfg.kspec, "version")
	if err != nil {
		return err
	}
	kyvernoVersion, err := firstLine(cfg.kyverno, "version")
	if err != nil {
		return err
	}
	kyvernoVersion = "kyverno " + strings.TrimPrefix(kyvernoVersion, "Version: ")

	policies := filepath.Join(tmp, "policies")
	rules, exceptions, err := renderPolicies(cfg, policies)
	if err != nil {
		return err
	}

	// Rows print as they are measured, so a long run that is stopped keeps
	// what it has.
	w := os.Stdout
	_, _ = fmt.Fprintf(w, "Specification: %s, %d rules (rendered ValidatingPolicies), %d PolicyExceptions\n", cfg.spec, rules, len(exceptions))
	_, _ = fmt.Fprintf(w, "Versions: %s; %s\n\n", kspecVersion, kyvernoVersion)
	_, _ = fmt.Fprintln(w, "| pods | tool | wall time | peak RSS |")
	_, _ = fmt.Fprintln(w, "|-----:|------|----------:|---------:|")
	var ms []measurement
	for _, n := range cfg.pods {
		m, err := bench(cfg, tmp, policies, exceptions, n, func(m measurement) { row(w, m) })
		ms = append(ms, m...)
		if err != nil {
			ratios(w, ms)
			return err
		}
	}
	ratios(w, ms)
	return nil
}

// bench generates n Pods and measures kspec check, then kyverno apply, on
// them. It passes each measurement to done as soon as it has it.
func bench(cfg config, tmp, policies string, exceptions []string, n int, done func(measurement)) ([]measurement, error) {
	podsFile := filepath.Join(tmp, fmt.Sprintf("pods-%d.yaml", n))
	if err := podgen.WriteFile(podsFile, n, podgen.Mixed); err != nil {
		return nil, err
	}
	defer os.Remove(podsFile) //nolint:errcheck // Best effort cleanup.

	logf("%d pods: kspec check", n)
	k, err := measure(cfg.timeout, tmp, "kspec.json", cfg.kspec, "check", "-f", cfg.spec, "--now", now, "-o", "json", podsFile)
	if err != nil {
		return nil, fmt.Errorf("kspec check on %d pods: %w", n, err)
	}
	k.pods, k.tool = n, "kspec check"
	done(k)

	y := measurement{pods: n, tool: "kyverno apply", skipped: true}
	if cfg.skipAbove > 0 && n > cfg.skipAbove {
		logf("%d pods: kyverno apply skipped (-skip-kyverno-above %d)", n, cfg.skipAbove)
		done(y)
		return []measurement{k, y}, nil
	}
	logf("%d pods: kyverno apply", n)
	args := []string{"apply", policies, "--resource", podsFile, "-p", "--output-format", "json", "--remove-color"}
	for _, e := range exceptions {
		args = append(args, "--exception", e)
	}
	y, err = measure(cfg.timeout, tmp, "kyverno.json", cfg.kyverno, args...)
	if err != nil {
		return []measurement{k}, fmt.Errorf("kyverno apply on %d pods: %w", n, err)
	}
	y.pods, y.tool = n, "kyverno apply"
	done(y)
	return []measurement{k, y}, nil
}

func parseFlags() (config, error) {
	var cfg config
	pods := flag.String("pods", "1000,10000", "Comma separated numbers of Pods to check.")
	flag.StringVar(&cfg.spec, "spec", "examples/specs/strict.yaml", "Specification to check against.")
	flag.StringVar(&cfg.kspec, "kspec", "", "Path of a kspec binary. Empty builds one from ./cmd/kspec.")
	flag.StringVar(&cfg.kyverno, "kyverno", os.Getenv("KSPEC_KYVERNO"), "Path of a kyverno CLI binary. Defaults to $KSPEC_KYVERNO.")
	flag.IntVar(&cfg.skipAbove, "skip-kyverno-above", 0, "Skip kyverno apply for more Pods than this. 0 never skips.")
	flag.DurationVar(&cfg.timeout, "timeout", 0, "Stop a tool run after this long and report it as timed out. 0 never stops.")
	flag.Parse()
	if flag.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	if cfg.kyverno == "" {
		return cfg, errors.New("-kyverno is required (or set KSPEC_KYVERNO); try -kyverno \"$(hack/tools.sh path kyverno)\"")
	}
	for _, f := range strings.Split(*pods, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("-pods: %q is not a positive number", f)
		}
		cfg.pods = append(cfg.pods, n)
	}
	return cfg, nil
}

// renderPolicies renders the specification for Kyverno into dir. The
// PolicyExceptions move to dir/../exceptions, because kyverno apply takes
// them with --exception. It returns the number of ValidatingPolicies and the
// exception files.
func renderPolicies(cfg config, dir string) (int, []string, error) {
	out, err := exec.Command(cfg.kspec, "render", "-f", cfg.spec, "--engine", "kyverno", "--now", now, "-o", dir).CombinedOutput() //nolint:gosec // G204: the kspec and kyverno binaries the user named.
	if err != nil {
		return 0, nil, fmt.Errorf("kspec render: %w\n%s", err, out)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return 0, nil, fmt.Errorf("cannot list rendered policies: %w", err)
	}
	excDir := filepath.Join(filepath.Dir(dir), "exceptions")
	var rules int
	var exceptions []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, nil, fmt.Errorf("cannot read rendered policy: %w", err)
		}
		switch {
		case bytes.Contains(b, []byte("\nkind: ValidatingPolicy\n")):
			rules++
		case bytes.Contains(b, []byte("\nkind: PolicyException\n")):
			if err := os.MkdirAll(excDir, 0o750); err != nil {
				return 0, nil, fmt.Errorf("cannot create exception directory: %w", err)
			}
			to := filepath.Join(excDir, filepath.Base(f))
			if err := os.Rename(f, to); err != nil {
				return 0, nil, fmt.Errorf("cannot move exception: %w", err)
			}
			exceptions = append(exceptions, to)
		}
	}
	if rules == 0 {
		return 0, nil, fmt.Errorf("kspec render wrote no ValidatingPolicy for %s", cfg.spec)
	}
	return rules, exceptions, nil
}

// measure runs a tool with its JSON report sent to tmp/out and returns its
// wall time, peak RSS and the pass and fail counts of the report. Exit codes
// 0 and 1 count as success: 1 means violations, which the generated Pods
// have on purpose. A run that takes longer than timeout, if not 0, is killed
// and reported as timed out.
func measure(timeout time.Duration, tmp, out, bin string, args ...string) (measurement, error) {
	path := filepath.Join(tmp, out)
	stdout, err := os.Create(path)
	if err != nil {
		return measurement{}, fmt.Errorf("cannot create output file: %w", err)
	}
	defer stdout.Close() //nolint:errcheck // Only written by the child.
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var stderr tailBuffer
	cmd := exec.CommandContext(ctx, bin, args...) //nolint:gosec // The point is to run these tools.
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	cmd.WaitDelay = 10 * time.Second

	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)

	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
	var exit *exec.ExitError
	switch {
	case timedOut:
		logf("%s stopped after %s (-timeout)", filepath.Base(bin), timeout)
	case errors.As(err, &exit) && exit.ExitCode() == 1:
	case err != nil:
		return measurement{}, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	if cmd.ProcessState == nil {
		return measurement{}, fmt.Errorf("%s did not run: %w", bin, err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return measurement{}, errors.New("no resource usage for the child process on this platform")
	}
	m := measurement{wall: wall, rssKiB: ru.Maxrss, timedOut: timedOut}
	if timedOut {
		return m, os.Remove(path)
	}
	m.pass, m.fail, err = summary(path)
	if err != nil {
		return measurement{}, err
	}
	return m, os.Remove(path)
}

// summary reads the pass and fail counts of a JSON report. kspec check and
// Kyverno's policy report both have a top-level summary with them.
func summary(path string) (pass, fail int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("cannot open report: %w", err)
	}
	defer f.Close() //nolint:errcheck // Only read.
	var rep struct {
		Summary struct {
			Pass, Fail int
		}
	}
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&rep); err != nil {
		return 0, 0, fmt.Errorf("cannot read JSON report %s: %w", path, err)
	}
	return rep.Summary.Pass, rep.Summary.Fail, nil
}

// tailBuffer keeps the last 8 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	const keep = 8 << 10
	t.b = append(t.b, p...)
	if len(t.b) > keep {
		t.b = append(t.b[:0], t.b[len(t.b)-keep:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

func firstLine(bin string, args ...string) (string, error) {
	out, err := exec.Command(bin, args...).Output() //nolint:gosec // The point is to run these tools.
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", bin, strings.Join(args, " "), err)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line), nil
}

// row prints one measurement as a row of the Markdown table.
func row(w io.Writer, m measurement) {
	switch {
	case m.skipped:
		_, _ = fmt.Fprintf(w, "| %d | %s | skipped | skipped |\n", m.pods, m.tool)
	case m.timedOut:
		_, _ = fmt.Fprintf(w, "| %d | %s | > %s (stopped) | ≥ %s |\n", m.pods, m.tool, seconds(m.wall), mib(m.rssKiB))
	default:
		_, _ = fmt.Fprintf(w, "| %d | %s | %s | %s |\n", m.pods, m.tool, seconds(m.wall), mib(m.rssKiB))
	}
}

// ratios prints kyverno/kspec for each count both tools ran on, and the
// pass and fail counts each reported: they should agree.
func ratios(w io.Writer, ms []measurement) {
	_, _ = fmt.Fprintln(w)
	for i := 0; i+1 < len(ms); i += 2 {
		k, y := ms[i], ms[i+1]
		switch {
		case y.skipped:
			_, _ = fmt.Fprintf(w, "%d pods: kyverno skipped, no ratio\n", k.pods)
			continue
		case k.timedOut:
			_, _ = fmt.Fprintf(w, "%d pods: kspec stopped by -timeout, no ratio\n", k.pods)
			continue
		case y.timedOut:
			_, _ = fmt.Fprintf(w, "%d pods: kyverno stopped by -timeout; kyverno/kspec wall time > %.1fx, peak RSS ≥ %.1fx\n",
				k.pods, y.wall.Seconds()/k.wall.Seconds(), float64(y.rssKiB)/float64(k.rssKiB))
			continue
		}
		_, _ = fmt.Fprintf(w, "%d pods: kyverno/kspec wall time %.1fx, peak RSS %.1fx; results: kspec %d pass %d fail, kyverno %d pass %d fail",
			k.pods, y.wall.Seconds()/k.wall.Seconds(), float64(y.rssKiB)/float64(k.rssKiB), k.pass, k.fail, y.pass, y.fail)
		if k.pass != y.pass || k.fail != y.fail {
			_, _ = fmt.Fprint(w, " (MISMATCH)")
		}
		_, _ = fmt.Fprintln(w)
	}
}

func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func mib(kib int64) string { return fmt.Sprintf("%.0f MiB", float64(kib)/1024) }

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
