#!/usr/bin/env bash
# PCA benchmark: embview beside scikit-learn on Fashion-MNIST 70,000 x 784,
# to 50 and to 2 components, each as a whole process (load to written result),
# wall time and peak RSS from GNU time.  Prints a markdown table.
#
# usage: bench/run_pca.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
exe="$build/embview"
out=bench/out/pca
mkdir -p "$out"
data=$(/usr/bin/python3 bench/prepare_data.py bench/data)
idx="$data/fashion70k-images-idx3-ubyte"
threads=${THREADS:-2}
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads

# run NAME CMD...: whole-process wall seconds and peak MB into $out/NAME.time
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.log" 2>&1
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; threads: $threads"
# warm the page cache so both tools read the file from memory
cat "$idx" > /dev/null
for k in 50 2; do
  run "embview_k$k" "$exe" embed "$idx" --dims $k -o "$out/embview_k$k.npy" --threads $threads --quiet
  run "embview_eig_k$k" "$exe" embed "$idx" --dims $k --solver eig -o "$out/embview_eig_k$k.npy" --threads $threads --quiet
  run "embview_rand_k$k" "$exe" embed "$idx" --dims $k --solver randomized -o "$out/embview_rand_k$k.npy" --threads $threads --quiet
  run "sklearn_rand_k$k" /usr/bin/python3 bench/pca_sklearn.py "$idx" $k randomized "$out/sklearn_rand_k$k.npy"
  run "sklearn_full_k$k" /usr/bin/python3 bench/pca_sklearn.py "$idx" $k full "$out/sklearn_full_k$k.npy"
done

echo
echo "| run | k | solver | wall s | peak MB | fit s (sklearn) | explained variance | vs exact |"
echo "|---|---|---|---|---|---|---|---|"
for k in 50 2; do
  checks=$(/usr/bin/python3 bench/pca_check.py "$idx" "$out/sklearn_full_k$k.npy" \
    "$out/embview_k$k.npy" "$out/embview_eig_k$k.npy" "$out/embview_rand_k$k.npy" \
    "$out/sklearn_rand_k$k.npy" "$out/sklearn_full_k$k.npy")
  for name in embview_k$k embview_eig_k$k embview_rand_k$k sklearn_rand_k$k sklearn_full_k$k; do
    read -r wall rss < "$out/$name.time"
    fit=$(sed -n 's/.*"fit_s": \([0-9.]*\).*/\1/p' "$out/$name.log" | head -1)
    solver=$(sed -n 's/^pca (\([a-z]*\) solver).*/\1/p' "$out/$name.log")
    [ -z "$solver" ] && solver=$(echo "$name" | sed 's/sklearn_\([a-z]*\)_.*/\1/')
    line=$(echo "$checks" | grep "/$name.npy")
    expl=$(echo "$line" | sed 's/.*"explained": \([0-9.e-]*\).*/\1/')
    rel=$(echo "$line" | sed 's/.*"rel_diff": \([0-9.e-]*\).*/\1/')
    printf "| %s | %s | %s | %.2f | %.0f | %s | %.5f | %+.2e |\n" "${name%_k$k}" "$k" "$solver" \
      "$wall" "$(awk "BEGIN{print $rss/1024}")" "${fit:--}" "$expl" "$rel"
  done
done
