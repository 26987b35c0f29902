"""Pure scoring: check results -> a question result -> a submission's totals."""

from __future__ import annotations

from typing import Iterable

from grader.results import CheckResult, QuestionResult, Status

# when no check is right, the question shows the most informative failure
_PRIORITY = (Status.UNPARSEABLE, Status.TIMEOUT, Status.ERROR, Status.INCORRECT, Status.MISSING)


def question_status(checks: tuple[CheckResult, ...], score: float, max_score: float) -> Status:
    if any(c.status is Status.NEEDS_REVIEW for c in checks):
        return Status.NEEDS_REVIEW
    if not checks:
        return Status.MISSING
    if max_score > 0 and score >= max_score - 1e-9:
        return Status.CORRECT
    if score > 0:
        return Status.PARTIAL
    statuses = {c.status for c in checks}
    if len(statuses) == 1:
        return statuses.pop()
    for status in _PRIORITY:
        if status in statuses:
            return status
    return Status.INCORRECT


def question_result(*, qid: str, title: str, max_score: float, checks: Iterable[CheckResult]) -> QuestionResult:
    checks = tuple(checks)
    decided = sum(c.score for c in checks if c.status is not Status.NEEDS_REVIEW)
    pending = sum(c.max_score for c in checks if c.status is Status.NEEDS_REVIEW)
    score = min(max_score, round(decided, 9))
    pending = min(max_score - score, round(pending, 9))
    status = question_status(checks, score, max_score)
    answer = next((c.answer for c in checks if c.answer), None)
    feedback = "; ".join(c.student_message for c in checks if c.student_message)
    if not checks:
        feedback = "this question has no automatic checks yet"
    return QuestionResult(id=qid, title=title, score=score, max_score=max_score, status=status,
                          answer=answer, feedback=feedback, checks=checks, pending_review=pending)


def totals(questions: Iterable[QuestionResult]) -> tuple[float, float, float]:
    """(score, pending_review, max_score) of a submission."""
    qs = list(questions)
    return (round(sum(q.score for q in qs), 9), round(sum(q.pending_review for q in qs), 9),
            round(sum(q.max_score for q in qs), 9))
