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

package resolve

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/rules"
)

// FuzzResolve: whatever a spec says (the schema bypassed), resolving it
// against the examples returns a result or an error, never a panic.
func FuzzResolve(f *testing.F) {
	files, _ := filepath.Glob("../../examples/specs/*.yaml")
	var bases []rules.Spec
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		bases = append(bases, example(f, filepath.Base(file[:len(file)-len(".yaml")])))
	}
	f.Add([]byte("spec: {basedOn: {specifications: [strict, comprehensive, x], mergeStrategy: append}, policyTemplate: {name: pss-restricted, parameters: {modes: ','}}}"))
	f.Add([]byte("spec: {basedOn: {specifications: [], mergeStrategy: override}, policyTemplate: {name: compliance-strict, parameters: {auditLogRetentionDays: '99999999999999999999'}}}"))
	src := Specs(bases...)
	f.Fuzz(func(t *testing.T, data []byte) {
		var obj struct {
			Metadata struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
			Spec v1alpha1.ClusterSpecificationSpec `json:"spec"`
		}
		if yaml.Unmarshal(data, &obj) != nil {
			return
		}
		in := rules.Spec{Name: obj.Metadata.Name, Namespace: obj.Metadata.Namespace, Spec: obj.Spec}
		if in.Name == "" {
			in.Name = "fuzzed"
		}
		_, _ = Resolve(context.Background(), in, src)
	})
}
