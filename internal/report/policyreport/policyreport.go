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

// Package policyreport builds wgpolicyk8s.io/v1alpha2 PolicyReports and
// ClusterPolicyReports from a report, as Kyverno, Policy Reporter and
// other tools of the Kubernetes Policy WG read them: one PolicyReport per
// namespace for the results on namespaced objects, one ClusterPolicyReport
// for cluster-scoped objects, cluster-level rules and objects whose
// namespace is not a valid namespace name.
//
// The types mirror the CRDs of the Policy WG's API as Kyverno ships them
// (config/crds/policyreport in github.com/kyverno/kyverno); the tests
// create what Build makes on a real API server with those CRDs and strict
// field validation. sigs.k8s.io/wg-policy-prototypes is not served by the
// Go module proxy, and Kyverno's module needs Kubernetes libraries newer
// than kspec's, so the few types are written here on k8s.io/api's.
package policyreport

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kspec-io/kspec/internal/report"
	"github.com/kspec-io/kspec/internal/rules"
)

// The API.
const (
	APIVersion              = "wgpolicyk8s.io/v1alpha2"
	KindPolicyReport        = "PolicyReport"
	KindClusterPolicyReport = "ClusterPolicyReport"
	// Source is the results' source.
	Source = "kspec"
)

// Bounds: a report is one object in etcd, whose requests stay under about
// 1.5 MiB. A report holds at most MaxResults results and MaxBytes of them
// in JSON, messages cut to MaxMessage bytes, so it stays under that
// whatever the input; the summary counts every result.
const (
	MaxResults = 1000
	MaxBytes   = 1 << 20
	MaxMessage = 1024
)

// Labels and annotations of the reports.
const (
	LabelManagedBy     = "app.kubernetes.io/managed-by"
	LabelSpecification = "kspec.io/specification"
	// LabelScan names the scan that wrote a report (ScanLabel), on the
	// reports a scan writes to a cluster (provider-kspec's
	// ComplianceScans): each scan replaces and prunes only its own.
	LabelScan = "kspec.io/scan"
	// AnnotationOmitted counts the results a report had no room for.
	AnnotationOmitted = "kspec.io/omitted-results"
)

// A PolicyReport is a wgpolicyk8s.io/v1alpha2 PolicyReport or, with no
// namespace, ClusterPolicyReport.
type PolicyReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Scope             *corev1.ObjectReference `json:"scope,omitempty"`
	Summary           Summary                 `json:"summary"`
	Results           []Result                `json:"results,omitempty"`
}

// Summary counts a report's results by outcome, including those omitted.
type Summary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

// A Result is one rule on one object.
type Result struct {
	Source     string                   `json:"source"`
	Policy     string                   `json:"policy"`
	Rule       string                   `json:"rule,omitempty"`
	Category   string                   `json:"category,omitempty"`
	Severity   string                   `json:"severity,omitempty"`
	Timestamp  metav1.Timestamp         `json:"timestamp,omitempty"`
	Result     string                   `json:"result,omitempty"`
	Scored     bool                     `json:"scored,omitempty"`
	Resources  []corev1.ObjectReference `json:"resources,omitempty"`
	Message    string                   `json:"message,omitempty"`
	Properties map[string]string        `json:"properties,omitempty"`
}

