"""Read a .py hand-in as text: its ``answer_*`` variables and its source. Never imported.

Module-level assignments ``answer_2_2 = "1/2"`` are read with the ``ast`` module: a literal
value (string, number, list) is taken as written; anything else (``answer_2_1 = 4/2``) is
taken as its source text, which the math parser reads like any other answer.
"""

from __future__ import annotations

import ast
import os
from typing import Any

from grader import pyast
from grader.handin.model import CodeCell, read_text

MAX_PY_BYTES = 5 * 1024 * 1024


def read_pyfile(path: str) -> tuple[dict[str, Any], dict[str, str], CodeCell, tuple[str, ...]]:
    name = os.path.basename(path)
    source = read_text(path, MAX_PY_BYTES)
    code = CodeCell(source=source, origin=name, file=name)
    variables: dict[str, Any] = {}
    origins: dict[str, str] = {}
    try:
        tree = pyast.parse(source, filename=name)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" line {line}" if line else ""
        return variables, origins, code, (f"{name}{where}: SyntaxError: {getattr(exc, 'msg', exc)}; "
                                          "its answer_* variables could not be read",)
    for node in tree.body:
        targets: list[ast.expr] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id.startswith("answer_") and value is not None:
                try:
                    variables[target.id] = ast.literal_eval(value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    variables[target.id] = ast.get_source_segment(source, value) or ""
                origins[target.id] = f"{name}, line {node.lineno}"
    return variables, origins, code, ()
