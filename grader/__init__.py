"""grader: autograding of student notebooks and .py hand-ins against a YAML rubric.

The public API is small: ``load_rubric``, ``grade_submission``, the result records and
the errors. The command line (``grader.cli``) is a thin layer over it.
"""

__version__ = "0.1.0"

from grader.errors import GraderError, HandInError, Location, Problem, RubricError  # noqa: E402
from grader.results import (  # noqa: E402
    CheckResult, QuestionResult, RunResult, Status, SubmissionResult, Visibility)


def load_rubric(path):  # type: ignore[no-untyped-def]
    """Load and validate a rubric (raises RubricError listing every mistake)."""
    from grader.rubric.load import load_rubric as _load

    return _load(path)


def grade_submission(rubric, item, *, math, sandbox=None, public_only=False):  # type: ignore[no-untyped-def]
    """Grade one hand-in (a HandIn from grader.handin.discover); never raises."""
    from grader.grading import grade_submission as _grade

    return _grade(rubric, item, math=math, sandbox=sandbox, public_only=public_only)


__all__ = ["__version__", "load_rubric", "grade_submission", "GraderError", "HandInError", "Location",
           "Problem", "RubricError", "CheckResult", "QuestionResult", "RunResult", "Status",
           "SubmissionResult", "Visibility"]
