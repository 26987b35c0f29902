"""The one exception tree of `grader`.

    GraderError
     ├── RubricError      the rubric is wrong; carries every Problem found (path:line:col)
     └── HandInError      a hand-in cannot be read (reported for that hand-in, never fatal)

Student mistakes are never exceptions: they become results (`unparseable`, `error`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file, 1-based as editors count."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col or 1}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One rubric mistake: where, what, and (optionally) how to fix it."""

    location: Location
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class GraderError(Exception):
    """Base class of every error `grader` raises on purpose."""


class RubricError(GraderError):
    """The rubric is invalid. `problems` lists every mistake found, in file order."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems, key=lambda p: (p.location.path, p.location.line, p.location.col)))
        super().__init__("\n".join(str(p) for p in self.problems))


class ReportError(GraderError):
    """Some report files could not be written; every other one was. `failures`: one line each."""

    def __init__(self, failures: list[str]):
        self.failures = tuple(failures)
        super().__init__("; ".join(self.failures))


class HandInError(GraderError):
    """A hand-in could not be read (broken notebook JSON, unreadable file...)."""
