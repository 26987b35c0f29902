"""Fast numeric evaluation of the sympy trees ``build`` makes, at ``Sampler`` points.

Each expression is walked once (``compiled``, cached) into a tree of small Python closures: no text is
evaluated, no lambdify. The closures compute with exact ``Fraction`` values while the values are rational
(the sample points are integers and 3-decimal rationals) and with 40-digit mpmath numbers otherwise; sums
and products with integer bounds are explicit loops over their terms (Karr's convention for reversed
ranges, as ``Sum.doit``), which replaces ``doit()`` + ``evalf`` on a rebuilt tree at every point.

The fast path must never change a value the sympy path (``Sampler._slow``) would give. Whenever it cannot
vouch for that (a division by an exact zero, an inexact value near 0 or huge, which may be an exact 0 or a
pole for sympy, a heavy cancellation, a non-integer index or bound, any node it does not know), it raises
``Fallback`` and the caller evaluates that point the sympy way.
"""
from __future__ import annotations

import cmath
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable

import mpmath
import sympy
from sympy import Indexed, Product, S, Sum

MP = mpmath.MPContext()          # private context: its precision is never changed by anyone else
MP.dps = 40
_TINY = MP.mpf("1e-30")         # an inexact |value| below this may be an exact 0 for sympy
_HUGE = MP.mpf("1e30")          # ... above this may be a pole (1/0, tan(pi/2)) for sympy
_CANCEL = MP.mpf("1e-25")       # a sum this much smaller than its largest term: let sympy decide
MAX_EXACT_EXPONENT = 2_000
_ZERO, _ONE = Fraction(0), Fraction(1)
_PI, _E, _I = +MP.pi, +MP.e, MP.mpc(0, 1)

Fn = Callable[["Env"], Any]


class Fallback(Exception):
    """The fast path cannot vouch for this value: evaluate the point with sympy."""


class NotCompilable(Exception):
    """The expression has a node the fast path does not know."""


class Env:
    """Values during one evaluation: point symbols (converted once), loop variables, sequence terms."""

    __slots__ = ("vals", "point", "sampler", "seqs")

    def __init__(self, point, sampler) -> None:
        self.vals: dict = {}
        self.seqs: dict = {}
        self.point = point
        self.sampler = sampler

    def sym(self, s):
        v = self.vals.get(s)
        if v is None:
            raw = self.point.ints.get(s)
            if raw is None:
                raw = self.point.reals.get(s)
            if raw is None:
                raise Fallback
            v = self.vals[s] = number(raw, self)
        return v

    def seq(self, base: str, k: int):
        key = (base, k)
        v = self.seqs.get(key)
        if v is None:
            v = self.seqs[key] = number(self.sampler._seq_value(self.point, base, k), self)
        return v


def number(raw, env: Env):
    """A sympy value of a point (or a declared sequence term) as a fast-path value."""
    if isinstance(raw, int):
        return Fraction(raw)
    if raw.is_Rational:
        return Fraction(int(raw.p), int(raw.q))
    c = compiled(raw)          # a declared value that is not rational, e.g. sqrt(2)
    if c is None:
        raise Fallback
    return c.fn(env)


def inexact(v):
    if type(v) is Fraction:
        return MP.mpf(v.numerator) / v.denominator
    return v


def _chk(r):
    """An inexact result the fast path vouches for (finite, neither near 0 nor huge)."""
    m = abs(r)
    if not (_TINY < m < _HUGE):    # nan compares False: falls back too
        raise Fallback
    return r


class Compiled:
    __slots__ = ("fn", "bounds")

    def __init__(self, fn: Fn, bounds: list[tuple[Fn, Fn]]) -> None:
        self.fn = fn
        self.bounds = bounds

    def value(self, point, sampler, max_terms: int) -> complex:
        """The value at ``point`` as the sympy path would give it, or raise ``Fallback``."""
        env = Env(point, sampler)
        for flo, fhi in self.bounds:    # the sympy path checks every sum's range before doit()
            lo, hi = flo(env), fhi(env)
            if type(lo) is not Fraction or type(hi) is not Fraction or lo.denominator != 1 \
                    or hi.denominator != 1 or abs(hi - lo) > max_terms:
                raise Fallback
        v = self.fn(env)
        try:
            z = complex(v) if type(v) is not Fraction else complex(float(v))
        except (OverflowError, TypeError, ValueError):
            raise Fallback from None
        if not cmath.isfinite(z):
            raise Fallback
        return z


