"""Grade one hand-in: HandIn -> Document -> checks -> SubmissionResult. Never raises."""

from __future__ import annotations

import time
import traceback
from typing import Any

from grader import profile
from grader.checks import registry
from grader.checks.code import session_notes
from grader.context import GradeContext
from grader.errors import HandInError
from grader.handin.discover import Empty
from grader.handin.model import Document, HandIn
from grader.handin.read import read_handin
from grader.results import CheckResult, QuestionResult, Status, SubmissionResult, Visibility
from grader.rubric.model import CheckSpec, Question, Rubric
from grader.scoring import question_result, totals


def grade_submission(rubric: Rubric, item: HandIn | Empty, *, math: Any, sandbox: Any = None,
                     public_only: bool = False) -> SubmissionResult:
    """Grade one hand-in. Whatever happens, a SubmissionResult comes back."""
    started = time.perf_counter()
    tier = getattr(sandbox, "tier", None)
    if isinstance(item, Empty):
        return SubmissionResult(id=item.id, path=item.path, status="no_submission", score=0.0,
                                max_score=rubric.max_score, pending_review=0.0,
                                message="no hand-in file (.ipynb or .py) in this folder", sandbox_tier=tier)
    files = tuple(_rel(item, f) for f in item.files)
    try:
        with profile.stage("read"):
            document = read_handin(item)
    except HandInError as exc:
        return _failed(rubric, item, str(exc), tier, files, started)
    except Exception as exc:  # the grader's own failure while reading: reported, the batch goes on
        return _failed(rubric, item, _internal(exc, " while reading the hand-in"), tier, files, started)
    return grade_document(rubric, item, document, math=math, sandbox=sandbox, public_only=public_only,
                          started=started)


def grade_document(rubric: Rubric, item: HandIn, document: Document, *, math: Any, sandbox: Any = None,
                   public_only: bool = False, started: float | None = None) -> SubmissionResult:
    """Grade what was read from a hand-in. Never raises."""
    started = time.perf_counter() if started is None else started
    tier = getattr(sandbox, "tier", None)
    files = tuple(_rel(item, f) for f in item.files)
    try:
        ctx = GradeContext(handin=item, document=document, rubric=rubric, math=math, sandbox=sandbox,
                           public_only=public_only)
        try:
            questions = tuple(_grade_question(q, ctx) for q in rubric.questions)
            cell_notes = session_notes(ctx)
        finally:
            _close_resources(ctx)
    except Exception as exc:  # the grader's own failure on this hand-in: reported, the batch goes on
        return _failed(rubric, item, _internal(exc), tier, files, started)
    score, pending, max_score = totals(questions)
    notes = "; ".join((*document.notes, *cell_notes))
    return SubmissionResult(id=item.id, path=item.path, status="graded", score=score, max_score=max_score,
                            pending_review=pending, questions=questions, message=notes, sandbox_tier=tier,
                            files=files, duration_s=time.perf_counter() - started)


def _close_resources(ctx: GradeContext) -> None:
    """End what the checks opened for this hand-in (its sandbox run frees its worker slot)."""
    for value in ctx.cache.values():
        close = getattr(value, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # closing is best effort; the sandbox also sweeps on its own
                pass


def _grade_question(question: Question, ctx: GradeContext) -> QuestionResult:
    results = [_grade_check(check, question, ctx) for check in question.checks]
    return question_result(qid=question.id, title=question.title, max_score=question.points, checks=results)


def _grade_check(check: CheckSpec, question: Question, ctx: GradeContext) -> CheckResult:
    if ctx.public_only and check.visibility is Visibility.HIDDEN:
        return CheckResult(name=check.name, score=0.0, max_score=check.points, status=Status.NEEDS_REVIEW,
                           visibility=check.visibility, message="hidden: graded after the deadline",
                           details={"hidden": True})
    try:
        with profile.stage(f"check:{check.kind}"):
            return registry.get(check.kind).grade(check, question, ctx)
    except Exception as exc:  # a bug in a check kind: never a silent zero, a person looks
        return CheckResult(name=check.name, score=0.0, max_score=check.points, status=Status.NEEDS_REVIEW,
                           visibility=check.visibility,
                           message=f"internal grader error in this check ({type(exc).__name__}: {exc}); "
                                   "a person must grade it")


def crash_result(rubric: Rubric, item: HandIn | Empty, exc: BaseException) -> SubmissionResult:
    """The result of a hand-in whose grading raised (a grader bug): reported, never a silent zero."""
    files = tuple(_rel(item, f) for f in item.files) if isinstance(item, HandIn) else ()
    return _failed(rubric, item, _internal(exc), None, files, time.perf_counter())


def _internal(exc: BaseException, where: str = "") -> str:
    """The report's words for a grader bug (the cache never keeps a result that says them)."""
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"internal grader error{where}: {detail}"


def _failed(rubric: Rubric, item: HandIn | Empty, message: str, tier: Any, files: tuple[str, ...],
            started: float) -> SubmissionResult:
    questions = tuple(
        QuestionResult(id=q.id, title=q.title, score=0.0, max_score=q.points, status=Status.ERROR, answer=None,
                       feedback=message, checks=()) for q in rubric.questions)
    return SubmissionResult(id=item.id, path=item.path, status="error", score=0.0, max_score=rubric.max_score,
                            pending_review=0.0, questions=questions, message=message, sandbox_tier=tier,
                            files=files, duration_s=time.perf_counter() - started)


def _rel(item: HandIn, path: str) -> str:
    import os

    root = item.root if os.path.isdir(item.root) else os.path.dirname(item.root)
    return os.path.relpath(path, root)
