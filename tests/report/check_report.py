#!/usr/bin/python3
"""The report in a real browser: `embview report` on MNIST-10k, opened in
headless Chromium, must load with no console messages and every image must
decode; a screenshot is kept as a test artefact.  Also: the classic
TensorBoard tutorial log dir (tensor_name "embedding:0", an absolute metadata
path, a sprite) gives a report with the log dir's thumbnails, and a non-image
input gives one without thumbnails.

usage: check_report.py EMBVIEW DATA_DIR OUT_DIR
Exit 77 (skip) when Chromium is not installed."""
import os
import re
import shutil
import subprocess
import sys

embview, data, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
images = os.path.join(data, "mnist10k-images-idx3-ubyte.gz")
labels = os.path.join(data, "mnist10k-labels-idx1-ubyte.gz")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(args):
    p = subprocess.run([embview] + args + ["--quiet"], capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"embview {' '.join(args)} failed ({p.returncode}):\n{p.stdout}{p.stderr}")
    return p.stdout


def browser(args, html):
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--enable-logging=stderr", "--v=0", "--user-data-dir=" + os.path.join(out, "chromium-profile")]
    p = subprocess.run(cmd + args + ["file://" + os.path.abspath(html)], capture_output=True, text=True, timeout=180)
    return p.stdout, p.stderr


def open_report(html, name, want_thumbs):
    doc = open(html, encoding="utf-8").read()
    srcs = re.findall(r'src="([^"]*)"', doc)
    check(srcs and all(s.startswith("data:image/png;base64,") for s in srcs),
          f"{name}: self-contained ({len(srcs)} images, all inlined)")
    thumbs = doc.count('class="thumb"')
    check((thumbs > 0) == want_thumbs, f"{name}: {thumbs} thumbnails")
    if not chromium:
        return
    dom, log = browser(["--dump-dom"], html)
    console = [line for line in log.splitlines() if "CONSOLE" in line]
    check(not console, f"{name}: no console messages" + (": " + "; ".join(console[:3]) if console else ""))
    m = re.search(r'data-images="(\d+) (\d+)"', dom)
    check(m is not None and int(m.group(1)) == len(srcs) and m.group(2) == "0",
          f"{name}: every image decodes in Chromium ({m.group(0) if m else 'no load event'})")
    shot = os.path.join(out, name + "_screenshot.png")
    if os.path.exists(shot):
        os.remove(shot)
    browser(["--screenshot=" + shot, "--window-size=1200,3000"], html)
    ok = os.path.exists(shot) and open(shot, "rb").read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(shot) > 50000
    check(ok, f"{name}: screenshot {shot}")


if not chromium:
    print("chromium is not installed (scripts/deps.sh test installs it): only the file checks run")

# 1. MNIST-10k: the report, and the scatter plot as PNG and SVG
html = os.path.join(out, "mnist_report.html")
said = run(["report", images, "--labels", labels, "-o", html, "--png", os.path.join(out, "mnist_map.png"),
            "--svg", os.path.join(out, "mnist_map.svg")])
print(said.strip())
check(open(os.path.join(out, "mnist_map.png"), "rb").read(8) == b"\x89PNG\r\n\x1a\n", "scatter plot PNG")
check(b"<svg" in open(os.path.join(out, "mnist_map.svg"), "rb").read(400), "scatter plot SVG")
doc = open(html, encoding="utf-8").read()
for part in ["Which classes overlap", "Labels that look wrong", "How faithful the map is", "trustworthiness",
             "></span>4", "the input's images"]:
    check(part in doc, f"report mentions {part!r}")
open_report(html, "mnist", True)

# 2. The tutorial log dir: TF1-style checkpoint of `embedding`, metadata with
# a `label` header, tensor_name "embedding:0", an absolute metadata path, a sprite.
logdir = os.path.join(out, "tutorial_logdir")
shutil.rmtree(logdir, ignore_errors=True)
run(["export", images, "--labels", labels, "--tensorboard", logdir])
with open(os.path.join(logdir, "metadata.tsv")) as f:
    rows = f.read()
with open(os.path.join(logdir, "metadata.tsv"), "w") as f:
    f.write("label\n" + rows)  # as the tutorial writes it (TensorBoard would take `label` for a point)
cfg_path = os.path.join(logdir, "projector_config.pbtxt")
cfg = open(cfg_path).read()
cfg = re.sub(r'tensor_name: "[^"]*"', 'tensor_name: "embedding:0"', cfg)
cfg = re.sub(r'metadata_path: "[^"]*"', 'metadata_path: "%s"' % os.path.abspath(os.path.join(logdir, "metadata.tsv")), cfg)
open(cfg_path, "w").write(cfg)
check(open(os.path.join(logdir, "metadata.tsv")).readline().strip() == "label", "tutorial metadata has a label header")
html = os.path.join(out, "logdir_report.html")
said = run(["report", logdir, "-o", html, "--method", "pca"])
print(said.strip())
check("10 classes" in said, "report LOGDIR colours by the label column")
doc = open(html, encoding="utf-8").read()
check("the log dir&#39;s sprite" in doc or "the log dir's sprite" in doc, "thumbnails from the log dir's sprite")
open_report(html, "logdir", True)

# 3. Vectors that are not images: no thumbnails, no failure
npy = os.path.join(out, "not_images.npy")
subprocess.run(["/usr/bin/python3", "-c", f"""
import gzip, numpy as np
x = np.frombuffer(gzip.open('{images}').read()[16:], np.uint8).reshape(10000, 784)[:1500, 100:150].astype(np.float32)
np.save('{npy}', x)
l = np.frombuffer(gzip.open('{labels}').read()[8:], np.uint8)[:1500]
np.save('{npy[:-4]}_labels.npy', l)
"""], check=True)
html = os.path.join(out, "plain_report.html")
run(["report", npy, "--labels", npy[:-4] + "_labels.npy", "-o", html, "--method", "tsne"])
open_report(html, "plain", False)

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
if not chromium:
    sys.exit(77)
