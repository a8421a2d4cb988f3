#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzzer + address sanitizers) and runs each for a while.
# Usage: Fuzz/run.sh [SECONDS] [TARGET…]     (default: 60 s each, every target)
#   SECONDS  per target; the run also stops after FUZZ_RUNS inputs when that is set
#   TARGET   FuzzWire FuzzJSON FuzzSafeTensors FuzzDataFiles FuzzLanguage
# Seeds come from Fuzz/Corpus/<target>/ (committed); what libFuzzer finds goes to
# Fuzz/.work/<target>/corpus, crashes and leaks to Fuzz/.work/<target>/ (add a crash input to
# Fuzz/Corpus/<target>/ once it is fixed, so every later run replays it). Exits non-zero on
# any crash, leak or timeout, after running every target.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzWire FuzzJSON FuzzSafeTensors FuzzDataFiles FuzzLanguage)

cd "$here"
flags=(-c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
  -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
for target in "${targets[@]}"; do
  swift build "${flags[@]}" --product "$target" 2>&1 | grep -vE "Cannot export local symbol|prohibited flag" \
    | grep -E "error|Compiling|Build" | tail -3
done
bin=$(swift build "${flags[@]}" --show-bin-path)

export SWIFT_BACKTRACE=enable=no  # libFuzzer and ASan print the crash; Swift's backtracer trips ASan
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}
status=0
summary=()
for target in "${targets[@]}"; do
  work="$here/.work/$target"
  mkdir -p "$work/corpus"
  log="$work/last-run.log"
  runs=()
  [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
  echo "== $target: $seconds s"
  "$bin/$target" -max_total_time="$seconds" "${runs[@]}" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" "$here/Corpus/${target#Fuzz}" > "$log" 2>&1
  code=$?
  units=$(grep -o "stat::number_of_executed_units: *[0-9]*" "$log" | grep -o "[0-9]*$" || echo "?")
  coverage=$(grep -oE "cov: [0-9]+ ft: [0-9]+" "$log" | tail -1)
  corpus=$(ls "$work/corpus" | wc -l)
  line="$target: $units inputs, $coverage, corpus $corpus, exit $code"
  if [ "$code" -ne 0 ]; then
    status=1
    line="$line — FAILED (see $log)"
    grep -E "ERROR|SUMMARY|Fatal error|panic|Test unit written" "$log" | head -5
  fi
  echo "$line"
  summary+=("$line")
done
echo
printf '%s\n' "${summary[@]}"
exit $status
