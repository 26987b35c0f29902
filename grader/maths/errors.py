"""Exceptions of the maths subsystem."""
from __future__ import annotations


class ParseFailure(Exception):
    """The text could not be read as maths (never a guess).

    ``message`` is human text, ``position`` a 0-based column in the text (or None).
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} at column {self.position + 1}"

    def __reduce__(self):  # keep picklable with both attributes
        return (ParseFailure, (self.message, self.position))


class MathTimeout(Exception):
    """A maths job exceeded its time (or resource) budget in a worker."""


class MathResourceError(MathTimeout):
    """A maths job exhausted its memory budget (MemoryError) or its worker died."""
