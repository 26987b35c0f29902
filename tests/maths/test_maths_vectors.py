"""Table-driven vectors: answer key rows, research vectors V01-V37, notation habits, hostile inputs."""
from __future__ import annotations

import time
from functools import lru_cache

import pytest

from grader.maths import ParseFailure, Symbols, compare, parse_math, split_chain
from maths_vectors import ROWS, SYMBOLS


@lru_cache(maxsize=None)
def symbols(key: str) -> Symbols:
    return Symbols.from_decls(SYMBOLS[key])


def _params():
    out = []
    for row in ROWS:
        rid, sym, mode, expected, answer, outcome, opts = row
        marks = []
        if "xfail" in opts:
            marks.append(pytest.mark.xfail(reason=opts["xfail"], strict=True))
        if "skip" in opts:
            marks.append(pytest.mark.skip(reason=opts["skip"]))
        out.append(pytest.param(sym, mode, expected, answer, outcome, opts, id=rid, marks=marks))
    return out


def test_table_is_large_enough():
    assert len(ROWS) >= 200
    assert len({r[0] for r in ROWS}) == len(ROWS), "row ids must be unique"
    assert {f"V{k:02d}" for k in range(1, 38)} <= {r[0] for r in ROWS}


@pytest.mark.parametrize("sym,mode,expected,answer,outcome,opts", _params())
def test_vector(sym, mode, expected, answer, outcome, opts):
    S = symbols(sym)
    exp_value = parse_math(expected, S)  # the expected text must always parse
    t0 = time.monotonic()
    try:
        segment = split_chain(answer)[-1]
        student = parse_math(segment, S)
    except ParseFailure as exc:
        assert time.monotonic() - t0 < 1.0, "a ParseFailure must come fast"
        assert outcome == "fail", f"unexpected ParseFailure: {exc}"
        assert exc.message
        return
    assert outcome != "fail", f"parsed but should fail: {student.kind} {student.expr}"
    v = compare(student, exp_value, S, mode=mode, rtol=opts.get("rtol", 1e-9),
                transpose_ok=opts.get("transpose_ok", False))
    want = {"eq": True, "ne": False, "none": None}[outcome]
    assert v.equal is want, f"{v}"
    assert v.reason
    if v.equal is False:
        # hidden checks show the reason to students: it must not reveal the expected value
        from grader.maths import describe
        shown = describe(exp_value)
        assert shown not in v.reason or shown in segment
