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

from grader import __version__, profile
from grader.errors import GraderError, RubricError
from grader.results import points_text

EXIT_OK, EXIT_RUBRIC, EXIT_USAGE, EXIT_REPORTS = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="grader", description="Grade student notebooks and .py hand-ins against a YAML rubric.")
    p.add_argument("--version", action="version", version=f"grader {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser("grade", help="grade hand-ins and write reports")
    g.add_argument("rubric", metavar="RUBRIC")
    g.add_argument("paths", nargs="+", metavar="PATH", help="a hand-in file, a folder, a MarkUs export or a .zip")
    g.add_argument("--out", default="grades", metavar="DIR", help="where the reports go (default: grades/)")
    g.add_argument("--jobs", type=int, default=0, metavar="N", help="hand-ins graded at once (default: twice the cores, at most 32)")
    _sandbox_flags(g)
    g.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    g.add_argument("--assignment-folder", metavar="NAME",
                   help="MarkUs repo checkouts: read only <group>/NAME/ (the assignment's repository folder)")
    g.add_argument("--group-list", metavar="CSV",
                   help="MarkUs group list (group,user1,...): records members; absent groups are no_submission")
    g.add_argument("--no-cache", action="store_true", help="grade everything again (ignore and refresh DIR/.cache)")
    g.add_argument("--reviews", metavar="FILE", help="merge a filled review CSV (from `grader review`)")
    g.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where hand-ins are graded: this machine (default) or a Dask cluster")
    g.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="Dask scheduler address (default with --executor dask: a local cluster)")

    r = sub.add_parser("review", help="write the answers waiting for a person to a CSV to fill in")
    r.add_argument("rubric", metavar="RUBRIC")
    r.add_argument("--results", default="grades", metavar="PATH",
                   help="results.json, or the --out folder holding it (default: grades/)")
    r.add_argument("--out", metavar="FILE", help="the review CSV (default: reviews.csv beside results.json)")

    mt = sub.add_parser("markus-tester", help="inside MarkUs's custom tester: print autotester JSON lines")
    mt.add_argument("rubric", metavar="RUBRIC")
    mt.add_argument("path", nargs="?", default=".", metavar="PATH", help="the group's files (default: .)")
    mt.add_argument("--feedback", metavar="FILE", help="also write the Markdown feedback to FILE")
    _sandbox_flags(mt)

    gs = sub.add_parser("gradescope", help="inside Gradescope's run_autograder: write results/results.json")
    gs.add_argument("rubric", metavar="RUBRIC")
    gs.add_argument("--submission", default="/autograder/submission", metavar="DIR")
    gs.add_argument("--results", default="/autograder/results/results.json", metavar="FILE")
    _sandbox_flags(gs)

    c = sub.add_parser("check", help="a student's self-check: public checks only")
    c.add_argument("rubric", metavar="RUBRIC")
    c.add_argument("path", metavar="PATH")
    _sandbox_flags(c)

    v = sub.add_parser("validate", help="lint the rubric and prove it against its own key")
    v.add_argument("rubric", metavar="RUBRIC")
    v.add_argument("--no-code", action="store_true",
                   help="do not run the reference code through the code checks")
    _sandbox_flags(v)
    return p


def _sandbox_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trust-submissions", action="store_true",
                   help="run student code even where the machine cannot confine file access")
    p.add_argument("--no-namespaces", action="store_true", help=argparse.SUPPRESS)


def main(argv: Sequence[str] | None = None) -> int:
    # hand-ins run in parallel; numpy's BLAS threads would only spin between the tiny comparisons
    # (set before numpy is first imported, which is later: the CLI imports it lazily)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
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
        if args.command == "review":
            return _review(args)
        if args.command == "markus-tester":
            from grader.markus_mode import run_markus_tester

            return run_markus_tester(args.rubric, args.path, feedback=args.feedback,
                                     trust_submissions=args.trust_submissions, namespaces=not args.no_namespaces)
        if args.command == "gradescope":
            from grader.gradescope_mode import run_gradescope

            return run_gradescope(args.rubric, args.submission, args.results,
                                  trust_submissions=args.trust_submissions, namespaces=not args.no_namespaces)
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


