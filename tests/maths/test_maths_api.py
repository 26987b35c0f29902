"""API-level tests: Symbols, parse_math kinds/factors, describe, split_chain, ParseFailure, pickling."""
from __future__ import annotations

import pickle

import pytest
import sympy

from grader.maths import (MathValue, ParseFailure, Symbols, Verdict, compare, describe, parse_math,
                          split_chain)

DECLS = {
    "z_0": "real", "z_1": "real", "t": {"integer": True, "min": 1, "max": 8}, "p": {"min": 0.05, "max": 0.95},
    "x": "sequence", "h_0": {"value": 0}, "W": "real", "T": "positive integer", "k": "positive integer",
    "sigma": {"function": "1/(1+exp(-u))", "args": ["u"]}, "\\beta": "real", "d_k": "positive",
    **{f"k_{i}": "real" for i in (1, 2)},
}
S = Symbols.from_decls(DECLS)


# -- Symbols -------------------------------------------------------------------------------------
def test_symbols_hashable_picklable_and_merge():
    again = Symbols.from_decls(dict(reversed(list(DECLS.items()))))
    assert again == S and hash(again) == hash(S)
    assert pickle.loads(pickle.dumps(S)) == S
    merged = S.merge(Symbols.from_decls({"q": "positive", "t": "integer"}))
    assert "q" in merged and "z_0" in merged and merged.get("t").lo is None
    assert "beta" in S  # \beta declared, canonical name beta


@pytest.mark.parametrize("decls,fragment", [
    ({"x": "complex"}, "unknown declaration"),
    ({"x": {"min": 2, "max": 1}}, "greater than max"),
    ({"x": {"colour": "red"}}, "unknown key"),
    ({"x": {"min": "a"}}, "must be a number"),
    ({"x": {"function": "u+1"}}, "needs args"),
    ({"x": {"integer": "yes"}}, "true or false"),
    ({"x+y": "real"}, "not a valid symbol name"),
    ({"z0": "real", "z_{0}": "real"}, "declared twice"),
    ({"x": 3}, "must be a string or a mapping"),
])
def test_bad_declarations_raise_value_error(decls, fragment):
    with pytest.raises(ValueError, match=fragment):
        Symbols.from_decls(decls)


def test_sequence_alone_is_an_error():
    with pytest.raises(ParseFailure, match="sequence"):
        parse_math("x + 1", S)


# -- parse_math / describe -----------------------------------------------------------------------
@pytest.mark.parametrize("text,kind,shown", [
    (r"\frac{1}{2}", "scalar", "1/2"),
    ("0.5", "scalar", "0.5"),
    ("z0 - z1", "scalar", "z_0 - z_1"),
    ("W(1-p)", "scalar", "W*(1 - p)"),
    (r"\sum_{i=1}^{t} x_{i}", "scalar", "Sum(x_i, (i, 1, t))"),
    (r"\sum_{i=1}^{t} x_{i-1}", "scalar", "Sum(x_{i - 1}, (i, 1, t))"),
    (r"\begin{bmatrix} k_1 & k_2 & 0 & 0 \end{bmatrix}", "matrix", "[[k_1, k_2, 0, 0]]"),
    ("[[1, 2], [3, 4]]", "matrix", "[[1, 2], [3, 4]]"),
    ("[a1, 2]".replace("a1", "k_1"), "matrix", "[[k_1, 2]]"),
    (r"\{2, 3\}", "list", "[2, 3]"),
    ("T(2k+1)", "scalar", "T*(2*k + 1)"),
    (r"\sigma(z_1 - z_0)", "scalar", "1/(exp(z_0 - z_1) + 1)"),
    ("β", "scalar", "beta"),
    ("beta", "scalar", "beta"),
    (r"\beta", "scalar", "beta"),
])
def test_parse_and_describe(text, kind, shown):
    v = parse_math(text, S)
    assert isinstance(v, MathValue) and v.kind == kind and v.text == text
    assert describe(v) == shown
    assert pickle.loads(pickle.dumps(v)) == v


