"""Find a question's answer in a Document: its markdown section or its .py variable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.answers.extract import Statement, candidates, statements
from grader.handin.model import Document
from grader.handin.notebook import heading_key
from grader.rubric.model import Question


@dataclass(frozen=True, slots=True)
class Located:
    """The raw answer of one question and where it came from."""

    text: str                     # markdown of the section, or the variable's value as text
    origin: str                   # "Answer 2.2 (final_exam.ipynb, cell 14)" / "answer_2_2 (final_exam.py, line 9)"
    from_markdown: bool
    value: Any = None             # the .py variable's value as read (not executed)

    @property
    def empty(self) -> bool:
        return not self.text.strip()

    def statements(self) -> list[Statement]:
        if self.from_markdown or "$" in self.text or "\\(" in self.text or "\\[" in self.text:
            return statements(self.text)
        if not self.text.strip():
            return []
        # a plain .py value is one statement (possibly a chain "beta = 1/2")
        return statements(f"$${self.text}$$")

    def candidates(self, targets: tuple[str, ...]) -> tuple[Statement, ...]:
        return tuple(candidates(self.statements(), targets))


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_as_text(v) for v in value) + "]"
    return repr(value)


def locate_once(ctx: Any, question: Question) -> Located | None:
    """``locate`` memoised in the hand-in's grading context: every check of a question reads the same answer."""
    key = ("located", question.id)
    if key not in ctx.cache:
        ctx.cache[key] = locate(ctx.document, question)
    return ctx.cache[key]


def locate(document: Document, question: Question) -> Located | None:
    for name in question.answer.sections:
        section = document.sections.get(heading_key(name))
        if section is not None:
            return Located(text=section.text, origin=f"{section.heading} ({section.origin})", from_markdown=True)
    var = question.answer.variable
    if var and var in document.variables:
        value = document.variables[var]
        return Located(text=_as_text(value), origin=f"{var} ({document.variable_origins.get(var, '')})",
                       from_markdown=False, value=value)
    return None
