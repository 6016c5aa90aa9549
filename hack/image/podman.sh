#!/usr/bin/env bash
# podman on the private storage of env.sh; `run` gets the runtime and rlimit flags this host needs.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [[ "${1:-}" == "run" ]]; then shift; exec podman run "${SLICE_CONTAINER_FLAGS[@]}" "$@"; fi
exec podman "$@"