@lru_cache(maxsize=4096)
def compiled(expr) -> Compiled | None:
    """The closure tree of ``expr`` (None when it has a node the fast path does not know)."""
    bounds: list[tuple[Fn, Fn]] = []
    try:
        fn = _compile(expr, frozenset(), bounds)
    except (NotCompilable, RecursionError):
        return None
    return Compiled(fn, bounds)


def _exact_poly(e, loops: frozenset) -> bool:
    """Integer-valued-or-not exactly as sympy decides: a polynomial with rational coefficients in point
    symbols (no Float, no function, no sequence term, no loop variable)."""
    if e.is_Rational:
        return True
    if isinstance(e, sympy.Symbol):
        return e not in loops
    if e.is_Add or e.is_Mul:
        return all(_exact_poly(a, loops) for a in e.args)
    if e.is_Pow:
        return e.exp.is_Integer and int(e.exp) >= 0 and _exact_poly(e.base, loops)
    return False


def _const(c) -> Fn:
    return lambda env: c


def _compile(e, loops: frozenset, bounds: list) -> Fn:
    if e.is_Rational:
        return _const(Fraction(int(e.p), int(e.q)))
    if e.is_Float:
        r = sympy.Rational(e)      # the exact binary value, as evalf uses it
        return _const(Fraction(int(r.p), int(r.q)))
    if e is S.Pi:
        return _const(_PI)
    if e is S.Exp1:
        return _const(_E)
    if e is S.ImaginaryUnit:
        return _const(_I)
    if isinstance(e, sympy.Symbol):
        if e in loops:
            return lambda env: env.vals[e]
        return lambda env: env.sym(e)
    if isinstance(e, Indexed):
        return _indexed(e, loops, bounds)
    if e.is_Add:
        return _add([_compile(a, loops, bounds) for a in e.args])
    if e.is_Mul:
        return _mul([_compile(a, loops, bounds) for a in e.args])
    if e.is_Pow:
        return _pow(_compile(e.base, loops, bounds), _compile(e.exp, loops, bounds))
    if isinstance(e, (Sum, Product)):
        return _big(e, loops, bounds)
    f = _FUNCS.get(type(e))
    if f is not None and len(e.args) == 1:
        return f(_compile(e.args[0], loops, bounds))
    if isinstance(e, (sympy.Max, sympy.Min)):
        return _maxmin([_compile(a, loops, bounds) for a in e.args], isinstance(e, sympy.Max))
    if isinstance(e, sympy.Abs):
        return _abs(_compile(e.args[0], loops, bounds))
    raise NotCompilable(type(e).__name__)


def _indexed(e, loops: frozenset, bounds: list) -> Fn:
    if len(e.indices) != 1 or not _exact_poly(e.indices[0], frozenset()):  # loop variables allowed
        raise NotCompilable("index")
    base = str(e.base.label)
    fix = _compile(e.indices[0], loops, bounds)

    def indexed(env):
        k = fix(env)
        if type(k) is not Fraction or k.denominator != 1:
            raise Fallback
        return env.seq(base, k.numerator)
    return indexed


def _add(fs: list[Fn]) -> Fn:
    def add(env):
        exact = _ZERO
        inex = None
        for f in fs:
            v = f(env)
            if type(v) is Fraction:
                exact += v
            elif inex is None:
                inex = [v]
            else:
                inex.append(v)
        if inex is None:
            return exact
        return _fsum(exact, inex)
    return add


def _fsum(exact: Fraction, inex: list):
    if exact:
        inex.append(inexact(exact))
    r = MP.fsum(inex)
    if len(inex) > 1 and abs(r) <= _CANCEL * max(abs(x) for x in inex):
        raise Fallback
    return _chk(r)


def _mul(fs: list[Fn]) -> Fn:
    def mul(env):
        exact = _ONE
        inex = None
        for f in fs:
            v = f(env)
            if type(v) is Fraction:
                exact *= v
            elif inex is None:
                inex = v
            else:
                inex = inex * v
        if inex is None or not exact:
            return exact
        return _chk(inex * exact.numerator / exact.denominator)
    return mul