def test_product_keeps_factors():
    v = parse_math(r"\begin{bmatrix} k_1 & k_2 \end{bmatrix} \begin{bmatrix} z_0 & z_1 & 0 \\ 0 & z_0 & z_1 "
                   r"\end{bmatrix}", S)
    assert v.kind == "product" and len(v.factors) == 2
    assert [f.shape for f in v.factors] == [(1, 2), (2, 3)]
    assert isinstance(v.expr, sympy.ImmutableMatrix) and v.expr.shape == (1, 3)
    assert v.expr == v.factors[0] * v.factors[1]
    s = parse_math(r"2 \begin{bmatrix} 1 & 2 \end{bmatrix}", S)
    assert s.kind == "matrix" and s.factors == ()


@pytest.mark.parametrize("text,fragment", [
    ("rac{1}{2}", "unknown name 'rac'"),
    (r"\beta = \frac{1}{2}", "equation"),
    (r"\begin{bmatrix} 1 & 2 \end{bmatrix} * \begin{bmatrix} 3 & 4 \end{bmatrix}", "convolution"),
    ("9^{9^{9^{9}}}", "size"),
    ("10^{10^{10}}", "size"),
    ("9**9**9**9", "size"),
    ("x" * 20_000, "too long"),
    ("(" * 1400 + "x" + ")" * 1400, "deeply"),
    ("(" * 5000 + ")" * 5000, "too long"),
    ("sigmoid(z_0)", "unknown name 'sigmoid'"),
    (r"\foo{1}", "unknown command"),
    ("", "empty"),
    ("   $ $ ", "empty"),
])
def test_parse_failures(text, fragment):
    with pytest.raises(ParseFailure) as info:
        parse_math(text, S)
    assert fragment in info.value.message
    assert str(info.value).startswith(info.value.message)


def test_parse_failure_position_and_str():
    with pytest.raises(ParseFailure) as info:
        parse_math("z_0 + rac", S)
    assert info.value.position == 6 and str(info.value) == "unknown name 'rac' at column 7"
    assert pickle.loads(pickle.dumps(info.value)).position == 6


def test_powers_that_are_fine():
    assert parse_math("2^{10}", S).expr == 1024
    assert parse_math("z_0^{12}", S).expr == sympy.Symbol("z_0", real=True) ** 12


# -- split_chain ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text,parts", [
    (r"\beta = \frac{2}{4} = \frac{1}{2}", [r"\beta", r"\frac{2}{4}", r"\frac{1}{2}"]),
    (r"= \sum_{i=1}^{t} x_{i}", ["", r"\sum_{i=1}^{t} x_{i}"]),
    (r"$$= \sum_{i=1}^{t} x_{i}$$", ["", r"\sum_{i=1}^{t} x_{i}"]),
    (r"$\eta=2$", [r"\eta", "2"]),
    (r"\(z = z_0 - z_1\).", ["z", "z_0 - z_1"]),
    (r"\[ W' = (1-p)W, \]", ["W'", "(1-p)W"]),
    (r"x := 3", ["x", "3"]),
    (r"x \coloneqq 3 \quad", ["x", "3"]),
    (r"\sum_{i=1}^{t} x_i", [r"\sum_{i=1}^{t} x_i"]),
    (r"f\left(a = b\right) = c", [r"f\left(a = b\right)", "c"]),
    (r"\begin{cases} a = b \end{cases} = 1", [r"\begin{cases} a = b \end{cases}", "1"]),
    (r"a \neq b = c", [r"a \neq b", "c"]),
    (r"a \le b = c", [r"a \le b", "c"]),
    ("a <= b", ["a <= b"]),
    ("a >= b", ["a >= b"]),
    ("a == b", ["a == b"]),
    (r"a = b \,.", ["a", "b"]),
    ("{a = b} = c", ["{a = b}", "c"]),
    ("[a = b] = c", ["[a = b]", "c"]),
])
def test_split_chain(text, parts):
    assert split_chain(text) == parts


# -- compare -------------------------------------------------------------------------------------
def P(text):
    return parse_math(text, S)


