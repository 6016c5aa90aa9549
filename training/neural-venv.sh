# Sourced by neural-peer.sh: training/.venv-neural (gitignored) with the pinned requirements of
# the neural peer (requirements-neural.txt). Sets $neural_py. One thread, as the other peers.
neural_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.venv-neural"
py="${PYTHON:-python3.11}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "neural peer: $py not found (need Python 3.11; set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x "$neural_dir/bin/python" ]; then
  "$py" -m venv "$neural_dir"
fi
"$neural_dir/bin/pip" install --quiet --disable-pip-version-check -r "$(dirname "$neural_dir")/requirements-neural.txt"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
neural_py="$neural_dir/bin/python"
