"""AST -> sympy objects (only after guards.check has passed)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy
from sympy import ImmutableMatrix

from . import guards
from .errors import ParseFailure
from .nodes import (AddN, Big, Bound, Const, Func, Lst, Mat, MulN, Neg, Node, Num, Pow, Seq, Sym,
                    Transpose, UFunc)
from .symbols import Symbols
from .values import MathValue

_FUNCS = {"exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
          "tan": sympy.tan, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh,
          "Max": sympy.Max, "Min": sympy.Min, "Abs": sympy.Abs}


@dataclass(frozen=True)
class _V:
    kind: str  # scalar | matrix | product | list
    expr: object
    factors: tuple = ()


def bound_symbol(name: str) -> sympy.Symbol:
    """The sympy symbol of a summation index."""
    return sympy.Symbol(name, integer=True)


def number(text: str) -> sympy.Expr:
    if "." in text:
        digits = len(text.replace(".", "").lstrip("0"))
        return sympy.Float(text, max(15, digits + 2))
    return sympy.Integer(int(text))


def index_expr(node: Node, symbols: Symbols) -> sympy.Expr:
    """Build a (small) index expression, used by the parser to read ellipses."""
    guards.check(node)
    v = _build(node, symbols)
    if v.kind != "scalar":
        raise ParseFailure("an index must be a number or an expression")
    return v.expr  # type: ignore[return-value]


def build_value(node: Node, symbols: Symbols, text: str) -> MathValue:
    guards.check(node)
    v = _build(node, symbols)
    if v.kind == "list":
        return MathValue("list", v.expr, (), text)
    return MathValue(v.kind, v.expr, v.factors, text)


def _scalar(v: _V, what: str) -> sympy.Expr:
    if v.kind != "scalar":
        raise ParseFailure(f"{what} must be a single value, not a {v.kind}")
    return v.expr  # type: ignore[return-value]


def _mat(v: _V) -> ImmutableMatrix:
    return v.expr  # type: ignore[return-value]


def _shape(m: ImmutableMatrix) -> str:
    return f"{m.rows}x{m.cols}"


def _mul(a: _V, b: _V, op: str) -> _V:
    if op == "/":
        den = _scalar(b, "a denominator")
        if a.kind == "scalar":
            return _V("scalar", a.expr / den)
        if a.kind == "list":
            raise ParseFailure("cannot divide a list")
        return _V("matrix", ImmutableMatrix(_mat(a) / den))
    if a.kind == "list" or b.kind == "list":
        raise ParseFailure("cannot multiply a list")
    if a.kind == "scalar" and b.kind == "scalar":
        return _V("scalar", a.expr * b.expr)
    if a.kind == "scalar" or b.kind == "scalar":
        s, m = (a, b) if a.kind == "scalar" else (b, a)
        return _V("matrix", ImmutableMatrix(_mat(m) * s.expr))
    if op == "star":
        raise ParseFailure("'*' between two matrices reads as a convolution, not a product")
    ma, mb = _mat(a), _mat(b)
    if ma.cols != mb.rows:
        raise ParseFailure(f"shapes {_shape(ma)} and {_shape(mb)} cannot be multiplied")
    fa = a.factors if a.kind == "product" else (ma,)
    return _V("product", ImmutableMatrix(ma * mb), fa + (mb,))


def _build(n: Node, symbols: Symbols) -> _V:
    if isinstance(n, Num):
        return _V("scalar", number(n.text))
    if isinstance(n, Const):
        return _V("scalar", sympy.E if n.name == "E" else sympy.pi)
    if isinstance(n, Sym):
        return _V("scalar", symbols.symbol(n.name))
    if isinstance(n, Seq):
        idx = _scalar(_build(n.index, symbols), "an index")
        return _V("scalar", symbols.base(n.base)[idx])
    if isinstance(n, Bound):
        return _V("scalar", bound_symbol(n.name))
    if isinstance(n, Neg):
        v = _build(n.arg, symbols)
        if v.kind == "scalar":
            return _V("scalar", -v.expr)  # type: ignore[operator]
        if v.kind == "list":
            raise ParseFailure("cannot negate a list")
        return _V("matrix", ImmutableMatrix(-_mat(v)))
    if isinstance(n, AddN):
        vals = [(s, _build(t, symbols)) for s, t in n.terms]
        kinds = {v.kind for _, v in vals}
        if kinds == {"scalar"}:
            return _V("scalar", sympy.Add(*[s * v.expr for s, v in vals]))  # type: ignore[operator]
        if "list" in kinds or "scalar" in kinds:
            raise ParseFailure("cannot add a matrix and a number")
        total = None
        for s, v in vals:
            m = _mat(v) * s
            if total is not None and total.shape != m.shape:
                raise ParseFailure(f"cannot add matrices of shapes {_shape(total)} and {_shape(m)}")
            total = m if total is None else total + m
        return _V("matrix", ImmutableMatrix(total))
    if isinstance(n, MulN):
        acc = _build(n.items[0][1], symbols)
        for op, t in n.items[1:]:
            acc = _mul(acc, _build(t, symbols), op)
        return acc
    if isinstance(n, Pow):
        b = _build(n.base, symbols)
        e = _scalar(_build(n.exp, symbols), "an exponent")
        if b.kind in ("matrix", "product"):
            if e == sympy.Symbol("T", **(symbols.get("T").assumptions() if "T" in symbols else {})) and "T" in symbols:
                return _V("matrix", _mat(b).T)
            raise ParseFailure("powers of matrices are not supported")
        base = _scalar(b, "a base")
        if base == sympy.E:
            return _V("scalar", sympy.exp(e))
        return _V("scalar", sympy.Pow(base, e))
    if isinstance(n, Func):
        args = [_scalar(_build(a, symbols), f"the argument of {n.name}") for a in n.args]
        if n.name == "root":
            return _V("scalar", sympy.root(args[0], args[1]))
        return _V("scalar", _FUNCS[n.name](*args))
    if isinstance(n, UFunc):
        args = [_scalar(_build(a, symbols), f"the argument of {n.name}") for a in n.args]
        params, body = _function_body(symbols, n.name)
        return _V("scalar", body.xreplace(dict(zip(params, args))))
    if isinstance(n, Transpose):
        v = _build(n.arg, symbols)
        if v.kind == "list":
            raise ParseFailure("cannot transpose a list")
        return v if v.kind == "scalar" else _V("matrix", _mat(v).T)
    if isinstance(n, Mat):
        rows = [[_scalar(_build(c, symbols), "a matrix entry") for c in row] for row in n.rows]
        return _V("matrix", ImmutableMatrix(rows))
    if isinstance(n, Lst):
        items = tuple(_scalar(_build(c, symbols), "a list element") for c in n.items)
        return _V("list", items)
    if isinstance(n, Big):
        lo = _scalar(_build(n.lo, symbols), "a bound")
        hi = _scalar(_build(n.hi, symbols), "a bound")
        body = _scalar(_build(n.body, symbols), "the summand")
        cls = sympy.Sum if n.kind == "sum" else sympy.Product
        return _V("scalar", cls(body, (bound_symbol(n.var), lo, hi)))
    raise TypeError(n)


@lru_cache(maxsize=256)
def _function_body(symbols: Symbols, name: str) -> tuple[tuple[sympy.Symbol, ...], sympy.Expr]:
    """Parse a rubric-defined function body (trusted text, still through our own parser)."""
    from .parser import parse_ast
    d = symbols.get(name)
    assert d is not None and d.body is not None
    local = Symbols.from_decls({a: "real" for a in d.args})
    scope = Symbols(tuple(x for x in symbols.decls if x.name != name)).merge(local)
    node = parse_ast(d.body, scope)
    guards.check(node)
    v = _build(node, scope)
    body = _scalar(v, f"the body of {name}")
    return tuple(scope.symbol(a) for a in d.args), body
