"""A re-run whose results did not change leaves the reports alone; anything else rewrites them."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from types import SimpleNamespace

from grader.report import write_all


def _rubric():
    return SimpleNamespace(questions=[SimpleNamespace(id=i) for i in ("1", "2.2", "3")])


def _stamps(out):
    return {os.path.relpath(os.path.join(d, f), out): os.stat(os.path.join(d, f)).st_mtime_ns
            for d, _, fs in os.walk(out) if ".cache" not in d for f in fs}


def test_unchanged_results_leave_reports_alone(run, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out = str(tmp_path / "out")
    first = write_all(run, _rubric(), out)
    stamps = _stamps(out)
    assert {"results.json", "grades.csv", "junit.xml", "summary.html"} <= set(stamps)
    assert json.load(open(os.path.join(out, "results.json")))["submissions"][0]["id"] == "group_0001"

    again = write_all(run, _rubric(), out)                      # same results: nothing rewritten
    assert sorted(map(str, again)) == sorted(map(str, first))
    assert _stamps(out) == stamps

    # a report deleted (or edited) by hand: everything is written again
    feedback = next(k for k in stamps if k.startswith("feedback"))
    os.unlink(os.path.join(out, feedback))
    write_all(run, _rubric(), out)
    assert os.path.exists(os.path.join(out, feedback))

    # different results: rewritten
    stamps = _stamps(out)
    changed = replace(run, submissions=(replace(run.submissions[0], score=1.5),) + run.submissions[1:])
    write_all(changed, _rubric(), out)
    now = _stamps(out)
    assert now["results.json"] != stamps["results.json"] and now["grades.csv"] != stamps["grades.csv"]
    assert json.load(open(os.path.join(out, "results.json")))["submissions"][0]["score"] == 1.5


def test_the_step_summary_is_appended_on_every_run(run, tmp_path, monkeypatch):
    summary = tmp_path / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = str(tmp_path / "out")
    write_all(run, _rubric(), out)
    size = summary.stat().st_size
    write_all(run, _rubric(), out)                               # unchanged reports, a new CI step
    assert summary.stat().st_size == 2 * size > 0


def test_a_failing_writer_costs_only_its_own_report(run, tmp_path, monkeypatch):
    import pytest

    from grader.errors import ReportError
    from grader.report import junit

    def broken(*a, **k):
        raise UnicodeEncodeError("utf-8", "x", 0, 1, "a writer bug")

    monkeypatch.setattr(junit, "write", broken)
    out = tmp_path / "out"
    with pytest.raises(ReportError) as info:
        write_all(run, _rubric(), out)
    assert len(info.value.failures) == 1 and info.value.failures[0].startswith("junit.xml: UnicodeEncodeError")
    for name in ("results.json", "grades.csv", "markus_grades.csv", "summary.html"):
        assert (out / name).exists(), name            # written before and after the broken one
    assert not (out / "junit.xml").exists()
    monkeypatch.undo()
    write_all(run, _rubric(), out)                     # no manifest was recorded: the next run writes all
    assert (out / "junit.xml").exists()
