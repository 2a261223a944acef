#!/usr/bin/python3
"""A hostile client of `embview serve`, for bench/run_serve_hostile.sh: for
SECONDS it keeps 300 idle sockets open, posts across origins without the
token (what any web page can send), sends catastrophic searches and 100 job
submissions with the token (a runaway notebook), and samples the server's
resident memory and how many jobs run at once every second.

usage: hostile_client.py PORT TOKEN SERVER_PID SECONDS OUT.json"""
import json
import socket
import sys
import threading
import time
import urllib.parse

port, token, pid, seconds, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
end = time.time() + seconds
counts = {}
lock = threading.Lock()


def tally(what, status):
    with lock:
        counts.setdefault(what, {}).setdefault(str(status), 0)
        counts[what][str(status)] += 1


def request(path, method="GET", headers=None):
    h = {"Host": f"127.0.0.1:{port}", "Connection": "close"}
    h.update(headers or {})
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall((f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n").encode())
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split()[1]), body
    except (OSError, IndexError, ValueError):
        return 0, b""


def idle_sockets():
    socks = []
    while time.time() < end:
        socks = [s for s in socks if s.fileno() >= 0]
        while len(socks) < 300:
            try:
                socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError:
                tally("idle socket refused", 0)
                break
        for s in list(socks):  # the server closes idle ones: notice and reopen
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    s.close()
                    socks.remove(s)
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                socks.remove(s)
        time.sleep(0.5)
    for s in socks:
        s.close()


def cross_origin():
    while time.time() < end:
        st, _ = request("/api/datasets/0/projections?method=tsne&seed=666", "POST",
                        {"Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded",
                         "Sec-Fetch-Site": "cross-site"})
        tally("cross-origin POST (no token)", st)
        st, _ = request("/api/jobs/0/cancel", "POST", {"Origin": "http://evil.example", "X-Embview-Token": token})
        tally("cross-origin POST (with token)", st)
        time.sleep(0.05)


jobs = []


def runaway_notebook():
    patterns = ["(|)(\\1\\1)*", "/(|)(\\1\\1)*/", "/(a|a)+$/", "/(.*)*x/", "/((a+)+)+b/"]
    submitted = 0
    while time.time() < end:
        if submitted < 100 and time.time() > end - seconds + submitted * (seconds * 0.8 / 100):
            st, body = request(f"/api/datasets/0/projections?method=tsne&iterations=1000&seed={5000 + submitted}",
                               "POST", {"X-Embview-Token": token})
            tally("job submission", st)
            if st == 200:
                jobs.append(json.loads(body)["job"])
            submitted += 1
        p = patterns[int(time.time() * 10) % len(patterns)]
        q = "&".join(f"{k}={urllib.parse.quote(p if k == 'left' else '/^9$/', safe='')}" for k in ["left", "right", "down", "up"])
        st, body = request(f"/api/datasets/0/projections?method=custom&{q}", "POST", {"X-Embview-Token": token})
        tally("catastrophic search", st)
        if st == 200:
            jobs.append(json.loads(body)["job"])
        time.sleep(0.2)


samples = []


def monitor():
    t0 = time.time()
    while time.time() < end:
        rss = 0.0
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
        except OSError:
            pass
        running = 0
        for j in list(jobs)[-40:]:
            st, body = request(f"/api/jobs/{j}", headers={"X-Embview-Token": token})
            if st == 200 and json.loads(body)["state"] == "running":
                running += 1
        samples.append({"t": round(time.time() - t0, 1), "rss_mb": round(rss, 1), "jobs_running": running})
        time.sleep(1.0)


threads = [threading.Thread(target=f) for f in (idle_sockets, cross_origin, runaway_notebook, monitor)]
for t in threads:
    t.start()
for t in threads:
    t.join()
json.dump({"counts": counts, "samples": samples}, open(out, "w"), indent=1)
