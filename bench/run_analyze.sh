#!/usr/bin/env bash
# Analysis benchmark: `embview analyze` (kNN graph, class overlap, map
# quality) on MNIST-10k and Fashion-MNIST-70k with a UMAP map from `embed`;
# whole-process wall time and peak RSS; and the sampled trustworthiness
# against the exact figure on MNIST-10k (its error); label-noise recovery
# (bench/label_noise.py: 2% of the labels flipped) beside a plain 10-NN vote.
#
# usage: bench/run_analyze.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
build=${1:-build}
exe="$build/embview"
out=bench/out/analyze
mkdir -p "$out"
declare -A images labels
bench_setup
echo "| data | map | wall s | peak MB | sampled points | trustworthiness | continuity | 15-NN recall, accuracy |"
echo "|---|---|---|---|---|---|---|---|"
for s in ${SETS:-mnist10k fashion70k}; do
  "$exe" embed "${images[$s]}" --method umap --quiet -o "$out/${s}_umap.npy" > /dev/null
  bench_run "analyze_$s" "$exe" analyze "${images[$s]}" --labels "${labels[$s]}" \
    --embedding "$out/${s}_umap.npy" --json "$out/analyze_$s.json" --quiet
  read -r wall rss < "$out/analyze_$s.time"
  /usr/bin/python3 - "$out/analyze_$s.json" "$s" "$wall" "$rss" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); q = d["map_quality"]
print("| %s | UMAP | %.1f | %.0f | %d | %.4f | %.4f | recall %.4f, accuracy %.4f |" % (
    sys.argv[2], float(sys.argv[3]), float(sys.argv[4]) / 1024, q["sampled_points"], q["trustworthiness"],
    q["continuity"], q["knn_recall"], q["knn_accuracy"]))
PY
done
# the sampled estimate against the exact figure (MNIST-10k, k = 15)
echo
for n in 0 2000 500; do
  "$exe" analyze "${images[mnist10k]}" --labels "${labels[mnist10k]}" --embedding "$out/mnist10k_umap.npy" \
    --sample $n --json "$out/tw_$n.json" --quiet > /dev/null
  /usr/bin/python3 -c "import json; q = json.load(open('$out/tw_$n.json'))['map_quality']; print('sample %5d: trustworthiness %.5f continuity %.5f' % (q['sampled_points'], q['trustworthiness'], q['continuity']))"
done
# label noise: 2% flipped; embview's suspects beside a plain 10-NN vote on the raw vectors
echo
echo "| seed | flipped | method | wall | top m | automatic set |"
echo "|---|---|---|---|---|---|"
/usr/bin/python3 bench/label_noise.py "$exe" "${images[mnist10k]}" "${labels[mnist10k]}" "$out/noise_mnist10k" 0.02 1,2,3
/usr/bin/python3 bench/label_noise.py "$exe" "${images[fashion70k]}" "${labels[fashion70k]}" "$out/noise_fashion70k" 0.02 1
