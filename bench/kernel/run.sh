#!/usr/bin/env bash
# Kernel latency, Tempo against ipykernel (python3), in the same run on this machine.
# Usage: bench/kernel/run.sh KERNELSPEC_PREFIX   (the --prefix given to `tempo install`)
# Prints each kernel's detailed numbers, then one markdown table.
set -euo pipefail
prefix=${1:?usage: bench/kernel/run.sh KERNELSPEC_PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PY=${PYTHON:-$repo/.venv/bin/python}
N=${N:-200}
STARTS=${STARTS:-5}

if [ ! -f "$prefix/share/jupyter/kernels/tempo/kernel.json" ]; then
  echo "no Tempo kernelspec under $prefix/share/jupyter/kernels; run: tempo install --prefix $prefix" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Find the Tempo kernelspec in the prefix, and keep history and connection files out of the
# user's Jupyter directories. python3 is the kernelspec ipykernel installs into the venv.
export JUPYTER_PATH="$prefix/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_DATA_DIR="$work/data" JUPYTER_RUNTIME_DIR="$work/runtime" JUPYTER_CONFIG_DIR="$work/config"
export IPYTHONDIR="$work/ipython" PYDEVD_DISABLE_FILE_VALIDATION=1 JUPYTER_PLATFORM_DIRS=1

"$PY" "$here/latency.py" tempo --n "$N" --starts "$STARTS" \
  --exec-code 1 --complete-code pri \
  --interrupt-code $'var n = 0\nwhile true { n += 1 }' --error-code undefinedName \
  --json "$work/tempo.json"
echo
"$PY" "$here/latency.py" python3 --n "$N" --starts "$STARTS" \
  --exec-code 1 --complete-code pri \
  --interrupt-code 'import time; time.sleep(30)' --error-code '1/0' \
  --json "$work/python3.json"
echo
echo "$(nproc) cores, $("$PY" --version), $(uname -sr); n=$N requests per kind, $STARTS cold starts"
echo
"$PY" "$here/latency.py" --table "$work/tempo.json" "$work/python3.json"
