"""Frozen result records: CheckResult -> QuestionResult -> SubmissionResult -> RunResult.

Their `to_json()` forms are the `results.json` contract (`docs/results-format.md`).
Results never mutate specs; a merged review is a new record (`dataclasses.replace`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping


def points_text(x: float) -> str:
    """Points as every report prints them: 2, 0.5, 1.25 (no trailing zeros)."""
    return f"{x:g}"


class Status(str, enum.Enum):
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    MISSING = "missing"
    UNPARSEABLE = "unparseable"
    ERROR = "error"
    TIMEOUT = "timeout"
    NEEDS_REVIEW = "needs_review"

    def __str__(self) -> str:
        return self.value


class Visibility(str, enum.Enum):
    PUBLIC = "public"
    HIDDEN = "hidden"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    name: str
    score: float
    max_score: float
    status: Status
    visibility: Visibility = Visibility.PUBLIC
    message: str = ""
    answer: str | None = None          # what was read (written answers), for the report
    suggested_score: float | None = None  # needs_review: a score proposed to the reviewer
    details: Mapping[str, Any] = field(default_factory=dict)  # strategy, seed, origin...

    @property
    def student_message(self) -> str:
        """The message a student may read: a hidden check shows only that it is hidden."""
        if self.visibility is Visibility.HIDDEN:
            return "hidden check"
        return self.message

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "score": float(self.score),
            "max_score": float(self.max_score),
            "status": str(self.status),
            "visibility": str(self.visibility),
            "message": self.message,
        }
        if self.answer is not None:
            out["answer"] = self.answer
        if self.suggested_score is not None:
            out["suggested_score"] = float(self.suggested_score)
        if self.details:
            out["details"] = dict(self.details)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionResult:
    id: str
    title: str
    score: float
    max_score: float
    status: Status
    answer: str | None
    feedback: str
    checks: tuple[CheckResult, ...]
    pending_review: float = 0.0
    reviewed_by: str | None = None     # set when a person's mark was merged

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "score": float(self.score),
            "max_score": float(self.max_score),
            "status": str(self.status),
            "answer": self.answer,
            "feedback": self.feedback,
            "pending_review": float(self.pending_review),
            "checks": [c.to_json() for c in self.checks],
        }
        if self.reviewed_by:
            out["reviewed_by"] = self.reviewed_by
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmissionResult:
    id: str
    path: str
    status: str                        # graded | no_submission | error
    score: float
    max_score: float
    pending_review: float
    questions: tuple[QuestionResult, ...] = ()
    message: str = ""
    sandbox_tier: str | None = None
    files: tuple[str, ...] = ()
    duration_s: float = 0.0
    members: tuple[str, ...] = ()      # from a group list (--group-list), when given

    def question(self, qid: str) -> QuestionResult:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "status": self.status,
            "score": float(self.score),
            "max_score": float(self.max_score),
            "pending_review": float(self.pending_review),
            "questions": [q.to_json() for q in self.questions],
        }
        if self.message:
            out["message"] = self.message
        if self.sandbox_tier is not None:
            out["sandbox_tier"] = self.sandbox_tier
        if self.files:
            out["files"] = list(self.files)
        if self.members:
            out["members"] = list(self.members)
        out["duration_s"] = round(self.duration_s, 4)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    rubric_title: str
    rubric_path: str
    rubric_sha256: str
    max_score: float
    submissions: tuple[SubmissionResult, ...]
    grader_version: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "rubric": {
                "title": self.rubric_title,
                "path": self.rubric_path,
                "sha256": self.rubric_sha256,
                "max_score": float(self.max_score),
            },
            "grader_version": self.grader_version,
            "submissions": [s.to_json() for s in self.submissions],
        }
