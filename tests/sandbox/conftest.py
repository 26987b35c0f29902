"""Fixtures of the sandbox tests: the Part B test rubric (helpers live in sbxhelpers.py)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "security"))
from sbxhelpers import RUBRIC  # noqa: E402


@pytest.fixture(scope="session")
def rubric():
    from grader.rubric.load import load_rubric
    import grader.checks.code  # noqa: F401
    return load_rubric(RUBRIC)
