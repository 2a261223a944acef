#!/usr/bin/python3
"""Data-driven CLI tests: run each case in cases.txt and check its outcome.

usage: run_cases.py EMBVIEW CASES_FILE SOURCE_DIR OUT_DIR

A case is a block of `key: value` lines; blocks are separated by blank lines,
`#` starts a comment line.  Keys:
  name:      what the case checks (required, first)
  setup:     a shell command run first (in OUT_DIR), e.g. to write an input file
  args:      the embview arguments, split like a shell would (shlex)
  exit:      expected exit status (default 0)
  stdout:    a substring stdout must contain (repeatable)
  stderr:    a substring stderr must contain (repeatable)
  no-stdout: a substring stdout must not contain (repeatable)
  exists:    a file that must exist afterwards (repeatable)
  absent:    a file that must not exist afterwards (repeatable)
  check:     a shell command that must exit 0 afterwards (repeatable)
Placeholders in values: {data} = SOURCE_DIR/data, {out} = OUT_DIR,
{fix} = the numpy-written fixtures folder, {src} = SOURCE_DIR, {exe} = EMBVIEW.
"""
import os
import shlex
import shutil
import subprocess
import sys

REPEATABLE = {"stdout", "stderr", "no-stdout", "exists", "absent", "check"}


def parse(path):
    cases, cur = [], None
    for lineno, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip():
            cur = None
            continue
        if line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            sys.exit(f"{path}:{lineno}: expected 'key: value'")
        key, value = key.strip(), value.strip()
        if cur is None:
            if key != "name":
                sys.exit(f"{path}:{lineno}: a case starts with 'name:'")
            cur = {"name": value, "line": lineno}
            for k in REPEATABLE:
                cur[k] = []
            cases.append(cur)
            continue
        if key in REPEATABLE:
            cur[key].append(value)
        elif key in ("setup", "args", "exit"):
            cur[key] = value
        else:
            sys.exit(f"{path}:{lineno}: unknown key '{key}'")
    return cases


def main():
    exe, cases_file, src, out = sys.argv[1:5]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    build = os.path.dirname(os.path.dirname(out.rstrip("/")))
    subst = {"{data}": os.path.join(src, "data"), "{out}": out, "{src}": src, "{exe}": exe,
             "{fix}": os.path.join(build, "tests", "fixtures")}

    def fill(s):
        for k, v in subst.items():
            s = s.replace(k, v)
        return s

    failed = 0
    cases = parse(cases_file)
    for case in cases:
        problems = []
        if "setup" in case:
            r = subprocess.run(fill(case["setup"]), shell=True, cwd=out)
            if r.returncode:
                problems.append(f"setup exited {r.returncode}")
        args = [fill(a) for a in shlex.split(case.get("args", ""))]
        try:
            r = subprocess.run([exe] + args, capture_output=True, text=True, timeout=300,
                               cwd=out, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            problems.append("timed out after 300 s")
            r = None
        if r is not None:
            want = int(case.get("exit", "0"))
            if r.returncode != want:
                problems.append(f"exit status {r.returncode}, expected {want}")
            if r.returncode < 0 or "Sanitizer" in r.stderr or "runtime error" in r.stderr:
                problems.append("crashed or sanitizer report")
            for s in case["stdout"]:
                if fill(s) not in r.stdout:
                    problems.append(f"stdout lacks {fill(s)!r}")
            for s in case["no-stdout"]:
                if fill(s) in r.stdout:
                    problems.append(f"stdout has {fill(s)!r}")
            for s in case["stderr"]:
                if fill(s) not in r.stderr:
                    problems.append(f"stderr lacks {fill(s)!r}")
        for f in case["exists"]:
            if not os.path.exists(fill(f)):
                problems.append(f"{fill(f)} does not exist")
        for f in case["absent"]:
            if os.path.exists(fill(f)):
                problems.append(f"{fill(f)} exists")
        for c in case["check"]:
            rc = subprocess.run(fill(c), shell=True, cwd=out).returncode
            if rc:
                problems.append(f"check `{fill(c)}` exited {rc}")
        if problems:
            failed += 1
            print(f"FAIL {case['name']} (cases.txt:{case['line']})")
            for p in problems:
                print(f"     {p}")
            if r is not None:
                print("     stdout: " + r.stdout.strip().replace("\n", "\n             ")[:2000])
                print("     stderr: " + r.stderr.strip().replace("\n", "\n             ")[:2000])
        else:
            print(f"ok   {case['name']}")
    print(f"{len(cases)} run, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
