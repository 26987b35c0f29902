"""The ``grader`` command: argument parsing and printing only; the work is in the library.

Exit status: 0 every hand-in got a report; 1 the rubric is invalid (every error printed as
``path:line:col: message``) or ``validate`` found a self-test failure; 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Sequence

from grader import __version__
from grader.errors import GraderError, RubricError

EXIT_OK, EXIT_RUBRIC, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="grader", description="Grade student notebooks and .py hand-ins against a YAML rubric.")
    p.add_argument("--version", action="version", version=f"grader {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser("grade", help="grade hand-ins and write reports")
    g.add_argument("rubric", metavar="RUBRIC")
    g.add_argument("paths", nargs="+", metavar="PATH", help="a hand-in file, a folder, a MarkUs export or a .zip")
    g.add_argument("--out", default="grades", metavar="DIR", help="where the reports go (default: grades/)")
    g.add_argument("--jobs", type=int, default=0, metavar="N", help="parallel hand-ins (default: all cores)")
    _sandbox_flags(g)
    g.add_argument("--quiet", action="store_true", help="no progress bar and no table")

    c = sub.add_parser("check", help="a student's self-check: public checks only")
    c.add_argument("rubric", metavar="RUBRIC")
    c.add_argument("path", metavar="PATH")
    _sandbox_flags(c)

    v = sub.add_parser("validate", help="lint the rubric and prove it against its own key")
    v.add_argument("rubric", metavar="RUBRIC")
    return p


def _sandbox_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trust-submissions", action="store_true",
                   help="run student code even where the machine cannot confine file access")
    p.add_argument("--no-namespaces", action="store_true", help=argparse.SUPPRESS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "check":
            return _grade(args, paths=[args.path], public_only=True)
        return _grade(args, paths=args.paths, public_only=False)
    except RubricError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(f"grader: the rubric has {n} error{'s' if n != 1 else ''}; nothing was graded", file=sys.stderr)
        return EXIT_RUBRIC
    except GraderError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("grader: interrupted", file=sys.stderr)
        return 130


def _start_sandbox(args: Any, workers: int) -> Any:
    """Start the sandbox's fork server BEFORE the rubric is read, so it holds nothing of it."""
    try:
        from grader.sandbox import Sandbox
    except ImportError:
        return None
    return Sandbox.start(trust_submissions=args.trust_submissions, namespaces=not args.no_namespaces,
                         workers=workers)


def _grade(args: Any, paths: list[str], public_only: bool) -> int:
    from grader.batch.local import grade_batch
    from grader.handin.discover import discover
    from grader.mathservice import MathService
    from grader.results import RunResult
    from grader.rubric.load import load_rubric

    jobs = getattr(args, "jobs", 1) or os.cpu_count() or 1
    if public_only:
        jobs = 1
    for p in paths:
        if not os.path.exists(p):
            print(f"grader: {p}: no such file or folder", file=sys.stderr)
            return EXIT_USAGE
    sandbox = _start_sandbox(args, jobs)
    try:
        rubric = load_rubric(args.rubric)
        items = discover(paths)
        if sandbox is not None and getattr(sandbox, "refusal", None) and _has_code(rubric):
            print(f"grader: student code will not run: {sandbox.refusal}", file=sys.stderr)
        quiet = getattr(args, "quiet", False) or public_only
        progress, finish = _progress(len(items), quiet)
        with MathService(processes=jobs, timeout_s=rubric.limits.math_timeout_s,
                         memory_mb=rubric.limits.memory_mb, seed=rubric.seed) as math:
            results, complete = grade_batch(rubric, items, jobs=jobs, math=math, sandbox=sandbox,
                                            public_only=public_only, progress=progress)
        finish()
    finally:
        if sandbox is not None:
            sandbox.close()
    run = RunResult(rubric_title=rubric.title, rubric_path=args.rubric, rubric_sha256=rubric.sha256,
                    max_score=rubric.max_score, submissions=tuple(results), grader_version=__version__)
    if public_only:
        _print_check(run)
        return EXIT_OK
    from grader.report import write_all

    write_all(run, rubric, args.out)
    if not args.quiet:
        _print_table(run, rubric)
        print(f"reports written to {args.out}/ (results.json, grades.csv, feedback/)")
    if not complete:
        print(f"grader: interrupted; {len(results)} of {len(items)} hand-ins graded and reported", file=sys.stderr)
        return 130
    return EXIT_OK


