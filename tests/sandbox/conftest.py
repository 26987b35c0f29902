import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "security"))


@pytest.fixture(scope="session")
def rubric():
    from grader.rubric.load import load_rubric
    import grader.checks.code  # noqa: F401
    return load_rubric(os.path.join(os.path.dirname(os.path.abspath(__file__)), "part_b_checks.yaml"))
