#!/usr/bin/env bash
# Server benchmark: `embview serve` on MNIST-10k under wrk on loopback, 64
# connections for 30 s each: neighbour queries of random points (exact, k =
# 10, in the 784-D input) and downloads of the 10,000 x 2 float32
# coordinates.  Throughput, p50/p99 latency, errors, and the server's
# resident memory before and after (VmRSS) and at its peak (VmHWM).
#
# usage: bench/run_serve.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=bench/out/serve
mkdir -p "$out"
threads=${THREADS:-2}
export OMP_NUM_THREADS=$threads
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; server threads: $threads"
export EMBVIEW_TOKEN=benchtoken-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
"$build/embview" serve data/mnist10k-images-idx3-ubyte.gz --labels data/mnist10k-labels-idx1-ubyte.gz \
  --port 0 --quiet > "$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q http "$out/serve.log" && break; sleep 0.2; done
url=$(sed -n 's/.* at \(http[^ ?]*\).*/\1/p' "$out/serve.log")
job=$(curl -s -X POST -H "X-Embview-Token: $EMBVIEW_TOKEN" "${url}api/datasets/0/projections?method=pca&dims=2" |
  sed 's/[^0-9]//g')
sleep 2
rss() { awk '/^'"$1"':/ {print $2 / 1024}' /proc/$pid/status; }
echo "server RSS at start: $(rss VmRSS) MB"
echo
echo "| route | requests/s | p50 ms | p99 ms | non-2xx | socket errors |"
echo "|---|---|---|---|---|---|"
run() {
  local name=$1; shift
  wrk -t2 -c64 -d30s --latency "$@" > "$out/wrk_$name.txt" 2>&1
  /usr/bin/python3 - "$out/wrk_$name.txt" "$name" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s+%s\s+([\d.]+)(us|ms|s)" % label, t, re.M)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
sock = re.search(r"Socket errors: (.*)", t)
print("| %s | %.0f | %.2f | %.2f | %s | %s |" % (sys.argv[2], rps, ms("50%"), ms("99%"),
      non2xx.group(1) if non2xx else 0, sock.group(1) if sock else "none"))
PY
}
run neighbors -s bench/wrk_neighbors.lua "$url"
run coords -H "X-Embview-Token: $EMBVIEW_TOKEN" "${url}api/jobs/$job/coords"
echo
echo "server RSS after: $(rss VmRSS) MB, peak $(rss VmHWM) MB"
