#!/usr/bin/python3
"""`embview serve` against a hostile client (issue #13's findings): a web page in
another tab that posts across origins, searches that send a regex engine into
unbounded recursion or backtracking, job floods, idle sockets and parked event
streams holding every slot, an input rewritten in place while it is served.
Each check fails on the server before its fix.

usage: test_security.py EMBVIEW DATA_DIR OUT_DIR"""
import json
import os
import socket
import subprocess
import sys
import time

import numpy as np

import serve_client
from serve_client import check

embview, data, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
images = os.path.join(data, "mnist10k-images-idx3-ubyte.gz")
labels = os.path.join(data, "mnist10k-labels-idx1-ubyte.gz")


def start(args, env=None):
    p, _, port, token = serve_client.start(embview, args, env)
    return p, port, token


def request(port, path, method="GET", headers=None, timeout=30):
    """(status, body) of one request on its own connection."""
    h = {"Host": f"127.0.0.1:{port}", "Connection": "close"}
    h.update(headers or {})
    chunks = []
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError:
        return 0, b""  # refused: the server is gone or full
    try:
        s.sendall((f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n").encode())
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    except OSError:
        pass  # reset or timed out: what arrived is the answer
    finally:
        s.close()
    resp = b"".join(chunks)
    head, _, body = resp.partition(b"\r\n\r\n")
    return (int(head.split()[1]) if head else 0), body


class Client:
    """A program holding the token (what the viewer's cookie or a notebook carries)."""

    def __init__(self, port, token):
        self.port, self.token = port, token

    def __call__(self, path, method="GET", headers=None, timeout=30):
        h = {"X-Embview-Token": self.token}
        h.update(headers or {})
        return request(self.port, path, method, h, timeout)

    def json(self, path, method="GET", headers=None):
        st, body = self(path, method, headers)
        return st, json.loads(body) if body else {}  # nothing: the server died

    def wait(self, job, seconds=300):
        t0 = time.time()
        while time.time() - t0 < seconds:
            st, s = self.json(f"/api/jobs/{job}")
            if s.get("state") not in ("queued", "running"):
                return s
            time.sleep(0.1)
        return s


def stop(p):
    p.terminate()
    try:
        return p.wait(20)
    except subprocess.TimeoutExpired:
        p.kill()
        return -1


# ---- a small dataset with long text values (for backtracking searches) ----
rng = np.random.default_rng(7)
small = os.path.join(out, "small.npy")
np.save(small, rng.standard_normal((3000, 16)).astype(np.float32))
meta = os.path.join(out, "small_meta.tsv")
with open(meta, "w") as f:
    f.write("label\ttext\n")
    for i in range(3000):
        f.write(f"{i % 5}\t{'a' * 40 + '!' if i % 2 else 'b' + str(i)}\n")

server, port, token = start([small, "--metadata", meta])
c = Client(port, token)
try:
    # ---- cross-site requests: a page elsewhere, or on another port of 127.0.0.1 ----
    post = "/api/datasets/0/projections?method=pca&dims=2&seed=11"
    st, _ = request(port, post, "POST", {"Origin": "http://evil.example",
                                         "Content-Type": "application/x-www-form-urlencoded"})
    check(st == 401, f"a cross-site form POST without the token (SameSite cookie not sent): refused ({st})")
    st, _ = c(post, "POST", {"Origin": "http://evil.example"})
    check(st == 403, f"a POST from another origin, even with the token: refused ({st})")
    st, _ = c(post, "POST", {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"})
    check(st == 403, f"a POST from another port of 127.0.0.1 (same site, other origin): refused ({st})")
    st, _ = c("/api/datasets", "GET", {"Sec-Fetch-Site": "cross-site"})
    check(st == 403, f"an API read from another site's page: refused ({st})")
    st, _ = c(post, "POST", {"Origin": f"http://127.0.0.1:{port}", "Sec-Fetch-Site": "same-origin"})
    check(st == 200, f"a POST from the viewer's own origin: accepted ({st})")
    st, _ = c("/api/datasets", "GET", {"Sec-Fetch-Site": "none"})
    check(st == 200, f"an API URL typed into the address bar: answered ({st})")
    st, _ = request(port, f"/api/datasets", "GET", {"Cookie": f"embview_token_{port}={token}",
                                                     "Sec-Fetch-Site": "same-origin"})
    check(st == 200, "the viewer's own request with the cookie: answered")
    st, _ = c(f"/api/jobs/0/cancel?token={token}", "POST", {"X-Embview-Token": "", "Origin": f"http://127.0.0.1:{port}"})
    check(st == 401, f"the token in an API query string: refused ({st})")

    # ---- searches: no unbounded recursion, no unbounded backtracking, off the HTTP workers ----
    fatal = "(|)(%5C1%5C1)*"  # (|)(\1\1)*: glibc's regcomp/regexec recurse until the stack ends
    for text in [fatal, "%2F" + fatal + "%2F"]:
        st, j = c.json(f"/api/datasets/0/projections?method=custom&left={text}&right=%2F9%2F&down=3&up=5", "POST")
        s = c.wait(j.get("job", -1)) if st == 200 else {}
        check(server.poll() is None and c("/api/datasets")[0] == 200 and s.get("state") in ("done", "failed"),
              f"custom search {text}: the server lives ({st}, {s.get('state')}: {str(s.get('error'))[:60]})")
    t0 = time.time()
    st, j = c.json("/api/datasets/0/projections?method=custom&column=text&left=%2F(a%7Ca)%2B%24%2F&right=b&down=b&up=a",
                   "POST")
    s = c.wait(j.get("job", -1))
    check(st == 200 and s.get("state") == "failed" and "match limit" in (s.get("error") or "") and time.time() - t0 < 120,
          f"a backtracking search /(a|a)+$/ over long values stops at the match limit ({s.get('state')}: {s.get('error')})")
    st, j = c.json("/api/datasets/0/projections?method=custom&column=text&left=B&right=AAA&down=b1&up=%2F%5Eb2%2F", "POST")
    s = c.wait(j.get("job", -1))
    check(st == 200 and s.get("state") == "done", "plain searches match text anywhere, ignoring case; /.../ is a regex")

    if c("/api/datasets")[0] != 200:  # (the server before its fixes died above; go on with a new one)
        stop(server)
        server, port, token = start([small, "--metadata", meta])
        c = Client(port, token)

    # ---- jobs: a queue, a per-client limit, ended jobs leave the table ----
    jobs = []
    for seed in range(20, 26):  # (the last id is the one the checks below follow)
        st, j = c.json(f"/api/datasets/0/projections?method=tsne&iterations=3000&seed={seed}", "POST")
        jobs.append((st, j))
    accepted = [j["job"] for st, j in jobs if st == 200] or [-1]
    refused = [st for st, j in jobs if st != 200]
    check(len(accepted) == 4 and refused == [429, 429] and "cancel one" in json.dumps(jobs[-1][1]),
          f"one client queues at most 4 jobs; the rest get 429 ({[st for st, _ in jobs]})")
    most = 0
    for _ in range(20):
        states = [c.json(f"/api/jobs/{i}")[1].get("state") for i in accepted]
        most = max(most, states.count("running"))
        time.sleep(0.1)
    st, q = c.json(f"/api/jobs/{accepted[-1]}")
    check(most <= 2 and q.get("state") == "queued" and q.get("ahead", 0) >= 1,
          f"at most 2 jobs run at once ({most}); the others wait with their place in the queue ({q.get('ahead')} ahead)")
    for i in accepted:
        c(f"/api/jobs/{i}/cancel", "POST")
    ended = [c.wait(i, 60).get("state") for i in accepted]
    check(ended == ["cancelled"] * 4, f"queued and running jobs cancel ({ended})")
    codes = set()
    for seed in range(300):  # more than the old 256-slot table held
        st, j = c.json(f"/api/datasets/0/projections?method=tsne&iterations=3000&seed={1000 + seed}", "POST")
        codes.add(st)
        if st == 200:
            c(f"/api/jobs/{j['job']}/cancel", "POST")
    st, j = c.json("/api/datasets/0/projections?method=pca&dims=2&seed=99", "POST")
    check(codes == {200} and st == 200 and c.wait(j.get("job", -1)).get("state") == "done",
          f"300 submitted and cancelled jobs later, projections still run ({sorted(codes)})")
    st, _ = c(f"/api/jobs/{accepted[0]}")
    check(st == 404, f"ended jobs leave the table, least recently used first ({st} for an old one)")

    # ---- idle sockets do not starve the viewer ----
    idle = []
    for _ in range(300):
        idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    time.sleep(0.5)
    t0 = time.time()
    answered = [c("/api/datasets/0/neighbors?i=3&k=5", timeout=10)[0] for _ in range(10)]
    check(answered == [200] * 10 and time.time() - t0 < 60,
          f"with 300 idle sockets open, 10 requests answered in {time.time() - t0:.2f} s ({set(answered)})")
    for s_ in idle:
        s_.close()
except Exception:  # (say why: the server's exit status and last words)
    print(f"the server's exit status: {server.poll()}; its stderr ends:\n{serve_client.stderr_of(server)[-3000:]}")
    raise
finally:
    rc = stop(server)
check(rc == 0, f"the server stops cleanly after all that ({rc})")

# ---- event streams: capped, and they end (the browser reconnects) ----
server, port, token = start([small], {"EMBVIEW_STREAM_SECONDS": "2"})
c = Client(port, token)
try:
    st, j = c.json("/api/datasets/0/projections?method=tsne&iterations=10000&seed=1", "POST")

    def open_stream():
        s_ = socket.create_connection(("127.0.0.1", port), timeout=30)
        s_.sendall(f"GET /api/jobs/{j['job']}/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"X-Embview-Token: {token}\r\n\r\n".encode())
        return s_

    streams = [open_stream() for _ in range(64)]
    time.sleep(0.5)
    extra = open_stream()
    head = extra.recv(4096).decode(errors="replace")
    check(" 503 " in head.split("\r\n")[0] and "too many" in head,
          f"the 65th event stream is refused: {head.splitlines()[0] if head else '(nothing)'}")
    extra.close()
    for s_ in streams[1:]:
        s_.close()
    t0, data = time.time(), b""
    while not data.endswith(b"\r\n0\r\n\r\n"):  # the chunked stream ends on its own while the job runs
        b = streams[0].recv(65536)
        if not b:
            break
        data += b
    took = time.time() - t0
    running = c.json(f"/api/jobs/{j['job']}")[1]["state"]
    check(took < 30 and b"retry: 2000" in data and running == "running",
          f"a stream ends after its lifetime ({took:.1f} s, job still {running}); it tells the browser to reconnect")
    c(f"/api/jobs/{j['job']}/cancel", "POST")
finally:
    stop(server)

# ---- an input rewritten in place while served (np.save truncates first) ----
mapped = os.path.join(out, "rewritten.npy")
np.save(mapped, rng.standard_normal((5000, 32)).astype(np.float32))
server, port, token = start([mapped, "--no-analysis"])
c = Client(port, token)
try:
    st1, _ = c("/api/datasets/0/neighbors?i=4000&k=5")
    with open(mapped, "wb") as f:  # what np.save does to a file that is open elsewhere
        f.write(b"\x93NUMPY")
    st2, _ = c("/api/datasets/0/neighbors?i=4000&k=5")
    check(st1 == 200 and st2 == 200 and server.poll() is None,
          f"a float32 .npy truncated while served: neighbour queries still answered ({st1}, {st2})")
finally:
    stop(server)

# ---- a bad --host: a message, not a use after free ----
r = subprocess.run([embview, "serve", small, "--host", "notanip", "--port", "0", "--quiet"], capture_output=True,
                   text=True, timeout=60)
check(r.returncode != 0 and "notanip" in r.stderr and "expected an IP address" in r.stderr
      and "AddressSanitizer" not in r.stderr, f"--host notanip: {r.stderr.strip()[:100]}")

serve_client.finish()
