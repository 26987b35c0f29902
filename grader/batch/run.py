"""``grader grade``: discover, reuse cached results, grade the rest, merge reviews, write reports.

The order matters:
1. hand-ins are discovered and looked up in the cache (``<out>/.cache``);
2. only if some are left to grade, the sandbox's fork server starts, BEFORE the rubric is
   read (so it holds nothing of it), then the MathService;
3. the review file is checked against the rubric and the hand-in ids before any grading;
4. each graded hand-in is flushed to the cache as it completes;
5. reviews are merged (a person's mark wins) and every report is rewritten atomically.
Ctrl-C at any point after 1 still writes complete reports for what was graded.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

from grader import __version__, profile
from grader.batch.cache import ResultCache, grader_version, open_cache
from grader.handin.discover import Empty, UsageError, discover
from grader.handin.model import HandIn
from grader.results import RunResult, SubmissionResult
from grader.rubric.model import Rubric

Progress = Callable[[SubmissionResult], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class GradeOptions:
    rubric: str
    paths: Sequence[str]
    out: str = "grades"
    jobs: int = 0
    cache: bool = True
    reviews: str | None = None
    executor: str = "local"            # local | dask
    scheduler: str | None = None       # dask scheduler address; None: a local cluster
    trust_submissions: bool = False
    namespaces: bool = True
    public_only: bool = False
    assignment_folder: str | None = None   # MarkUs repo checkouts: each group's <folder>/ is its hand-in
    group_list: str | None = None          # MarkUs group list CSV: members, and groups missing from the export


@dataclass(slots=True)
class GradeOutcome:
    run: RunResult
    rubric: Rubric
    total: int                          # hand-ins found
    complete: bool                      # False after Ctrl-C
    cached: int = 0                     # results reused from the cache
    graded: list[str] = field(default_factory=list)   # ids graded in this run
    reviewed: int = 0                   # marks merged from the review file
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def start_sandbox(trust: bool, namespaces: bool, workers: int) -> Any:
    """Start the sandbox's fork server; call it BEFORE the rubric is read."""
    from grader.sandbox.spawn import spawn

    spawned = spawn(namespaces=namespaces)      # first: its start-up overlaps our numpy import
    from grader.sandbox import Sandbox

    return Sandbox.start(trust_submissions=trust, namespaces=namespaces, workers=workers, spawned=spawned)


def load_rubric_for(sandbox: Any, path: str, compile_checks: bool = True) -> Rubric:
    """Load the rubric (after ``start_sandbox``), then have the sandbox import its ``preload``."""
    from grader.rubric.load import load_rubric

    rubric = load_rubric(path, compile_checks=compile_checks)
    if sandbox is not None and rubric.preload:
        sandbox.preload(rubric.preload)
    return rubric


def has_code(rubric: Rubric) -> bool:
    from grader.checks.registry import CODE_KINDS

    return any(c.kind in CODE_KINDS for q in rubric.questions for c in q.checks)


def default_jobs() -> int:
    """Hand-ins graded at once: twice the cores. A grading thread spends most of a hand-in waiting
    for its sandbox (process hops, a sleeping or looping student job up to its wall limit), so one
    per core leaves cores idle (measured: 1,000 exam hand-ins on 2 cores, 72 s with 2, 58 s with 4).
    The CPU-bound maths pool stays at one worker per core."""
    return max(1, min(2 * (os.cpu_count() or 1), 32))


def jobs_for(opts: GradeOptions) -> int:
    return 1 if opts.public_only else (opts.jobs or default_jobs())


