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

// Package rules compiles a ClusterSpecification into rules and evaluates
// them. Every enforcement point (kspec check, the rendered Kyverno and
// ValidatingAdmissionPolicy objects, the webhook, the provider's scan) uses
// the same compiled rules, so they agree by construction. docs/rules.md is
// the contract this package implements.
package rules

import (
	"slices"
	"strings"

	"github.com/google/cel-go/cel"

	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// Categories: the check ids of the original kspec, the part of a rule id
// before the slash.
const (
	CategoryKubernetesVersion = "kubernetes.version"
	CategoryPodSecurity       = "podsecurity.standards"
	CategoryNetwork           = "network.policies"
	CategoryWorkloads         = "workload.security"
	CategoryRBAC              = "rbac.validation"
	CategoryAdmission         = "admission.controllers"
	CategoryObservability     = "observability.validation"
)

// A Kind is an object kind a rule applies to.
type Kind struct {
	Group, Version, Resource, Kind string
	// Namespaced kinds live in a namespace; the others are cluster-scoped.
	Namespaced bool
}

// APIVersion is the kind's group/version.
func (k Kind) APIVersion() string {
	if k.Group == "" {
		return k.Version
	}
	return k.Group + "/" + k.Version
}

// The kinds rules apply to.
var (
	KindPod                   = Kind{"", "v1", "pods", "Pod", true}
	KindDeployment            = Kind{"apps", "v1", "deployments", "Deployment", true}
	KindStatefulSet           = Kind{"apps", "v1", "statefulsets", "StatefulSet", true}
	KindDaemonSet             = Kind{"apps", "v1", "daemonsets", "DaemonSet", true}
	KindReplicaSet            = Kind{"apps", "v1", "replicasets", "ReplicaSet", true}
	KindReplicationController = Kind{"", "v1", "replicationcontrollers", "ReplicationController", true}
	KindJob                   = Kind{"batch", "v1", "jobs", "Job", true}
	KindCronJob               = Kind{"batch", "v1", "cronjobs", "CronJob", true}
	KindService               = Kind{"", "v1", "services", "Service", true}
	KindNamespace             = Kind{"", "v1", "namespaces", "Namespace", false}
	KindRole                  = Kind{"rbac.authorization.k8s.io", "v1", "roles", "Role", true}
	KindClusterRole           = Kind{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false}
)

// IsPodKind reports whether objects of the kind are or carry a pod spec.
func IsPodKind(k Kind) bool { return slices.Contains(podKinds, k) }

// knownKinds are every kind some rule can apply to.
var knownKinds = []Kind{KindPod, KindDeployment, KindStatefulSet, KindDaemonSet, KindReplicaSet, KindReplicationController, KindJob, KindCronJob, KindService, KindNamespace, KindRole, KindClusterRole}

// LookupKind returns the kind of objects of apiVersion and kind, when some
// rule can apply to them.
func LookupKind(apiVersion, kind string) (Kind, bool) {
	for _, k := range knownKinds {
		if k.Kind == kind && k.APIVersion() == apiVersion {
			return k, true
		}
	}
	return Kind{}, false
}

// podKinds are the kinds that are or carry a pod spec.
var podKinds = []Kind{KindPod, KindDeployment, KindStatefulSet, KindDaemonSet, KindReplicaSet, KindReplicationController, KindJob, KindCronJob}

// A Control is a compliance-framework control a rule provides evidence for.
type Control struct {
	Framework, Revision, ID, Title string
}

// A Rule is one requirement of a specification.
type Rule struct {
	// ID is category/rule, such as workload.security/run-as-non-root.
	ID          string
	Title       string
	Severity    reportsv1alpha1.Severity
	Remediation string
	Controls    []Control

	// Kinds the rule evaluates; empty for a cluster-level rule.
	Kinds []Kind

	// Conditions must all be true for the rule to evaluate an object; when
	// one is false the object skips the rule. CEL over object.
	Conditions []string

	// Expression is true when the object complies. CEL over object and
	// variables (see Variables).
	Expression string

	// Message says what is wrong, for a failing object.
	Message string

	// MessageExpression, when set, is a CEL string expression naming what
	// is at fault; Message is the fallback.
	MessageExpression string

	// native, when set, judges objects in Go instead of the expression:
	// what CEL cannot say, such as the upstream Pod Security evaluator.
	// Admission does not evaluate it (see Admission).
	native func(obj map[string]any, in Input) (Status, string)

	// cluster evaluates a cluster-level rule over a snapshot.
	cluster func(*Cluster) []Finding
	reads   []string // the Cluster fields a cluster-level rule reads

	// exemptions are the set's exemptions that name the rule.
	exemptions []*Exemption

	// every, when set, says that on pod kinds the expression means
	// variables.<list>.all(<v>, <pred>): kspec evaluates it in one pass
	// over the list with the other rules on it.
	every   every
	batch   int    // the rule's index in its list's batch
	batchOf *batch // that batch

	conditions []cel.Program
	program    cel.Program
	message    cel.Program
}

// every is a predicate that must hold for every element of a list
// variable.
type every struct {
	list, v, pred string
}

func (e every) expression() string {
	return "variables." + e.list + ".all(" + e.v + ", " + e.pred + ")"
}

// each makes the rule's expression a predicate over every element of a
// list variable.
func (r *Rule) each(list, v, pred string) {
	r.every = every{list, v, pred}
	r.Expression = r.every.expression()
}

// Category is the part of the id before the slash.
func (r *Rule) Category() string {
	c, _, _ := strings.Cut(r.ID, "/")
	return c
}

// Name is the part of the id after the slash.
func (r *Rule) Name() string {
	_, n, _ := strings.Cut(r.ID, "/")
	return n
}

// ClusterLevel rules need a snapshot of the cluster rather than one object.
func (r *Rule) ClusterLevel() bool { return r.cluster != nil }

// Admission reports whether kspec enforces the rule at admission: rendered
// as a policy, evaluated by the webhook's Admit. Every object rule is but
// podsecurity.standards/workloads, which judges workloads already written
// (kspec check, kspec scan): at admission the API server's own Pod
// Security admission enforces the namespace's level, which
// podsecurity.standards/enforce requires.
func (r *Rule) Admission() bool { return r.cluster == nil && r.native == nil }

// Reads reports whether a cluster-level rule reads a field of Cluster
// (see Set.ClusterReads).
func (r *Rule) Reads(field string) bool { return slices.Contains(r.reads, field) }

// Applies reports whether the rule evaluates objects of the kind.
func (r *Rule) Applies(apiVersion, kind string) bool {
	for _, k := range r.Kinds {
		if k.Kind == kind && k.APIVersion() == apiVersion {
			return true
		}
	}
	return false
}

// Matches reports whether a check reference (a category or a rule id)
// names the rule.
func (r *Rule) Matches(ref string) bool {
	return ref == r.ID || ref == r.Category()
}

// Status is the verdict of a rule on an object.
type Status = reportsv1alpha1.ResultStatus

// Verdicts.
const (
	Pass  = reportsv1alpha1.ResultPass
	Fail  = reportsv1alpha1.ResultFail
	Warn  = reportsv1alpha1.ResultWarn
	Skip  = reportsv1alpha1.ResultSkip
	Error = reportsv1alpha1.ResultError
)

// An ObjectRef names an evaluated object.
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

func (o ObjectRef) String() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// A Result is the verdict of one rule on one object (or, for a
// cluster-level rule, on the cluster).
type Result struct {
	Rule *Rule
	// Object is never nil; the results of one object share it, read-only.
	Object  *ObjectRef
	Status  Status
	Message string
	// Exemption names the exemption that skipped the rule.
	Exemption string
}
