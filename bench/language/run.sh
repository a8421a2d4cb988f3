#!/usr/bin/env bash
# Times `tempo run` against CPython on the same programs on this machine (best of 3).
set -euo pipefail
TEMPO=${1:-.build/release/tempo}
PY=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
best() { # best wall time of three runs, in seconds
  local best=999
  for _ in 1 2 3; do
    local start end t
    start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
  done
  printf '%.3f' "$best"
}
printf '%-12s %10s %10s %8s\n' program tempo_s cpython_s ratio
for name in loop fib nested; do
  t=$(best "$TEMPO" run "$here/$name.tempo")
  p=$(best "$PY" "$here/$name.py")
  printf '%-12s %10s %10s %8.2f\n' "$name" "$t" "$p" "$(echo "$p / $t" | bc -l)"
done
echo "(ratio = CPython time / Tempo time; above 1 means Tempo is faster; $($PY --version))"
