#!/usr/bin/env bash
# The evaluation's neural peer (training/neural_peer.py) in its own venv; run by
# tools/eval/peers.ts when its cache lacks it. Arguments go to neural_peer.py.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv_name=neural
source "$here/venv.sh"
exec "$venv_py" "$here/neural_peer.py" "$@"