def _options(args: Any, paths: list[str], public_only: bool) -> Any:
    from grader.batch.run import GradeOptions

    return GradeOptions(rubric=args.rubric, paths=paths, out=getattr(args, "out", "grades"),
                        jobs=getattr(args, "jobs", 0) or 0, cache=not getattr(args, "no_cache", False),
                        reviews=getattr(args, "reviews", None), executor=getattr(args, "executor", "local"),
                        scheduler=getattr(args, "scheduler", None), trust_submissions=args.trust_submissions,
                        namespaces=not args.no_namespaces, public_only=public_only,
                        assignment_folder=getattr(args, "assignment_folder", None),
                        group_list=getattr(args, "group_list", None))


def _grade(args: Any, paths: list[str], public_only: bool) -> int:
    from grader.batch.run import grade_run, write_reports
    from grader.review import ReviewFileError

    quiet = getattr(args, "quiet", False) or public_only
    try:
        outcome = grade_run(_options(args, paths, public_only), progress_factory=lambda n, k: _progress(n, k, quiet))
    except ReviewFileError as exc:
        for problem in exc.problems:
            print(f"{exc.path}: {problem}", file=sys.stderr)
        print(f"grader: the review file has {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return EXIT_USAGE
    for w in outcome.warnings:
        print(f"grader: {w}", file=sys.stderr)
    run = outcome.run
    if public_only:
        _print_check(run)
        return EXIT_OK
    from grader.errors import ReportError

    try:
        write_reports(outcome, args.out)
    except ReportError as exc:
        for failure in exc.failures:
            print(f"grader: could not write {failure}", file=sys.stderr)
        print(f"grader: the other reports were written to {args.out}/ (results are also in the cache); "
              "fix the cause and run the same command again", file=sys.stderr)
        return EXIT_REPORTS
    if profile.ENABLED:
        print(profile.line(wall_s=round(time.perf_counter() - profile.T0, 3), handins=outcome.total,
                           graded=len(outcome.graded), cached=outcome.cached), file=sys.stderr)
    if not args.quiet:
        _print_table(run, outcome.rubric)
    print(f"graded {len(outcome.graded)} hand-in(s), reused {outcome.cached} from the cache"
          + (f", merged {outcome.reviewed} review mark(s)" if outcome.reviewed else "")
          + f" in {outcome.seconds:.1f} s; reports written to {args.out}/", file=sys.stderr)
    if not outcome.complete:
        print(f"grader: interrupted; {len(run.submissions)} of {outcome.total} hand-ins graded and reported; "
              "run the same command again to grade the rest", file=sys.stderr)
        return 130
    return EXIT_OK


def _progress(total: int, initial: int, quiet: bool) -> tuple[Any, Any]:
    """A tqdm bar (count, rate, ETA) on a terminal; nothing in CI logs or when piped."""
    if quiet or total < 2 or not sys.stderr.isatty() or os.environ.get("CI"):
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, initial=initial, unit="hand-in", file=sys.stderr, dynamic_ncols=True,
               desc="grading", smoothing=0.1)
    if initial:
        bar.set_postfix_str(f"{initial} cached", refresh=True)
    return (lambda _res: bar.update(1)), bar.close



