#!/usr/bin/env bash
# Builds the real control-plane binaries used by the tests and the demo from the Go module proxy:
# kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (k8s.io/kubernetes), etcd 3.6,
# kwok and helm. Output: $SLICE_OPERATOR_BIN_DIR, default ~/.cache/slice-operator/bin/<key>, where
# <key> changes whenever a pinned version or this script changes. Idempotent: a complete directory
# (marked by .complete) is reused as is.
#
# Usage: hack/bins/build.sh            build if needed, print the directory
#        hack/bins/build.sh --print    print the directory, build nothing
#
# SLICE_OPERATOR_K8S_VERSION=v1.NN.P builds the four Kubernetes binaries of another release (for
# `npm run test:matrix`): a wrapper module is generated in the cache from that release's go.mod
# (each staging module replaced by its published v0.NN tag, or the nearest lower patch the proxy
# serves), and etcd, kwok and helm are taken from the pinned build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PINNED_K8S_VERSION=v1.34.4
K8S_VERSION="${SLICE_OPERATOR_K8S_VERSION:-$PINNED_K8S_VERSION}"
HELM_VERSION=v3.19.5
cache="${XDG_CACHE_HOME:-$HOME/.cache}/slice-operator"

if [[ ! "$K8S_VERSION" =~ ^v1\.[0-9]+\.[0-9]+$ ]]; then
  echo "error: SLICE_OPERATOR_K8S_VERSION must look like v1.31.14, not '$K8S_VERSION'" >&2; exit 2
fi
key="$(cat "$here/build.sh" "$here/build-k8s.sh" "$here"/*/go.mod | sha256sum | cut -c1-12)"
if [[ "$K8S_VERSION" != "$PINNED_K8S_VERSION" ]]; then
  key="$(cat "$here/build.sh" "$here/build-other.sh" "$here/build-k8s.sh" | sha256sum | cut -c1-12)"
  out="${SLICE_OPERATOR_BIN_DIR:-$cache/bin/k8s-$K8S_VERSION-$key}"
  if [[ "${1:-}" == "--print" || -f "$out/.complete" ]]; then echo "$out"; exit 0; fi
  pinned="$(SLICE_OPERATOR_K8S_VERSION='' SLICE_OPERATOR_BIN_DIR='' bash "$here/build.sh")"
  exec bash "$here/build-other.sh" "$K8S_VERSION" "$out" "$pinned"
fi
out="${SLICE_OPERATOR_BIN_DIR:-$cache/bin/k8s-$K8S_VERSION-$key}"

if [[ "${1:-}" == "--print" ]]; then echo "$out"; exit 0; fi
if [[ -f "$out/.complete" ]]; then echo "$out"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
error: the Go toolchain (go >= 1.24) is needed to build kube-apiserver, etcd, kwok and helm,
       and 'go' is not on PATH. Either install Go, or point SLICE_OPERATOR_ASSETS (or
       KUBEBUILDER_ASSETS) at a directory holding prebuilt binaries named
       etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok helm.
MSG
  exit 2
fi

mkdir -p "$out"
log() { echo "[build-bins] $*" >&2; }
start=$(date +%s)

# Same flags as upstream release builds: static, trimmed, no test hooks.
export CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"

bash "$here/build-k8s.sh" "$here/k8s" "$K8S_VERSION" "$out"

log "building etcd"
etcd_version="$(cd "$here/etcd" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
(cd "$here/etcd" && go build -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3)

log "building kwok"
kwok_version="$(cd "$here/kwok" && go list -m -f '{{.Version}}' sigs.k8s.io/kwok)"
(cd "$here/kwok" && go build -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$kwok_version" -o "$out/kwok" sigs.k8s.io/kwok/cmd/kwok)

log "building helm $HELM_VERSION"
helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  helm_ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$minor"
done
(cd "$here/helm" && go build -ldflags "$helm_ldflags" -o "$out/helm" helm.sh/helm/v3/cmd/helm)

printf 'k8s=%s etcd=%s kwok=%s helm=%s built=%s seconds=%s\n' "$K8S_VERSION" "$etcd_version" \
  "$kwok_version" "$HELM_VERSION" "$build_date" "$(( $(date +%s) - start ))" > "$out/.complete"
log "done in $(( $(date +%s) - start ))s -> $out"
echo "$out"
