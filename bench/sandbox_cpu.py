#!/usr/bin/env python3
"""Per-job CPU of grader's sandbox on the anchor notebooks (compare with bench/floor.py).

    python bench/sandbox_cpu.py SUBS_DIR [--workers 1]

One job per notebook, as the floor does: the student's code cells, then the anchor's calls
(softmax([1, 2, 3]) and a getter of eta/beta), through grader.sandbox.Sandbox (zygote -> keeper ->
worker with rlimits, seccomp, Landlock, namespaces). Reports per job:
  worker_cpu   the worker's CPU (user+sys) as the keeper measures it (JobResult.cpu_s);
  tree_cpu     keeper + worker: the CPU of every process below the zygote (reaped: the zygote's
               cutime+cstime; live slot keepers: their utime+stime+cutime+cstime) over the run,
               divided by the jobs (what the floor's os.wait4 per child measures);
  parent_cpu   the trusted side's CPU per job (this process: encode, memfd, select, decode).
"""
import argparse
import glob
import json
import os
import statistics
import sys
import time

from grader.sandbox import Call, Sandbox
from grader.sandbox.session import Cell, Job

GETTER = ("def __bench_get_vars():\n    g = globals()\n"
          "    return [g.get(n) if type(g.get(n)) in (int, float, str, bool) else None for n in ('eta', 'beta')]\n")
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def children_cpu(pid):
    """CPU of everything below the zygote: its reaped children (cutime + cstime, fields 16-17) and
    its live ones (slot keepers: utime + stime + their own reaped children)."""
    total = sum(int(x) for x in _stat(pid)[13:15])
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            for kid in f.read().split():
                try:
                    total += sum(int(x) for x in _stat(kid)[11:15])
                except OSError:
                    pass
    return total / TICK


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("subdir")
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    import numpy as np
    paths = sorted(glob.glob(os.path.join(a.subdir, "*", "*.ipynb")))
    jobs = []
    for p in paths:
        with open(p) as f:
            nbj = json.load(f)
        cells = [Cell("".join(c["source"]) if isinstance(c["source"], list) else c["source"], f"cell {i}")
                 for i, c in enumerate(nbj["cells"]) if c["cell_type"] == "code"]
        cells.append(Cell(GETTER, "getter"))
        jobs.append(Job(tuple(cells), (Call("softmax", (np.array([1.0, 2.0, 3.0]),)), Call("__bench_get_vars"))))
    from grader.rubric.model import Limits
    lim = Limits(cpu_s=5, wall_s=5, memory_mb=1024, processes=64, output_kb=64)
    jobs = [Job(j.cells, j.calls, lim) for j in jobs]
    sb = Sandbox.start(workers=a.workers)
    zpid = sb.capabilities["pid"]
    sb.run(jobs[0])                                   # warm-up (first fork touches pages)
    c0, p0, t0 = children_cpu(zpid), time.process_time(), time.perf_counter()
    worker_cpu, walls, bad = [], [], 0
    for j in jobs:
        r = sb.run(j)
        worker_cpu.append(r.cpu_s)
        walls.append(r.wall_s + r.overhead_s)
        bad += (not r.done) or (r.signal is not None)
    wall = time.perf_counter() - t0
    p1 = time.process_time()
    time.sleep(0.3)                                   # the zygote reaps keepers on its 0.2 s tick
    c1 = children_cpu(zpid)
    sb.close()
    n = len(jobs)
    ms = lambda xs, q: round(sorted(xs)[int(q * (len(xs) - 1))] * 1000, 2)  # noqa: E731
    print(json.dumps({
        "what": "grader sandbox", "tier": sb.tier, "n": n, "workers": a.workers, "start_s": round(sb.start_s, 3),
        "grading_wall_s": round(wall, 3), "per_job_wall_ms": {"p50": ms(walls, 0.5), "p95": ms(walls, 0.95)},
        "worker_cpu_ms": {"p50": ms(worker_cpu, 0.5), "p95": ms(worker_cpu, 0.95),
                          "mean": round(statistics.mean(worker_cpu) * 1000, 2)},
        "tree_cpu_ms_mean": round((c1 - c0) / n * 1000, 2),
        "parent_cpu_ms_mean": round((p1 - p0) / n * 1000, 2),
        "jobs_not_done_or_signalled": bad,
    }))


if __name__ == "__main__":
    sys.exit(main())
