"""Size guards on the AST, run before any sympy object is built."""
from __future__ import annotations

import math

from .errors import ParseFailure
from .nodes import (AddN, Big, Bound, Const, Func, Lst, Mat, MulN, Neg, Node, Num, Pow, Seq, Sym,
                    Transpose, UFunc, children)

MAX_NODES = 2_000
MAX_DIGITS = 1_000          # largest constant (in decimal digits) an answer may denote
MAX_EXPONENT = 1_000        # largest constant exponent on a non-constant base
MAX_RANGE = 1_000           # largest constant range of a sum/product


def check(node: Node) -> None:
    """Raise ParseFailure if the tree is too big or denotes a huge number."""
    count = 0
    stack = [node]
    while stack:
        n = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ParseFailure(f"expression too large (more than {MAX_NODES} parts): size limit")
        stack.extend(children(n))
    _const(node)


def _flog(v: float) -> float:
    return -math.inf if v == 0 else math.log10(abs(v))


def _const(n: Node) -> float | None:
    """Approximate float value of a constant subtree (None if it has variables); raises on size."""
    if isinstance(n, Num):
        try:
            return float(n.text)
        except OverflowError:  # pragma: no cover - digits are limited by the lexer
            return math.inf
    if isinstance(n, Const):
        return math.e if n.name == "E" else math.pi
    if isinstance(n, (Sym, Seq, Bound)):
        if isinstance(n, Seq):
            _const(n.index)
        return None
    if isinstance(n, Neg):
        v = _const(n.arg)
        return None if v is None else -v
    if isinstance(n, AddN):
        vals = [_const(t) for _, t in n.terms]
        if any(v is None for v in vals):
            return None
        return _safe(lambda: math.fsum(s * v for (s, _), v in zip(n.terms, vals)))  # type: ignore[misc]
    if isinstance(n, MulN):
        vals = [_const(t) for _, t in n.items]
        if any(v is None for v in vals):
            return None
        logs = sum(abs(_flog(v)) for v in vals if v not in (0.0,) and math.isfinite(v))  # type: ignore[arg-type]
        if logs > MAX_DIGITS:
            raise ParseFailure(f"number too large (about {int(logs)} digits): size limit")
        out = 1.0
        for (op, _), v in zip(n.items, vals):
            if op == "/":
                out = _safe(lambda: out / v) if v else math.nan  # type: ignore[operator]
            else:
                out = _safe(lambda: out * v)  # type: ignore[operator]
        return out
    if isinstance(n, Pow):
        b = _const(n.base)
        e = _const(n.exp)
        if e is not None:
            if not math.isfinite(e) or abs(e) > 1e6:
                raise ParseFailure("power too large (the exponent is enormous): size limit")
            if b is None:
                if abs(e) > MAX_EXPONENT:
                    raise ParseFailure(f"power too large (exponent above {MAX_EXPONENT}): size limit")
                return None
            digits = abs(e) * abs(_flog(b)) if b not in (0.0,) and math.isfinite(b) else (0 if b == 0 else math.inf)
            if digits > MAX_DIGITS:
                raise ParseFailure(f"power too large (about {digits:.3g} digits): size limit")
            return _safe(lambda: float(abs(b) ** e) * (1 if b >= 0 else math.cos(math.pi * e)))
        return None
    if isinstance(n, Func):
        vals = [_const(a) for a in n.args]
        if any(v is None for v in vals):
            return None
        v = vals[0]
        if n.name == "exp":
            if v > 2300:  # type: ignore[operator]
                raise ParseFailure("number too large (exp of a huge number): size limit")
            return _safe(lambda: math.exp(v))  # type: ignore[arg-type]
        if n.name in ("sqrt", "Abs", "root"):
            return _safe(lambda: abs(v) ** (0.5 if n.name == "sqrt" else 1.0))  # type: ignore[arg-type]
        return v  # bounded or magnitude-preserving enough for a size estimate
    if isinstance(n, Big):
        lo, hi = _const(n.lo), _const(n.hi)
        if lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi) and abs(hi - lo) > MAX_RANGE:
            raise ParseFailure(f"sum range too large (more than {MAX_RANGE} terms): size limit")
        _const(n.body)
        return None
    if isinstance(n, (Mat, Lst, Transpose, UFunc)):
        for c in children(n):
            _const(c)
        return None
    raise TypeError(n)


def _safe(fn) -> float:
    try:
        return float(fn())
    except (OverflowError, ZeroDivisionError, ValueError):
        return math.inf
