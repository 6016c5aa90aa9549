#!/usr/bin/env bash
# One command to (re)train the forecaster (`npm run train`): creates training/.venv (gitignored),
# installs the pinned requirements, trains with fixed seeds and writes models/forecaster.onnx,
# models/forecaster.card.json and models/MODEL_CARD.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/venv.sh"
data_dir="${MILAN_DATA_DIR:-$root/../shared/data/milan}"
exec "$venv_py" "$here/train.py" \
  --data "${MILAN_DATA:-$data_dir/hourly_squares.csv}" \
  --duplicates "$data_dir/duplicate_rows.txt" \
  --out "$root/models" "$@"