def _pow(fb: Fn, fe: Fn) -> Fn:
    def pw(env):
        b, x = fb(env), fe(env)
        if type(x) is Fraction:
            if x.denominator == 1:
                n = x.numerator
                if type(b) is Fraction:
                    if not b:
                        if n < 0:
                            raise Fallback   # 1/0: zoo for sympy (or 1 for zoo**0): let it decide
                        return _ONE if n == 0 else _ZERO
                    if abs(n) > MAX_EXACT_EXPONENT and abs(b) != 1:
                        raise Fallback
                    return b ** n
                return _chk(b ** n)
            if type(b) is Fraction:
                if not b:
                    if x > 0:
                        return _ZERO
                    raise Fallback
                if b == 1:
                    return _ONE
            return _chk(MP.power(inexact(b), inexact(x)))
        if type(b) is Fraction and not b:
            raise Fallback
        return _chk(MP.power(inexact(b), x))
    return pw


def _func(mp_fn, at_zero: Fraction | None, at_one: Fraction | None = None):
    def make(fa: Fn) -> Fn:
        def fn(env):
            a = fa(env)
            if type(a) is Fraction:
                if not a:
                    if at_zero is None:
                        raise Fallback
                    return at_zero
                if a == 1 and at_one is not None:
                    return at_one
            return _chk(mp_fn(inexact(a)))
        return fn
    return make


_FUNCS = {
    sympy.exp: _func(MP.exp, _ONE), sympy.log: _func(MP.log, None, _ZERO),
    sympy.sin: _func(MP.sin, _ZERO), sympy.cos: _func(MP.cos, _ONE), sympy.tan: _func(MP.tan, _ZERO),
    sympy.sinh: _func(MP.sinh, _ZERO), sympy.cosh: _func(MP.cosh, _ONE), sympy.tanh: _func(MP.tanh, _ZERO),
}


def _real_key(v):
    if type(v) is Fraction:
        return v
    if isinstance(v, MP.mpc):
        if v.imag:
            raise Fallback          # sympy's Max/Min of a non-real value
        return v.real
    return v


def _maxmin(fs: list[Fn], is_max: bool) -> Fn:
    def mm(env):
        vals = [f(env) for f in fs]
        keys = [_real_key(v) for v in vals]
        if any(type(k) is not Fraction for k in keys):
            keys = [inexact(k) for k in keys]
        pick = max if is_max else min
        k = pick(range(len(vals)), key=keys.__getitem__)
        return vals[k]
    return mm


def _abs(fa: Fn) -> Fn:
    def ab(env):
        a = fa(env)
        if type(a) is Fraction:
            return abs(a)
        return _chk(abs(a))
    return ab


def _big(e, loops: frozenset, bounds: list) -> Fn:
    *inner, (var, lo, hi) = e.limits    # sympy merges nested sums: the last limit is the outer one
    if not (_exact_poly(lo, loops) and _exact_poly(hi, loops)):
        raise NotCompilable("bounds")   # e.g. an inner bound on an outer index: sympy says undefined
    if e.function.has(sympy.Max, sympy.Min):
        raise NotCompilable("Max/Min in a summand")   # sympy's doit may fail on them, even for no terms
    flo, fhi = _compile(lo, loops, bounds), _compile(hi, loops, bounds)
    bounds.append((flo, fhi))
    body = _compile(type(e)(e.function, *inner) if inner else e.function, loops | {var}, bounds)
    is_sum = isinstance(e, Sum)

    def big(env):
        a, b = flo(env).numerator, fhi(env).numerator   # integers: checked before the evaluation
        if b >= a:
            terms, flip = range(a, b + 1), False
        elif b == a - 1:
            raise Fallback       # no term: sympy still says undefined if the summand is (e.g. log(t) at t=0)
        else:                                             # Karr: sum_a^b = -sum_{b+1}^{a-1}
            terms, flip = range(b + 1, a), True
        vals = env.vals
        missing = object()
        old = vals.get(var, missing)
        try:
            if is_sum:
                exact, inex = _ZERO, None
                for k in terms:
                    vals[var] = Fraction(k)
                    v = body(env)
                    if type(v) is Fraction:
                        exact += v
                    elif inex is None:
                        inex = [v]
                    else:
                        inex.append(v)
                r = exact if inex is None else _fsum(exact, inex)
                return -r if flip else r
            exact, inex = _ONE, None
            for k in terms:
                vals[var] = Fraction(k)
                v = body(env)
                if type(v) is Fraction:
                    exact *= v
                else:
                    inex = v if inex is None else _chk(inex * v)
            if inex is None or not exact:
                r = exact
            else:
                r = _chk(inex * exact.numerator / exact.denominator)
            if flip:
                if not r:
                    raise Fallback
                r = 1 / r if type(r) is Fraction else _chk(1 / r)
            return r
        finally:
            if old is missing:
                vals.pop(var, None)
            else:
                vals[var] = old
    return big
