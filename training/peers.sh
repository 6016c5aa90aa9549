#!/usr/bin/env bash
# The Python peers of the evaluation (training/peers.py) in the training venv; run by
# tools/eval/peers.ts when its cache lacks them. Arguments go to peers.py.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/venv.sh"
exec "$venv_py" "$here/peers.py" "$@"