def grade_run(opts: GradeOptions, *, progress_factory: Callable[[int, int], tuple[Progress | None, Callable[[], None]]]
              | None = None) -> GradeOutcome:
    """Grade per ``opts``; returns the outcome (reports are written by ``write_reports``).

    Raises RubricError (exit 1), UsageError / ReviewFileError (exit 2).
    """
    started = time.perf_counter()
    for p in opts.paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or folder")
    profile.add("startup", started - profile.T0)
    with profile.stage("discover"):
        items = discover(list(opts.paths), folder=opts.assignment_folder)
        groups = None
        if opts.group_list:
            from grader.handin.groups import read_group_list

            groups = read_group_list(opts.group_list)
            found = {it.id for it in items}
            items += [Empty(id=g, path="(not in the export)") for g in groups if g not in found]
    cache = None
    done: dict[int, SubmissionResult] = {}
    with profile.stage("cache_lookup"):
        if opts.cache and not opts.public_only:
            cache = open_cache(opts.out, opts.rubric, grader_version(__version__),
                               salt=f"trust={opts.trust_submissions}")
        if cache is not None:
            for i, item in enumerate(items):
                hit = cache.get(item)
                if hit is not None:
                    done[i] = hit
    todo = [i for i in range(len(items)) if i not in done]
    jobs = jobs_for(opts)
    with profile.stage("sandbox_start"):
        sandbox = start_sandbox(opts.trust_submissions, opts.namespaces, jobs) \
            if todo and opts.executor == "local" else None
    outcome: GradeOutcome | None = None
    try:
        with profile.stage("rubric_load"):
            # with nothing left to grade (the cache key covers the rubric), the checks need not compile
            rubric = load_rubric_for(sandbox, opts.rubric, compile_checks=bool(todo))
        reviews = []
        if opts.reviews:
            from grader.review import read_reviews

            reviews = read_reviews(opts.reviews, rubric, [it.id for it in items])
        warnings = []
        if sandbox is not None and getattr(sandbox, "refusal", None) and has_code(rubric):
            warnings.append(f"student code will not run: {sandbox.refusal}")
        progress, finish = (progress_factory(len(items), len(done)) if progress_factory
                            else (None, lambda: None))
        complete = True
        try:
            if todo:
                complete = _grade_todo(opts, rubric, items, todo, done, cache, sandbox, jobs, progress, warnings)
        finally:
            finish()
        results = [done[i] for i in sorted(done)]
        if groups:
            results = [replace(r, members=groups.get(r.id, ())) for r in results]
        if reviews:
            from grader.review import apply_reviews

            results = apply_reviews(results, reviews, opts.reviews or "")
        run = RunResult(rubric_title=rubric.title, rubric_path=opts.rubric, rubric_sha256=rubric.sha256,
                        max_score=rubric.max_score, submissions=tuple(results), grader_version=__version__)
        graded = [items[i].id for i in todo if i in done]
        outcome = GradeOutcome(run=run, rubric=rubric, total=len(items), complete=complete,
                               cached=len(items) - len(todo), graded=graded, reviewed=len(reviews),
                               seconds=time.perf_counter() - started, warnings=warnings)
    finally:
        if sandbox is not None:
            sandbox.close()
        if cache is not None:
            try:
                cache.write_stats(outcome.graded if outcome else [])
            except OSError:
                pass
    return outcome


def _grade_todo(opts: GradeOptions, rubric: Rubric, items: list[HandIn | Empty], todo: list[int],
                done: dict[int, SubmissionResult], cache: ResultCache | None, sandbox: Any, jobs: int,
                progress: Progress | None, warnings: list[str]) -> bool:
    subset = [items[i] for i in todo]

    cache_trouble: list[str] = []

    def store(k: int, res: SubmissionResult) -> None:
        if cache is None:
            return
        try:
            cache.put(subset[k], res)
        except OSError as exc:  # the cache only saves time: a full disk must not stop the batch
            if not cache_trouble:
                cache_trouble.append(f"could not write the cache ({exc}); this run's results will be graded again next time")

    if opts.executor == "dask":
        from grader.batch.dask_exec import grade_batch_dask

        results, complete = grade_batch_dask(opts.rubric, subset, scheduler=opts.scheduler, workers=jobs,
                                             trust_submissions=opts.trust_submissions,
                                             namespaces=opts.namespaces, rubric_max=rubric.max_score,
                                             progress=progress, store=store)
    else:
        from grader.batch.local import grade_batch
        from grader.mathservice import MathService

        # maths is CPU-bound: no more workers than cores (each holds its own sympy)
        with MathService(processes=min(jobs, os.cpu_count() or 1), timeout_s=rubric.limits.math_timeout_s,
                         memory_mb=rubric.limits.math_memory_mb, seed=rubric.seed) as math, profile.stage("grading"):
            results, complete = grade_batch(rubric, subset, jobs=jobs, math=math, sandbox=sandbox,
                                            public_only=opts.public_only, progress=progress, store=store)
    by_id = {r.id: r for r in results}
    for i in todo:
        res = by_id.get(items[i].id)
        if res is not None:
            done[i] = res
    warnings.extend(cache_trouble)
    return complete


def write_reports(outcome: GradeOutcome, out: str) -> list[Any]:
    from grader.report import write_all

    with profile.stage("report"):
        return write_all(outcome.run, outcome.rubric, out)
