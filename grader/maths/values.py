"""``MathValue``: the parsed, built value of one answer segment."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MathValue:
    """kind: "scalar" | "matrix" | "product" | "list".

    ``expr``: sympy Expr (scalar), ImmutableMatrix (matrix, product: the evaluated product) or a tuple of
    sympy Expr (list). ``factors``: for "product", the explicit matrices multiplied, in order.
    ``text``: the source text.
    """

    kind: str
    expr: Any
    factors: tuple = ()
    text: str = ""

    @property
    def is_matrix(self) -> bool:
        return self.kind in ("matrix", "product")
