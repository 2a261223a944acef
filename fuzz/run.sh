#!/usr/bin/env bash
# fuzz/run.sh — run the libFuzzer harnesses of a fuzz build, one after the
# other, and print what each did.  `make fuzz` and `make fuzz-smoke` call it.
#
# usage: fuzz/run.sh [--smoke] BUILD_DIR SECONDS [HARNESS...]
#   BUILD_DIR  a build configured with -DEV_FUZZ=ON (binaries in BUILD_DIR/fuzz)
#   SECONDS    per harness
#   HARNESS    names without fuzz_ (default: every fuzz_* binary there)
#   --smoke    stop a harness at its first failure (default: restart it, up to
#              5 runs, until its time is used)
#
# Each harness grows its own working corpus, BUILD_DIR/corpus/NAME (kept
# between runs, outside git), starting from fuzz/corpus/NAME and the
# regression inputs of up to 4 KB; failing inputs go to BUILD_DIR/artifacts/NAME/
# (crash-*, leak-*, timeout-*, oom-*); the full output to BUILD_DIR/logs.
# Limits: 1 s per input (our readers are linear), 2 GB of RSS, 1 GB per
# allocation.  FUZZ_NICE (default 10) is the niceness; FUZZ_FLAGS adds
# libFuzzer flags.  Exit status 1 when any harness failed.
set -uo pipefail

smoke=0
if [ "${1:-}" = "--smoke" ]; then
  smoke=1
  shift
fi
if [ $# -lt 2 ]; then
  echo "usage: fuzz/run.sh [--smoke] BUILD_DIR SECONDS [HARNESS...]" >&2
  exit 2
fi
build=$1
seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)

# Largest input per harness: text readers get room for the sizes where
# super-linear work shows within the 1 s limit.
max_len() {
  case $1 in
    text_tensor | metadata) echo 65536 ;;
    checkpoint) echo 16384 ;;
    npz) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

if [ $# -gt 0 ]; then
  harnesses=("$@")
else
  harnesses=()
  for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] && harnesses+=("${bin##*/fuzz_}")
  done
fi
if [ ${#harnesses[@]} -eq 0 ]; then
  echo "fuzz/run.sh: no harnesses in $build/fuzz (configure with -DEV_FUZZ=ON and build 'fuzzers')" >&2
  exit 2
fi

mkdir -p "$build/logs"
summary=()
failed=0
for h in "${harnesses[@]}"; do
  bin="$build/fuzz/fuzz_$h"
  if [ ! -x "$bin" ]; then
    echo "fuzz/run.sh: no harness $bin" >&2
    failed=1
    continue
  fi
  corpus="$build/corpus/$h"
  artifacts="$build/artifacts/$h"
  log="$build/logs/$h.log"
  mkdir -p "$corpus" "$artifacts"
  : >"$log"
  opts=(-timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1
        "-max_len=$(max_len "$h")" "-artifact_prefix=$artifacts/")
  [ -f "$root/fuzz/dict/$h.dict" ] && opts+=("-dict=$root/fuzz/dict/$h.dict")
  # Seeds: fuzz/corpus/NAME and the regression inputs of up to 4 KB.  The
  # larger ones (hostile sizes) are replayed by ctest; as seeds they would set
  # libFuzzer's length limit to their size from the first mutation on and cut
  # the executions per second by orders of magnitude.
  seeds=()
  [ -d "$root/fuzz/corpus/$h" ] && seeds+=("$root/fuzz/corpus/$h")
  small="$build/seeds/$h"
  rm -rf "$small"
  mkdir -p "$small"
  if [ -d "$root/fuzz/regressions/$h" ]; then
    find "$root/fuzz/regressions/$h" -maxdepth 1 -type f -size -4097c ! -name '*.md' -exec cp {} "$small/" \;
  fi
  seeds+=("$small")
  # shellcheck disable=SC2206
  extra=(${FUZZ_FLAGS:-})
  echo "fuzz: $h for ${seconds}s ..." >&2
  left=$seconds
  execs=0
  cov=0
  ft=0
  runs=0
  found=()
  while [ "$left" -gt 0 ] && [ $runs -lt 5 ]; do
    runs=$((runs + 1))
    start=$(date +%s)
    before=$(find "$artifacts" -type f | sort)
    run_log=$(mktemp)
    # ASan: leaks on; UBSan: stop at the first report (it is a crash here)
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
      OMP_NUM_THREADS=1 nice -n "${FUZZ_NICE:-10}" "$bin" "${opts[@]}" "${extra[@]}" -max_total_time="$left" \
      "$corpus" "${seeds[@]}" >"$run_log" 2>&1
    rc=$?
    cat "$run_log" >>"$log"
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run_log" | tail -1)
    [ -z "$n" ] && n=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$run_log" | tail -1)
    execs=$((execs + ${n:-0}))
    line=$(grep -E ' cov: [0-9]+ ft: [0-9]+' "$run_log" | tail -1)
    c=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1/p' <<<"$line")
    f=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\2/p' <<<"$line")
    [ -n "$c" ] && [ "$c" -gt "$cov" ] && cov=$c
    [ -n "$f" ] && [ "$f" -gt "$ft" ] && ft=$f
    rm -f "$run_log"
    left=$((left - ($(date +%s) - start)))
    [ $rc -eq 0 ] && break
    new=$(comm -13 <(echo "$before") <(find "$artifacts" -type f | sort) | grep -v '^$')
    if [ -n "$new" ]; then
      while IFS= read -r a; do found+=("$a"); done <<<"$new"
    else
      found+=("(exit status $rc, no artifact: see $log)")
    fi
    [ $smoke -eq 1 ] && break
  done
  [ ${#found[@]} -gt 0 ] && failed=1
  summary+=("$(printf '%-15s %6ss %12s %6s %7s %7s  %s' "$h" "$seconds" "$execs" "$cov" "$ft" \
    "$(find "$corpus" -type f | wc -l)" "${#found[@]}")")
  for a in "${found[@]}"; do summary+=("    $a"); done
done

printf '\n%-15s %7s %12s %6s %7s %7s  %s\n' harness time executions cov ft corpus failures
for s in "${summary[@]}"; do echo "$s"; done
if [ $failed -ne 0 ]; then
  echo
  echo "fuzz: failures above (reproduce: $build/fuzz/fuzz_NAME FILE; minimise: -minimize_crash=1 -runs=10000 FILE;"
  echo "      then add the input to fuzz/regressions/NAME/, see fuzz/README.md)"
fi
exit $failed
