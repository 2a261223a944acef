# bench/lib.sh — pieces shared by the embedding benchmarks (sourced).
#   bench_run NAME CMD...   run a whole process under GNU time into $out/NAME.{time,log}
#   bench_table ROWS...     markdown table of wall time, peak RSS, 10-NN accuracy and
#                           recall for rows named TOOL_SET_Nd (output $out/ROW.npy or .tsv)
#   bench_setup             threads, the data sets (images/labels by set name), machine line
# Callers set: out (output folder) and declare images/labels (associative arrays).

bench_setup() {
  local data
  data=$(/usr/bin/python3 bench/prepare_data.py bench/data)
  threads=${THREADS:-2}
  export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; threads: $threads"
  images[mnist10k]=data/mnist10k-images-idx3-ubyte.gz
  labels[mnist10k]=data/mnist10k-labels-idx1-ubyte.gz
  images[fashion70k]=$data/fashion70k-images-idx3-ubyte
  labels[fashion70k]=$data/fashion70k-labels-idx1-ubyte
}

bench_run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.log" 2>&1 || {
    echo "$name failed:"; tail -5 "$out/$name.log"; return 1; }
}

bench_table() {
  echo "| run | data | dims | wall s | peak MB | 10-NN acc | 10-NN recall |"
  echo "|---|---|---|---|---|---|---|"
  local r s d f q wall rss acc rec
  for r in "$@"; do
    s=$(echo "$r" | sed 's/^[a-z0-9]*_\([a-z0-9]*\)_.*/\1/')
    d=$(echo "$r" | sed 's/.*_\([23]\)d$/\1/')
    f="$out/$r.npy"; [ -f "$f" ] || f="$out/$r.tsv"
    [ -f "$out/$r.time" ] && [ -f "$f" ] || { echo "| ${r%%_*} | $s | $d | failed | | | |"; continue; }
    q=$(/usr/bin/python3 bench/embed_quality.py "${images[$s]}" "${labels[$s]}" "$f" bench/out/cache)
    read -r wall rss < "$out/$r.time"
    acc=$(echo "$q" | sed 's/.*"knn_acc": \([0-9.]*\).*/\1/')
    rec=$(echo "$q" | sed 's/.*"knn_recall": \([0-9.]*\).*/\1/')
    printf "| %s | %s | %s | %.1f | %.0f | %.4f | %.4f |\n" "${r%%_*}" "$s" "$d" "$wall" \
      "$(awk "BEGIN{print $rss/1024}")" "$acc" "$rec"
  done
}
