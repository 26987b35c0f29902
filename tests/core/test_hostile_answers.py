"""Hostile written answers never hang, never crash, never score: they are unparseable or wait for a person."""

import pytest

from grader.cli import main
from grader.results import Status

HOSTILE = {
    "answer_1": "z = 9^{9^{9^{9}}}",
    "answer_2_1": "9**9**9**9",
    "answer_2_2": "__import__('os').system('touch PWNED')",
    "answer_4_1": "(" * 5000 + "x_1" + ")" * 5000,
    "answer_4_2": "h_0 + " * 20000 + "h_1",
    "answer_5": "W' = " + "\\frac{1}{" * 3000 + "W" + "}" * 3000,
    "answer_7_2": "\\sum_{i=1}^{10^{12}} i",
}


@pytest.fixture()
def hostile_handin(tmp_path):
    p = tmp_path / "evil.py"
    p.write_text("\n".join(f"{k} = {v!r}" for k, v in HOSTILE.items()) + "\n", encoding="utf-8")
    return p


def test_hostile_math_is_never_scored(tmp_path, hostile_handin, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert main(["grade", _rubric(), str(hostile_handin),
                 "--out", str(out), "--quiet"]) == 0
    res = json.loads((out / "results.json").read_text())["submissions"][0]
    assert res["status"] == "graded" and res["score"] == 0
    by_id = {q["id"]: q for q in res["questions"]}
    for qid in ("1", "2.1", "2.2", "4.1", "4.2", "5", "7.2"):
        assert by_id[qid]["status"] in (Status.UNPARSEABLE, Status.NEEDS_REVIEW), (qid, by_id[qid]["feedback"])
        assert by_id[qid]["score"] == 0
    assert not (tmp_path / "PWNED").exists()


def _rubric():
    import os

    return os.path.join(os.path.dirname(__file__), "..", "..", "rubrics", "final_exam.yaml")
