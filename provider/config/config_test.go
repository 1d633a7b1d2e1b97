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

package config

import (
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/kspec-io/kspec/apis/provider/v1alpha1"
)

var ref = &xpv2.SecretKeySelector{SecretReference: xpv2.SecretReference{Namespace: "ns", Name: "s"}, Key: "kubeconfig"}

func kc(user string) []byte {
	return []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://x"}}]
users: [{name: u, user: ` + user + `}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`)
}

func TestKubeconfig(t *testing.T) {
	cfg, err := kubeconfigConfig(kc(`{token: secret-token}`), ref)
	assert.NoError(t, err)
	assert.Equal(t, "https://x", cfg.Host)

	for name, user := range map[string]string{
		"token file":  `{tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token}`,
		"cert file":   `{client-certificate: /etc/passwd, client-key: /etc/shadow}`,
		"exec plugin": `{exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: [-c, "id"]}}`,
	} {
		_, err := kubeconfigConfig(kc(user), ref)
		assert.Error(t, err, name)
		assert.Equal(t, ReasonCredentialsInvalid, ReasonOf(err), name)
	}
	_, err = kubeconfigConfig([]byte("secret-token-in-garbage: ["), ref)
	assert.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-token-in-garbage", "a parse error never quotes the content")
}

func TestToken(t *testing.T) {
	_, err := tokenConfig(nil, []byte("t"))
	assert.Equal(t, ReasonCredentialsInvalid, ReasonOf(err))
	cfg, err := tokenConfig(&v1alpha1.ServerEndpoint{URL: "https://x", CAData: []byte("ca"), ProxyURL: "http://proxy:3128"}, []byte("t"))
	assert.NoError(t, err)
	u, err := cfg.Proxy(nil)
	assert.NoError(t, err)
	assert.Equal(t, "proxy:3128", u.Host)
}

func TestClassify(t *testing.T) {
	gr := schema.GroupResource{Resource: "namespaces"}
	cases := map[Reason]error{
		ReasonUnauthorized: kerrors.NewUnauthorized("token abc rejected"),
		ReasonForbidden:    kerrors.NewForbidden(gr, "kube-system", errors.New("no")),
		ReasonServerError:  kerrors.NewInternalError(errors.New("etcd")),
		ReasonUnreachable:  &url.Error{Op: "Get", URL: "https://x", Err: errors.New("connection refused")},
	}
	for want, err := range cases {
		got := Classify(fmt.Errorf("wrapped: %w", err))
		assert.Equal(t, want, ReasonOf(got), err.Error())
	}
	assert.NotContains(t, Classify(kerrors.NewUnauthorized("token abc rejected")).Error(), "abc", "a 401's body is not repeated")
	assert.Nil(t, Classify(nil))
}
