package rules

import (
	"os"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func TestSmoke(t *testing.T) {
	for _, n := range []string{"strict", "moderate", "comprehensive", "team-claim", "minimal"} {
		b, _ := os.ReadFile("../../examples/specs/" + n + ".yaml")
		var cs kspecv1alpha1.ClusterSpecification
		if err := yaml.Unmarshal(b, &cs); err != nil {
			t.Fatal(err)
		}
		set, err := Compile(Spec{Name: cs.Name, Namespace: cs.Namespace, Spec: cs.Spec})
		if err != nil {
			t.Fatal(n, err)
		}
		pod := map[string]any{}
		_ = yaml.Unmarshal([]byte(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team-payments}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
  - name: a
    image: nginx
    ports: [{containerPort: 22}]
`), &pod)
		for _, r := range set.Evaluate(pod, Input{Now: time.Now()}) {
			t.Log(n, r.Rule.ID, r.Status, r.Message)
		}
	}
}
