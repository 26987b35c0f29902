"""Module-level jobs to run in a MathPool worker (picklable by reference)."""
from __future__ import annotations

from . import compare, parse_math, split_chain
from .equivalence import Verdict
from .symbols import Symbols
from .values import MathValue


def parse_job(text: str, symbols: Symbols) -> MathValue:
    """Parse one segment (raises ParseFailure)."""
    return parse_math(text, symbols)


def compare_job(student_text: str, expected_text: str, symbols: Symbols, mode: str = "expression",
                rtol: float = 1e-9, atol: float = 1e-12, seed: int = 0,
                transpose_ok: bool = False) -> Verdict:
    """Parse the last segment of the student's chain and the expected text, then compare."""
    segs = split_chain(student_text)
    student = parse_math(segs[-1], symbols)
    expected = parse_math(expected_text, symbols)
    return compare(student, expected, symbols, mode=mode, rtol=rtol, atol=atol, seed=seed,
                   transpose_ok=transpose_ok)
