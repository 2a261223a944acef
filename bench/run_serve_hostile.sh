#!/usr/bin/env bash
# Load test of `embview serve` under attack (issue #13): MNIST-10k, 64
# connections of a viewer's normal traffic (neighbour queries and coordinate
# downloads, bench/wrk_normal.lua) for 60 s, first quiet, then while a hostile
# client (bench/hostile_client.py) keeps 300 idle sockets open, posts across
# origins, sends catastrophic searches and 100 job submissions.  Reports the
# normal traffic's p50/p99 latency and errors in both runs, the server's RSS
# over time and the jobs running at once, and whether the server is alive.
#
# usage: bench/run_serve_hostile.sh [BUILD_DIR]   (SECONDS=60 to change the length)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${SECONDS_PER_RUN:-60}
out=bench/out/serve_hostile
mkdir -p "$out"
export OMP_NUM_THREADS=${THREADS:-2}
export EMBVIEW_TOKEN=benchtoken-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; server threads: $OMP_NUM_THREADS"
"$build/embview" serve data/mnist10k-images-idx3-ubyte.gz --labels data/mnist10k-labels-idx1-ubyte.gz \
  --port 0 --quiet > "$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 200); do grep -q http "$out/serve.log" && break; sleep 0.2; done
url=$(sed -n 's/.* at \(http[^ ?]*\).*/\1/p' "$out/serve.log")
port=$(echo "$url" | sed 's/.*:\([0-9]*\)\/.*/\1/')
H="X-Embview-Token: $EMBVIEW_TOKEN"
job=$(curl -s -X POST -H "$H" "${url}api/datasets/0/projections?method=pca&dims=2" | sed 's/[^0-9]//g')
for _ in $(seq 100); do curl -s -H "$H" "${url}api/jobs/$job" | grep -q '"done"' && break; sleep 0.2; done
export EMBVIEW_JOB=$job
rss() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' /proc/$pid/status; }
sample_rss() { # every second until killed: "t rss"
  local t=0
  while sleep 1; do t=$((t + 1)); echo "$t $(rss)"; done
}

run_wrk() { # name: wrk for $secs s, RSS sampled beside it
  sample_rss > "$out/rss_$1.txt" &
  local sp=$!
  wrk -t2 -c64 -d"${secs}s" --latency --timeout 10s -s bench/wrk_normal.lua "$url" > "$out/wrk_$1.txt" 2>&1
  kill $sp
}

echo "server RSS at start: $(rss) MB"
run_wrk quiet
/usr/bin/python3 bench/hostile_client.py "$port" "$EMBVIEW_TOKEN" "$pid" "$((secs + 5))" "$out/hostile.json" &
hp=$!
sleep 2
run_wrk hostile
wait $hp
alive=$(kill -0 $pid 2>/dev/null && curl -s -o /dev/null -w "%{http_code}" -H "$H" "${url}api/datasets" || echo dead)
/usr/bin/python3 - "$out" "$alive" <<'PY'
import json, re, sys
out, alive = sys.argv[1], sys.argv[2]
def wrk(name):
    t = open(f"{out}/wrk_{name}.txt").read()
    def ms(label):
        m = re.search(r"^\s+%s\s+([\d.]+)(us|ms|s)\b" % label, t, re.M)
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    n = int(re.search(r"(\d+) requests in", t).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    sock = re.search(r"Socket errors: (.*)", t)
    return rps, n, ms("50%"), ms("99%"), int(non2xx.group(1)) if non2xx else 0, sock.group(1) if sock else "none"
def rss(name):
    v = [float(l.split()[1]) for l in open(f"{out}/rss_{name}.txt") if len(l.split()) == 2]
    return min(v), max(v), v[-1]
print("| normal traffic | requests/s | requests | p50 ms | p99 ms | non-2xx | socket errors | RSS min / max / end MB |")
print("|---|---|---|---|---|---|---|---|")
q, h = wrk("quiet"), wrk("hostile")
for name, w in (("quiet", q), ("with the hostile client", h)):
    r = rss("quiet" if name == "quiet" else "hostile")
    print("| %s | %.0f | %d | %.1f | %.1f | %d | %s | %.0f / %.0f / %.0f |" % ((name,) + w + r))
print()
print("p99 with the hostile client / quiet: %.2fx; server at the end: %s" % (h[3] / q[3], "alive (HTTP %s)" % alive if alive != "dead" else "DEAD"))
hj = json.load(open(f"{out}/hostile.json"))
print()
print("| hostile request | answers |")
print("|---|---|")
for what, c in hj["counts"].items():
    print("| %s | %s |" % (what, ", ".join("%s x %d" % (k if k != "0" else "refused/reset", v) for k, v in sorted(c.items()))))
s = hj["samples"]
print()
print("hostile run, per second: jobs running at once max %d; RSS %.0f -> %.0f MB (max %.0f)" % (
    max(x["jobs_running"] for x in s), s[0]["rss_mb"], s[-1]["rss_mb"], max(x["rss_mb"] for x in s)))
print("RSS timeline (s: MB, running jobs): " + ", ".join("%d: %.0f, %d" % (x["t"], x["rss_mb"], x["jobs_running"]) for x in s[::5]))
PY
