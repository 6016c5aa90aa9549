#!/usr/bin/env bash
# Runs each supported Kubernetes minor's own apiextensions validation (k8s-1.NN/: a pinned
# k8s.io/apiextensions-apiserver, main.go shared) over the given CRD files; exit 1 if any minor
# refuses one. Each checker is built once from the Go module proxy into
# ~/.cache/slice-operator/crd-check/<minor>-<key> (about a minute per minor on 2 cores, cold).
#
# Usage: hack/crd-check/check.sh FILE.yaml...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/slice-operator/crd-check"
status=0
for mod in "$here"/k8s-1.*/; do
  minor="$(basename "$mod")"
  key="$(cat "$here/main.go" "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -c1-12)"
  bin="$cache/$minor-$key/crd-check"
  if [[ ! -x "$bin" ]]; then
    echo "[crd-check] building the $minor checker" >&2
    work="$cache/$minor-$key/src"
    mkdir -p "$work"
    cp "$here/main.go" "$mod/go.mod" "$mod/go.sum" "$work/"
    (cd "$work" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w" -o "$bin.tmp" .)
    mv "$bin.tmp" "$bin"
  fi
  "$bin" "$@" | sed "s/^/[$minor] /" || status=1
done
exit "$status"
