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
build=${1:-build}
exe="$build/embview"
out=bench/out/tsne
mkdir -p "$out"
data=$(/usr/bin/python3 bench/prepare_data.py bench/data)
threads=${THREADS:-2}
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads

run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.log" 2>&1 || {
    echo "$name failed:"; tail -5 "$out/$name.log"; return 1; }
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; threads: $threads"
declare -A images labels
images[mnist10k]=data/mnist10k-images-idx3-ubyte.gz
labels[mnist10k]=data/mnist10k-labels-idx1-ubyte.gz
images[fashion70k]=$data/fashion70k-images-idx3-ubyte
labels[fashion70k]=$data/fashion70k-labels-idx1-ubyte
sets=${SETS:-"mnist10k fashion70k"}
rows=""
for s in $sets; do
  for d in 2 3; do
    run "embview_${s}_${d}d" "$exe" embed "${images[$s]}" --method tsne --dims $d --threads $threads --quiet -o "$out/embview_${s}_${d}d.npy"
    rows="$rows embview_${s}_${d}d"
  done
  if [ -z "${SKIP_REF:-}" ]; then
    run "sklearn_${s}_2d" /usr/bin/python3 bench/tsne_sklearn.py "${images[$s]}" "$out/sklearn_${s}_2d.npy"
    run "rtsne_${s}_2d" Rscript bench/tsne_rtsne.R "${images[$s]}" "$out/rtsne_${s}_2d.tsv"
    rows="$rows sklearn_${s}_2d rtsne_${s}_2d"
  fi
done
/usr/bin/python3 bench/plot_embedding.py "$out/embview_mnist10k_2d.npy" "${labels[mnist10k]}" \
  bench/tsne_mnist10k.png "embview t-SNE, MNIST-10k (perplexity 30, 750 iterations)" || true

echo
echo "| run | data | dims | wall s | peak MB | 10-NN acc | 10-NN recall |"
echo "|---|---|---|---|---|---|---|"
for r in $rows; do
  s=$(echo "$r" | sed 's/^[a-z]*_\([a-z0-9]*\)_.*/\1/')
  d=$(echo "$r" | sed 's/.*_\([23]\)d$/\1/')
  f="$out/$r.npy"; [ -f "$f" ] || f="$out/$r.tsv"
  q=$(/usr/bin/python3 bench/embed_quality.py "${images[$s]}" "${labels[$s]}" "$f" bench/out/cache)
  read -r wall rss < "$out/$r.time"
  acc=$(echo "$q" | sed 's/.*"knn_acc": \([0-9.]*\).*/\1/')
  rec=$(echo "$q" | sed 's/.*"knn_recall": \([0-9.]*\).*/\1/')
  printf "| %s | %s | %s | %.1f | %.0f | %.4f | %.4f |\n" "${r%%_*}" "$s" "$d" "$wall" "$(awk "BEGIN{print $rss/1024}")" "$acc" "$rec"
done
