#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler and kubectl of one Kubernetes
# release other than the pinned one (called by build.sh). k8s.io/kubernetes replaces its staging
# modules with ./staging paths, which a dependent module ignores, so the generated wrapper module
# replaces each with its published v0.NN.P tag, stepping down a patch where the proxy refuses one
# (it refuses k8s.io/{endpointslice,kube-controller-manager,kube-scheduler}@v0.31.14, for one).
# etcd, kwok and helm are linked from the pinned build.
#
# Usage: build-other.sh v1.NN.P OUT_DIR PINNED_BIN_DIR
set -euo pipefail
version="$1" out="$2" pinned="$3"
minor="${version#v1.}"; minor="${minor%%.*}"
patch="${version##*.}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/slice-operator"
mod="$cache/k8s-src/$version"
log() { echo "[build-bins] $*" >&2; }
start=$(date +%s)

if [[ ! -f "$mod/go.sum" ]]; then
  log "generating the wrapper module for k8s.io/kubernetes $version in $mod"
  rm -rf "$mod" && mkdir -p "$mod"
  gomod="$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  gover="$(sed -n 's/^go \(.*\)$/\1/p' "$gomod")"
  staging="$(sed -n 's#^\t\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod")"
  {
    echo "module slice-operator.local/k8s-$version"
    echo
    echo "go $gover"
    echo
    echo "require k8s.io/kubernetes $version"
    echo
    echo "replace ("
    for m in $staging; do
      p="$patch"
      until go mod download "$m@v0.$minor.$p" 2>/dev/null; do
        (( p > 0 )) || { log "the proxy serves no v0.$minor.x of $m"; exit 1; }
        p=$(( p - 1 ))
      done
      [[ "$p" == "$patch" ]] || log "$m: v0.$minor.$patch refused, using v0.$minor.$p"
      echo "	$m => $m v0.$minor.$p"
    done
    echo ")"
    echo
    echo "tool ("
    for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do echo "	k8s.io/kubernetes/cmd/$c"; done
    echo ")"
  } > "$mod/go.mod.tmp"
  mv "$mod/go.mod.tmp" "$mod/go.mod"
  (cd "$mod" && go mod tidy)
fi

mkdir -p "$out"
bash "$(dirname "${BASH_SOURCE[0]}")/build-k8s.sh" "$mod" "$version" "$out"
for b in etcd kwok helm; do ln -sf "$pinned/$b" "$out/$b"; done
printf 'k8s=%s built=%s seconds=%s (etcd, kwok, helm from %s)\n' "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  "$(( $(date +%s) - start ))" "$pinned" > "$out/.complete"
log "done in $(( $(date +%s) - start ))s -> $out"
echo "$out"