def _print_table(run: Any, rubric: Any) -> None:
    qids = [q.id for q in rubric.questions]
    short = {"correct": "✓", "partial": "~", "incorrect": "✗", "missing": "-", "unparseable": "?",
             "error": "E", "timeout": "T", "needs_review": "R"}
    wid = max([len("hand-in")] + [len(s.id) for s in run.submissions])
    head = f"{'hand-in':<{wid}}  {'status':<13} {'score':>6} {'review':>6} {'max':>4}  " + " ".join(f"{q:>4}" for q in qids)
    print(head)
    print("-" * len(head))
    for s in run.submissions[:200]:
        marks = {q.id: f"{points_text(q.score)}{short.get(str(q.status), '')}" for q in s.questions}
        cells = " ".join(f"{marks.get(q, ''):>4}" for q in qids)
        print(f"{s.id:<{wid}}  {s.status:<13} {points_text(s.score):>6} {points_text(s.pending_review):>6} {points_text(s.max_score):>4}  {cells}")
    if len(run.submissions) > 200:
        print(f"... and {len(run.submissions) - 200} more (see grades.csv)")
    print("legend: ✓ correct  ~ partial  ✗ incorrect  - missing  ? unparseable  E error  T timeout  R needs review")
    _print_summary(run)


def _print_summary(run: Any) -> None:
    from collections import Counter

    counts = Counter(s.status for s in run.submissions)
    graded = [s for s in run.submissions if s.status == "graded"]
    line = f"{len(run.submissions)} hand-in(s): " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    if graded:
        mean = sum(s.score for s in graded) / len(graded)
        waiting = [s for s in graded if s.pending_review > 0]
        line += f"; mean score {mean:.1f} / {points_text(run.max_score)}"
        if waiting:
            line += (f"; {points_text(sum(s.pending_review for s in waiting))} point(s) on {len(waiting)} hand-in(s) "
                     "wait for a person (grader review)")
    print(line)


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
                    print(f"  [hidden] {c.name}: graded after the deadline ({points_text(c.max_score)} pts)")
                else:
                    print(f"  [{c.status}] {c.name}: {points_text(c.score)}/{points_text(c.max_score)}  {c.message}")
        public = sum(c.max_score for q in s.questions for c in q.checks if not c.details.get("hidden"))
        got = sum(c.score for q in s.questions for c in q.checks if not c.details.get("hidden")
                  and str(c.status) != "needs_review")
        print(f"\npublic checks: {points_text(got)} / {points_text(public)} points (free-text and hidden checks are graded later)")


def _review(args: Any) -> int:
    from grader.review import ReviewFileError, write_review_from_results

    try:
        summary, warnings = write_review_from_results(args.rubric, args.results, args.out)
    except ReviewFileError as exc:
        for problem in exc.problems:
            print(f"{exc.path}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    for w in warnings:
        print(f"grader: {w}", file=sys.stderr)
    print(f"{summary.path}: {summary.rows} row(s), {summary.waiting} waiting for a score"
          + (f", {summary.kept} mark(s) kept from the existing file" if summary.kept else ""))
    print(f"fill the score column, then: grader grade {args.rubric} ... --reviews {summary.path}")
    return EXIT_OK


def _validate(args: Any) -> int:
    from grader.batch.run import load_rubric_for, start_sandbox
    from grader.mathservice import MathService
    from grader.selftest import run_selftest

    started = time.perf_counter()
    # the reference code is run as a hand-in through the code checks: the sandbox starts first
    sandbox = None if args.no_code else start_sandbox(args.trust_submissions, not args.no_namespaces, 1)
    try:
        rubric = load_rubric_for(sandbox, args.rubric)
        with MathService(processes=1, timeout_s=rubric.limits.math_timeout_s, seed=rubric.seed) as math:
            count, failures = run_selftest(rubric, math, sandbox)
    finally:
        if sandbox is not None:
            sandbox.close()
    for f in failures:
        print(f, file=sys.stderr)
    n_checks = sum(len(q.checks) for q in rubric.questions)
    summary = (f"{args.rubric}: {len(rubric.questions)} questions, {n_checks} checks, "
               f"{points_text(rubric.max_score)} points; self-test {count - len(failures)}/{count} cases passed "
               f"in {time.perf_counter() - started:.1f} s")
    print(summary)
    return EXIT_RUBRIC if failures else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
