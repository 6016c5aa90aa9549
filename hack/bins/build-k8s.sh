#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from a wrapper module
# that requires k8s.io/kubernetes, with upstream's flags and version ldflags (else `--version`
# says v0.0.0-master). Used by build.sh (the pinned release) and build-other.sh (test:matrix).
#
# Usage: build-k8s.sh MODULE_DIR v1.NN.P OUT_DIR
set -euo pipefail
mod="$1" version="$2" out="$3"
minor="${version#v1.}"; minor="${minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done
echo "[build-bins] building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $version" >&2
cd "$mod"
CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" go build -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$out/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
