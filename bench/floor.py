#!/usr/bin/env python3
"""The bare fork-server floor (method of ../shared/bench-anchors/forkserver.py), with per-job CPU.

    python bench/floor.py SUBS_DIR [--jobs 1] [--sandbox 2] [--cell-timeout 5]

A parent with numpy + sympy imported forks one child per notebook (SUBS_DIR/*/*.ipynb or
SUBS_DIR/*.ipynb); the child applies rlimits (+ a new user and network namespace at --sandbox 2),
exec()s the code cells, runs the anchor's 3 checks and writes JSON to a pipe. The parent reaps each
child with os.wait4 and records its CPU time (user + sys). Prints one JSON line:
n, grading wall, per-job wall and CPU percentiles, scores. Standard library + numpy + sympy.
"""
import argparse
import contextlib
import ctypes
import glob
import io
import json
import os
import resource
import select
import signal
import statistics
import time

T0 = time.perf_counter()
import numpy as np  # noqa: E402
import sympy  # noqa: E402,F401
IMPORT_S = time.perf_counter() - T0

REF_IN = np.array([1.0, 2.0, 3.0])
REF_OUT = np.array([0.09003057, 0.24472847, 0.66524096])
CHECKS = [
    ("softmax", lambda ns: bool(np.allclose(ns["softmax"](REF_IN), REF_OUT))),
    ("eta", lambda ns: bool(ns["eta"] == 2)),
    ("beta", lambda ns: bool(ns["beta"] == 0.5)),
]
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


class CellTimeout(BaseException):
    pass


def _alarm(signum, frame):
    raise CellTimeout()


def vm_size():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_sandbox(level, budget_s):
    if level >= 1:
        resource.setrlimit(resource.RLIMIT_CPU, (budget_s + 1, budget_s + 1))
        lim = vm_size() + (1 << 30)
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
    if level >= 2:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER|CLONE_NEWNET)")


def child(path, wfd, level, cell_timeout, budget_s):
    try:
        apply_sandbox(level, budget_s)
        signal.signal(signal.SIGALRM, _alarm)
        with open(path) as f:
            nbj = json.load(f)
        ns = {"__name__": "__main__"}
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            for cell in nbj["cells"]:
                if cell["cell_type"] != "code":
                    continue
                src = cell["source"]
                src = "".join(src) if isinstance(src, list) else src
                try:
                    signal.setitimer(signal.ITIMER_REAL, cell_timeout)
                    exec(compile(src, "<cell>", "exec"), ns)
                except BaseException:
                    pass
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            tests = {}
            for name, fn in CHECKS:
                try:
                    signal.setitimer(signal.ITIMER_REAL, cell_timeout)
                    tests[name] = fn(ns)
                except BaseException:
                    tests[name] = False
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        out = {"score": sum(tests.values())}
    except BaseException as e:
        out = {"score": None, "error": repr(e)}
    data = json.dumps(out).encode()
    while data:
        data = data[os.write(wfd, data):]
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("subdir")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--sandbox", type=int, default=2)
    ap.add_argument("--cell-timeout", type=float, default=5.0)
    ap.add_argument("--scores")
    a = ap.parse_args()
    subs = sorted(glob.glob(os.path.join(a.subdir, "*", "*.ipynb")) or glob.glob(os.path.join(a.subdir, "*.ipynb")))
    budget = int(a.cell_timeout * 8) + 2
    t_start = time.perf_counter()
    pending, running = list(subs), {}
    scores, lat, cpu = {}, [], []
    while pending or running:
        while pending and len(running) < a.jobs:
            path = pending.pop(0)
            r, w = os.pipe()
            t0 = time.perf_counter()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                child(path, w, a.sandbox, a.cell_timeout, budget)
            os.close(w)
            running[r] = (pid, path, t0, [])
        ready, _, _ = select.select(list(running), [], [], 0.05)
        now = time.perf_counter()
        for r in list(running):
            pid, path, t0, chunks = running[r]
            done = False
            if r in ready:
                chunk = os.read(r, 65536)
                if chunk:
                    chunks.append(chunk)
                else:
                    done = True
            if not done and now - t0 > budget:
                os.kill(pid, signal.SIGKILL)
                done, chunks = True, []
            if done:
                os.close(r)
                _, _, ru = os.wait4(pid, 0)
                cpu.append(ru.ru_utime + ru.ru_stime)
                del running[r]
                name = os.path.basename(os.path.dirname(path)) if os.path.dirname(path) != a.subdir.rstrip("/") else os.path.splitext(os.path.basename(path))[0]
                try:
                    scores[name] = json.loads(b"".join(chunks))["score"]
                except ValueError:
                    scores[name] = None
                lat.append(time.perf_counter() - t0)
    wall = time.perf_counter() - t_start
    if a.scores:
        with open(a.scores, "w") as f:
            json.dump(scores, f, indent=1)
    ms = lambda xs, q: round(sorted(xs)[int(q * (len(xs) - 1))] * 1000, 2)  # noqa: E731
    print(json.dumps({
        "what": "fork-server floor", "n": len(subs), "jobs": a.jobs, "sandbox": a.sandbox,
        "import_numpy_sympy_ms": round(IMPORT_S * 1000, 1), "grading_wall_s": round(wall, 3),
        "per_job_wall_ms": {"p50": ms(lat, 0.5), "p95": ms(lat, 0.95)},
        "per_job_cpu_ms": {"p50": ms(cpu, 0.5), "p95": ms(cpu, 0.95), "mean": round(statistics.mean(cpu) * 1000, 2)},
        "scores_sum": sum(v or 0 for v in scores.values()),
    }))


if __name__ == "__main__":
    main()
