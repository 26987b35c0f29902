"""Hand-built RunResult records for the report writers' tests (fixtures in conftest.py)."""

from __future__ import annotations

import random

from grader.results import (CheckResult, QuestionResult, RunResult, Status, SubmissionResult,
                            Visibility)

HOSTILE = "<&]]>\x01\x1b[31m\"'"
SECRET = "SECRET-EXPECTED-42"   # only ever in a hidden check's details


def check(name: str, score: float, max_score: float, status: Status, *, hidden: bool = False,
          message: str = "") -> CheckResult:
    return CheckResult(name=name, score=score, max_score=max_score, status=status,
                       visibility=Visibility.HIDDEN if hidden else Visibility.PUBLIC,
                       message=message, details={"expected": SECRET, "seed": 7})


def q1(score: float, status: Status, answer: str | None = None) -> QuestionResult:
    """Question 1 (2 points): one public check."""
    return QuestionResult(id="1", title="Limit", score=score, max_score=2.0, status=status,
                          answer=answer, feedback=f"read {answer!r}",
                          checks=(check("value", score, 2.0, status, message="compared value"),))


def q22(public: float, hidden: float) -> QuestionResult:
    """Question 2.2 (3 points): a public check worth 1 and a hidden check worth 2."""
    score = public + hidden
    status = (Status.CORRECT if score == 3 else Status.INCORRECT if score == 0 else Status.PARTIAL)
    checks = (check("form", public, 1.0, Status.CORRECT if public else Status.INCORRECT),
              check("hidden value", hidden, 2.0, Status.CORRECT if hidden else Status.INCORRECT,
                    hidden=True, message="hidden test failed" if not hidden else "ok"))
    return QuestionResult(id="2.2", title="Beta & <gamma>", score=score, max_score=3.0,
                          status=status, answer="\\beta = 1/3" if score < 3 else "\\beta = 1/2",
                          feedback="see checks", checks=checks)


def q3(reviewed: float | None = None) -> QuestionResult:
    """Question 3 (5 points): free text, needs review unless a reviewer's mark was merged."""
    if reviewed is None:
        return QuestionResult(id="3", title="Explain", score=0.0, max_score=5.0,
                              status=Status.NEEDS_REVIEW, answer="because " + HOSTILE,
                              feedback="a person will mark this", pending_review=5.0,
                              checks=(CheckResult(name="essay", score=0.0, max_score=5.0,
                                                  status=Status.NEEDS_REVIEW, suggested_score=3.0),))
    return QuestionResult(id="3", title="Explain", score=reviewed, max_score=5.0,
                          status=Status.PARTIAL if reviewed < 5 else Status.CORRECT,
                          answer="because", feedback="marked by TA", reviewed_by="ta1",
                          checks=(CheckResult(name="essay", score=0.0, max_score=5.0,
                                              status=Status.NEEDS_REVIEW),))


def submission(sid: str, qs: tuple[QuestionResult, ...], message: str = "") -> SubmissionResult:
    return SubmissionResult(id=sid, path=f"{sid}/exam.ipynb", status="graded",
                            score=sum(q.score for q in qs), max_score=10.0,
                            pending_review=sum(q.pending_review for q in qs), questions=qs,
                            message=message, duration_s=1.25)


def make_run() -> RunResult:
    subs = (
        submission("group_0001", (q1(2.0, Status.CORRECT, "1"), q22(1.0, 2.0), q3(4.0))),
        submission("Team Rocket", (q1(0.0, Status.INCORRECT, "2"), q22(1.0, 0.0), q3())),
        submission("élève Zoë", (q1(0.0, Status.MISSING), q22(0.0, 0.0), q3())),
        submission("hostile" + HOSTILE.replace("\x01", ""),
                   (QuestionResult(id="1", title="Limit", score=0.0, max_score=2.0,
                                   status=Status.ERROR, answer=HOSTILE, feedback="raised " + HOSTILE,
                                   checks=(check("value", 0.0, 2.0, Status.ERROR, message=HOSTILE),)),
                    QuestionResult(id="2.2", title="Beta & <gamma>", score=0.0, max_score=3.0,
                                   status=Status.TIMEOUT, answer=None, feedback="timed out",
                                   checks=(check("form", 0.0, 1.0, Status.TIMEOUT),
                                           check("hidden value", 0.0, 2.0, Status.TIMEOUT,
                                                 hidden=True),)),
                    q3(0.0))),
        SubmissionResult(id="crashy", path="crashy", status="error", score=0.0, max_score=10.0,
                         pending_review=0.0, message="grader crashed: " + HOSTILE),
        SubmissionResult(id="empty group", path="empty group", status="no_submission",
                         score=0.0, max_score=10.0, pending_review=0.0),
    )
    return RunResult(rubric_title="Final <exam> & co", rubric_path="rubrics/final.yaml",
                     rubric_sha256="0" * 64, max_score=10.0, submissions=subs,
                     grader_version="0.1.0")


def make_empty_run() -> RunResult:
    return RunResult(rubric_title="Empty", rubric_path="r.yaml", rubric_sha256="0" * 64,
                     max_score=10.0, submissions=())


def make_big_run(n: int = 1000, seed: int = 1) -> RunResult:
    rng = random.Random(seed)
    subs = []
    for i in range(n):
        a = rng.choice([0.0, 2.0])
        qs = (q1(a, Status.CORRECT if a else Status.INCORRECT, str(rng.randint(0, 9))),
              q22(rng.choice([0.0, 1.0]), rng.choice([0.0, 2.0])),
              q3() if rng.random() < 0.3 else q3(float(rng.randint(0, 5))))
        subs.append(submission(f"group_{i:04d}", qs))
    return RunResult(rubric_title="Big", rubric_path="r.yaml", rubric_sha256="0" * 64,
                     max_score=10.0, submissions=tuple(subs))
