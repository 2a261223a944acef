#!/bin/bash
# bench/run_hostile_readers.sh — the hostile reader inputs of issue #13 next
# to well-formed files of about the same size: `embview info` on each under
# GNU time, killed past $LIMIT_S seconds or $LIMIT_GB GB of address space.
#
# usage: bench/run_hostile_readers.sh [BUILD_DIR | EMBVIEW] [LABEL]
#   the build folder (default build) or the binary to measure
#   LABEL    a name for the table's title (default: the binary's git commit)
# Inputs: bench/make_hostile.py writes them into bench/out/hostile (once).
# Output: a markdown table on stdout: file, size, wall time, peak RSS,
# outcome (ok, the error message, or what killed it).
set -u
cd "$(dirname "$0")/.."
bin=${1:-build}
[ -d "$bin" ] && bin=$bin/embview
label=${2:-$(git rev-parse --short HEAD)}
[ -x "$bin" ] || { echo "no embview binary at $bin" >&2; exit 1; }
LIMIT_S=${LIMIT_S:-60}
LIMIT_GB=${LIMIT_GB:-4}
dir=bench/out/hostile
/usr/bin/python3 bench/make_hostile.py "$dir" > /dev/null || exit 1
export OMP_NUM_THREADS=${THREADS:-2}

echo "### $label: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, OMP_NUM_THREADS=$OMP_NUM_THREADS"
echo
echo "| input | kind | size | wall s | peak RSS MB | outcome |"
echo "|---|---|---|---|---|---|"
while IFS=$'\t' read -r name kind args what; do
  f="$dir/$name"
  size=$(stat -c %s "$f")
  hsize=$(numfmt --to=iec --suffix=B "$size")
  argv=()
  for a in $args; do
    case $a in
      {f}) argv+=("$f") ;;
      -*) argv+=("$a") ;;
      *.npy|*.tsv) argv+=("$dir/$a") ;;
      *) argv+=("$a") ;;
    esac
  done
  t=$(mktemp)
  err=$(mktemp)
  ( ulimit -v $((LIMIT_GB * 1024 * 1024))
    exec timeout -s KILL "$LIMIT_S" /usr/bin/time -v -o "$t" "$bin" info "${argv[@]}" ) > /dev/null 2> "$err"
  rc=$?
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$t" |
         awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$t" | awk '{ printf "%.0f", $1 / 1024 }')
  if [ "$rc" = 137 ] || [ -z "$wall" ]; then
    outcome="killed after ${LIMIT_S} s"
    wall=">$LIMIT_S"
    rss="?"
  elif grep -q "out of memory\|cannot allocate\|std::bad_alloc" "$err"; then
    outcome="exit $rc, out of memory at the ${LIMIT_GB} GB limit: $(grep -m1 'error' "$err" | cut -c17-120)"
  elif [ "$rc" = 0 ]; then
    outcome="ok"
  elif grep -q "runtime error\|Sanitizer" "$err"; then
    outcome="exit $rc, $(grep -m1 'runtime error' "$err" | cut -c1-120)"
  else
    outcome="exit $rc: $(grep -m1 'error' "$err" | sed 's/^embview: error: //' | sed "s|$dir/||g" | cut -c1-140)"
  fi
  printf "| %s (%s) | %s | %s | %s | %s | %s |\n" "$name" "$what" "$kind" "$hsize" "$wall" "$rss" "$outcome"
  rm -f "$t" "$err"
done < "$dir/cases.tsv"