// Build makes the reports of rep's results: PolicyReports by namespace,
// then the ClusterPolicyReport, each holding at most MaxResults results,
// failures and errors first, then warnings, then the rest, each in input
// order, until MaxResults or MaxBytes; the summary counts all, and the
// AnnotationOmitted annotation how many were left out. The names derive from the
// specification, so a rerun replaces the reports it made before.
func Build(rep *report.Report, results []report.Result) []PolicyReport {
	idx := rep.RuleIndex()
	byNS := map[string][]report.Result{}
	for _, r := range results {
		ns := r.Object.Namespace
		if len(validation.IsDNS1123Label(ns)) > 0 {
			// No namespace can hold a report for an object that claims
			// to be in one no cluster allows: the cluster report does.
			ns = ""
		}
		byNS[ns] = append(byNS[ns], r)
	}
	var ts metav1.Timestamp
	if t, err := time.Parse(time.RFC3339, rep.Time); err == nil {
		ts = metav1.Timestamp{Seconds: t.Unix(), Nanos: int32(t.Nanosecond())} //nolint:gosec // Nanosecond is below 1e9.
	}
	namespaces := slices.Sorted(func(yield func(string) bool) {
		for ns := range byNS {
			if ns != "" && !yield(ns) {
				return
			}
		}
	})
	if _, ok := byNS[""]; ok {
		namespaces = append(namespaces, "")
	}
	var out []PolicyReport
	for _, ns := range namespaces {
		rs := byNS[ns]
		pr := PolicyReport{
			TypeMeta: metav1.TypeMeta{APIVersion: APIVersion, Kind: KindPolicyReport},
			ObjectMeta: metav1.ObjectMeta{
				Name: Name(rep), Namespace: ns,
				Labels: map[string]string{LabelManagedBy: "kspec", LabelSpecification: labelValue(rep.Specification)},
			},
		}
		if ns == "" {
			pr.Kind = KindClusterPolicyReport
		}
		slices.SortStableFunc(rs, func(a, b report.Result) int { return cmp.Compare(rank(a.Status), rank(b.Status)) })
		size, full := 0, false
		for _, r := range rs {
			count(&pr.Summary, r.Status)
			if full || len(pr.Results) >= MaxResults {
				continue
			}
			res := result(rep, idx[r.Rule], r, ts)
			b, err := json.Marshal(res)
			if err != nil || size+len(b) > MaxBytes {
				full = true
				continue
			}
			size += len(b)
			pr.Results = append(pr.Results, res)
		}
		if n := len(rs) - len(pr.Results); n > 0 {
			pr.Annotations = map[string]string{AnnotationOmitted: fmt.Sprint(n)}
		}
		out = append(out, pr)
	}
	return out
}

// Name is the reports' name for a specification: kspec- and the
// specification's name, cut to fit, with a digest of the full label so
// two specifications never share one.
func Name(rep *report.Report) string {
	sum := sha256.Sum256([]byte(rep.Label()))
	return strings.Trim("kspec-"+nameBase(rep.Specification, 40), "-") + "-" + hex.EncodeToString(sum[:4])
}

// ScanName is the name of the reports a scan writes for a specification:
// kspec-, the specification's name and the scan's, each cut to fit, and a
// digest of the specification's label and the scan's identity, so two
// scans of one specification on one cluster never share a report, and a
// scan's next reports replace its last. A DNS label (at most 63
// characters), so a valid name of every kind and namespace.
func ScanName(rep *report.Report, scan string) string {
	sum := sha256.Sum256([]byte(rep.Label() + "\n" + scan))
	_, scanName, found := strings.Cut(scan, "/")
	if !found {
		scanName = scan
	}
	parts := []string{"kspec"}
	for _, p := range []string{strings.Trim(nameBase(rep.Specification, 20), "-"), strings.Trim(nameBase(scanName, 24), "-")} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(append(parts, hex.EncodeToString(sum[:5])), "-")
}

// ScanLabel is the value of LabelScan for a scan's identity (a
// ComplianceScan's namespace/name): namespace.name when that is a label
// value, else as much of it as fits and a digest of it.
func ScanLabel(scan string) string {
	v := strings.Replace(scan, "/", ".", 1)
	if v != "" && len(validation.IsValidLabelValue(v)) == 0 {
		return v
	}
	sum := sha256.Sum256([]byte(scan))
	base := labelValue(v)
	if len(base) > 52 {
		base = strings.Trim(base[:52], "-_.")
	}
	if base == "" {
		return hex.EncodeToString(sum[:5])
	}
	return base + "-" + hex.EncodeToString(sum[:5])
}

