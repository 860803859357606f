//go:build tools

// Package cluster pins every binary of the test control plane in one module graph: Kubernetes,
// kwok and etcd then agree on one version of each shared module (client-go, grpc, otel, ...), so a
// cold build compiles those packages once instead of once per binary.
package cluster

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
