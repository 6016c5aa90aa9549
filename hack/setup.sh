#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh machine; quick no-op when all is present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Node.js 24 LTS (installed into the cache when the machine's node is older).
. hack/node.sh

# npm dependencies. onnxruntime-node's install script would download CUDA binaries, which fails
# offline; the CPU runtime is bundled in the package, so ONNXRUNTIME_NODE_INSTALL=skip (the
# environment variable it reads; npm 11 warns that an .npmrc key for it will stop working). `npm install` rather
# than `npm ci`: npm 11 writes lockfiles without the optional native bindings of other platforms,
# which `npm ci` then rejects as out of sync; the lockfile's versions are used either way.
if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm install (from package-lock.json)"; ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund
fi

# Debian packages: openssl (test PKI), prometheus (real Prometheus in e2e and the demo), and the
# container tools below.
need=()
command -v openssl >/dev/null || need+=(openssl)
command -v prometheus >/dev/null || need+=(prometheus)
# buildah, podman, runc, debootstrap: `npm run image` and its e2e test (no Docker daemon needed).
if [[ -z "${SLICE_SKIP_IMAGE:-}" ]] && command -v apt-get >/dev/null; then
  for p in buildah podman runc debootstrap; do command -v "$p" >/dev/null || [[ -x "/usr/sbin/$p" ]] || need+=("$p"); done
fi
if (( ${#need[@]} )); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    echo "error: missing ${need[*]}; install them (Debian: apt-get install ${need[*]})" >&2; exit 2
  fi
  sudo_=""; [[ $(id -u) -ne 0 ]] && sudo_="sudo"
  echo "==> apt-get install ${need[*]}"
  $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Control-plane binaries (built once from the Go module proxy, cached outside the repo).
if [[ -z "${SLICE_OPERATOR_ASSETS:-}${KUBEBUILDER_ASSETS:-}" ]]; then
  bash hack/bins/build.sh >/dev/null
fi
