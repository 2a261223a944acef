#!/usr/bin/env bash
# fuzz/campaign.sh — a fuzzing campaign counted in CPU time, not wall time.
#
# Each harness runs in chunks of fuzz/run.sh until its fuzzer has used
# CPU_SECONDS of CPU, however busy the machine is; the tally survives
# between runs and sessions (BUILD_DIR/campaign/NAME.tsv, one line per
# chunk), as the working corpus does.  On a busy machine libFuzzer's
# wall-clock -timeout flags inputs that were only waiting for a CPU, so the
# chunks run with -timeout=10, and every timeout-* artifact is replayed
# under the tests' limit of 1 s of CPU time (REPLAY_BUILD/fuzz/replay_NAME),
# which decides whether it is real; the ones that pass are moved to
# BUILD_DIR/artifacts/NAME/not-reproduced/.
#
# usage: fuzz/campaign.sh BUILD_DIR CPU_SECONDS [HARNESS...]
#        fuzz/campaign.sh --summary BUILD_DIR
#   REPLAY_BUILD  a test build with the replay_* binaries (default: build)
#   CHUNK         wall seconds per chunk (default 600)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

summary() {
  local dir=$1/campaign
  printf '%-15s %9s %7s %12s %6s %7s %7s %s\n' harness cpu_s chunks executions cov ft corpus failures
  for f in "$dir"/*.tsv; do
    [ -f "$f" ] || continue
    awk -F'\t' -v h="$(basename "$f" .tsv)" '
      { cpu += $2; n++; ex += $3; cov = $4; ft = $5; corpus = $6; fail += $7 }
      END { printf "%-15s %9.0f %7d %12d %6s %7s %7s %d\n", h, cpu, n, ex, cov, ft, corpus, fail }' "$f"
  done
}

if [ "${1:-}" = "--summary" ]; then
  summary "${2:?usage: fuzz/campaign.sh --summary BUILD_DIR}"
  exit 0
fi
if [ $# -lt 2 ]; then
  echo "usage: fuzz/campaign.sh BUILD_DIR CPU_SECONDS [HARNESS...]" >&2
  exit 2
fi
build=$1
target=$2
shift 2
replay=${REPLAY_BUILD:-build}
chunk=${CHUNK:-600}
mkdir -p "$build/campaign"
if [ $# -gt 0 ]; then
  harnesses=("$@")
else
  harnesses=()
  for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] && harnesses+=("${bin##*/fuzz_}")
  done
fi

for h in "${harnesses[@]}"; do
  tally="$build/campaign/$h.tsv"
  touch "$tally"
  while :; do
    used=$(awk -F'\t' '{ s += $2 } END { printf "%d", s }' "$tally")
    [ "$used" -ge "$target" ] && break
    out=$(mktemp)
    times=$(mktemp)
    # (CPU of run.sh and the fuzzer it waits for: user + system)
    FUZZ_FLAGS="-timeout=10 ${FUZZ_FLAGS:-}" /usr/bin/time -f '%U %S' -o "$times" \
      "$root/fuzz/run.sh" "$build" "$chunk" "$h" >"$out" 2>&1
    cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$times")
    row=$(awk -v h="$h" '$1 == h && $2 ~ /s$/ { print $3 "\t" $4 "\t" $5 "\t" $6; exit }' "$out")
    [ -z "$row" ] && row='0\t0\t0\t0'
    # timeouts: real only if they take over 1 s of CPU when replayed alone
    real=0
    mkdir -p "$build/artifacts/$h/not-reproduced"
    for a in "$build/artifacts/$h"/timeout-*; do
      [ -f "$a" ] || continue
      if EV_FUZZ_REPLAY_LIMIT_S=1 "$replay/fuzz/replay_$h" "$a" >/dev/null 2>&1; then
        mv "$a" "$build/artifacts/$h/not-reproduced/"
      else
        real=$((real + 1))
      fi
    done
    other=$(find "$build/artifacts/$h" -maxdepth 1 -type f ! -name 'timeout-*' | wc -l)
    # one line per chunk: time, CPU s, executions, cov, ft, corpus, failures
    printf '%s\t%s\t%b\t%d\n' "$(date -u +%FT%TZ)" "$cpu" "$row" $((real + other)) >>"$tally"
    echo "campaign: $h: a chunk of $cpu CPU s, $(tail -1 "$tally" | cut -f3) executions;" \
      "$((used + ${cpu%.*})) of $target CPU s" >&2
    rm -f "$out" "$times"
  done
done
summary "$build"
