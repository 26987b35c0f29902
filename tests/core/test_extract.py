"""Finding the final answer in a written answer."""

import pytest

from grader.answers.extract import candidates, normalise_name, statements


def first(text, targets=()):
    c = candidates(statements(text), tuple(targets))
    return c[0] if c else None


@pytest.mark.parametrize("text", [
    "so $\\beta = \\frac{1}{2}$.",
    "so $$\\beta = \\frac{1}{2}$$",
    "so \\(\\beta = \\frac{1}{2}\\)",
    "so \\[\\beta = \\frac{1}{2}\\]",
    "so $$\n\\beta = \\frac{1}{2}\n$$",
])
def test_every_math_delimiter(text):
    s = first(text, ["\\beta"])
    assert s.head == "\\beta" and s.value == "\\frac{1}{2}"


def test_continuation_lines_form_one_chain():
    text = "$$h_t = x_t + h_{t-1}$$\n\n$$= x_t + x_{t-1} + h_{t-2}$$\n\n$$= \\sum_{i=1}^{t} x_i$$"
    s = first(text, ["h_t"])
    assert s.head == "h_t" and s.value == "\\sum_{i=1}^{t} x_i" and len(s.segments) == 4


def test_statements_about_other_quantities_are_skipped():
    text = "$$\\beta = \\frac{1}{2}$$ then $$V_2 = \\frac{\\beta}{2} + \\frac14$$ and $x_2 = 0$"
    s = first(text, ["\\beta", "beta"])
    assert s.value == "\\frac{1}{2}"


def test_last_statement_of_the_target_wins():
    text = "$\\eta = 1$ is too small; $$\\eta \\frac12 = 1$$ so $\\eta = 2$"
    assert first(text, ["\\eta"]).value == "2"


def test_boxed_is_preferred():
    text = "$$\\boxed{\\eta = 2}$$ and later $\\eta = 3$ was a typo"
    s = first(text, ["\\eta"])
    assert s.value == "2"


def test_chain_without_target_reads_the_last_display_statement():
    text = "For $T$ steps we have $T^2$ calls.\n$$\\frac{T^2}{T(2k+1)} = \\frac{T}{2k+1}$$\nwhere $k$ is the window."
    assert first(text).value == "\\frac{T}{2k+1}"


def test_aligned_rows_are_statements():
    text = "$$\\begin{aligned} \\beta &= \\frac{2}{4} \\\\ &= \\frac12 \\end{aligned}$$"
    s = first(text, ["\\beta"])
    assert s.value == "\\frac12"


def test_code_blocks_are_not_math():
    text = "$\\eta = 2$\n```python\nprint('$\\eta = 5$')\n```"
    assert first(text, ["\\eta"]).value == "2"


def test_plain_text_answer_without_dollars():
    s = first("eta = 2", ["eta"])
    assert s.value == "2"


def test_a_bare_mention_of_the_target_is_not_an_answer():
    assert first("the learning rate $\\eta$ is what we want", ["\\eta"]) is None


@pytest.mark.parametrize("a,b", [
    ("\\frac{\\partial h_t}{\\partial W_h}", "\\frac{dh_{t}}{dW_{h}}"),
    ("W'", "W^{\\prime}"),
    ("\\beta", "β"),
    ("h_t", "h_{t}"),
])
def test_target_names_normalise(a, b):
    assert normalise_name(a) == normalise_name(b)
