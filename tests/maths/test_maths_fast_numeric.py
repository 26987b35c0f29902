"""The fast numeric path (``grader.maths.numeric``) agrees with the sympy path, and values are cached.

``Sampler.slow`` is the reference semantics (``subs``, ``doit``, ``evalf(30)``); ``numeric.compiled(e).value``
must give the same complex value wherever it does not raise ``Fallback`` (to 1e-10: with a Float in an
ill-conditioned expression, e.g. tan(exp(9.25 p)), evalf(30) trusts only the Float's 15 digits while the fast
path uses its exact binary value, and the fast value is the more accurate one).
"""
from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.maths import Symbols, compare, parse_math
from grader.maths import evaluate as ev
from grader.maths import numeric
from grader.maths.build import bound_symbol
from grader.maths.evaluate import MAX_TERMS, Point, Sampler, close
from maths_vectors import ROWS, SYMBOLS

S = Symbols.from_decls({
    "x": "sequence", "h_0": {"value": "1/2"}, "t": {"integer": True, "min": -3, "max": 9},
    "n": {"integer": True, "min": 1, "max": 6}, "y": "real", "p": {"min": 0.05, "max": 0.95},
})
x = S.base("x")
t, n, y, p = (S.symbol(k) for k in "tnyp")
i, j = bound_symbol("i"), bound_symbol("j")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def agree(expr, sampler: Sampler, point: Point) -> bool | None:
    """True when fast == slow at the point; None when the fast path declined (fell back)."""
    c = numeric.compiled(expr)
    if c is None:
        return None
    try:
        fast = c.value(point, sampler, MAX_TERMS)
    except numeric.Fallback:
        return None
    slow = _outcome(sampler.slow, expr, point)
    if isinstance(slow, str):     # sympy itself fails here: the fast value is an improvement
        return True
    assert slow is not None, (expr, point, fast)
    if not close(fast, slow, 1e-10, 1e-13):
        ref = exact_slow(sampler, expr, point)
        assert close(fast, ref, 1e-10, 1e-13), (expr, point.key, fast, slow, ref)
    return True


def exact_slow(sampler, expr, point):
    """The sympy value with every Float read as its exact binary value (evalf then keeps 30 digits)."""
    return sampler.slow(expr.xreplace({f: sympy.Rational(f) for f in expr.atoms(sympy.Float)}), point)


def _outcome(fn, expr, pt):
    try:
        return fn(expr, pt)
    except RecursionError as exc:
        return type(exc).__name__


def check_points(expr, k: int = 6, seed: int = 0) -> int:
    sampler = Sampler([expr], S, seed)
    fast = 0
    for _ in range(k):
        pt = sampler.draw()
        if agree(expr, sampler, pt):
            fast += 1
        # and the public entry point (cache, fast path, fallback) gives the slow path's value
        a, b = _outcome(sampler.evaluate, expr, pt), _outcome(sampler.slow, expr, pt)
        if isinstance(b, str):    # sympy itself fails here (e.g. RecursionError in evalf)
            assert a == b or not isinstance(a, str), (expr, a, b)
            continue
        assert (a is None) == (b is None), (expr, a, b)
        if a is not None and not close(a, b, 1e-10, 1e-13):
            assert close(a, exact_slow(sampler, expr, pt), 1e-10, 1e-13), (expr, a, b)
    return fast


# -- random summands ------------------------------------------------------------------------------
def summands(var):
    atoms = st.sampled_from([var, t, n, y, p, x[var], x[var - 1], x[var + t], sympy.Integer(2),
                             sympy.Rational(1, 3), sympy.Float("0.25"), sympy.pi, h0()])
    return st.recursive(atoms, lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda ab: ab[0] + ab[1]),
        st.tuples(inner, inner).map(lambda ab: ab[0] * ab[1]),
        st.tuples(inner, st.sampled_from([2, 3, -1, sympy.Rational(1, 2)])).map(lambda ab: ab[0] ** ab[1]),
        inner.map(sympy.exp), inner.map(sympy.log), inner.map(sympy.sin), inner.map(sympy.Abs),
        st.tuples(inner, inner).map(_max),
    ), max_leaves=6)


def _max(ab):
    try:
        return sympy.Max(*ab)
    except (ValueError, TypeError):   # a non-real constant
        return ab[0]


def h0():
    return S.symbol("h_0")


bounds = st.sampled_from([sympy.Integer(k) for k in (-3, -1, 0, 1, 2, 5)] + [t, t - 1, t + 2, n, 2 * n - t, -t])


@SETTINGS
@given(summands(i), bounds, bounds, st.sampled_from([sympy.Sum, sympy.Product]), st.integers(0, 10 ** 6))
def test_random_sums_fast_equals_slow(body, lo, hi, cls, seed):
    expr = cls(body, (i, lo, hi))
    check_points(expr, k=4, seed=seed)


