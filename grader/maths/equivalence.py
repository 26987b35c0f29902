"""``compare``: decide whether a student's MathValue equals the expected one.

Strategy: structural/exact checks, then seeded random-point numeric evaluation (a clear mismatch at a
valid point proves "different"), then a cheap, size-bounded ``expand``/``cancel`` confirmation.
``simplify`` is never used. Reasons describe the student's value only (never the expected value).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import Indexed, Product, Sum

from .texts import text_of
from .evaluate import MAX_ATTEMPTS, TARGET_POINTS, Sampler, close, substitute_values
from .symbols import Symbols
from .values import MathValue

MODES = ("value", "expression", "matrix", "set")
MIN_POINTS = 5


@dataclass(frozen=True)
class Verdict:
    """equal: True/False, or None when undecidable. reason: about the student's value only."""

    equal: bool | None
    reason: str
    strategy: str
    seed: int


def compare(student: MathValue, expected: MathValue, symbols: Symbols, *, mode: str = "expression",
            rtol: float = 1e-9, atol: float = 1e-12, seed: int = 0, transpose_ok: bool = False) -> Verdict:
    """Compare two parsed values (see module docstring). ``mode``: value | expression | matrix | set."""
    if mode not in MODES:
        raise ValueError(f"unknown comparison mode {mode!r} (expected one of {', '.join(MODES)})")
    c = _Cmp(symbols, rtol, atol, seed)
    if mode == "set":
        return c.sets(student, expected)
    if mode == "matrix" or student.is_matrix or expected.is_matrix:
        return c.matrix(student, expected, transpose_ok)
    if student.kind == "list" or expected.kind == "list":
        if student.kind != expected.kind:
            return c.v(False, f"is {_kind_text(student)}, not {_kind_text(expected)}", "shape")
        if len(student.expr) != len(expected.expr):
            return c.v(False, f"has {len(student.expr)} elements; the number of elements is wrong", "shape")
        labels = [f"element {k + 1}" for k in range(len(student.expr))]
        return c.exprs(list(zip(student.expr, expected.expr)), labels)
    if mode == "value":
        return c.value(student.expr, expected.expr)
    return c.exprs([(student.expr, expected.expr)], [""])


def _kind_text(v: MathValue) -> str:
    return {"scalar": "a single value", "list": "a list", "matrix": "a matrix",
            "product": "a matrix"}[v.kind]


def _names(expr) -> set[str]:
    out = {s.name for s in expr.free_symbols if isinstance(s, sympy.Symbol)}
    for ind in expr.atoms(Indexed):
        out.discard(str(ind.base.label))
    return out


