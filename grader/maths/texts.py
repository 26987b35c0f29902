"""Readable plain-text rendering of a MathValue."""
from __future__ import annotations

import sympy
from sympy.printing.str import StrPrinter

from .values import MathValue


class _Printer(StrPrinter):
    def _print(self, expr, **kwargs) -> str:
        if isinstance(expr, sympy.Indexed):  # Indexed has its own _sympystr; override it
            return self._print_Indexed(expr)
        return super()._print(expr, **kwargs)

    def _print_Indexed(self, expr) -> str:
        base = self._print(expr.base.label)
        idx = expr.indices[0] if len(expr.indices) == 1 else expr.indices
        if isinstance(idx, (sympy.Symbol, sympy.Integer)):
            return f"{base}_{idx}"
        return f"{base}_{{{self._print(idx)}}}"

    def _print_IndexedBase(self, expr) -> str:
        return self._print(expr.label)

    def _print_ImmutableDenseMatrix(self, expr) -> str:
        return "[" + ", ".join("[" + ", ".join(self._print(x) for x in expr.row(i)) + "]"
                               for i in range(expr.rows)) + "]"

    _print_MutableDenseMatrix = _print_ImmutableDenseMatrix


_P = _Printer({"full_prec": False})


def text_of(expr) -> str:
    """Plain text for a sympy object (Expr or matrix)."""
    return _P.doprint(expr)


def describe(value: MathValue) -> str:
    """Readable plain text: ``1/2``, ``z_0 - z_1``, ``W*(1 - p)``, ``Sum(x_i, (i, 1, t))``, ``[[..]]``."""
    if value.kind == "list":
        return "[" + ", ".join(text_of(x) for x in value.expr) + "]"
    if value.kind == "product":
        return " * ".join(text_of(f) for f in value.factors)
    return text_of(value.expr)