def test_verdict_fields_and_determinism():
    a = compare(P("z_1 - z_0"), P("z_0 - z_1"), S, seed=7)
    b = compare(P("z_1 - z_0"), P("z_0 - z_1"), S, seed=7)
    assert isinstance(a, Verdict) and a == b and a.seed == 7 and a.equal is False
    assert a.reason == "wrong sign" and a.strategy == "numeric"


@pytest.mark.parametrize("student,expected,mode,equal,reason", [
    ("0.5", "1/2", "value", True, None),
    ("0.49999", "1/2", "value", False, "wrong value"),
    ("-2", "2", "value", False, "wrong sign"),
    ("z_0", "2", "value", False, "is not a number"),
    ("2(z_0 - z_1)", "z_0 - z_1", "expression", False, "differs by a constant factor"),
    ("z_0 - z_1 + 3", "z_0 - z_1", "expression", False, "differs by a constant term"),
    ("z_0 + z_1", "z_0 - z_1", "expression", False, "differs at z_0="),
    ("[[1, 2, 3], [4, 5, 6]]", "[[1, 2], [3, 4]]", "matrix", False, "shape 2x3 does not match"),
    ("[[1, 2], [3, 5]]", "[[1, 2], [3, 4]]", "matrix", False, "entry (2, 2)"),
    ("z_0", "[[1, 2], [3, 4]]", "matrix", False, "not a matrix"),
    (r"\{2, 3, 3\}", r"\{2, 3\}", "set", False, "number of elements"),
    (r"\{2, 5\}", r"\{2, 3\}", "set", False, "element 2 (5) is not expected"),
])
def test_compare_reasons(student, expected, mode, equal, reason):
    v = compare(P(student), P(expected), S, mode=mode)
    assert v.equal is equal, v
    if reason:
        assert reason in v.reason
    if equal is False:
        exp_text = describe(P(expected))
        assert exp_text not in v.reason or exp_text in student


def test_reason_never_shows_expected_value():
    for student in ["1/3", "0.7", "3", "z_0", "z_1 - z_0", "z_0 z_1", r"\exp(z_0)"]:
        for expected in ["1/2", "z_0 - z_1", "exp(z_1)/(exp(z_0)+exp(z_1))"]:
            v = compare(P(student), P(expected), S)
            if v.equal is False:
                assert describe(P(expected)) not in v.reason
                assert "1/2" not in v.reason and "0.5" not in v.reason


def test_transpose_ok():
    row, col = P("[1, 2, 3]"), P("[[1], [2], [3]]")
    assert compare(row, col, S, mode="matrix").equal is False
    assert compare(row, col, S, mode="matrix", transpose_ok=True).equal is True
    sq, sqt = P("[[1, 2], [3, 4]]"), P("[[1, 3], [2, 4]]")
    assert compare(sq, sqt, S, mode="matrix").equal is False
    v = compare(sq, sqt, S, mode="matrix", transpose_ok=True)
    assert v.equal is True and "transpose" in v.strategy


def test_given_value_substituted():
    # h_0 = 0 is declared, so h_0 + sum == sum
    assert compare(P(r"h_0 + \sum_{i=1}^{t} x_i"), P(r"\sum_{i=1}^{t} x_i"), S).equal is True


def test_undecidable_when_no_valid_points():
    v = compare(P(r"\log(-(z_0^2) - 1) \cdot 0 + \frac{1}{0}"), P("1"), S)
    assert v.equal is None


def test_expand_confirmation_strategy():
    v = compare(P("W - pW"), P("(1-p)W"), S)
    assert v.equal is True and v.strategy == "numeric+expand"


def test_numeric_precision_is_not_fooled_by_tiny_differences():
    assert compare(P("z_0 + 0.000001"), P("z_0"), S).equal is False
    assert compare(P("0.3333"), P("1/3"), S, mode="value", rtol=1e-3).equal is True


def test_bad_mode():
    with pytest.raises(ValueError):
        compare(P("1"), P("1"), S, mode="fuzzy")
