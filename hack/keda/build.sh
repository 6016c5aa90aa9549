#!/usr/bin/env bash
# Builds KEDA's operator and metrics API server (adapter) from the Go module proxy, for the
# e2e test that validates the what-if twin against a real KEDA + kube-controller-manager HPA.
# Output: $SLICE_OPERATOR_KEDA_DIR, default ~/.cache/slice-operator/bin/keda-<version>-<key>
# (<key> changes with this script or go.mod), holding keda-operator, keda-adapter and crds/.
# Separate from hack/bins/build.sh so that the control-plane cache key stays unchanged.
# Idempotent: a complete directory (marked by .complete) is reused as is.
#
# Usage: hack/keda/build.sh            build if needed, print the directory
#        hack/keda/build.sh --print    print the directory, build nothing
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
key="$(cat "$here/build.sh" "$here/go.mod" | sha256sum | cut -c1-12)"
version="$(sed -n 's/^require github.com\/kedacore\/keda\/v2 \(v[0-9.]*\)$/\1/p;s/^\tgithub.com\/kedacore\/keda\/v2 \(v[0-9.]*\).*$/\1/p' "$here/go.mod" | head -1)"
out="${SLICE_OPERATOR_KEDA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/slice-operator/bin/keda-$version-$key}"

if [[ "${1:-}" == "--print" ]]; then echo "$out"; exit 0; fi
if [[ -f "$out/.complete" ]]; then echo "$out"; exit 0; fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: building KEDA needs the Go toolchain (go >= 1.26) on PATH, or SLICE_OPERATOR_KEDA_DIR" >&2
  echo "       pointing at a directory with keda-operator, keda-adapter and crds/." >&2
  exit 2
fi

mkdir -p "$out/crds"
start=$(date +%s)
export CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false"
echo "[build-keda] building KEDA $version operator + adapter (several minutes on 2 cores)" >&2
ldflags="-s -w -X github.com/kedacore/keda/v2/version.Version=$version"
# One go build for both: they share most packages. Binaries come out named operator, adapter.
(cd "$here" && go build -ldflags "$ldflags" -o "$out/" \
  github.com/kedacore/keda/v2/cmd/operator github.com/kedacore/keda/v2/cmd/adapter)
mv "$out/operator" "$out/keda-operator"; mv "$out/adapter" "$out/keda-adapter"
moddir="$(cd "$here" && go list -m -f '{{.Dir}}' github.com/kedacore/keda/v2)"
# Every CRD the operator watches (keda.sh and eventing.keda.sh): it stops when one is missing.
cp "$moddir"/config/crd/bases/*.yaml "$out/crds/"
chmod u+w "$out"/crds/*.yaml
printf 'keda=%s built=%s seconds=%s\n' "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(( $(date +%s) - start ))" > "$out/.complete"
echo "[build-keda] done in $(( $(date +%s) - start ))s -> $out" >&2
echo "$out"
