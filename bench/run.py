#!/usr/bin/env python3
"""Benchmark of `grader` (issue 6): a synthetic class, the sandbox floor, and nbgrader side by side.

    python bench/run.py [--sizes 100,1000] [--jobs N] [--seed 1] [--no-runaway]
                        [--floor] [--anchors [--anchor-sizes 40,200] [--nbgrader-venv DIR]]
                        [--json bench/out/results-DATE.json]

Class part (always): for each size N, bench/make_class.py writes N final-exam hand-ins
(bench/data/class-N/), then `python -m grader grade rubrics/final_exam.yaml ... --jobs J` runs in a
subprocess with a fresh --out (bench/out/class-N/). Printed per run: wall, hand-ins/s, p50/p95 of
results.json `duration_s`, CPU of the whole process tree (wait4), peak RSS summed over the process
tree (sampled every 50 ms; PSS every 0.5 s), statuses, stage timings if the grader prints a
`grader-profile: {json}` line on stderr with GRADER_PROFILE=1 (else "no stage timings"), and cache
effects (a second run on the same --out if <out>/.cache exists; else "no cache"). For the smallest
size it also runs --jobs 1 and compares results.json (timing fields dropped).
--floor: per-job CPU of grader's sandbox (bench/sandbox_cpu.py) vs the bare fork-server floor
(bench/floor.py), both on the anchor notebooks without the runaway.
--anchors: the anchor assignment (bench/anchors.py) graded by grader (bench/anchor_rubric.yaml) and by
`nbgrader autograde` (venv from bench/setup_nbgrader.sh), wall ratio, scores checked.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
OUT = os.path.join(HERE, "out")
PAGE = os.sysconf("SC_PAGE_SIZE")
PY = sys.executable
sys.path.insert(0, HERE)


# ------------------------------------------------------------------------------ process-tree sampling
def _snapshot() -> tuple[dict[int, list[int]], dict[int, int]]:
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read()
            ppid = int(st.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/statm") as f:
                rss[int(pid)] = int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(pid))
    return kids, rss


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(root: int, kids: dict[int, list[int]]) -> list[int]:
    out, stack = [], [root]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(kids.get(p, []))
    return out


def code_state() -> str:
    """HEAD plus a hash of uncommitted changes under grader/ (others edit the same checkout)."""
    import hashlib
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        diff = subprocess.run(["git", "diff", "HEAD", "--", "grader"], cwd=ROOT, capture_output=True).stdout
        return f"{head}+{hashlib.sha1(diff).hexdigest()[:8]}" if diff else head
    except OSError:
        return "?"


def run_measured(cmd: list[str], log: str, env: dict | None = None, cwd: str = ROOT,
                 interval: float = 0.05) -> dict:
    """Run cmd; wall, CPU of the reaped tree (wait4), peak summed RSS/PSS of the live tree."""
    code0 = code_state()
    peak = {"rss": 0, "pss": 0, "one": 0, "procs": 0, "own": 0, "jobs": 0}
    cmdlines: dict[int, bool] = {}

    def is_zygote(pid: int) -> bool:
        if pid not in cmdlines:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdlines[pid] = b"zygote.py" in f.read()
            except OSError:
                cmdlines[pid] = False
        return cmdlines[pid]
    load0 = os.getloadavg()[0]
    with open(log, "w") as lf:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        done = threading.Event()
        ru_box: list = []

        def reap() -> None:
            _, status, ru = os.wait4(proc.pid, 0)
            ru_box.append((status, ru, time.monotonic()))
            done.set()
        threading.Thread(target=reap, daemon=True).start()
        k = 0
        while not done.wait(interval):
            kids, rss = _snapshot()
            pids = [p for p in _tree(proc.pid, kids) if p in rss]
            peak["rss"] = max(peak["rss"], sum(rss[p] for p in pids))
            peak["one"] = max(peak["one"], max((rss[p] for p in pids), default=0))
            peak["procs"] = max(peak["procs"], len(pids))
            # sandbox jobs = every descendant of the zygote (keepers, workers, what students spawn)
            zyg = [p for p in pids if is_zygote(p) and not is_zygote(_ppid(p))]
            jobs = [q for z in zyg for q in _tree(z, kids) if q != z and q in rss]
            js = sum(rss[q] for q in jobs)
            peak["jobs"] = max(peak["jobs"], js)
            peak["own"] = max(peak["own"], sum(rss[p] for p in pids) - js)
            if k % 10 == 0:
                peak["pss"] = max(peak["pss"], sum(_pss(p) for p in pids))
            k += 1
        status, ru, t1 = ru_box[0]
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": round(t1 - t0, 3), "cpu_s": round(ru.ru_utime + ru.ru_stime, 2),
            "user_s": round(ru.ru_utime, 2), "sys_s": round(ru.ru_stime, 2),
            "peak_tree_rss_mb": round(peak["rss"] / 2**20, 1), "peak_tree_pss_mb": round(peak["pss"] / 2**20, 1),
            "peak_single_rss_mb": round(peak["one"] / 2**20, 1),
            "peak_own_rss_mb": round(peak["own"] / 2**20, 1), "peak_jobs_rss_mb": round(peak["jobs"] / 2**20, 1), "max_procs": peak["procs"],
            "rc": proc.returncode, "loadavg_before": round(load0, 2), "log": os.path.relpath(log, ROOT),
            "grader_code": code0, "grader_code_changed_during_run": code_state() != code0}


# ------------------------------------------------------------------------------------ results.json
TIMING_KEYS = {"duration_s", "wall_s", "seconds", "elapsed_s", "cpu_s", "generated", "generated_at", "created"}


def _strip(x):
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if k not in TIMING_KEYS}
    if isinstance(x, list):
        return [_strip(v) for v in x]
    return x


def load_results(out: str) -> dict:
    with open(os.path.join(out, "results.json")) as f:
        return json.load(f)


def summarise(res: dict) -> dict:
    subs = res["submissions"]
    d = sorted(s.get("duration_s") or 0.0 for s in subs)
    statuses: dict[str, int] = {}
    checks: dict[str, int] = {}
    killed = 0
    for s in subs:
        statuses[s["status"]] = statuses.get(s["status"], 0) + 1
        for q in s.get("questions", []):
            for c in q.get("checks", []):
                checks[c["status"]] = checks.get(c["status"], 0) + 1
                if "killed by signal 9" in (c.get("message") or ""):
                    killed += 1
    q = lambda p: round(d[int(p * (len(d) - 1))], 3) if d else None  # noqa: E731
    return {"n": len(subs), "p50_s": q(0.5), "p95_s": q(0.95), "max_s": q(1.0),
            "sum_duration_s": round(sum(d), 1), "statuses": statuses, "check_statuses": checks,
            "checks_killed_by_signal_9": killed, "score_sum": round(sum(s["score"] for s in subs), 3)}


def parse_profile(log: str) -> dict | None:
    """The line `grader-profile: {json}` (GRADER_PROFILE=1), if the grader prints one."""
    try:
        with open(log, errors="replace") as f:
            for line in f:
                if line.startswith("grader-profile:"):
                    return json.loads(line.split(":", 1)[1])
    except (OSError, ValueError):
        return None
    return None


_ADDR = __import__("re").compile(r" at 0x[0-9a-f]+")


def _unaddr(x):
    """Object addresses (`<function all at 0x7f..>` in pytest assertion messages) differ per process."""
    if isinstance(x, dict):
        return {k: _unaddr(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_unaddr(v) for v in x]
    return _ADDR.sub(" at 0x?", x) if isinstance(x, str) else x


def diff_results(a: dict, b: dict, limit: int = 5) -> list[str]:
    """Hand-ins whose results differ (timing fields dropped). Differences only in object addresses are
    listed once at the end as 'N hand-in(s) differ only in object addresses'."""
    sa = {s["id"]: _strip(s) for s in a["submissions"]}
    sb = {s["id"]: _strip(s) for s in b["submissions"]}
    addr_only = [k for k in set(sa) & set(sb) if sa[k] != sb[k] and _unaddr(sa[k]) == _unaddr(sb[k])]
    for k in addr_only:
        sa[k] = sb[k]
    out: list[str] = []
    tail = [f"{len(addr_only)} hand-in(s) differ only in object addresses in messages"] if addr_only else []
    for k in sorted(set(sa) | set(sb)):
        if sa.get(k) != sb.get(k):
            x, y = sa.get(k) or {}, sb.get(k) or {}
            what = [f"{q1['id']}: {q1['score']} vs {q2['score']}" for q1, q2 in
                    zip(x.get("questions", []), y.get("questions", [])) if q1 != q2]
            out.append(f"{k}: {'; '.join(what[:3]) or 'differs'}")
    return out[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else []) + tail


# --------------------------------------------------------------------------------------- class part
def grade_cmd(rubric: str, paths: list[str], out: str, jobs: int, extra: list[str] = ()) -> list[str]:
    return [PY, "-m", "grader", "grade", rubric, *paths, "--out", out, *(["--jobs", str(jobs)] if jobs else []),
            "--quiet", *extra]


def jobs_text(jobs: int) -> str:
    from grader.batch.run import default_jobs
    return f"--jobs {jobs}" if jobs else f"default --jobs ({default_jobs()})"


def env_profile() -> dict:
    env = dict(os.environ)
    env["GRADER_PROFILE"] = "1"
    env.pop("CI", None)
    return env


def class_runs(sizes: list[int], jobs: int, seed: int, runaway: bool, report: dict) -> None:
    from make_class import make
    rubric = os.path.join(ROOT, "rubrics", "final_exam.yaml")
    for n in sizes:
        tag = f"class-{n}" + ("" if runaway else "-nr")
        data = os.path.join(DATA, tag)
        manifest = make(n, data, seed, runaway)
        with open(data + ".manifest.json", "w") as f:
            json.dump(manifest, f)
        out = os.path.join(OUT, tag)
        shutil.rmtree(out, ignore_errors=True)
        print(f"\n== class N={n} ({'with' if runaway else 'no'} runaways), {jobs_text(jobs)}", flush=True)
        m = run_measured(grade_cmd(rubric, [data], out, jobs), os.path.join(OUT, f"{tag}.log"), env_profile())
        entry: dict = {"n": n, "jobs": jobs, "run": m}
        if m["rc"] != 0 or not os.path.exists(os.path.join(out, "results.json")):
            print(f"   grader failed (rc={m['rc']}), see {m['log']}")
            report["class"].append(entry)
            continue
        res = load_results(out)
        s = summarise(res)
        entry["results"] = s
        entry["handins_per_s"] = round(n / m["wall_s"], 2)
        kinds: dict[str, list[float]] = {}
        for sub in res["submissions"]:
            kinds.setdefault(manifest.get(sub["id"], {}).get("kind", "?"), []).append(sub.get("duration_s") or 0.0)
        entry["duration_by_kind_s"] = {k: {"n": len(v), "sum": round(sum(v), 2), "max": round(max(v), 2)}
                                       for k, v in sorted(kinds.items())}
        print(f"   wall {m['wall_s']} s  = {entry['handins_per_s']} hand-ins/s   (target: 1000 in <= 60 s, >= 16/s)"
              f"   [grader code {m['grader_code']}{', CHANGED during the run' if m['grader_code_changed_during_run'] else ''}]")
        print(f"   per hand-in duration_s: p50 {s['p50_s']} s  p95 {s['p95_s']} s  max {s['max_s']} s  "
              f"(sum {s['sum_duration_s']} s over {s['n']})")
        print(f"   CPU of the tree {m['cpu_s']} s (user {m['user_s']}, sys {m['sys_s']}); load avg before {m['loadavg_before']}")
        print(f"   peak memory of the process tree: RSS sum {m['peak_tree_rss_mb']} MB, PSS {m['peak_tree_pss_mb']} MB, "
              f"largest process {m['peak_single_rss_mb']} MB, up to {m['max_procs']} processes   (target <= 1024 MB, flat in N)")
        print(f"     of which: grader's own processes (tree minus sandbox jobs) peak RSS {m['peak_own_rss_mb']} MB; "
              f"sandbox jobs (keepers, workers, their children) peak RSS {m['peak_jobs_rss_mb']} MB")
        print(f"   statuses {s['statuses']}; checks {s['check_statuses']}; score sum {s['score_sum']}")
        if s["checks_killed_by_signal_9"]:
            print(f"   WARNING: {s['checks_killed_by_signal_9']} check(s) report 'killed by signal 9'")
        slow = sorted(entry["duration_by_kind_s"].items(), key=lambda kv: -kv[1]["sum"])[:5]
        print("   time by hand-in kind (sum of duration_s): " + ", ".join(f"{k} {v['sum']} s/{v['n']}" for k, v in slow))
        prof = parse_profile(os.path.join(OUT, f"{tag}.log"))
        entry["profile"] = prof
        if prof:
            print(f"   stages: {json.dumps(prof)}")
        else:
            print("   stages: no stage timings (the grader prints no `grader-profile:` line with GRADER_PROFILE=1)")
        # cache effects
        cache_dir = os.path.join(out, ".cache")
        if os.path.isdir(cache_dir):
            m2 = run_measured(grade_cmd(rubric, [data], out, jobs), os.path.join(OUT, f"{tag}.rerun.log"), env_profile())
            same = diff_results(res, load_results(out))
            entry["rerun"] = {"run": m2, "ratio": round(m2["wall_s"] / m["wall_s"], 4), "diffs": same}
            if m2["grader_code"] != m["grader_code"] or m2["grader_code_changed_during_run"]:
                print(f"   WARNING: the grader's code changed between the runs ({m['grader_code']} -> {m2['grader_code']}):"
                      " a cache keyed on the code is rightly not reused; rerun for a cache figure")
            print(f"   cache re-run (nothing changed): {m2['wall_s']} s = {100 * m2['wall_s'] / m['wall_s']:.1f} % "
                  f"of the first run (target <= 5 %); results {'identical' if not same else 'DIFFER: ' + '; '.join(same)}")
            with open(os.path.join(OUT, f"{tag}.rerun.log"), errors="replace") as f:
                tail = [ln.strip() for ln in f if ln.strip()][-1:]
            if tail:
                print(f"     grader said: {tail[0][:160]}")
        else:
            entry["rerun"] = None
            print("   cache: no cache (no <out>/.cache after the first run)")
        # --jobs 1 identity (smallest size only)
        if n == min(sizes) and jobs != 1:
            out1 = out + "-j1"
            shutil.rmtree(out1, ignore_errors=True)
            m1 = run_measured(grade_cmd(rubric, [data], out1, 1), os.path.join(OUT, f"{tag}-j1.log"), env_profile())
            diffs = diff_results(res, load_results(out1)) if m1["rc"] == 0 else [f"rc={m1['rc']}"]
            if m1["grader_code"] != m["grader_code"]:
                diffs.append(f"(grader code changed between the runs: {m['grader_code']} -> {m1['grader_code']})")
            entry["jobs1"] = {"run": m1, "diffs": diffs}
            print(f"   --jobs 1: wall {m1['wall_s']} s (speed-up of {jobs_text(jobs)}: {m1['wall_s'] / m['wall_s']:.2f}x); "
                  f"results {'identical to ' + jobs_text(jobs) if not diffs else 'DIFFER: ' + '; '.join(diffs)}")
        report["class"].append(entry)


# --------------------------------------------------------------------------------------- floor part
def floor_runs(report: dict) -> None:
    import anchors
    sub, _ = anchors.write_class(200, os.path.join(DATA, "anchors"), runaway=False)
    print("\n== sandbox CPU per job vs the bare fork-server floor (200 anchor notebooks, no runaway, 1 worker)")
    res = {}
    for name, cmd in (("floor", [PY, os.path.join(HERE, "floor.py"), sub, "--jobs", "1", "--sandbox", "2"]),
                      ("sandbox", [PY, os.path.join(HERE, "sandbox_cpu.py"), sub, "--workers", "1"])):
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        try:
            res[name] = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            res[name] = {"error": (p.stderr or p.stdout)[-500:]}
    report["floor"] = res
    f, s = res["floor"], res["sandbox"]
    if "error" in f or "error" in s:
        print(f"   failed: {res}")
        return
    fl = f["per_job_cpu_ms"]["mean"]
    print(f"   floor (fork + rlimits + user/net namespace): CPU per job {fl} ms (p50 {f['per_job_cpu_ms']['p50']}), "
          f"wall per job p50 {f['per_job_wall_ms']['p50']} ms")
    print(f"   grader sandbox (tier {s['tier']}): keeper+worker CPU per job {s['tree_cpu_ms_mean']} ms "
          f"(worker alone p50 {s['worker_cpu_ms']['p50']} ms) + trusted side {s['parent_cpu_ms_mean']} ms; "
          f"wall per job p50 {s['per_job_wall_ms']['p50']} ms")
    ratio = (s["tree_cpu_ms_mean"] + s["parent_cpu_ms_mean"]) / fl if fl else float("nan")
    res["ratio"] = round(ratio, 2)
    print(f"   sandbox / floor CPU per job: {ratio:.2f}x (target <= 2x)")


# ------------------------------------------------------------------------------------- anchors part
def nbgrader_env(venv: str) -> dict:
    env = dict(os.environ)
    env["PATH"] = os.path.join(venv, "bin") + os.pathsep + env.get("PATH", "")  # nbgrader runs `alembic`
    env["NBG_CELL_TIMEOUT"] = "5"
    env.pop("PYTHONPATH", None)
    return env


def read_nbgrader_csv(path: str) -> dict:
    import csv
    with open(path) as f:
        return {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}


# the memory sampler scans all of /proc: every 50 ms it costs a few % of a core, which a tool using
# both cores (grader) pays and a serial one (nbgrader) does not; the anchors compare wall times
ANCHOR_SAMPLING_S = 0.5


def anchor_runs(sizes: list[int], jobs: int, venv: str, report: dict, runaway: bool = True,
                grader_runs: int = 3) -> None:
    import anchors
    nbg = os.path.join(venv, "bin", "nbgrader")
    if not os.path.exists(nbg):
        print(f"\n== anchors: no nbgrader at {nbg}; run: bash bench/setup_nbgrader.sh {venv}")
        return
    rubric = os.path.join(HERE, "anchor_rubric.yaml")
    # both tools interrupt a runaway cell after the same time: the rubric's limits.cell_s
    import yaml
    with open(rubric) as f:
        cell_timeout = int(round(float(yaml.safe_load(f)["limits"]["cell_s"])))
    for n in sizes:
        root = os.path.join(DATA, "anchors")
        sub, exp_path = anchors.write_class(n, root, runaway)
        tag = f"{n}" if runaway else f"{n}-nr"
        with open(exp_path) as f:
            expected = json.load(f)
        print(f"\n== anchor assignment N={n}{'' if runaway else ' without the runaway'}: grader ({jobs_text(jobs)}) "
              f"vs nbgrader autograde (serial); both interrupt a cell after {cell_timeout} s")
        out = os.path.join(OUT, f"anchors-{tag}")
        # as the anchors' hyperfine runs: one untimed warm-up, then the median of `grader_runs` runs
        # (each into a fresh --out: nothing cached); nbgrader runs once (minutes per run)
        walls = []
        for k in range(grader_runs + 1):
            shutil.rmtree(out, ignore_errors=True)
            m = run_measured(grade_cmd(rubric, [sub], out, jobs), os.path.join(OUT, f"anchors-{tag}-grader.log"),
                             env_profile(), interval=ANCHOR_SAMPLING_S)
            if k:
                walls.append(m)
        walls.sort(key=lambda m: m["wall_s"])
        g = dict(walls[len(walls) // 2], runs_wall_s=[m["wall_s"] for m in walls])
        got = {s["id"]: s["score"] for s in load_results(out)["submissions"]} if g["rc"] == 0 else {}
        gv = anchors.verify(expected, got)
        # nbgrader: course dir, generate_assignment, student copies, autograde (timed), export
        course = os.path.join(DATA, f"nbg-{tag}")
        shutil.rmtree(course, ignore_errors=True)
        shutil.copytree(os.path.join(root, "nbgrader-course"), course)
        env = dict(nbgrader_env(venv), NBG_CELL_TIMEOUT=str(cell_timeout))
        subprocess.run([nbg, "generate_assignment", "ps1", "--force"], cwd=course, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        anchors.prepare_nbgrader(course, os.path.join(root, f"nbgrader-answers-{tag}"))
        b = run_measured([nbg, "autograde", "ps1", "--force"], os.path.join(OUT, f"anchors-{tag}-nbgrader.log"),
                         env, cwd=course, interval=ANCHOR_SAMPLING_S)
        csv_path = os.path.join(OUT, f"anchors-{tag}-nbgrader-grades.csv")
        subprocess.run([nbg, "export", "--to", csv_path], cwd=course, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        nv = anchors.verify(expected, read_nbgrader_csv(csv_path)) if os.path.exists(csv_path) else (0, n, ["no export"], [])
        ratio = b["wall_s"] / g["wall_s"] if g["wall_s"] else float("nan")
        target = 30 if n <= 40 else 60
        report["anchors"].append({"n": n, "runaway": runaway, "grader": g, "nbgrader": b, "ratio": round(ratio, 2),
                                  "grader_verify": gv[:3], "nbgrader_verify": nv[:3]})
        for name, m, v in (("grader", g, gv), ("nbgrader", b, nv)):
            print(f"   {name:8s} wall {m['wall_s']:7.2f} s ({1000 * m['wall_s'] / n:6.1f} ms/notebook)  CPU {m['cpu_s']} s  "
                  f"peak tree RSS {m['peak_tree_rss_mb']} MB  scores {v[0]}/{v[1]} as expected"
                  + (f"; MISMATCH {'; '.join(v[2][:4])}" if v[2] else "") + f"; runaway: {', '.join(v[3]) or 'none'}"
                  + (f"  (median of {', '.join(f'{w:.2f}' for w in m['runs_wall_s'])} s after a warm-up)"
                     if "runs_wall_s" in m else ""))
        print(f"   nbgrader / grader wall: {ratio:.1f}x (target >= {target}x)")


# ---------------------------------------------------------------------------------------------- main
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--jobs", type=int, default=0, help="grader's --jobs (default: the grader's own default)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-runaway", action="store_true", help="class without infinite loops / long sleeps")
    ap.add_argument("--no-class", action="store_true", help="skip the final-exam class runs")
    ap.add_argument("--floor", action="store_true", help="sandbox CPU per job vs the fork-server floor")
    ap.add_argument("--anchors", action="store_true", help="grader vs nbgrader on the anchor assignment")
    ap.add_argument("--anchor-sizes", default="40,200")
    ap.add_argument("--anchor-no-runaway", action="store_true",
                    help="also run the anchor sizes with the infinite-loop notebook made correct (both tools)")
    ap.add_argument("--grader-runs", type=int, default=3,
                    help="anchors: timed grader runs after one warm-up; the median is compared")
    ap.add_argument("--nbgrader-venv", default=os.environ.get("VENV_NBGRADER", "/tmp/venv-nbgrader"))
    ap.add_argument("--json", help="write every figure here (default bench/out/results-<date>.json)")
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    now = datetime.datetime.now().astimezone()
    report: dict = {"date": now.isoformat(timespec="seconds"), "cpus": os.cpu_count(),
                    "python": sys.version.split()[0], "class": [], "anchors": [], "floor": None}
    try:
        report["grader_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                                 capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    print(f"grader benchmark {report['date']}, {report['cpus']} CPUs, Python {report['python']}, "
          f"commit {report.get('grader_commit')}, load avg {os.getloadavg()[0]:.2f}")
    if not a.no_class:
        class_runs([int(x) for x in a.sizes.split(",") if x], a.jobs, a.seed, not a.no_runaway, report)
    if a.floor:
        floor_runs(report)
    if a.anchors:
        sizes = [int(x) for x in a.anchor_sizes.split(",") if x]
        anchor_runs(sizes, a.jobs, a.nbgrader_venv, report, grader_runs=max(1, a.grader_runs))
        if a.anchor_no_runaway:
            anchor_runs(sizes, a.jobs, a.nbgrader_venv, report, runaway=False, grader_runs=max(1, a.grader_runs))
    path = a.json or os.path.join(OUT, f"results-{now.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
    print(f"\nall figures: {os.path.relpath(path, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