@settings(SETTINGS, max_examples=12)
@given(summands(j), bounds, bounds, bounds, bounds, st.integers(0, 10 ** 6))
def test_nested_and_combined_sums_fast_equals_slow(body, lo1, hi1, lo2, hi2, seed):
    inner = sympy.Sum(body, (j, lo2, hi2))
    for expr in (sympy.Sum(inner * x[i], (i, lo1, hi1)), inner - sympy.Sum(x[i], (i, lo1, hi1)) + y,
                 sympy.Product(1 + inner / 7, (i, lo1, hi1))):
        check_points(expr, k=3, seed=seed)


def test_fast_path_covers_the_usual_sums():
    exprs = [sympy.Sum(x[i], (i, 1, t)), sympy.Sum(x[i - 1], (i, 1, t)), sympy.Sum(i * x[i], (i, 0, t - 1)),
             sympy.Product(1 + p * x[i], (i, 1, n)), sympy.Sum(sympy.exp(-y * i) / (i + 1), (i, 0, n)),
             sympy.Sum(sympy.Sum(x[j], (j, 1, n)), (i, 1, t))]
    for e in exprs:
        assert numeric.compiled(e) is not None, e
        assert check_points(e, k=8) >= 4, e


@pytest.mark.parametrize("expr", [
    sympy.tan(sympy.pi * p),                                    # p = 1/2 is a pole of tan(pi p)
    1 / sympy.sin(2 * sympy.pi * p),                            # an exact zero for sympy, ~1e-40 in floats
    sympy.cos(sympy.pi * p) * y,
    sympy.sin(y) ** 2 + sympy.cos(y) ** 2 - 1,                  # cancels exactly
    sympy.Sum(1 / i, (i, -1, n)),                               # a 1/0 term
    sympy.Sum(x[i], (i, 1, 10 ** 4 * n)),                       # too many terms
    sympy.Sum(sympy.Sum(x[j], (j, 1, i)), (i, 1, t)),           # inner bound on the outer index
    sympy.Sum(x[i], (i, 1, t / 2)),                             # a non-integer bound
    x[t / 2], x[y], sympy.log(n - n + t - t), sympy.exp(sympy.Integer(200) * n),
])
def test_edge_cases_fall_back_to_the_same_value(expr):
    sampler = Sampler([expr, p], S, 5)
    for _ in range(12):
        pt = sampler.draw()
        pt.reals[p] = sympy.Rational(1, 2) if pt.n % 2 else pt.reals[p]
        a, b = sampler.compute(expr, pt), sampler.slow(expr, pt)
        assert (a is None) == (b is None), (expr, pt, a, b)
        if a is not None:
            assert close(a, b, 1e-12, 1e-15), (expr, a, b)


def test_declared_value_and_alias_terms():
    s2 = Symbols.from_decls({"x": "sequence", "x_2": {"value": "sqrt(2)"}, "x_3": "positive",
                             "t": {"integer": True, "min": 1, "max": 6}})
    xx, tt, x3 = s2.base("x"), s2.symbol("t"), s2.symbol("x_3")
    for e in (sympy.Sum(xx[i], (i, 1, tt)) + x3, sympy.Product(xx[i], (i, 1, tt))):
        sampler = Sampler([e], s2, 1)
        for _ in range(6):
            pt = sampler.draw()
            a = numeric.compiled(e).value(pt, sampler, MAX_TERMS)
            assert close(a, sampler.slow(e, pt), 1e-13, 1e-15)


# -- every expression of the vector table ---------------------------------------------------------
def _vector_exprs():
    from grader.maths import ParseFailure, split_chain
    out = []
    for rid, sym, mode, expected, answer, outcome, opts in ROWS:
        if outcome == "fail" or "skip" in opts:
            continue
        syms = Symbols.from_decls(SYMBOLS[sym])
        for text in (expected, split_chain(answer)[-1]):
            try:
                v = parse_math(text, syms)
            except ParseFailure:
                continue
            items = list(v.expr) if v.kind in ("list", "matrix", "product") else [v.expr]
            out += [(rid, syms, e) for e in items]
    return out


def test_vector_table_fast_equals_slow():
    fast = total = 0
    for rid, syms, e in _vector_exprs():
        e = ev.substitute_values(e, syms)
        sampler = Sampler([e], syms, 11)
        for _ in range(3):
            pt = sampler.draw()
            a = sampler.compute(e, pt)
            b = sampler.slow(e, pt)
            assert (a is None) == (b is None), (rid, e, a, b)
            if a is not None:
                assert close(a, b, 1e-13, 1e-15), (rid, e, a, b)
            total += 1
            fast += numeric.compiled(e) is not None
    assert fast >= 0.9 * total


# -- the cache ------------------------------------------------------------------------------------
STUDENTS = [r"\sum_{i=1}^{t} x_i", r"x_1 + x_2 + \dots + x_t", r"\sum_{j=1}^{t} x_j", r"\sum_{i=1}^{t-1} x_i",
            "t x_t", r"\sum_{i=0}^{t} x_i", r"\sum_{i=0}^{t-1} x_{i+1}", r"x_t + \sum_{i=1}^{t-1} x_i",
            r"2\sum_{i=1}^{t} x_i", r"\sum_{i=2}^{t} x_i + x_1", r"\sum_{i=1}^{t} i x_i", "x_t",
            r"\sum_{i=1}^{t+1} x_i", r"x_1 + x_2 + \dots + x_{t-1}", r"\sum_{i=1}^{t} x_{i-1}"]
