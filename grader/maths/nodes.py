"""The small AST built by the parser (guards run on it before any sympy object exists)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Num:
    text: str


@dataclass(frozen=True)
class Const:
    name: str  # "E" | "pi"


@dataclass(frozen=True)
class Sym:
    """A declared name. ``base``/``index`` are set when it was written as base_index (for ellipses)."""

    name: str
    base: str | None = None
    index: "Node | None" = None


@dataclass(frozen=True)
class Seq:
    """Element of a declared sequence: x_i, x_{t-1}."""

    base: str
    index: "Node"


@dataclass(frozen=True)
class Bound:
    """A summation index bound by an enclosing sum/product."""

    name: str


@dataclass(frozen=True)
class AddN:
    terms: tuple[tuple[int, "Node"], ...]  # (sign, term)


@dataclass(frozen=True)
class MulN:
    items: tuple[tuple[str, "Node"], ...]  # (op, factor); op in "*", "/", "star"; first op is "*"
    pos: int = 0


@dataclass(frozen=True)
class Neg:
    arg: "Node"


@dataclass(frozen=True)
class Pow:
    base: "Node"
    exp: "Node"
    pos: int = 0


@dataclass(frozen=True)
class Func:
    name: str  # sympy name: exp, log, sqrt, root, sin, ..., Max, Min, Abs
    args: tuple["Node", ...]


@dataclass(frozen=True)
class UFunc:
    name: str
    args: tuple["Node", ...]


@dataclass(frozen=True)
class Transpose:
    arg: "Node"


@dataclass(frozen=True)
class Mat:
    rows: tuple[tuple["Node", ...], ...]


@dataclass(frozen=True)
class Lst:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Big:
    kind: str  # "sum" | "prod"
    var: str
    lo: "Node"
    hi: "Node"
    body: "Node"


Node = Union[Num, Const, Sym, Seq, Bound, AddN, MulN, Neg, Pow, Func, UFunc, Transpose, Mat, Lst, Big]


def children(node: Node) -> tuple[Node, ...]:
    """Direct sub-nodes of ``node``."""
    if isinstance(node, (Num, Const, Bound)):
        return ()
    if isinstance(node, Sym):
        return ()
    if isinstance(node, Seq):
        return (node.index,)
    if isinstance(node, AddN):
        return tuple(t for _, t in node.terms)
    if isinstance(node, MulN):
        return tuple(t for _, t in node.items)
    if isinstance(node, (Neg, Transpose)):
        return (node.arg,)
    if isinstance(node, Pow):
        return (node.base, node.exp)
    if isinstance(node, (Func, UFunc)):
        return node.args
    if isinstance(node, Mat):
        return tuple(c for row in node.rows for c in row)
    if isinstance(node, Lst):
        return node.items
    if isinstance(node, Big):
        return (node.lo, node.hi, node.body)
    raise TypeError(node)
