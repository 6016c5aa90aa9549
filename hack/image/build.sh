#!/usr/bin/env bash
# `npm run image`: builds the Dockerfile with buildah (no Docker daemon) into the private storage
# of hack/image/env.sh as $SLICE_IMAGE (default localhost/slice-operator:dev), and prints its
# size. Without a reachable registry (SLICE_IMAGE_REGISTRY unset, the default here) the base
# images are local stand-ins made by bases.sh; with one, set SLICE_IMAGE_REGISTRY=1 and the
# digests pinned in the Dockerfile are pulled (as `docker build .` does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. hack/image/env.sh
if ! command -v buildah >/dev/null || ! command -v podman >/dev/null; then
  echo "error: buildah and podman are needed (Debian: apt-get install buildah podman runc; hack/setup.sh installs them)" >&2; exit 2
fi
args=(--pull=never)
if [[ -n "${SLICE_IMAGE_REGISTRY:-}" ]]; then args=(--pull=missing); else read -r -a bases <<<"$(bash hack/image/bases.sh)"; args+=("${bases[@]}"); fi
t0=$(date +%s)
echo "==> buildah bud -t $SLICE_IMAGE" >&2
buildah bud --quiet --layers --network host "${SLICE_CONTAINER_FLAGS[@]}" "${args[@]}" -f Dockerfile -t "$SLICE_IMAGE" . >/dev/null
size="$(podman image inspect "$SLICE_IMAGE" --format '{{.Size}}')"
echo "[image] $SLICE_IMAGE built in $(( $(date +%s) - t0 ))s, $(( size / 1000000 )) MB uncompressed" >&2
