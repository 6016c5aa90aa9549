# Sourced by train.sh, peers.sh and neural-peer.sh: a venv (gitignored) with exact pins. Sets
# $venv_py. By default training/.venv with requirements.txt; with venv_name=neural set first,
# training/.venv-neural with requirements-neural.txt (the neural peer's PyTorch, which nothing
# else needs). Single-threaded numerics keep reductions in a fixed order (reproducible runs) and
# leave the other core to the rest of the machine.
venv_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv_suffix="${venv_name:+-$venv_name}"
venv_dir="$venv_here/.venv$venv_suffix"
py="${PYTHON:-python3.11}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "training: $py not found (need Python 3.11; set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x "$venv_dir/bin/python" ]; then
  "$py" -m venv "$venv_dir"
fi
"$venv_dir/bin/pip" install --quiet --disable-pip-version-check -r "$venv_here/requirements$venv_suffix.txt"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1 PYTHONHASHSEED=0
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
venv_py="$venv_dir/bin/python"
