"""Frozen records for a loaded rubric. Built only by `grader.rubric.load`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from grader.errors import Location
from grader.results import Visibility


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Resource limits of one sandbox job (per rubric, overridable per check)."""

    cpu_s: float = 5.0
    wall_s: float = 10.0
    memory_mb: int = 1024
    processes: int = 64
    output_kb: int = 64
    math_timeout_s: float = 5.0
    math_memory_mb: int = 1024 # address space of a maths worker (sympy itself maps ~0.5 GB)
    cell_s: float = 0.0        # one cell's time before it is interrupted (0: 60% of cpu_s / wall_s)


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerSource:
    """Where a question's answer is found in a hand-in."""

    sections: tuple[str, ...]          # notebook markdown headings, e.g. ("Answer 2.2",)
    variable: str | None               # .py module variable, e.g. "answer_2_2"
    targets: tuple[str, ...] = ()      # names of the asked quantity, e.g. ("\\beta", "beta")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckSpec:
    kind: str
    name: str
    points: float
    visibility: Visibility
    feedback: Mapping[str, str]        # outcome -> text shown to the student
    params: Any                        # kind-specific, compiled by the kind (frozen)
    location: Location
    limits: Limits = field(default_factory=Limits)
    id: str = ""                       # "<question id>/<index>", stable within a rubric


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """A self-test vector: this answer must score `score` points on its question."""

    answer: Any
    score: float
    location: Location
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    id: str
    title: str
    points: float
    answer: AnswerSource
    checks: tuple[CheckSpec, ...]
    examples: tuple[Example, ...]
    location: Location
    symbols: Mapping[str, Any] = field(default_factory=dict)
    part: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rubric:
    title: str
    path: str
    sha256: str
    questions: tuple[Question, ...]
    limits: Limits
    seed: int = 0
    reference: str | None = None       # path of the reference implementation (trusted side only)
    base_dir: str = "."
    preload: tuple[str, ...] = ()       # modules the sandbox's fork server imports once

    @property
    def max_score(self) -> float:
        return float(sum(q.points for q in self.questions))

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)
