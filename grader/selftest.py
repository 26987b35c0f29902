"""``grader validate``: prove a rubric against its own key before anyone is graded.

For every question: the expected answer and each ``accept`` entry must score what they
say, each ``reject`` entry 0, each ``examples`` entry its ``score``; a hand-in with no
answers must score 0 everywhere. Each example is graded exactly as a student's answer
would be (a .py hand-in whose answer variable holds the example text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.checks import registry
from grader.context import GradeContext
from grader.grading import grade_document
from grader.handin.model import Document, HandIn
from grader.results import Status
from grader.rubric.model import Rubric


@dataclass(frozen=True, slots=True)
class Failure:
    where: str                # path:line:col of the example or check
    question: str
    answer: str
    expected: float
    got: float
    status: str
    message: str

    def __str__(self) -> str:
        return (f"{self.where}: question {self.question}: answer {self.answer!r} should score "
                f"{self.expected:g} but scored {self.got:g} ({self.status}: {self.message})")


def _doc(var: str, answer: Any) -> Document:
    return Document(variables={var: answer}, variable_origins={var: "rubric example"})


def run_selftest(rubric: Rubric, math: Any, sandbox: Any = None) -> tuple[int, list[Failure]]:
    """Returns (number of cases run, failures).

    With a sandbox and a ``reference:`` file, the reference code is also graded as a hand-in:
    every code check must give it full points (a rubric whose own key fails is wrong).
    """
    handin = HandIn(id="selftest", path="<selftest>", root=".", files=())
    failures: list[Failure] = []
    count = 0
    for q in rubric.questions:
        cases: list[tuple[Any, float, str, Any]] = []   # answer, score, where, only this check (or None)
        for check in q.checks:
            for answer, score, _note in registry.examples(check, q):
                cases.append((answer, score, str(check.location), check))
        for ex in q.examples:
            cases.append((ex.answer, ex.score, str(ex.location), None))
        for answer, score, where, only in cases:
            count += 1
            ctx = GradeContext(handin=handin, document=_doc(q.answer.variable or "answer", answer),
                               rubric=rubric, math=math)
            checks = [only] if only is not None else list(q.checks)
            results = [registry.get(c.kind).grade(c, q, ctx) for c in checks]
            decided = [r for r in results if r.status is not Status.NEEDS_REVIEW]
            got = sum(r.score for r in decided)
            pending = [r for r in results if r.status is Status.NEEDS_REVIEW]
            if pending and not all(c.kind == "review" for c in checks):
                failures.append(Failure(where, q.id, str(answer), score, got, "needs_review",
                                        "; ".join(r.message for r in pending)))
            elif not pending and abs(got - score) > 1e-9:
                failures.append(Failure(where, q.id, str(answer), score, got,
                                        ",".join(str(r.status) for r in results),
                                        "; ".join(r.message for r in results)))
    # an empty hand-in scores nothing
    count += 1
    empty = HandIn(id="empty", path="<empty hand-in>", root=".", files=())
    result = grade_document(rubric, empty, Document(), math=math)
    if result.score != 0 or result.pending_review != 0:
        failures.append(Failure(rubric.path, "*", "<empty hand-in>", 0.0, result.score, result.status,
                                "an empty hand-in must score 0 with nothing pending"))
    if sandbox is not None and rubric.reference:
        count += 1
        failures.extend(_reference_as_handin(rubric, math, sandbox))
    return count, failures


def _reference_as_handin(rubric: Rubric, math: Any, sandbox: Any) -> list[Failure]:
    import os

    from grader.handin.model import CodeCell

    with open(rubric.reference, encoding="utf-8") as fh:
        source = fh.read()
    name = os.path.basename(rubric.reference)
    doc = Document(code=(CodeCell(source=source, origin=name, file=name),))
    handin = HandIn(id="reference", path=rubric.reference, root=os.path.dirname(rubric.reference),
                    files=(rubric.reference,))
    result = grade_document(rubric, handin, doc, math=math, sandbox=sandbox)
    out = []
    for q in rubric.questions:
        code_checks = [c for c in q.checks if c.kind in registry.CODE_KINDS]
        if not code_checks:
            continue
        qr = result.question(q.id)
        got = sum(c.score for c in qr.checks if c.name in {cc.name for cc in code_checks})
        want = sum(c.points for c in code_checks)
        if abs(got - want) > 1e-9:
            msgs = "; ".join(c.message for c in qr.checks if c.score < c.max_score)
            out.append(Failure(str(q.location), q.id, f"<reference: {name}>", want, got, str(qr.status), msgs))
    return out