def _has_code(rubric: Any) -> bool:
    return any(c.kind in ("function", "pytest") for q in rubric.questions for c in q.checks)


def _progress(total: int, quiet: bool) -> tuple[Any, Any]:
    if quiet or total < 2 or not sys.stderr.isatty() or os.environ.get("CI"):
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="hand-in", file=sys.stderr, dynamic_ncols=True)
    return (lambda _res: bar.update(1)), bar.close


def _fmt(x: float) -> str:
    return f"{x:g}"


def _print_table(run: Any, rubric: Any) -> None:
    qids = [q.id for q in rubric.questions]
    short = {"correct": "✓", "partial": "~", "incorrect": "✗", "missing": "-", "unparseable": "?",
             "error": "E", "timeout": "T", "needs_review": "R"}
    wid = max([len("hand-in")] + [len(s.id) for s in run.submissions])
    head = f"{'hand-in':<{wid}}  {'status':<13} {'score':>6} {'review':>6} {'max':>4}  " + " ".join(f"{q:>4}" for q in qids)
    print(head)
    print("-" * len(head))
    for s in run.submissions[:200]:
        marks = {q.id: f"{_fmt(q.score)}{short.get(str(q.status), '')}" for q in s.questions}
        cells = " ".join(f"{marks.get(q, ''):>4}" for q in qids)
        print(f"{s.id:<{wid}}  {s.status:<13} {_fmt(s.score):>6} {_fmt(s.pending_review):>6} {_fmt(s.max_score):>4}  {cells}")
    if len(run.submissions) > 200:
        print(f"... and {len(run.submissions) - 200} more (see grades.csv)")
    print("legend: ✓ correct  ~ partial  ✗ incorrect  - missing  ? unparseable  E error  T timeout  R needs review")


def _print_check(run: Any) -> None:
    for s in run.submissions:
        print(f"{s.id}: {s.status}" + (f" ({s.message})" if s.message else ""))
        for q in s.questions:
            print(f"\n{q.id} {q.title}")
            if q.answer:
                shown = " ".join(q.answer.split())
                print(f"  read: {shown[:200]}{'...' if len(shown) > 200 else ''}")
            for c in q.checks:
                if c.details.get("hidden"):
                    print(f"  [hidden] {c.name}: graded after the deadline ({_fmt(c.max_score)} pts)")
                else:
                    print(f"  [{c.status}] {c.name}: {_fmt(c.score)}/{_fmt(c.max_score)}  {c.message}")
        public = sum(c.max_score for q in s.questions for c in q.checks if not c.details.get("hidden"))
        got = sum(c.score for q in s.questions for c in q.checks if not c.details.get("hidden")
                  and str(c.status) != "needs_review")
        print(f"\npublic checks: {_fmt(got)} / {_fmt(public)} points (free-text and hidden checks are graded later)")


def _validate(args: Any) -> int:
    from grader.mathservice import MathService
    from grader.rubric.load import load_rubric
    from grader.selftest import run_selftest

    started = time.perf_counter()
    rubric = load_rubric(args.rubric)
    with MathService(processes=1, timeout_s=rubric.limits.math_timeout_s, seed=rubric.seed) as math:
        count, failures = run_selftest(rubric, math)
    for f in failures:
        print(f, file=sys.stderr)
    n_checks = sum(len(q.checks) for q in rubric.questions)
    summary = (f"{args.rubric}: {len(rubric.questions)} questions, {n_checks} checks, "
               f"{_fmt(rubric.max_score)} points; self-test {count - len(failures)}/{count} cases passed "
               f"in {time.perf_counter() - started:.1f} s")
    print(summary)
    return EXIT_RUBRIC if failures else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
