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

package rules

// Workload field rules: securityContext, resources and host namespaces of containers and pods.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pkg/errors"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	reportsv1alpha1 "github.com/kspec-io/kspec/apis/reports/v1alpha1"
)

// A field is where a workload field rule's key lives.
type field struct {
	name     string // the rule name, after workload.security/
	severity reportsv1alpha1.Severity
	path     string // below the container (or pod) securityContext, resources, …
	pod      bool   // a pod spec field, not a container field
	fallback bool   // a container field that falls back to the pod's securityContext
	list     bool   // a list field: value means "contains", exists means "not empty"
	// capabilities: ALL in the list adds (or drops) every capability, so it
	// holds for any value.
	capabilities bool
	// resources: ephemeral containers cannot set resources, so they are
	// exempt.
	resources bool
	// defaultFrom is the field the API server defaults this one from, before
	// admission: a request defaults to its limit.
	defaultFrom string
}

var fields = map[kspecv1alpha1.FieldKey]field{
	kspecv1alpha1.FieldRunAsNonRoot:             {name: "run-as-non-root", severity: reportsv1alpha1.SeverityHigh, path: "securityContext.runAsNonRoot", fallback: true},
	kspecv1alpha1.FieldAllowPrivilegeEscalation: {name: "allow-privilege-escalation", severity: reportsv1alpha1.SeverityHigh, path: "securityContext.allowPrivilegeEscalation"},
	kspecv1alpha1.FieldReadOnlyRootFilesystem:   {name: "read-only-root-filesystem", severity: reportsv1alpha1.SeverityMedium, path: "securityContext.readOnlyRootFilesystem"},
	kspecv1alpha1.FieldPrivileged:               {name: "privileged", severity: reportsv1alpha1.SeverityCritical, path: "securityContext.privileged"},
	kspecv1alpha1.FieldCapabilitiesDrop:         {name: "capabilities-drop", severity: reportsv1alpha1.SeverityMedium, path: "securityContext.capabilities.drop", list: true, capabilities: true},
	kspecv1alpha1.FieldCapabilitiesAdd:          {name: "capabilities-add", severity: reportsv1alpha1.SeverityHigh, path: "securityContext.capabilities.add", list: true, capabilities: true},
	kspecv1alpha1.FieldSeccompProfileType:       {name: "seccomp-profile", severity: reportsv1alpha1.SeverityMedium, path: "securityContext.seccompProfile.type", fallback: true},
	kspecv1alpha1.FieldLimitsCPU:                {name: "limits-cpu", severity: reportsv1alpha1.SeverityLow, path: "resources.limits.cpu", resources: true},
	kspecv1alpha1.FieldLimitsMemory:             {name: "limits-memory", severity: reportsv1alpha1.SeverityLow, path: "resources.limits.memory", resources: true},
	kspecv1alpha1.FieldRequestsCPU:              {name: "requests-cpu", severity: reportsv1alpha1.SeverityLow, path: "resources.requests.cpu", resources: true, defaultFrom: "resources.limits.cpu"},
	kspecv1alpha1.FieldRequestsMemory:           {name: "requests-memory", severity: reportsv1alpha1.SeverityLow, path: "resources.requests.memory", resources: true, defaultFrom: "resources.limits.memory"},
	kspecv1alpha1.FieldHostNetwork:              {name: "host-network", severity: reportsv1alpha1.SeverityHigh, path: "hostNetwork", pod: true},
	kspecv1alpha1.FieldHostPID:                  {name: "host-pid", severity: reportsv1alpha1.SeverityHigh, path: "hostPID", pod: true},
	kspecv1alpha1.FieldHostIPC:                  {name: "host-ipc", severity: reportsv1alpha1.SeverityHigh, path: "hostIPC", pod: true},
}

// capabilitiesAll in capabilities.add or .drop names every capability.
const capabilitiesAll = "ALL"

// ephemeral is CEL that is true when container c is an ephemeral container.
// Container names are unique across a pod's containers of every kind.
const ephemeral = "variables.pod.?ephemeralContainers.orValue([]).exists(e, e.?name.orValue('') == c.?name.orValue(''))"

// optional is CEL optional-chain access to path below base: c.?a.?b.
func optional(base, path string) string {
	return base + ".?" + strings.ReplaceAll(path, ".", ".?")
}

// condition is one entry of a field rule: the field must (required) or must
// not (forbidden) hold.
type condition struct {
	rule      kspecv1alpha1.FieldRule
	forbidden bool
}

