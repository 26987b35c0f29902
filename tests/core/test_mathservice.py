"""The math service: verdicts are memoised across a class by the math read, not where it stood."""

from grader.answers.extract import statements
from grader.checks.written import Outcome
from grader.mathservice import MathService
from grader.results import Status


def test_same_math_elsewhere_is_a_memo_hit(exam_rubric):
    check = exam_rubric.question("2.2").checks[0]
    a = tuple(statements("text\n\n$$\\beta = \\frac{1}{2}$$"))
    b = tuple(statements("other text, more lines\n\n\n\nso $\\beta   =  \\frac{1}{2}$."))
    assert a[0].line != b[0].line
    with MathService(processes=1, timeout_s=10) as svc:
        first = svc.evaluate(check, a)
        second = svc.evaluate(check, b)
        assert (svc.misses, svc.hits) == (1, 1)
    assert first.status is second.status is Status.CORRECT
    assert second.statement == b[0] and first.statement == a[0]   # each reports its own statement


def test_a_dead_worker_is_needs_review_not_zero(exam_rubric, monkeypatch):
    check = exam_rubric.question("2.2").checks[0]
    cands = tuple(statements("$\\beta = 1/2$"))
    with MathService(processes=1, timeout_s=10) as svc:
        def boom(*a, **k):
            raise RuntimeError("worker exploded")
        monkeypatch.setattr(svc.pool, "call", boom)
        out = svc.evaluate(check, cands)
    assert isinstance(out, Outcome) and out.status is Status.NEEDS_REVIEW and "internal error" in out.reason
