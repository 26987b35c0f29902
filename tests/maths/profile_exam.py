"""Profiling workload (not a test): parse and compare every distinct answer of the final exam's key table
and rubric examples, in one process, as a maths worker would (each distinct answer once).

    python tests/maths/profile_exam.py [--repeat N] [--profile]

Prints the process CPU time of the workload. ``--repeat`` re-runs it with N different seeds (a fresh
expected-value cache for each seed), ``--profile`` prints the cProfile top 25 by cumulative time.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "core"))


def workload():
    from test_final_exam import KEY_TABLE

    from grader.answers.locate import locate
    from grader.handin.model import Document, Section
    from grader.rubric.load import load_rubric

    rubric = load_rubric(os.path.join(ROOT, "rubrics", "final_exam.yaml"))
    rows = [(q, a) for q, a, _ in KEY_TABLE]
    for q in rubric.questions:
        for ex in getattr(q, "examples", ()) or ():
            ans = ex.get("answer") if isinstance(ex, dict) else getattr(ex, "answer", None)
            if isinstance(ans, str):
                rows.append((q.id, ans))
    jobs = []
    seen = set()
    for qid, text in rows:
        q = rubric.question(qid)
        doc = Document(sections={f"answer {qid}": Section(heading=f"Answer {qid}", text=text, origin="p")})
        loc = locate(doc, q)
        cands = loc.candidates(q.answer.targets)
        for check in q.checks:
            if not hasattr(check.params, "expected"):
                continue
            key = (check.id, cands)
            if key in seen or not cands:
                continue
            seen.add(key)
            jobs.append((check, cands))
    return jobs


def run(jobs, seed):
    from grader.checks.written import evaluate

    return [evaluate(c.params, c.points, cands, seed) for c, cands in jobs]


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    t0 = cpu()
    jobs = workload()
    t1 = cpu()
    prof = cProfile.Profile() if args.profile else None
    if prof:
        prof.enable()
    outs = []
    for r in range(args.repeat):
        outs.append(run(jobs, 2026 + r))
    if prof:
        prof.disable()
    t2 = cpu()
    print(f"{len(jobs)} (check, answer) jobs x {args.repeat} seeds; setup {t1 - t0:.2f} s CPU; "
          f"evaluate {t2 - t1:.2f} s CPU")
    digest = [(o.status.value, o.points, o.read, o.reason, o.feedback) for out in outs for o in out]
    import hashlib
    print("verdict digest", hashlib.sha256(repr(digest).encode()).hexdigest()[:16])
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
