#!/usr/bin/env bash
# kNN benchmark: embview (exact, approx, auto) beside FAISS IndexFlatL2,
# PyNNDescent and hnswlib on Fashion-MNIST 70,000 x 784, k = 15 and 90, each
# as a whole process (load to saved result); wall time and peak RSS from GNU
# time; recall against exact neighbours on a sample of 2,000 points.
#
# usage: bench/run_knn.sh [BUILD_DIR]   (SKIP_REF=1 skips the reference tools)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
exe="$build/embview"
out=bench/out/knn
mkdir -p "$out"
data=$(/usr/bin/python3 bench/prepare_data.py bench/data)
idx="$data/fashion70k-images-idx3-ubyte"
threads=${THREADS:-2}
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads NUMBA_NUM_THREADS=$threads

run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.log" 2>&1 || {
    echo "$name failed:"; cat "$out/$name.log"; return 1; }
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; threads: $threads"
cat "$idx" > /dev/null
names=""
for k in 15 90; do
  for m in exact approx auto; do
    run "embview_${m}_k$k" "$exe" knn "$idx" -k $k --method $m --threads $threads --quiet -o "$out/embview_${m}_k$k.npz"
    names="$names embview_${m}_k$k"
  done
  if [ -z "${SKIP_REF:-}" ]; then
    for tool in faiss pynndescent hnswlib; do
      run "${tool}_k$k" /usr/bin/python3 bench/knn_reference.py $tool "$idx" $k "$out/${tool}_k$k.npy"
      names="$names ${tool}_k$k"
    done
  fi
done

echo
echo "| run | k | wall s | peak MB | recall |"
echo "|---|---|---|---|---|"
for k in 15 90; do
  files=""
  for name in $names; do
    case $name in *_k$k) f="$out/$name.npz"; [ -f "$f" ] || f="$out/$name.npy"; files="$files $f";; esac
  done
  # shellcheck disable=SC2086
  recalls=$(/usr/bin/python3 bench/knn_recall.py "$idx" $k - 2000 $files)
  for name in $names; do
    case $name in *_k$k) ;; *) continue;; esac
    read -r wall rss < "$out/$name.time"
    rec=$(echo "$recalls" | grep "/$name\.np" | sed 's/.*"recall": \([0-9.]*\).*/\1/')
    printf "| %s | %s | %.1f | %.0f | %.4f |\n" "${name%_k$k}" "$k" "$wall" "$(awk "BEGIN{print $rss/1024}")" "$rec"
  done
done
