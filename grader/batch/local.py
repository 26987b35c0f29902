"""Grade many hand-ins at once on this machine.

The grading threads only orchestrate: parsing and comparing math runs in MathPool worker
processes and student code in sandbox children, so threads keep every core busy without
copying the rubric into each worker. One hand-in's failure never stops the batch; Ctrl-C
returns what was graded so the reports can still be written.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from typing import Any, Callable, Sequence

from grader.grading import crash_result, grade_submission
from grader.handin.discover import Empty
from grader.handin.model import HandIn
from grader.results import SubmissionResult
from grader.rubric.model import Rubric

Progress = Callable[[SubmissionResult], None]
Store = Callable[[int, SubmissionResult], None]


def grade_batch(rubric: Rubric, items: Sequence[HandIn | Empty], *, jobs: int, math: Any, sandbox: Any = None,
                public_only: bool = False, progress: Progress | None = None,
                store: Store | None = None) -> tuple[list[SubmissionResult], bool]:
    """Grade items; returns (results in input order, complete). complete is False after Ctrl-C.

    ``store(i, result)`` runs in the grading thread as soon as a hand-in is graded (the cache
    flush); after Ctrl-C it is no longer called, so a result cut short by the interrupt (its
    sandbox or math worker torn down) is never stored.
    """
    results: dict[int, SubmissionResult] = {}
    stopping = threading.Event()

    def one(i: int) -> tuple[int, SubmissionResult]:
        try:
            res = grade_submission(rubric, items[i], math=math, sandbox=sandbox, public_only=public_only)
        except Exception as exc:  # grade_submission never raises; if it ever does, this hand-in says so
            res = crash_result(rubric, items[i], exc)
        if store is not None and not stopping.is_set():
            store(i, res)
        return i, res

    if jobs <= 1:
        try:
            for i in range(len(items)):
                _, res = one(i)
                results[i] = res
                if progress:
                    progress(res)
        except KeyboardInterrupt:
            stopping.set()
            return [results[i] for i in sorted(results)], False
        return [results[i] for i in sorted(results)], True

    pool = cf.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade")
    futures = [pool.submit(one, i) for i in range(len(items))]
    try:
        for fut in cf.as_completed(futures):
            i, res = fut.result()
            results[i] = res
            if progress:
                progress(res)
    except KeyboardInterrupt:
        stopping.set()
        for fut in futures:
            fut.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        return [results[i] for i in sorted(results)], False
    pool.shutdown(wait=True)
    return [results[i] for i in sorted(results)], True
