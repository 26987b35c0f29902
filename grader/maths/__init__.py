"""Maths answers: our own parser for the restricted LaTeX/plain-text maths students write, size guards,
sympy values, seeded numeric equivalence, derivation-chain splitting, and a worker pool with budgets.

No student text is ever passed to eval/exec/sympify/parse_expr/parse_latex/lambdify.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .chain import split_chain, strip_delimiters
from .errors import MathResourceError, MathTimeout, ParseFailure

if TYPE_CHECKING:  # pragma: no cover
    from .symbols import Symbols
    from .values import MathValue

# sympy costs ~0.45 s to import: the names below load their module (and sympy) on first use, so a
# run whose rubric has no written checks, or a process that only splits chains, never pays for it
_LAZY = {"describe": ".texts", "SymbolDecl": ".symbols", "Symbols": ".symbols", "MathValue": ".values",
         "Verdict": ".equivalence", "compare": ".equivalence", "MathPool": ".pool"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_math(text: str, symbols: Symbols) -> MathValue:
    """Parse one segment (no top-level '=') into a MathValue; raises ParseFailure."""
    from .build import build_value
    from .chain import clean_segment
    from .lexer import MAX_TEXT
    from .parser import parse_ast

    if not isinstance(text, str):
        raise ParseFailure(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise ParseFailure(f"answer too long ({len(text)} characters, the limit is {MAX_TEXT})")
    src = clean_segment(strip_delimiters(text))
    offset = text.find(src[:1]) if src else 0
    try:
        node = parse_ast(src, symbols)
        return build_value(node, symbols, text)
    except ParseFailure as exc:
        if exc.position is not None and offset > 0:
            raise ParseFailure(exc.message, exc.position + offset) from None
        raise
    except RecursionError:
        raise ParseFailure("expression nested too deeply: size limit") from None


__all__ = ["Symbols", "SymbolDecl", "parse_math", "ParseFailure", "MathValue", "compare", "Verdict",
           "split_chain", "describe", "MathPool", "MathTimeout", "MathResourceError", "strip_delimiters"]
