#!/usr/bin/env bash
# One command to (re)train the forecaster: creates training/.venv (gitignored), installs the
# pinned requirements, trains with fixed seeds and writes models/forecaster.onnx,
# models/forecaster.card.json and models/MODEL_CARD.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
py="${PYTHON:-python3.11}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "train.sh: $py not found (need Python 3.11; set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x "$here/.venv/bin/python" ]; then
  "$py" -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
# Single-threaded BLAS keeps floating-point reductions in a fixed order, so reruns are identical.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
exec "$here/.venv/bin/python" "$here/train.py" \
  --data "${MILAN_DATA:-$root/../shared/data/milan/hourly_squares.csv}" \
  --out "$root/models" "$@"
