# Sourced by train.sh and peers.sh: training/.venv (gitignored) with the pinned requirements.
# Sets $venv_py. Single-threaded numerics keep reductions in a fixed order (reproducible runs) and
# leave the other core to the rest of the machine.
venv_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.venv"
py="${PYTHON:-python3.11}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "training: $py not found (need Python 3.11; set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x "$venv_dir/bin/python" ]; then
  "$py" -m venv "$venv_dir"
fi
"$venv_dir/bin/pip" install --quiet --disable-pip-version-check -r "$(dirname "$venv_dir")/requirements.txt"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1 PYTHONHASHSEED=0
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
venv_py="$venv_dir/bin/python"
