"""Nothing is lost: a grader crash on one hand-in is reported for that hand-in and the batch goes on."""

from __future__ import annotations

import os

import pytest

import grader.grading as grading
from grader.batch.cache import cacheable
from grader.batch.local import grade_batch
from grader.handin.discover import discover
from grader.mathservice import MathService
from grader.rubric.load import load_rubric

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "submissions_example")


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_crash_while_reading_one_handin_is_reported_for_it(monkeypatch, jobs):
    rubric = load_rubric(os.path.join(ROOT, "rubrics", "final_exam.yaml"))
    items = discover([os.path.join(EXAMPLES, d) for d in ("template", "seed_student", "py_handin")])
    real = grading.read_handin

    def flaky(item):
        if item.id == "seed_student":
            # what CPython 3.11 raised once when two threads parsed at the same time
            raise SystemError("AST constructor recursion depth mismatch (before=30, after=26)")
        return real(item)

    monkeypatch.setattr(grading, "read_handin", flaky)
    with MathService(processes=1, seed=rubric.seed) as math:
        results, complete = grade_batch(rubric, items, jobs=jobs, math=math, sandbox=None)
    assert complete and [r.id for r in results] == [it.id for it in items]
    by_id = {r.id: r for r in results}
    crashed = by_id["seed_student"]
    assert crashed.status == "error" and "internal grader error" in crashed.message
    assert "SystemError" in crashed.message and all(q.status.value == "error" for q in crashed.questions)
    assert not cacheable(crashed)                   # retried on the next run, never kept
    assert by_id["template"].status == by_id["py_handin"].status == "graded"
    assert by_id["py_handin"].score > 0


def test_a_crash_inside_grade_submission_is_caught_by_the_batch(monkeypatch):
    rubric = load_rubric(os.path.join(ROOT, "rubrics", "final_exam.yaml"))
    items = discover([os.path.join(EXAMPLES, d) for d in ("template", "seed_student")])
    import grader.batch.local as local
    real = local.grade_submission

    def boom(rubric, item, **kw):
        if item.id == "template":
            raise RuntimeError("bug")
        return real(rubric, item, **kw)

    monkeypatch.setattr(local, "grade_submission", boom)
    with MathService(processes=1, seed=rubric.seed) as math:
        results, complete = grade_batch(rubric, items, jobs=2, math=math, sandbox=None)
    assert complete
    assert results[0].status == "error" and "RuntimeError: bug" in results[0].message
    assert results[1].status == "graded"


def test_reports_and_cache_failures_do_not_stop_the_run(tmp_path, monkeypatch, capsys):
    """An unwritable cache costs the cache only; a broken writer costs its own file and exit 3."""
    from grader.batch.cache import ResultCache
    from grader.cli import main
    from grader.report import junit

    def full_disk(self, item, result):
        raise OSError(28, "No space left on device")

    def broken(*a, **k):
        raise RuntimeError("writer bug")

    monkeypatch.setattr(ResultCache, "put", full_disk)
    monkeypatch.setattr(junit, "write", broken)
    out = tmp_path / "grades"
    code = main(["grade", os.path.join(ROOT, "rubrics", "final_exam.yaml"),
                 os.path.join(EXAMPLES, "seed_student"), os.path.join(EXAMPLES, "template"),
                 "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "could not write the cache" in err and "No space left on device" in err
    assert "could not write junit.xml: RuntimeError: writer bug" in err
    import json
    subs = json.loads((out / "results.json").read_text())["submissions"]
    assert {s["id"] for s in subs} == {"seed_student", "template"}
    assert (out / "summary.html").exists() and not (out / "junit.xml").exists()
