"""Property tests: equivalent rewrites of the key's answers are accepted, perturbed ones rejected.

LaTeX is generated from trusted sympy expressions with sympy's ``latex()`` printer (printing is fine;
parsing student text never goes through sympy).
"""
from __future__ import annotations

import random

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.maths import Symbols, compare, parse_math

S = Symbols.from_decls({
    "z_0": "real", "z_1": "real", "W": "real", "p": {"min": 0.05, "max": 0.95},
    "T": {"integer": True, "min": 1, "max": 50}, "k": {"integer": True, "min": 1, "max": 5},
    "x": "sequence", "h": "sequence", "t": {"integer": True, "min": 1, "max": 8},
})
z0, z1, W, p = (S.symbol(n) for n in ("z_0", "z_1", "W", "p"))
T, k = S.symbol("T"), S.symbol("k")
KEYS = [z0 - z1, z1 - z0, (1 - p) * W, T / (2 * k + 1), T**2 / (T * (2 * k + 1) - k * (k + 1)),
        1 / (1 + sympy.exp(z0 - z1))]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
nonzero = st.integers(min_value=-9, max_value=9).filter(lambda c: c != 0)


def tex(e) -> str:
    return sympy.latex(e)


def equal(student_tex: str, expected) -> bool | None:
    s = parse_math(student_tex, S)
    e = parse_math(tex(expected), S)
    return compare(s, e, S, seed=3).equal


def rewrite(e, how: str, c: int, rnd: random.Random) -> str:
    if how == "expand":
        return tex(sympy.expand(e))
    if how == "factor":
        return tex(sympy.factor(e))
    if how == "scale":
        num, den = sympy.fraction(sympy.together(e))
        return r"\frac{%s}{%s}" % (tex(sympy.expand(c * num)), tex(sympy.expand(c * den)))
    if how == "reorder":
        terms = list(sympy.Add.make_args(sympy.expand(e)))
        rnd.shuffle(terms)
        return " + ".join(r"\left(%s\right)" % tex(t) for t in terms)
    raise AssertionError(how)


@SETTINGS
@given(st.sampled_from(KEYS), st.sampled_from(["expand", "factor", "scale", "reorder"]), nonzero,
       st.randoms(use_true_random=False))
def test_equivalent_rewrites_are_accepted(e, how, c, rnd):
    assert equal(rewrite(e, how, c, rnd), e) is True


@SETTINGS
@given(st.sampled_from(KEYS), st.integers(min_value=0, max_value=10),
       st.sampled_from([2, 3, -1, -2, 5]))
def test_changed_coefficient_is_rejected(e, which, m):
    terms = list(sympy.Add.make_args(sympy.expand(e)))
    j = which % len(terms)
    terms[j] = terms[j] * m
    assert equal(" + ".join(r"\left(%s\right)" % tex(t) for t in terms), e) is False


@SETTINGS
@given(st.sampled_from(KEYS))
def test_flipped_sign_is_rejected(e):
    assert equal(r"-\left(%s\right)" % tex(e), e) is False


def _signed(n: int) -> str:
    return "" if n == 0 else (f"+{n}" if n > 0 else str(n))


SUMS = [("x", 1, 0), ("h", 0, -1)]  # (sequence, lower bound, upper offset from t): key sums of 4.1 and 4.2


def _key_sum(seq: str, lo: int, up: int) -> str:
    return r"\sum_{i=%d}^{t%s} %s_{i}" % (lo, _signed(up), seq)


@SETTINGS
@given(st.sampled_from(SUMS), st.sampled_from("ijmnrsab"), st.integers(min_value=-3, max_value=3))
def test_renamed_and_shifted_index_is_accepted(key, var, s):
    seq, lo, up = key
    student = r"\sum_{%s=%d}^{t%s} %s_{%s%s}" % (var, lo + s, _signed(up + s), seq, var, _signed(-s))
    e = parse_math(_key_sum(*key), S)
    assert compare(parse_math(student, S), e, S, seed=1).equal is True


@SETTINGS
@given(st.sampled_from(SUMS), st.sampled_from(["lower", "upper"]),
       st.integers(min_value=-2, max_value=2).filter(lambda d: d != 0))
def test_shifted_bound_is_rejected(key, which, d):
    seq, lo, up = key
    student = (r"\sum_{i=%d}^{t%s} %s_i" % (lo + d, _signed(up), seq) if which == "lower"
               else r"\sum_{i=%d}^{t%s} %s_i" % (lo, _signed(up + d), seq))
    e = parse_math(_key_sum(*key), S)
    assert compare(parse_math(student, S), e, S, seed=1).equal is False


@SETTINGS
@given(st.sampled_from(SUMS), st.integers(min_value=1, max_value=3), st.booleans(),
       st.sampled_from([r"\dots", r"\cdots", r"\ldots", "..."]))
def test_ellipsis_sums_are_accepted(key, n, descending, dots):
    seq, lo, up = key
    head = [f"{seq}_{{{lo + j}}}" for j in range(n)]
    last = f"{seq}_{{t{_signed(up)}}}"
    if descending:
        head = [f"{seq}_{{t{_signed(up - j)}}}" for j in range(n)]
        last = f"{seq}_{{{lo}}}"
    student = " + ".join(head) + f" + {dots} + " + last
    e = parse_math(_key_sum(*key), S)
    assert compare(parse_math(student, S), e, S, seed=2).equal is True
