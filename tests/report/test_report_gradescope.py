"""Gradescope results.json documents, parsed back and checked against the spec and records."""

from __future__ import annotations

import json

from report_fixtures import SECRET

from grader.report import gradescope
from grader.results import RunResult

TOP = {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility",
       "tests"}
TEST = {"name", "number", "score", "max_score", "status", "output", "output_format", "tags",
        "visibility"}
VIS = {"hidden", "after_due_date", "after_published", "visible"}


def _validate(doc: dict) -> None:
    assert set(doc) == TOP
    assert isinstance(doc["score"], (int, float))
    assert isinstance(doc["execution_time"], (int, float))
    assert doc["visibility"] in VIS and doc["stdout_visibility"] in VIS
    numbers = set()
    for t in doc["tests"]:
        assert set(t) == TEST, "no per-test execution_time or unknown keys"
        assert t["status"] in {"passed", "failed"}
        assert isinstance(t["name"], str) and isinstance(t["number"], str)
        assert 0 <= t["score"] <= t["max_score"]
        assert t["visibility"] in VIS
        assert t["status"] == "failed" or t["score"] == t["max_score"]
        numbers.add(t["number"])
    assert len(numbers) == len(doc["tests"])
    assert abs(sum(t["score"] for t in doc["tests"]) - doc["score"]) < 1e-6
    json.dumps(doc, allow_nan=False)


def test_result_for_every_submission(run: RunResult):
    for sub in run.submissions:
        doc = gradescope.result_for(sub)
        _validate(doc)
        assert SECRET not in json.dumps(doc, ensure_ascii=False)
        if sub.status == "graded":
            assert doc["score"] == sub.score
            assert abs(sum(t["max_score"] for t in doc["tests"]) - sub.max_score) < 1e-6


def test_per_check_tests_and_hidden_visibility(run: RunResult):
    doc = gradescope.result_for(run.submissions[1])              # Team Rocket
    by_name = {t["name"]: t for t in doc["tests"]}
    hidden = by_name["2.2 Beta & <gamma> :: hidden value"]
    assert hidden["visibility"] == "after_due_date" and hidden["number"] == "2.2.2"
    assert hidden["status"] == "failed" and hidden["output"] == "hidden check"   # its message stays private
    form = by_name["2.2 Beta & <gamma> :: form"]
    assert form["visibility"] == "visible" and form["status"] == "passed"
    assert form["output"].startswith("see checks")               # question feedback on a visible test
    essay = by_name["3 Explain :: essay"]
    assert essay["status"] == "failed" and "pending review" in essay["output"]
    assert "5 point(s) pending review" in doc["output"]
    doc = gradescope.result_for(run.submissions[1], hidden_visibility="hidden")
    assert {t["visibility"] for t in doc["tests"]} == {"visible", "hidden"}


def test_reviewed_question_is_one_test(run: RunResult):
    doc = gradescope.result_for(run.submissions[0])              # q3 merged by a reviewer: 4/5
    (q3,) = [t for t in doc["tests"] if t["tags"] == ["3"]]
    assert q3["name"] == "3 Explain" and q3["number"] == "3"
    assert (q3["score"], q3["max_score"], q3["status"]) == (4.0, 5.0, "failed")


def test_error_and_no_submission(run: RunResult):
    doc = gradescope.result_for(run.submissions[4])
    assert doc["score"] == 0 and "grader crashed" in doc["output"]
    assert doc["tests"][0]["name"] == "All tests" and doc["tests"][0]["max_score"] == 10


def test_write_files(run: RunResult, tmp_path):
    folder = gradescope.write(run, tmp_path)
    assert folder == tmp_path / "gradescope"
    names = sorted(p.name for p in folder.iterdir())
    expected = sorted(gradescope.safe_name(s.id) + ".json" for s in run.submissions
                      if s.status != "no_submission")
    assert names == expected
    assert "Team Rocket.json" in names and "élève Zoë.json" in names
    for p in folder.iterdir():
        _validate(json.loads(p.read_text(encoding="utf-8")))


def test_safe_name():
    assert gradescope.safe_name("a/b\\c\0") == "a_b_c_"
    assert "/" not in gradescope.safe_name("..") and gradescope.safe_name("..") not in (".", "..")
    assert gradescope.safe_name("Team Rocket é") == "Team Rocket é"