Q41 = Symbols.from_decls({"x": "sequence", "t": {"integer": True, "min": 1, "max": 9}, "h_0": {"value": 0}})


def test_expected_samples_are_computed_once_for_a_class(monkeypatch):
    ev.clear_cache()
    expected = parse_math(r"\sum_{i=1}^{t} x_i", Q41)
    computed: dict = {}
    real_compute = Sampler.compute

    def counting(self, expr, point):
        computed[expr] = computed.get(expr, 0) + 1
        return real_compute(self, expr, point)
    monkeypatch.setattr(Sampler, "compute", counting)
    verdicts = []
    for k, text in enumerate(STUDENTS * 2):
        # each answer arrives pickled in a worker call: fresh objects, equal values
        e = parse_math(r"\sum_{i=1}^{t} x_i", Q41)
        verdicts.append(compare(parse_math(text, Q41), e, Q41, seed=2026).equal)
        if k == 2:     # the first two answers read as the expected itself (no sampling); the third is sampled
            first = computed.get(expected.expr, 0)
            assert 5 <= first <= ev.MAX_ATTEMPTS
    assert computed[expected.expr] == first            # never again, for 29 more answers
    assert all(c <= ev.MAX_ATTEMPTS for c in computed.values())   # each student's value once per point too
    assert verdicts[:len(STUDENTS)] == verdicts[len(STUDENTS):]
    assert verdicts[:4] == [True, True, True, False]


def test_cache_never_changes_a_verdict():
    pairs = [(r"\sum_{i=0}^{t-1} x_{i+1}", r"\sum_{i=1}^{t} x_i"), ("t x_t", r"\sum_{i=1}^{t} x_i"),
             (r"x_t + \dots + x_1", r"\sum_{i=1}^{t} x_i")]
    for seed in (0, 1, 2026):
        for s, e in pairs:
            ev.clear_cache()
            cold = compare(parse_math(s, Q41), parse_math(e, Q41), Q41, seed=seed)
            warm = compare(parse_math(s, Q41), parse_math(e, Q41), Q41, seed=seed)
            assert cold == warm


def test_values_do_not_depend_on_evaluation_order():
    a, b = parse_math(r"\sum_{i=1}^{t} x_i", Q41).expr, parse_math(r"x_t + 2 x_1", Q41).expr
    s1, s2 = Sampler([a, b], Q41, 9), Sampler([a, b], Q41, 9)
    for _ in range(5):
        p1, p2 = s1.draw(), s2.draw()
        assert p1.key == p2.key
        va1, vb1 = s1.compute(a, p1), s1.compute(b, p1)
        vb2, va2 = s2.compute(b, p2), s2.compute(a, p2)
        assert (va1, vb1) == (va2, vb2)


def test_seeded_sequence_terms_are_reproducible():
    r1 = [Sampler([x[t]], S, 4)._seq_value(Point({}, {}, {}, 3), "x", k) for k in range(5)]
    r2 = [Sampler([x[t]], S, 4)._seq_value(Point({}, {}, {}, 3), "x", k) for k in range(5)]
    r3 = [Sampler([x[t]], S, 4)._seq_value(Point({}, {}, {}, 4), "x", k) for k in range(5)]
    assert r1 == r2 and r1 != r3
    assert len(set(r1)) > 1


def test_student_is_sampled_once_for_expected_and_every_alternative(monkeypatch):
    ev.clear_cache()
    computed: dict = {}
    real_compute = Sampler.compute

    def counting(self, expr, point):
        computed[expr] = computed.get(expr, 0) + 1
        return real_compute(self, expr, point)
    monkeypatch.setattr(Sampler, "compute", counting)
    student = parse_math(r"2\sum_{i=1}^{t} x_i", Q41)
    others = [r"\sum_{i=1}^{t} x_i", r"x_1 + x_2 + \dots + x_t", r"h_0 + \sum_{i=1}^t x_i",
              r"\sum_{i=1}^{t-1} x_i", "t x_t", r"\sum_{i=0}^{t} x_i"]
    once = None
    for text in others:            # what written._judge does: expected, then accept, then reject
        assert compare(student, parse_math(text, Q41), Q41, seed=2026).equal is False
        once = once or computed[student.expr]
    assert computed[student.expr] == once <= ev.MAX_ATTEMPTS


def test_sample_values_do_not_depend_on_the_hash_seed():
    """Sequence terms used to be drawn in set order (hash dependent); now each has its own seeded stream."""
    import os
    import subprocess
    import sys
    code = ("from grader.maths import Symbols, parse_math; from grader.maths.evaluate import Sampler\n"
            "S = Symbols.from_decls({'x': 'sequence', 't': {'integer': True, 'min': 1, 'max': 9}})\n"
            "e = parse_math(r'\\sum_{i=1}^{t} i x_i + x_{t+2} x_1', S).expr\n"
            "s = Sampler([e], S, 3)\n"
            "print([s.evaluate(e, s.draw()) for _ in range(6)])\n")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(h)}).stdout for h in (1, 2)}
    assert len(outs) == 1, outs
