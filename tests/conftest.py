import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUBRIC = os.path.join(ROOT, "rubrics", "final_exam.yaml")
EXAMPLES = os.path.join(ROOT, "submissions_example")


@pytest.fixture(scope="session")
def root() -> str:
    return ROOT


@pytest.fixture(scope="session")
def math_service():
    from grader.mathservice import MathService

    with MathService(processes=2, timeout_s=10, seed=2026) as svc:
        yield svc


@pytest.fixture(scope="session")
def exam_rubric():
    from grader.rubric.load import load_rubric

    return load_rubric(RUBRIC)
