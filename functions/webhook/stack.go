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

package webhook

import (
	"slices"
	"strconv"

	"github.com/pkg/errors"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
	"github.com/kspec-io/kspec/internal/render"
	"github.com/kspec-io/kspec/internal/rules"
)

// The webhook's ports, paths and files, as cmd/kspec-webhook serves them.
const (
	webhookPort  = 9443 // --port: HTTPS /validate
	healthPort   = 8080 // --health-port: /healthz, /readyz, /metrics
	servicePort  = 443
	certDir      = "/etc/kspec-webhook/tls" // --cert-dir: tls.crt, tls.key
	validatePath = "/validate"

	// WebhookName names the one webhook of the configuration; the API
	// server quotes it when it denies a request.
	WebhookName = "validate.kspec.io"

	// AnnotationInjectCA asks cert-manager's cainjector to write the CA of
	// a Certificate (namespace/name) into the configuration's caBundle.
	AnnotationInjectCA = "cert-manager.io/inject-ca-from"

	// nonRoot is the user and group of the image's non-root base.
	nonRoot = 65532
)

// Defaults of spec.webhook, as the API defaults them.
const (
	DefaultFailurePolicy  = kspecv1alpha1.FailurePolicy("Ignore")
	DefaultTimeoutSeconds = int32(10)
	DefaultReplicas       = int32(3)
)

// Settings are a spec's webhook settings with every default applied.
func Settings(s *kspecv1alpha1.WebhookSettings) kspecv1alpha1.WebhookSettings {
	out := kspecv1alpha1.WebhookSettings{}
	if s != nil {
		out = *s.DeepCopy()
	}
	if out.FailurePolicy == "" {
		out.FailurePolicy = DefaultFailurePolicy
	}
	if out.TimeoutSeconds == 0 {
		out.TimeoutSeconds = DefaultTimeoutSeconds
	}
	if out.Replicas == 0 {
		out.Replicas = DefaultReplicas
	}
	if out.Image == "" {
		out.Image = DefaultImage()
	}
	return out
}

// Enabled reports whether the set's engines include Webhook.
func Enabled(set *rules.Set) bool {
	return slices.Contains(set.Engines, kspecv1alpha1.EngineWebhook)
}

// Stack renders the kspec-webhook stack of a cluster-wide spec into
// namespace: nothing when its engines do not include Webhook. A claim has
// no stack of its own (the platform runs the webhook); asking for one is
// an error. set is the spec compiled: it says which kinds the webhook is
// sent.
func Stack(spec rules.Spec, set *rules.Set, namespace string) ([]client.Object, error) {
	if spec.Claim() {
		return nil, errors.Errorf("claim %s/%s cannot render a webhook stack: the platform runs the webhook, a claim only its bundle", spec.Namespace, spec.Name)
	}
	if namespace == "" {
		return nil, errors.New("the webhook stack needs a namespace")
	}
	if !Enabled(set) {
		return nil, nil
	}
	n := NamesFor(spec.Name, namespace)
	s := Settings(spec.Spec.Webhook)
	labels := Labels(spec.Name, n)
	return []client.Object{
		namespaceObject(n),
		serviceAccount(n, labels),
		clusterRole(n, labels),
		clusterRoleBinding(n, labels),
		deployment(n, s, labels),
		podDisruptionBudget(n, labels),
		service(n, labels),
		webhookConfiguration(n, s, set, labels),
	}, nil
}

// selector selects the pods of one stack.
func selector(n Names) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":     "kspec-webhook",
		"app.kubernetes.io/instance": n.Stack,
	}
}

// Labels are the labels of every object of a spec's stack, the
// certificates step's included.
func Labels(spec string, n Names) map[string]string {
	l := selector(n)
	l["app.kubernetes.io/managed-by"] = "kspec"
	l["app.kubernetes.io/component"] = "admission-webhook"
	l[render.LabelSpec] = render.LabelValue(spec)
	return l
}

func copyLabels(l map[string]string) map[string]string {
	out := make(map[string]string, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}

func objectMeta(name, namespace string, labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: copyLabels(labels)}
}

func namespaceObject(n Names) *corev1.Namespace {
	return &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: n.Namespace, Labels: map[string]string{"app.kubernetes.io/managed-by": "kspec"}},
	}
}

func serviceAccount(n Names, labels map[string]string) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: objectMeta(n.Stack, n.Namespace, labels),
	}
}

// clusterRole grants exactly what kspec-webhook does with the API: it
// lists and watches bundle ConfigMaps in every namespace (claims' bundles
// live in theirs; RBAC cannot narrow to a label) and Namespaces (their
// labels decide a spec's scope), and records an Event on a bad bundle in
// the bundle's namespace. Nothing else: no get, no writes to either.
func clusterRole(n Names, labels map[string]string) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRole"},
		ObjectMeta: objectMeta(n.Stack, "", labels),
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"configmaps", "namespaces"}, Verbs: []string{"list", "watch"}},
			{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create"}},
		},
	}
}

func clusterRoleBinding(n Names, labels map[string]string) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRoleBinding"},
		ObjectMeta: objectMeta(n.Stack, "", labels),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: n.Stack},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: n.Stack, Namespace: n.Namespace}},
	}
}

// Args are kspec-webhook's flags for a stack (webhook.ParseOptions).
func Args(n Names) []string {
	return []string{
		"--port=" + strconv.Itoa(webhookPort),
		"--health-port=" + strconv.Itoa(healthPort),
		"--cert-dir=" + certDir,
		"--namespace=" + n.Namespace,
	}
}

