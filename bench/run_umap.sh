#!/usr/bin/env bash
# UMAP benchmark: embview (2-D and 3-D) beside uwot on MNIST-10k and
# Fashion-MNIST-70k, n_neighbors 15, min_dist 0.1, two threads; whole-process
# wall time and peak RSS (GNU time), 10-NN accuracy and recall
# (bench/embed_quality.py).  uwot runs twice: with its default single-threaded
# SGD, and with its SGD on both threads.  Writes a PNG of embview's MNIST-10k
# map.  SKIP_REF=1 runs embview only; SETS picks the data sets.
#
# usage: bench/run_umap.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
build=${1:-build}
exe="$build/embview"
out=bench/out/umap
mkdir -p "$out"
declare -A images labels
bench_setup
rows=""
for s in ${SETS:-mnist10k fashion70k}; do
  for d in 2 3; do
    bench_run "embview_${s}_${d}d" "$exe" embed "${images[$s]}" --method umap --dims $d --threads $threads \
      --quiet -o "$out/embview_${s}_${d}d.npy" || true
    rows="$rows embview_${s}_${d}d"
  done
  if [ -z "${SKIP_REF:-}" ]; then
    for d in 2 3; do
      bench_run "uwot_${s}_${d}d" Rscript bench/umap_uwot.R "${images[$s]}" "$out/uwot_${s}_${d}d.tsv" $d || true
      rows="$rows uwot_${s}_${d}d"
    done
    bench_run "uwotsgd2_${s}_2d" Rscript bench/umap_uwot.R "${images[$s]}" "$out/uwotsgd2_${s}_2d.tsv" 2 2 || true
    rows="$rows uwotsgd2_${s}_2d"
  fi
done
if [ -f "$out/embview_mnist10k_2d.npy" ]; then
  /usr/bin/python3 bench/plot_embedding.py "$out/embview_mnist10k_2d.npy" "${labels[mnist10k]}" \
    bench/umap_mnist10k.png "embview UMAP, MNIST-10k (n_neighbors 15, min_dist 0.1)" || true
fi
echo
bench_table $rows