// ForScan names and labels reports built for rep as those of one scan
// (ScanName, ScanLabel): what a scan writes to a cluster.
func ForScan(prs []PolicyReport, rep *report.Report, scan string) {
	name, label := ScanName(rep, scan), ScanLabel(scan)
	for i := range prs {
		prs[i].Name = name
		if prs[i].Labels == nil {
			prs[i].Labels = map[string]string{}
		}
		prs[i].Labels[LabelScan] = label
	}
}

// nameBase is s in the characters of a DNS label, at most n of them.
func nameBase(s string, n int) string {
	base := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(s))
	if len(base) > n {
		base = base[:n]
	}
	return base
}

func result(rep *report.Report, rule *report.Rule, r report.Result, ts metav1.Timestamp) Result {
	out := Result{
		Source: Source, Policy: orElse(rep.Label(), "kspec"), Rule: r.Rule, Category: report.Category(r.Rule),
		Severity: strings.ToLower(r.Severity), Timestamp: ts, Result: strings.ToLower(string(r.Status)), Scored: true,
		Message: cut(r.Message, MaxMessage),
	}
	if !slices.Contains([]string{"critical", "high", "medium", "low", "info"}, out.Severity) {
		out.Severity = ""
	}
	if r.Object.Kind != "" && r.Object.Name != "" {
		out.Resources = []corev1.ObjectReference{{APIVersion: r.Object.APIVersion, Kind: r.Object.Kind, Namespace: r.Object.Namespace, Name: r.Object.Name}}
	}
	props := map[string]string{}
	if r.Location != nil {
		props["source"] = cut(fmt.Sprintf("%s:%d", r.Source, r.Line), 256)
	}
	if r.Exemption != "" {
		props["exemption"] = cut(r.Exemption, 256)
	}
	if r.Cluster != "" {
		props["cluster"] = cut(r.Cluster, 256)
	}
	if rule != nil && len(rule.Controls) > 0 {
		props["controls"] = cut(strings.Join(rule.Controls, ", "), MaxMessage)
	}
	if len(props) > 0 {
		out.Properties = props
	}
	return out
}

// rank orders results for a report with no room for all: what needs
// action first.
func rank(s rules.Status) int {
	switch s {
	case rules.Fail, rules.Error:
		return 0
	case rules.Warn:
		return 1
	}
	return 2
}

func count(s *Summary, st rules.Status) {
	switch st {
	case rules.Pass:
		s.Pass++
	case rules.Fail:
		s.Fail++
	case rules.Warn:
		s.Warn++
	case rules.Skip:
		s.Skip++
	default:
		s.Error++
	}
}

// cut shortens s to at most n bytes on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("...")
	for i > 0 && !utf8RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// labelValue is s as a label value: at most 63 characters of the allowed
// ones, beginning and ending with an alphanumeric.
func labelValue(s string) string {
	v := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
	if len(v) > 63 {
		v = v[:63]
	}
	return strings.Trim(v, "-_.")
}

// A Stream keeps the results and writes the reports at End as a YAML
// stream of JSON documents, ready for kubectl apply -f: linear in the
// results. JSON, which YAML reads, is written: converting to YAML's block
// style cost 50 times the rest (docs/benchmarks.md).
type Stream struct {
	w       io.Writer
	results []report.Result
}

// New returns a stream writing to w.
func New(w io.Writer) *Stream { return &Stream{w: w} }

// Write writes a whole report as PolicyReports.
func Write(w io.Writer, rep *report.Report) error { return report.WriteAll(New(w), rep) }

// Begin does nothing.
func (s *Stream) Begin(*report.Report) error { return nil }

// Results keeps the results.
func (s *Stream) Results(rs []report.Result) error {
	s.results = append(s.results, rs...)
	return nil
}

// End writes the reports.
func (s *Stream) End(rep *report.Report) error {
	bw := bufio.NewWriter(s.w)
	for i, pr := range Build(rep, s.results) {
		b, err := json.MarshalIndent(pr, "", "  ")
		if err != nil {
			return err
		}
		b = append(b, '\n')
		if i > 0 {
			_, _ = bw.WriteString("---\n")
		}
		_, _ = bw.Write(b)
	}
	return bw.Flush()
}
