"""Seeded random-point evaluation that respects declarations (ranges, integers, sequences).

A point's integer and real values come from the sampler's seeded stream; a sequence term ``x_k`` drawn at
point ``n`` comes from its own stream seeded by (seed, n, x, k), so a point's values never depend on which
expression was evaluated first. The value of an expression at a point is therefore a pure function of
(expression, symbols, seed, n, the point's values): ``Sampler.evaluate`` caches it per worker process (an
exam's expected value is sampled once for a whole class), and computes it with ``numeric`` (closures
built once per expression), falling back to sympy (``doit``/``evalf``) wherever the fast path cannot vouch
for the value.
"""
from __future__ import annotations

import cmath
import itertools
import math
import random
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import sympy
from sympy import Indexed, Product, Sum

from . import numeric
from .symbols import SymbolDecl, Symbols

MAX_TERMS = 1_000
TARGET_POINTS = 10
MAX_ATTEMPTS = 60
CACHE_LIMIT = 100_000       # values cached per worker process (least recently used dropped first)

# {(group, expr, point key): complex | None}, group numbering (symbols, seed); see the module docstring
_VALUES: OrderedDict = OrderedDict()
_GROUPS: dict = {}
_NUMBERS = itertools.count()
STATS = {"hits": 0, "computed": 0, "fast": 0, "slow": 0}


def clear_cache() -> None:
    _VALUES.clear()


def _group(symbols: Symbols, seed: int) -> int:
    g = _GROUPS.get((symbols, seed))
    if g is None:
        if len(_GROUPS) > 10_000:
            _GROUPS.clear()
            _VALUES.clear()
        g = _GROUPS[(symbols, seed)] = next(_NUMBERS)
    return g


@lru_cache(maxsize=4096)
def _analyse(e, symbols: Symbols) -> tuple[frozenset, frozenset, bool]:
    """(free point symbols, symbols used in sum bounds or indices, has sequence terms) of one expression."""
    free = frozenset(s for s in e.free_symbols if isinstance(s, sympy.Symbol) and not symbols.is_sequence(s.name))
    int_syms: set = set()
    for big in e.atoms(Sum, Product):
        for lim in big.limits:
            for b in lim[1:]:
                int_syms |= b.free_symbols
    indexed = e.atoms(Indexed)
    for ind in indexed:
        for ix in ind.indices:
            int_syms |= ix.free_symbols
    return free, frozenset(int_syms), bool(indexed)


@lru_cache(maxsize=256)
def given_values(symbols: Symbols) -> dict:
    """{Symbol: value} for declarations with ``value:`` (parsed with our own parser)."""
    from . import parse_math
    out = {}
    for d in symbols.decls:
        if d.kind == "value" and d.value is not None:
            rest = Symbols(tuple(x for x in symbols.decls if x.name != d.name))
            v = parse_math(d.value, rest)
            if v.kind != "scalar":
                raise ValueError(f"value of {d.name} must be a single value")
            out[symbols.symbol(d.name)] = v.expr
    return out


def substitute_values(expr, symbols: Symbols):
    vals = given_values(symbols)
    if not vals:
        return expr
    return expr.xreplace(vals)


@dataclass
class Point:
    """One sample: integer and real symbol values, and per-index sequence values."""

    ints: dict
    reals: dict
    seq: dict
    n: int = 0                               # the draw's number in its sampler
    key: tuple = field(default=(), repr=False)   # (n, ints, reals) as drawn: what a value depends on

    def describe(self, names: set[str]) -> str:
        items = []
        for d in (self.ints, self.reals):
            for s, v in d.items():
                if s.name in names:
                    items.append((s.name, v))
        items.sort()
        return ", ".join(f"{n}={_fmt(v)}" for n, v in items)


def _fmt(v) -> str:
    if isinstance(v, sympy.Integer) or isinstance(v, int):
        return str(int(v))
    return f"{float(v):.4g}"


def _decl(symbols: Symbols, name: str) -> SymbolDecl:
    return symbols.get(name) or SymbolDecl(name)


