"""Maths answers: our own parser for the restricted LaTeX/plain-text maths students write, size guards,
sympy values, seeded numeric equivalence, derivation-chain splitting, and a worker pool with budgets.

No student text is ever passed to eval/exec/sympify/parse_expr/parse_latex/lambdify.
"""
from __future__ import annotations

from .chain import split_chain, strip_delimiters
from .describe import describe
from .errors import MathResourceError, MathTimeout, ParseFailure
from .symbols import SymbolDecl, Symbols
from .values import MathValue


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


from .equivalence import Verdict, compare  # noqa: E402
from .pool import MathPool  # noqa: E402

__all__ = ["Symbols", "SymbolDecl", "parse_math", "ParseFailure", "MathValue", "compare", "Verdict",
           "split_chain", "describe", "MathPool", "MathTimeout", "MathResourceError", "strip_delimiters"]
