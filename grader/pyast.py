"""``ast.parse`` behind one lock.

CPython 3.11 and 3.12 keep the AST constructor's recursion depth per interpreter, not per thread:
two grading threads parsing at once can fail with "SystemError: AST constructor recursion depth
mismatch" (python/cpython#106905, pytest-dev/pytest#10763). Every parse in the grader process goes
through here.
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    with _LOCK:
        return ast.parse(source, filename=filename)
