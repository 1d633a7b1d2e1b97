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

// Pod Security: the level a namespace must be labelled with, as the
// compiled rules judge it, for consumers that fix labels (remediation).

import (
	"fmt"
	"slices"

	"github.com/google/cel-go/interpreter"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// PodSecurityModes are the Pod Security modes a spec can require a level
// in, each the name of a rule podsecurity.standards/<mode> and of a label
// pod-security.kubernetes.io/<mode>.
var PodSecurityModes = []string{"enforce", "audit", "warn"}

// noNamespace is a name no namespace can have (it is not a DNS label), so
// no podSecurity exemption names it: the level the set requires of a
// namespace without one.
const noNamespace = "<no namespace>"

// PodSecurityLevel is the level the set requires of namespace ns in mode
// (enforce, audit or warn): the least strict value of the label
// pod-security.kubernetes.io/<mode> that the compiled rule
// podsecurity.standards/<mode> accepts for ns. It is read from that rule,
// not from the spec, so a namespace labelled with it passes the rule,
// exemptions applied as the rule applies them. exempt reports that the
// spec's podSecurity.exemptions lower the level for ns below what every
// other namespace needs. The level is empty when the set requires none in
// mode. Scope and rule exemptions decide whether the rule judges ns at
// all, not the level it requires: they are not consulted.
func (s *Set) PodSecurityLevel(mode, ns string) (level kspecv1alpha1.PodSecurityLevel, exempt bool, err error) {
	if !slices.Contains(PodSecurityModes, mode) {
		return "", false, fmt.Errorf("unknown Pod Security mode %q; the modes are enforce, audit and warn", mode)
	}
	id := CategoryPodSecurity + "/" + mode
	i := slices.IndexFunc(s.Rules, func(r *Rule) bool { return r.ID == id })
	if i < 0 {
		return "", false, nil
	}
	r := s.Rules[i]
	if r.program == nil {
		return "", false, fmt.Errorf("rule %s is not compiled", id)
	}
	level, err = leastAccepted(r, mode, ns)
	if err != nil {
		return "", false, err
	}
	others, err := leastAccepted(r, mode, noNamespace)
	if err != nil {
		return "", false, err
	}
	return level, slices.Index(levels, level) < slices.Index(levels, others), nil
}

// leastAccepted is the least strict level whose label on a namespace
// named ns passes the rule.
func leastAccepted(r *Rule, mode, ns string) (kspecv1alpha1.PodSecurityLevel, error) {
	for _, l := range levels {
		obj := map[string]any{
			"apiVersion": KindNamespace.APIVersion(), "kind": KindNamespace.Kind,
			"metadata": map[string]any{"name": ns, "labels": map[string]any{"pod-security.kubernetes.io/" + mode: string(l)}},
		}
		act, err := interpreter.NewActivation(map[string]any{"object": obj, "variables": map[string]any{}})
		if err != nil {
			return "", err
		}
		ok, err := evalBool(r.program, act)
		if err != nil {
			return "", fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if ok {
			return l, nil
		}
	}
	return "", fmt.Errorf("rule %s accepts no Pod Security level for namespace %s", r.ID, ns)
}
