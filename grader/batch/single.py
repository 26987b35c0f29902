"""Grade exactly one hand-in (the MarkUs tester and Gradescope modes)."""

from __future__ import annotations

import os
from typing import Callable

from grader.batch.cache import rubric_files
from grader.batch.run import load_rubric_for, start_sandbox
from grader.handin.discover import Empty
from grader.handin.model import HandIn
from grader.handin.read import handin_files
from grader.results import SubmissionResult
from grader.rubric.model import Rubric


def folder_handin(folder: str, handin_id: str, display: str, exclude: set[str] | None = None) -> HandIn | Empty:
    """The hand-in files under folder (the grader's own rubric files excluded) as one hand-in."""
    skip = {os.path.realpath(p) for p in (exclude or set())}
    files = tuple(f for f in handin_files(folder) if os.path.realpath(f) not in skip)
    if not files:
        return Empty(id=handin_id, path=display)
    return HandIn(id=handin_id, path=display, root=os.path.abspath(folder), files=files)


def rubric_own_files(rubric_path: str) -> set[str]:
    return {path for _, path in rubric_files(rubric_path)}


def grade_one(rubric_path: str, make_item: Callable[[], HandIn | Empty], *, trust_submissions: bool = False,
              namespaces: bool = True) -> tuple[SubmissionResult, Rubric]:
    """Start the sandbox (before the rubric is read), load the rubric, grade one hand-in.

    Raises RubricError for an invalid rubric; otherwise a SubmissionResult always comes back.
    """
    from grader.grading import grade_submission
    from grader.mathservice import MathService
    sandbox = start_sandbox(trust_submissions, namespaces, 1)
    try:
        item = make_item()
        rubric = load_rubric_for(sandbox, rubric_path)
        with MathService(processes=1, timeout_s=rubric.limits.math_timeout_s, memory_mb=rubric.limits.math_memory_mb,
                         seed=rubric.seed) as math:
            return grade_submission(rubric, item, math=math, sandbox=sandbox), rubric
    finally:
        if sandbox is not None:
            sandbox.close()