class Sampler:
    """Draws points for a group of expressions and evaluates them to complex numbers."""

    def __init__(self, exprs: list, symbols: Symbols, seed: int) -> None:
        self.symbols = symbols
        self.seed = seed
        self.rng = random.Random(seed)
        self.drawn = 0
        self._group = _group(symbols, seed)
        free: set = set()
        int_syms: set = set()
        self.has_indexed = False
        for e in exprs:
            f, b, ix = _analyse(e, symbols)
            free |= f
            int_syms |= b
            self.has_indexed = self.has_indexed or ix
        self.free = free
        self.int_syms = {s for s in free if s in int_syms or s.is_integer}
        self.bound_syms = {s for s in free if s in int_syms}
        self.real_syms = free - self.int_syms

    @property
    def constant(self) -> bool:
        return not self.free and not self.has_indexed

    def draw(self) -> Point:
        ints = {}
        for s in sorted(self.int_syms, key=lambda x: x.name):
            d = _decl(self.symbols, s.name)
            lo, hi = _int_range(d)
            if s in self.bound_syms and d.lo is None:  # sums run forwards by default
                lo = max(lo, 0 if d.nonnegative else 1)
                hi = max(hi, lo)
            ints[s] = sympy.Integer(self.rng.randint(lo, hi))
        reals = {}
        for s in sorted(self.real_syms, key=lambda x: x.name):
            reals[s] = self._real(_decl(self.symbols, s.name), self.rng)
        n = self.drawn
        self.drawn += 1
        return Point(ints, reals, {}, n, (n, tuple(ints.items()), tuple(reals.items())))

    @staticmethod
    def _real(d: SymbolDecl, rng: random.Random):
        lo, hi = d.sample_range()
        for _ in range(20):
            v = round(rng.uniform(lo, hi), 3)
            if lo < 0 < hi and abs(v) < 0.05:
                continue
            if v == 0 and lo < hi:
                continue
            return sympy.Rational(str(v))
        return sympy.Rational(str(round((lo + hi) / 2, 3)))

    def _seq_value(self, point: Point, base: str, k: int):
        key = (base, k)
        if key in point.seq:
            return point.seq[key]
        name = f"{base}_{k}"
        d = self.symbols.get(name)
        rng = random.Random(f"{self.seed}:{point.n}:{base}:{k}")
        v = None
        if d is not None and d.kind == "value":
            v = given_values(self.symbols).get(self.symbols.symbol(name))
        elif d is not None and d.kind == "symbol":
            sym = self.symbols.symbol(name)
            if sym in point.reals:
                v = point.reals[sym]
            else:
                v = self._real(d, rng)
                point.reals[sym] = v
        if v is None:
            v = self._real(_decl(self.symbols, base), rng)
        point.seq[key] = v
        return v

    def evaluate(self, expr, point: Point) -> complex | None:
        """Value of ``expr`` at ``point`` (None when undefined there); cached per process."""
        if not point.key:           # a point made by hand: not cacheable
            return self.compute(expr, point)
        key = (self._group, expr, point.key)
        try:
            v = _VALUES[key]
        except KeyError:
            pass
        else:
            STATS["hits"] += 1
            _VALUES.move_to_end(key)
            return v
        v = self.compute(expr, point)
        _VALUES[key] = v
        if len(_VALUES) > CACHE_LIMIT:
            _VALUES.popitem(last=False)
        return v

    def compute(self, expr, point: Point) -> complex | None:
        """Value of ``expr`` at ``point``, uncached: the fast path, else sympy."""
        STATS["computed"] += 1
        c = numeric.compiled(expr)
        if c is not None:
            try:
                v = c.value(point, self, MAX_TERMS)
            except numeric.Fallback:
                pass
            except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError):
                pass
            else:
                STATS["fast"] += 1
                return v
        return self.slow(expr, point)

    def slow(self, expr, point: Point) -> complex | None:
        """Value of ``expr`` at ``point`` with sympy (``doit`` and ``evalf``): the reference semantics."""
        STATS["slow"] += 1
        e = expr
        try:
            if point.ints:
                e = e.subs(point.ints) if e.has(Sum, Product) else e.xreplace(point.ints)
            if e.has(Sum, Product):
                for big in e.atoms(Sum, Product):
                    for lim in big.limits:
                        lo, hi = lim[1], lim[2]
                        if not (lo.is_Integer and hi.is_Integer) or abs(int(hi) - int(lo)) > MAX_TERMS:
                            return None
                e = e.doit()
            if e.has(Indexed):
                rep = {}
                for ind in e.atoms(Indexed):
                    ix = ind.indices[0]
                    if not ix.is_Integer or len(ind.indices) != 1:
                        return None
                    rep[ind] = self._seq_value(point, str(ind.base.label), int(ix))
                e = e.xreplace(rep)
            # symbols first drawn for sequences aliases (x_1 declared and x_i used) live in reals too
            e = e.xreplace(point.reals)
            val = e.evalf(30)
            z = complex(val)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError):
            return None
        if not (cmath.isfinite(z)):
            return None
        return z


def _int_range(d: SymbolDecl) -> tuple[int, int]:
    if d.lo is not None:
        lo = math.ceil(d.lo)
    elif d.positive:
        lo = 1
    elif d.nonnegative:
        lo = 0
    elif d.negative:
        lo = -8
    elif d.integer:
        lo = -8
    else:  # a sum bound / index that was not declared integer
        lo = 1
    if d.hi is not None:
        hi = math.floor(d.hi)
    elif d.negative:
        hi = -1
    else:
        hi = 8
    if hi < lo:
        hi = lo
    return lo, hi


def close(a: complex, b: complex, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))
