"""What the server tests share: checks that are counted, and starting
`embview serve` on a free port and reading its address and token."""
import os
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def start(embview, args, env=None):
    """(process, url, port, token) of a server that has started."""
    # stderr goes to a file, not a pipe nobody reads (a full pipe would stall the server)
    err = tempfile.TemporaryFile("w+")
    p = subprocess.Popen([embview, "serve"] + args + ["--port", "0", "--quiet"], stdout=subprocess.PIPE,
                         stderr=err, text=True, env=dict(os.environ, **(env or {})))
    p.stderr_file = err
    line = p.stdout.readline()  # "embview serve: N dataset(s) at URL"
    if "http://" not in line:
        p.kill()
        p.wait()
        err.seek(0)
        sys.exit("serve did not start: " + line + err.read())
    p.stdout.readline()
    url = line.split(" at ")[1].strip()
    port = int(url.split(":")[2].split("/")[0])
    return p, url, port, url.split("token=")[1] if "token=" in url else ""


def stderr_of(p):
    """What the server printed to stderr so far (for a failure's message)."""
    p.stderr_file.seek(0)
    return p.stderr_file.read()


def finish():
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