class _Cmp:
    def __init__(self, symbols: Symbols, rtol: float, atol: float, seed: int) -> None:
        self.symbols, self.rtol, self.atol, self.seed = symbols, rtol, atol, seed

    def v(self, equal, reason: str, strategy: str) -> Verdict:
        return Verdict(equal, reason, strategy, self.seed)

    # -- numbers -------------------------------------------------------------------------------
    def value(self, s, e) -> Verdict:
        s = substitute_values(s, self.symbols)
        e = substitute_values(e, self.symbols)
        if _names(e) or e.has(Indexed):
            return self.exprs([(s, e)], [""])
        if _names(s) or s.has(Indexed):
            return self.v(False, f"is not a number (it contains {', '.join(sorted(_names(s))) or 'a sequence'})",
                          "exact")
        if s.is_Rational and e.is_Rational:
            if s == e:
                return self.v(True, "equal", "exact")
            return self.v(False, "wrong sign" if (s == -e and e != 0) else "wrong value", "exact")
        try:
            a, b = complex(s.evalf(30)), complex(e.evalf(30))
        except (TypeError, ValueError):
            return self.v(None, "could not evaluate the answer to a number", "numeric")
        if not (_finite(a) and _finite(b)):
            return self.v(False if _finite(b) else None, "is not a finite number", "numeric")
        if close(a, b, self.rtol, self.atol):
            return self.v(True, "equal within tolerance", "numeric")
        if close(a, -b, self.rtol, self.atol) and not close(b, 0, self.rtol, self.atol):
            return self.v(False, "wrong sign", "numeric")
        return self.v(False, "wrong value", "numeric")

    # -- expressions ---------------------------------------------------------------------------
    def exprs(self, pairs: list[tuple], labels: list[str]) -> Verdict:
        pairs = [(substitute_values(s, self.symbols), substitute_values(e, self.symbols)) for s, e in pairs]
        if all(s == e for s, e in pairs):
            return self.v(True, "identical", "exact")
        sampler = Sampler([x for p in pairs for x in p], self.symbols, self.seed)
        if sampler.constant and all(s.is_Rational and e.is_Rational for s, e in pairs):
            for (s, e), lab in zip(pairs, labels):
                if s != e:
                    why = "wrong sign" if (s == -e and e != 0) else "wrong value"
                    return self.v(False, _label(lab, why), "exact")
            return self.v(True, "equal", "exact")
        points = []
        target = 1 if sampler.constant else TARGET_POINTS
        for _ in range(MAX_ATTEMPTS if not sampler.constant else 1):
            pt = sampler.draw()
            vals = []
            ok = True
            for s, e in pairs:
                a = sampler.evaluate(s, pt)
                b = sampler.evaluate(e, pt) if a is not None else None
                if a is None or b is None:
                    ok = False
                    break
                vals.append((a, b))
            if ok:
                points.append((pt, vals))
                if len(points) >= target:
                    break
        needed = 1 if sampler.constant else MIN_POINTS
        if len(points) < needed:
            return self.v(None, f"could not evaluate the answer at enough points ({len(points)} valid)", "numeric")
        for k, ((s, _e), lab) in enumerate(zip(pairs, labels)):
            col = [(pt, vals[k]) for pt, vals in points]
            if all(close(a, b, self.rtol, self.atol) for _, (a, b) in col):
                continue
            return self.v(False, _label(lab, self._why(s, col)), "numeric")
        if _confirm(pairs):
            return self.v(True, f"equal at {len(points)} sample points; confirmed by expansion", "numeric+expand")
        return self.v(True, f"equal at {len(points)} sample points", "numeric")

    def _why(self, s, col) -> str:
        rt, at = 1e-7, 1e-10
        a_s = [a for _, (a, _b) in col]
        b_s = [b for _, (_a, b) in col]
        if all(close(a, -b, rt, at) for a, b in zip(a_s, b_s)) and not all(close(b, 0, rt, at) for b in b_s):
            return "wrong sign"
        if len(col) > 1 and all(abs(b) > 1e-12 for b in b_s) and all(abs(a) > 1e-12 for a in a_s):
            r = [a / b for a, b in zip(a_s, b_s)]
            if all(close(x, r[0], rt, at) for x in r):
                return "differs by a constant factor"
        if len(col) > 1:
            d = [a - b for a, b in zip(a_s, b_s)]
            if all(close(x, d[0], rt, at) for x in d):
                return "differs by a constant term"
        names = _names(s)
        for pt, (a, b) in col:
            if not close(a, b, self.rtol, self.atol):
                where = pt.describe(names)
                return f"differs at {where}" if where else "wrong value"
        return "wrong value"  # pragma: no cover

    # -- matrices ------------------------------------------------------------------------------
    def matrix(self, student: MathValue, expected: MathValue, transpose_ok: bool) -> Verdict:
        if not student.is_matrix:
            return self.v(False, f"is {_kind_text(student)}, not a matrix", "shape")
        if not expected.is_matrix:
            return self.v(False, "is a matrix, not a single value", "shape")
        S, E = student.expr, expected.expr
        tries = []
        if S.shape == E.shape:
            tries.append((S, False))
        if transpose_ok and S.T.shape == E.shape:
            tries.append((S.T, True))
        if not tries:
            return self.v(False, f"shape {S.rows}x{S.cols} does not match", "shape")
        first = None
        for M, transposed in tries:
            pairs, labels = [], []
            for i in range(M.rows):
                for j in range(M.cols):
                    pairs.append((M[i, j], E[i, j]))
                    labels.append(f"entry ({j + 1}, {i + 1})" if transposed else f"entry ({i + 1}, {j + 1})")
            v = self.exprs(pairs, labels)
            if v.equal:
                return self.v(True, v.reason + (" (transposed)" if transposed else ""),
                              v.strategy + ("+transpose" if transposed else ""))
            first = first or v
        return first  # type: ignore[return-value]

    # -- sets ----------------------------------------------------------------------------------
    def sets(self, student: MathValue, expected: MathValue) -> Verdict:
        s_items = _items(student)
        e_items = _items(expected)
        if s_items is None:
            return self.v(False, "is a matrix, not a set", "shape")
        if e_items is None:
            raise ValueError("set mode needs an expected list, not a matrix")
        if len(s_items) != len(e_items):
            return self.v(False, f"has {len(s_items)} elements; the number of elements is wrong", "set")
        free = list(range(len(e_items)))
        undecided = False
        strategy = "exact"
        for k, s in enumerate(s_items):
            hit = None
            for j in free:
                v = self.exprs([(s, e_items[j])], [""])
                if v.equal:
                    hit = j
                    if v.strategy != "exact":
                        strategy = v.strategy
                    break
                if v.equal is None:
                    undecided = True
            if hit is None:
                if undecided:
                    return self.v(None, f"could not decide element {k + 1} ({text_of(s)})", "set")
                return self.v(False, f"element {k + 1} ({text_of(s)}) is not expected", "set")
            free.remove(hit)
        return self.v(True, "same elements", "set+" + strategy)


def _items(v: MathValue) -> list | None:
    """Elements of a list; a row or column vector counts as a list ([2, 3]); a scalar is one element."""
    if v.kind == "list":
        return list(v.expr)
    if v.is_matrix:
        if 1 in v.expr.shape:
            return list(v.expr)
        return None
    return [v.expr]


def _label(label: str, why: str) -> str:
    return f"{label}: {why}" if label else why


def _finite(z: complex) -> bool:
    return z == z and abs(z) != float("inf")


def _confirm(pairs) -> bool:
    """Cheap algebraic confirmation (only for small expressions; never simplify)."""
    try:
        for s, e in pairs:
            d = s - e
            if d.has(Sum, Product, Indexed, sympy.Float, sympy.Max, sympy.Min, sympy.Abs):
                return False
            if sympy.count_ops(d) > 80:
                return False
            if any(p.exp.is_Integer and abs(int(p.exp)) > 12 for p in d.atoms(sympy.Pow)):
                return False
            if sympy.cancel(sympy.expand(d)) != 0:
                return False
        return True
    except Exception:  # noqa: BLE001 - confirmation is optional
        return False
