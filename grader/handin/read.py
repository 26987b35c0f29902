"""Read every file of a hand-in into one Document (plain data, nothing executed)."""

from __future__ import annotations

import os

from grader.errors import HandInError
from grader.handin.model import CodeCell, Document, HandIn, Section
from grader.handin.notebook import read_notebook
from grader.handin.pyfile import read_pyfile


def read_handin(handin: HandIn) -> Document:
    """Read a hand-in's notebooks and .py files. Raises HandInError if no file is readable."""
    sections: dict[str, Section] = {}
    variables: dict[str, object] = {}
    origins: dict[str, str] = {}
    code: list[CodeCell] = []
    notes: list[str] = []
    errors: list[str] = []
    for path in handin.files:
        try:
            if path.endswith(".ipynb"):
                secs, cells, more = read_notebook(path)
                for key, sec in secs.items():
                    sections.setdefault(key, sec)
                code.extend(cells)
            else:
                vars_, origs, cell, more = read_pyfile(path)
                for key, value in vars_.items():
                    variables.setdefault(key, value)
                    origins.setdefault(key, origs[key])
                code.append(cell)
            notes.extend(more)
        except HandInError as exc:
            errors.append(str(exc))
    if errors and len(errors) == len(handin.files):
        raise HandInError("; ".join(errors))
    notes.extend(f"skipped: {e}" for e in errors)
    return Document(sections=sections, variables=variables, variable_origins=origins,
                    code=tuple(code), notes=tuple(notes))


def handin_files(folder: str) -> list[str]:
    """The hand-in files under a folder (recursively), sorted, hidden and cache folders skipped."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("__pycache__", ".ipynb_checkpoints"))
        for f in sorted(files):
            if f.startswith("."):
                continue
            if f.endswith((".ipynb", ".py")):
                found.append(os.path.join(root, f))
    return found
