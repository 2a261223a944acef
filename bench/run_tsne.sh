#!/usr/bin/env bash
# t-SNE benchmark: embview (2-D and 3-D) beside scikit-learn's TSNE and Rtsne
# on MNIST-10k and Fashion-MNIST-70k, perplexity 30, each tool's defaults,
# two threads; whole-process wall time and peak RSS (GNU time), 10-NN
# accuracy and recall (bench/embed_quality.py).  Writes a PNG of embview's
# MNIST-10k map.  The references take many minutes on Fashion-MNIST-70k
# (run once, not in a loop); SKIP_REF=1 runs embview only.
#
# usage: bench/run_tsne.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
build=${1:-build}
exe="$build/embview"
out=bench/out/tsne
mkdir -p "$out"
declare -A images labels
bench_setup
sets=${SETS:-"mnist10k fashion70k"}
rows=""
for s in $sets; do
  for d in 2 3; do
    bench_run "embview_${s}_${d}d" "$exe" embed "${images[$s]}" --method tsne --dims $d --threads $threads --quiet -o "$out/embview_${s}_${d}d.npy"
    rows="$rows embview_${s}_${d}d"
  done
  if [ -z "${SKIP_REF:-}" ]; then
    bench_run "sklearn_${s}_2d" /usr/bin/python3 bench/tsne_sklearn.py "${images[$s]}" "$out/sklearn_${s}_2d.npy"
    bench_run "rtsne_${s}_2d" Rscript bench/tsne_rtsne.R "${images[$s]}" "$out/rtsne_${s}_2d.tsv"
    rows="$rows sklearn_${s}_2d rtsne_${s}_2d"
  fi
done
/usr/bin/python3 bench/plot_embedding.py "$out/embview_mnist10k_2d.npy" "${labels[mnist10k]}" \
  bench/tsne_mnist10k.png "embview t-SNE, MNIST-10k (perplexity 30, 750 iterations)" || true

echo
bench_table $rows
