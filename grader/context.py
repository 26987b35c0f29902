"""What a check kind gets when it grades one hand-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.handin.model import Document, HandIn
    from grader.rubric.model import Rubric


@dataclass(slots=True, kw_only=True)
class GradeContext:
    handin: "HandIn"
    document: "Document"
    rubric: "Rubric"
    math: Any                      # grader.maths.service.MathService: bounded, memoised CAS
    sandbox: Any = None            # grader.sandbox session for code checks (None: no code runs)
    public_only: bool = False      # student self-check: hidden checks are not run
    cache: dict[str, Any] = field(default_factory=dict)   # per hand-in memo (one sandbox job per question)
