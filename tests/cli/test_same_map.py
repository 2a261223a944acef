#!/usr/bin/python3
"""One pipeline (issue #14): the same input, method, parameters and seed give
byte-identical coordinates from every front end: `embed`, `report
--save-map`, `analyze --method --save-map` and the viewer's projection
(`serve`, GET /api/jobs/J/coords).  Before the library owned the recipe,
t-SNE in `report` and the viewer built its graph on 50 principal components
and `embed` on the input, and UMAP reused the analysis graph: three maps.

usage: test_same_map.py EMBVIEW DATA_DIR OUT_DIR"""
import gzip
import json
import os
import subprocess
import sys
import time
import urllib.request

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import serve_client  # noqa: E402
from serve_client import check  # noqa: E402

embview, data, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
N = 300  # quick (t-SNE's FFT grid follows the map's extent, which grows with N), and wide (784 > 50)
with gzip.open(os.path.join(data, "mnist10k-images-idx3-ubyte.gz")) as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:N]
with gzip.open(os.path.join(data, "mnist10k-labels-idx1-ubyte.gz")) as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)[:N]
x_path = os.path.join(out, "x.npy")
np.save(x_path, images.astype(np.float32))
l_path = os.path.join(out, "labels.tsv")
with open(l_path, "w") as f:
    f.write("".join(f"{v}\n" for v in labels))


def run(args):
    r = subprocess.run([embview] + args + ["--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"embview {' '.join(args)}: exit {r.returncode}: {r.stderr}")


server, url, port, token = serve_client.start(embview, [x_path, "--labels", l_path])


def api(path, method="GET"):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 headers={"X-Embview-Token": token})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.read()


try:
    for method in ["pca", "tsne", "umap"]:
        seed = "7"
        maps = {}
        run(["embed", x_path, "--method", method, "--seed", seed, "-o", os.path.join(out, f"embed_{method}.npy")])
        maps["embed"] = np.load(os.path.join(out, f"embed_{method}.npy"))
        run(["report", x_path, "--labels", l_path, "--method", method, "--seed", seed,
             "-o", os.path.join(out, f"report_{method}.html"), "--save-map", os.path.join(out, f"report_{method}.npy")])
        maps["report"] = np.load(os.path.join(out, f"report_{method}.npy"))
        run(["analyze", x_path, "--labels", l_path, "--method", method, "--seed", seed,
             "--save-map", os.path.join(out, f"analyze_{method}.npy")])
        maps["analyze"] = np.load(os.path.join(out, f"analyze_{method}.npy"))
        job = json.loads(api(f"/api/datasets/0/projections?method={method}&seed={seed}", "POST"))["job"]
        t0 = time.time()
        while json.loads(api(f"/api/jobs/{job}"))["state"] in ("queued", "running") and time.time() - t0 < 300:
            time.sleep(0.2)
        maps["serve"] = np.frombuffer(api(f"/api/jobs/{job}/coords"), np.float32).reshape(N, 2)
        ref = maps["embed"]
        same = {k: v.shape == ref.shape and v.tobytes() == ref.tobytes() for k, v in maps.items()}
        differ = {k: float(np.abs(v - ref).max()) for k, v in maps.items() if v.shape == ref.shape and not same[k]}
        check(all(same.values()), f"{method}: embed, report, analyze and serve give the same bytes "
                                  f"({same}{'; largest differences ' + str(differ) if differ else ''})")
        # and the map is a real one, not a constant
        check(float(ref.std()) > 0 and np.isfinite(ref).all(), f"{method}: a map with spread ({ref.std():.3g})")
finally:
    server.terminate()
    server.wait(20)
serve_client.finish()
