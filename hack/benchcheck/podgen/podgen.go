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

// Package podgen generates the Pods the load tools check: benchcheck
// (kspec against Kyverno) and benchmem (peak memory per output format).
package podgen

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
)

// A Mix says which Pods fail.
type Mix int

const (
	// Mixed Pods meet the restricted Pod Security profile and the strict
	// spec, but every 3rd misses runAsNonRoot and every 5th runs an
	// unpinned Docker Hub image: what benchcheck compares Kyverno on.
	Mixed Mix = iota
	// Failing Pods all miss runAsNonRoot and run an unpinned Docker Hub
	// image: every Pod fails, so every output has the most to write.
	Failing
)

// WriteFile writes n Pods, spread over ten namespaces, as one
// multi-document YAML file.
func WriteFile(path string, n int, mix Mix) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cannot create pods file: %w", err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		writePod(w, i, mix)
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return fmt.Errorf("cannot write pods file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cannot write pods file: %w", err)
	}
	return nil
}

func writePod(w io.Writer, i int, mix Mix) {
	team := i % 10
	app := fmt.Sprintf("svc-%02d", i%37)
	nonRoot := "\n      runAsNonRoot: true"
	podNonRoot := "\n    runAsNonRoot: true"
	if i%3 == 0 || mix == Failing {
		nonRoot, podNonRoot = "", ""
	}
	image := pinned("ghcr.io/my-company/"+app, i)
	if i%5 == 0 || mix == Failing {
		image = "nginx:1.27"
	}
	_, _ = fmt.Fprintf(w, `---
apiVersion: v1
kind: Pod
metadata:
  name: pod-%05d
  namespace: team-%02d
  labels:
    app.kubernetes.io/name: %s
    app.kubernetes.io/part-of: team-%02d
  annotations:
    kspec.io/bench: "true"
spec:
  serviceAccountName: %s
  automountServiceAccountToken: false
  securityContext:%s
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  initContainers:
  - name: migrate
    image: %s
    args: ["migrate", "--to=latest"]
%s
  containers:
  - name: app
    image: %s
    ports:
    - name: http
      containerPort: 8080
    env:
    - name: LOG_LEVEL
      value: info
    readinessProbe:
      httpGet:
        path: /healthz
        port: http
%s
    volumeMounts:
    - name: tmp
      mountPath: /tmp
  - name: proxy
    image: %s
    ports:
    - name: metrics
      containerPort: 9090
%s
  volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 64Mi
`, i, team, app, team, app, podNonRoot,
		pinned("gcr.io/my-company/migrate", i), hardening(nonRoot, "50m", "64Mi"),
		image, hardening(nonRoot, "500m", "256Mi"),
		pinned("gcr.io/my-company/envoy", 0), hardening(nonRoot, "100m", "128Mi"))
}

// hardening is a container's securityContext and resources.
func hardening(nonRoot, cpu, memory string) string {
	return fmt.Sprintf(`    securityContext:%s
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities:
        drop: ["ALL"]
      seccompProfile:
        type: RuntimeDefault
    resources:
      requests:
        cpu: %s
        memory: %s
      limits:
        cpu: %s
        memory: %s`, nonRoot, cpu, memory, cpu, memory)
}

// pinned is repo@sha256:..., a digest that varies with the build.
func pinned(repo string, build int) string {
	return fmt.Sprintf("%s@sha256:%x", repo, sha256.Sum256([]byte(fmt.Sprintf("%s#%d", repo, build%50))))
}
