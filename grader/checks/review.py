"""Free-text answers a person grades: kind ``review``.

The grader never decides these: a written answer is ``needs_review`` (its points go to
``pending_review``) with a suggested score from key phrases, shown to the reviewer; an
empty or absent answer scores 0 as ``missing``. Rubric keys:

``guidance`` (what the reviewer looks for) and ``keywords``: a list of
``{points, any: [phrases], note}``; a group counts when any of its phrases occurs in the
answer (case and spacing ignored; a phrase ending in ``*`` is a stem: ``regulari*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grader.answers.locate import locate_once
from grader.checks.registry import CompileContext, Field, register
from grader.results import CheckResult, Status


@dataclass(frozen=True, slots=True)
class KeywordGroup:
    points: float
    phrases: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReviewParams:
    guidance: str
    keywords: tuple[KeywordGroup, ...]


def _norm(text: str) -> str:
    text = text.lower().replace("\\", " ")
    return re.sub(r"[\s$`*_{}]+", " ", text)


def _matches(phrase: str, text: str) -> bool:
    p = _norm(phrase).strip()
    if p.endswith("*"):
        return re.search(r"(?<!\w)" + re.escape(p[:-1].strip()), text) is not None
    return re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", text) is not None


@register
class ReviewKind:
    name = "review"
    fields = {
        "guidance": Field((str,), False, "what the reviewer should look for"),
        "keywords": Field((list,), False, "key phrase groups suggesting a score: {points, any: [...], note}"),
    }

    def compile(self, raw: Any, cc: CompileContext) -> ReviewParams:
        groups = []
        for i, g in enumerate(raw.get("keywords") or []):
            if not isinstance(g, dict) or not isinstance(g.get("any"), list) or set(g) - {"points", "any", "note"}:
                cc.error(raw.get("keywords"), i, "each keyword group is {points, any: [phrases], note}")
                continue
            pts = g.get("points", 1)
            if not isinstance(pts, (int, float)) or isinstance(pts, bool):
                cc.error(g, "points", "points must be a number")
                continue
            groups.append(KeywordGroup(float(pts), tuple(str(p) for p in g["any"]), str(g.get("note") or "")))
        return ReviewParams(str(raw.get("guidance") or ""), tuple(groups))

    def grade(self, check: Any, question: Any, ctx: Any) -> CheckResult:
        located = locate_once(ctx, question)
        base = dict(name=check.name, max_score=check.points, visibility=check.visibility)
        if located is None or located.empty:
            why = "no answer found" if located is None else f"{located.origin} is empty"
            return CheckResult(score=0.0, status=Status.MISSING, message=why, **base)
        p: ReviewParams = check.params
        text = _norm(located.text)
        hits = [g for g in p.keywords if any(_matches(ph, text) for ph in g.phrases)]
        suggested = min(check.points, sum(g.points for g in hits)) if p.keywords else None
        msg = f"{located.origin}: free text, graded by a person"
        details: dict[str, Any] = {}
        if suggested is not None:
            details["suggested_because"] = [g.note or g.phrases[0] for g in hits]
        if p.guidance:
            details["guidance"] = p.guidance
        return CheckResult(score=0.0, status=Status.NEEDS_REVIEW, message=msg, answer=located.text,
                           suggested_score=suggested, details=details, **base)