// holds is CEL that is true when the field holds for container c (or the
// pod, for pod fields), and a phrase saying what that means.
func (f field) holds(r kspecv1alpha1.FieldRule) (expr, phrase string, err error) {
	var access string
	switch {
	case f.pod:
		access = optional("variables.pod", f.path)
	case f.fallback:
		access = optional("c", f.path) + ".or(" + optional("variables.pod", f.path) + ")"
	case f.defaultFrom != "":
		access = optional("c", f.path) + ".or(" + optional("c", f.defaultFrom) + ")"
	default:
		access = optional("c", f.path)
	}
	switch {
	case r.Exists != nil && f.list:
		expr = "size(" + access + ".orValue([])) > 0"
		if !*r.Exists {
			expr = "size(" + access + ".orValue([])) == 0"
		}
		return expr, fmt.Sprintf("set %s", f.path), nil
	case r.Exists != nil:
		expr = access + ".hasValue()"
		if !*r.Exists {
			expr = "!" + expr
			return expr, fmt.Sprintf("leave %s unset", f.path), nil
		}
		return expr, fmt.Sprintf("set %s", f.path), nil
	case r.Value == nil:
		return "", "", errors.Errorf("key %s: set value or exists", r.Key)
	case f.list && r.Value.String() == "":
		return "", "", errors.Errorf("key %s: value must not be empty", r.Key)
	case f.capabilities && r.Value.String() != capabilitiesAll:
		return access + ".orValue([]).exists(x, x in " + quoteList([]string{r.Value.String(), capabilitiesAll}) + ")",
			fmt.Sprintf("list %s (or ALL) in %s", r.Value, f.path), nil
	case f.list:
		return quote(r.Value.String()) + " in " + access + ".orValue([])", fmt.Sprintf("list %s in %s", r.Value, f.path), nil
	}
	if b, ok := r.Value.Bool(); ok {
		// orValue(!b): an unset field never equals b.
		return fmt.Sprintf("%s.orValue(%t) == %t", access, !b, b), fmt.Sprintf("set %s to %t", f.path, b), nil
	}
	if r.Value.String() == "" {
		return "", "", errors.Errorf("key %s: value must not be empty", r.Key)
	}
	return fmt.Sprintf("%s.orValue('') == %s", access, quote(r.Value.String())), fmt.Sprintf("set %s to %s", f.path, r.Value), nil
}

// fieldRules compiles workloads.containers into one rule per key.
func fieldRules(c *kspecv1alpha1.ContainerRules) ([]*Rule, error) {
	var order []kspecv1alpha1.FieldKey
	byKey := map[kspecv1alpha1.FieldKey][]condition{}
	add := func(rs []kspecv1alpha1.FieldRule, forbidden bool) {
		for _, r := range rs {
			if _, ok := byKey[r.Key]; !ok {
				order = append(order, r.Key)
			}
			byKey[r.Key] = append(byKey[r.Key], condition{r, forbidden})
		}
	}
	add(c.Required, false)
	add(c.Forbidden, true)

	out := make([]*Rule, 0, len(order))
	for _, key := range order {
		f, ok := fields[key]
		if !ok {
			return nil, errors.Errorf("workloads.containers: unknown key %q", key)
		}
		var holds, phrases []string
		for _, cd := range byKey[key] {
			h, phrase, err := f.holds(cd.rule)
			if err != nil {
				return nil, errors.Wrap(err, "workloads.containers")
			}
			if cd.forbidden {
				h = "!(" + h + ")"
				phrase = "must not " + phrase
			} else {
				phrase = "must " + phrase
			}
			holds = append(holds, h)
			phrases = append(phrases, phrase)
		}
		good := strings.Join(holds, " && ")
		if len(holds) > 1 {
			good = "(" + good + ")"
		}
		r := &Rule{
			ID:       CategoryWorkloads + "/" + f.name,
			Severity: f.severity,
			Kinds:    podKinds,
		}
		what := strings.Join(phrases, " and ")
		if f.pod {
			r.Title = fmt.Sprintf("The pod %s", what)
			r.Expression = good
			r.Message = fmt.Sprintf("the pod %s", what)
			// Name the value the pod has: string() fails on a value that is
			// not a scalar, and the message falls back to Message.
			access := optional("variables.pod", f.path)
			r.MessageExpression = fmt.Sprintf("'the pod has %[1]s: ' + (%[2]s.hasValue() ? string(%[2]s.value()) : 'unset') + %[3]s",
				f.path, access, quote("; it "+what))
			r.Remediation = fmt.Sprintf("In the pod spec (or pod template), %s.", strings.ReplaceAll(what, "must ", ""))
		} else {
			r.Title = fmt.Sprintf("Every container %s", what)
			r.Message = fmt.Sprintf("every container %s", what)
			r.Remediation = fmt.Sprintf("In every container, init container and ephemeral container, %s.", strings.ReplaceAll(what, "must ", ""))
			if f.resources {
				// Last, so it costs nothing when the field holds.
				good = "(" + good + " || " + ephemeral + ")"
				r.Title = fmt.Sprintf("Every container and init container %s", what)
				r.Message = fmt.Sprintf("every container and init container %s", what)
				r.Remediation = fmt.Sprintf("In every container and init container, %s (ephemeral containers cannot set resources).", strings.ReplaceAll(what, "must ", ""))
			}
			if f.defaultFrom != "" {
				r.Remediation += fmt.Sprintf(" Setting %s also sets %s, as the API server defaults a request to its limit.", f.defaultFrom, f.path)
			}
			r.each("containers", "c", good)
			r.MessageExpression = "'containers ' + variables.containers.filter(c, !(" + good + ")).map(c, c.?name.orValue('')).join(', ') + " +
				quote(" "+what)
			if f.fallback {
				r.Remediation += fmt.Sprintf(" Setting %s in the pod's securityContext covers containers that do not set it.", f.path)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

var workloadsFamily = family{
	category: CategoryWorkloads,
	names: func() []string {
		out := make([]string, 0, len(fields))
		for _, f := range fields {
			out = append(out, f.name)
		}
		slices.Sort(out)
		return out
	},
	compile: func(req *kspecv1alpha1.Requirements) ([]*Rule, error) {
		if req.Workloads == nil || req.Workloads.Containers == nil {
			return nil, nil
		}
		return fieldRules(req.Workloads.Containers)
	},
}