func deployment(n Names, s kspecv1alpha1.WebhookSettings, labels map[string]string) *appsv1.Deployment {
	sel := selector(n)
	pod := corev1.PodSpec{
		ServiceAccountName: n.Stack,
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.To(true),
			RunAsUser:      ptr.To[int64](nonRoot),
			RunAsGroup:     ptr.To[int64](nonRoot),
			FSGroup:        ptr.To[int64](nonRoot),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		// Spread over nodes (hard: one node's loss never takes all
		// replicas, counting only nodes the pods may run on) and zones (as
		// far as the cluster has them).
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{
			{
				MaxSkew: 1, TopologyKey: corev1.LabelHostname, WhenUnsatisfiable: corev1.DoNotSchedule,
				LabelSelector: &metav1.LabelSelector{MatchLabels: sel}, NodeTaintsPolicy: ptr.To(corev1.NodeInclusionPolicyHonor),
			},
			{
				MaxSkew: 1, TopologyKey: corev1.LabelTopologyZone, WhenUnsatisfiable: corev1.ScheduleAnyway,
				LabelSelector: &metav1.LabelSelector{MatchLabels: sel},
			},
		},
		// Preferred, not required: a rollout's surge pod must schedule on
		// a cluster with as many nodes as replicas.
		Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
				Weight: 100,
				PodAffinityTerm: corev1.PodAffinityTerm{
					LabelSelector: &metav1.LabelSelector{MatchLabels: sel}, TopologyKey: corev1.LabelHostname,
				},
			}},
		}},
		Containers: []corev1.Container{{
			Name:  "kspec-webhook",
			Image: s.Image,
			Args:  Args(n),
			Env: []corev1.EnvVar{{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{
				FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
			}}},
			Ports: []corev1.ContainerPort{
				{Name: "webhook", ContainerPort: webhookPort, Protocol: corev1.ProtocolTCP},
				{Name: "health", ContainerPort: healthPort, Protocol: corev1.ProtocolTCP},
			},
			LivenessProbe:  probe("/healthz", 3),
			ReadinessProbe: probe("/readyz", 1),
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("256Mi")},
			},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false),
				ReadOnlyRootFilesystem:   ptr.To(true),
				RunAsNonRoot:             ptr.To(true),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			VolumeMounts:             []corev1.VolumeMount{{Name: "tls", MountPath: certDir, ReadOnly: true}},
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		}},
		Volumes: []corev1.Volume{{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: n.ServingSecret, DefaultMode: ptr.To[int32](0o440),
		}}}},
	}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: appsv1.SchemeGroupVersion.String(), Kind: "Deployment"},
		ObjectMeta: objectMeta(n.Stack, n.Namespace, labels),
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(s.Replicas),
			Selector: &metav1.LabelSelector{MatchLabels: sel},
			// A new pod is ready before an old one goes: capacity is kept.
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxUnavailable: ptr.To(intstr.FromInt32(0)), MaxSurge: ptr.To(intstr.FromInt32(1)),
			}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: copyLabels(labels)}, Spec: pod},
		},
	}
}

func probe(path string, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("health"), Scheme: corev1.URISchemeHTTP}},
		PeriodSeconds:    10,
		TimeoutSeconds:   2,
		FailureThreshold: failures,
	}
}

// podDisruptionBudget lets a voluntary eviction take one pod at a time: with
// two or more replicas some always serve; with one, a drain is not blocked
// forever (a single replica is not highly available, and the
// configuration's failurePolicy says what happens meanwhile). Unhealthy pods
// may always go, so a crash-looping replica never blocks a drain.
func podDisruptionBudget(n Names, labels map[string]string) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: policyv1.SchemeGroupVersion.String(), Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(n.Stack, n.Namespace, labels),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable:             ptr.To(intstr.FromInt32(1)),
			Selector:                   &metav1.LabelSelector{MatchLabels: selector(n)},
			UnhealthyPodEvictionPolicy: ptr.To(policyv1.AlwaysAllow),
		},
	}
}

func service(n Names, labels map[string]string) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(n.Stack, n.Namespace, labels),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: selector(n),
			Ports: []corev1.ServicePort{{
				Name: "webhook", Port: servicePort, TargetPort: intstr.FromString("webhook"), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
}

// webhookConfiguration sends the kinds the spec governs to the webhook on
// create and update. The system namespaces and the webhook's own are never
// sent: the webhook must never block what keeps the cluster, or itself,
// running.
func webhookConfiguration(n Names, s kspecv1alpha1.WebhookSettings, set *rules.Set, labels map[string]string) *admissionregistrationv1.ValidatingWebhookConfiguration {
	m := objectMeta(n.Stack, "", labels)
	m.Annotations = map[string]string{AnnotationInjectCA: n.Namespace + "/" + n.ServingCertificate}
	return &admissionregistrationv1.ValidatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: admissionregistrationv1.SchemeGroupVersion.String(), Kind: "ValidatingWebhookConfiguration"},
		ObjectMeta: m,
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name: WebhookName,
			ClientConfig: admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{
				Namespace: n.Namespace, Name: n.Stack, Path: ptr.To(validatePath), Port: ptr.To[int32](servicePort),
			}},
			Rules:         set.MatchRules(),
			FailurePolicy: ptr.To(admissionregistrationv1.FailurePolicyType(s.FailurePolicy)),
			MatchPolicy:   ptr.To(admissionregistrationv1.Equivalent),
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpNotIn, Values: excluded(n.Namespace),
			}}},
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			TimeoutSeconds:          ptr.To(s.TimeoutSeconds),
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
}

// excluded are the namespaces the webhook is never sent objects of, sorted.
func excluded(own string) []string {
	ns := rules.SystemNamespaces()
	if !slices.Contains(ns, own) {
		ns = append(ns, own)
	}
	slices.Sort(ns)
	return ns
}
