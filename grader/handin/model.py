"""What a hand-in is (files) and what was read from it (a Document)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from grader.errors import HandInError


def read_text(path: str, max_bytes: int) -> str:
    """A hand-in file's UTF-8 text, or HandInError (too large, unreadable, not UTF-8)."""
    name = os.path.basename(path)
    try:
        if os.path.getsize(path) > max_bytes:
            raise HandInError(f"{name} is larger than {max_bytes // 2**20} MiB")
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise HandInError(f"cannot read {name}: {exc}") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class HandIn:
    """One student's (or group's) hand-in, before anything is read."""

    id: str                       # group folder name kept exactly, or the file's stem
    path: str                     # as shown in reports (relative to the PATH given)
    root: str                     # absolute folder (or file) of the hand-in
    files: tuple[str, ...]        # absolute paths of the hand-in files (.ipynb, .py), sorted


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """The markdown under one answer heading (``## Answer 2.2``) up to the next heading."""

    heading: str                  # the heading text as written
    text: str                     # markdown of the section, cells joined by blank lines
    origin: str                   # "final_exam.ipynb, cell 12"


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeCell:
    """Student code: one notebook code cell, or a whole .py file."""

    source: str
    origin: str                   # "final_exam.ipynb, cell 7" or "final_exam.py"
    file: str                     # the file it came from (basename)
    cell: int | None = None       # notebook cell index (0-based), None for .py


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """Everything read from a hand-in's files, as plain data. Nothing here was executed."""

    sections: Mapping[str, Section] = field(default_factory=dict)   # key: normalised heading
    variables: Mapping[str, Any] = field(default_factory=dict)      # .py literal answer_* values
    variable_origins: Mapping[str, str] = field(default_factory=dict)
    code: tuple[CodeCell, ...] = ()
    notes: tuple[str, ...] = ()   # reading notes shown in feedback (e.g. a file skipped)
