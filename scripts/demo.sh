#!/usr/bin/env bash
# The demo: MNIST-10k (in data/): what it holds, a 2-D PCA, its kNN graph,
# 2-D t-SNE and UMAP maps, the class-overlap and suspect-label analysis of the
# UMAP map, the HTML report of the t-SNE map, and a TensorBoard log dir with
# the t-SNE map as metadata columns; then it serves the viewer on MNIST-10k
# until Ctrl-C (EMBVIEW_DEMO_NO_SERVE=1 skips that).
set -euo pipefail
build=${1:-build}
exe="$build/embview"
out="$build/demo"
mkdir -p "$out"
echo "== embview demo: 10,000 MNIST digits (data/README.md) =="
"$exe" info data/mnist10k-images-idx3-ubyte.gz --labels data/mnist10k-labels-idx1-ubyte.gz
echo
"$exe" embed data/mnist10k-images-idx3-ubyte.gz --labels data/mnist10k-labels-idx1-ubyte.gz \
  --method pca --dims 2 -o "$out/mnist10k-pca2.npy"
"$exe" embed data/mnist10k-images-idx3-ubyte.gz --method pca --dims 2 -o "$out/mnist10k-pca2.tsv" --quiet >/dev/null
echo
"$exe" knn data/mnist10k-images-idx3-ubyte.gz -k 15 --recall 500 -o "$out/mnist10k-knn15.npz"
echo
"$exe" embed data/mnist10k-images-idx3-ubyte.gz --method tsne -o "$out/mnist10k-tsne2.npy"
echo
"$exe" embed data/mnist10k-images-idx3-ubyte.gz --method umap -o "$out/mnist10k-umap2.npy"
echo
"$exe" analyze data/mnist10k-images-idx3-ubyte.gz --labels data/mnist10k-labels-idx1-ubyte.gz \
  --embedding "$out/mnist10k-umap2.npy" --json "$out/mnist10k-analysis.json"
echo
"$exe" report data/mnist10k-images-idx3-ubyte.gz --labels data/mnist10k-labels-idx1-ubyte.gz \
  --embedding "$out/mnist10k-tsne2.npy" --method tsne -o "$out/mnist10k-report.html" --png "$out/mnist10k-tsne2.png"
echo
rm -rf "$out/mnist10k-logdir"
"$exe" export data/mnist10k-images-idx3-ubyte.gz --labels data/mnist10k-labels-idx1-ubyte.gz \
  --projection "$out/mnist10k-tsne2.npy:tsne" --tensorboard "$out/mnist10k-logdir"
echo
echo "2-D PCA coordinates: $out/mnist10k-pca2.npy (float32, 10000 x 2) and $out/mnist10k-pca2.tsv"
echo "2-D t-SNE map: $out/mnist10k-tsne2.npy (float32, 10000 x 2)"
echo "2-D UMAP map: $out/mnist10k-umap2.npy (float32, 10000 x 2)"
echo "15-nearest-neighbour graph: $out/mnist10k-knn15.npz (indices, distances)"
echo "labels for colouring: data/mnist10k-labels-idx1-ubyte.gz"
echo "class overlaps and map quality: $out/mnist10k-analysis.json"
echo "the report (open it in a browser): $out/mnist10k-report.html"
echo "the t-SNE map as a picture: $out/mnist10k-tsne2.png"
echo "TensorBoard log dir (tensorboard --logdir $out/mnist10k-logdir, or embview info on it): $out/mnist10k-logdir"
[ "${EMBVIEW_DEMO_NO_SERVE:-0}" = 1 ] && exit 0
echo
echo "== the viewer: open the URL below; t-SNE and UMAP are one click away (Ctrl-C stops) =="
exec "$exe" serve data/mnist10k-images-idx3-ubyte.gz --labels data/mnist10k-labels-idx1-ubyte.gz --port "${PORT:-8080}"
