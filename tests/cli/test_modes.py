"""grader markus-tester and grader gradescope, run as MarkUs and Gradescope run them."""

from __future__ import annotations

import json
import os
import shutil

from classgen import EXAMPLES, RUBRIC, run_cli

KEYS = ["name", "output", "marks_earned", "marks_total", "status", "time"]


def _markus_workdir(tmp_path, handin: str):
    """A custom tester's working folder: the group's files, the instructor's files on top."""
    work = tmp_path / "work"
    shutil.copytree(os.path.join(EXAMPLES, handin), work)
    shutil.copy(RUBRIC, work / "final_exam.yaml")
    shutil.copytree(os.path.join(os.path.dirname(RUBRIC), "final_exam"), work / "final_exam")
    return work


def test_markus_tester_prints_only_protocol_lines(tmp_path, written_cli):
    work = _markus_workdir(tmp_path, "full_marks")
    env = dict(os.environ, MARKUS_GROUP="Équipe 7", CI="true")
    proc = run_cli("markus-tester", "final_exam.yaml", "--feedback", "feedback.md", cwd=str(work), env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    objs = [json.loads(line) for line in lines]                  # every stdout line is one JSON object
    assert all(list(o) == KEYS for o in objs)
    assert [o["name"].split()[0] for o in objs] == ["Q1", "Q2.1", "Q2.2", "Q3", "Q4.1", "Q4.2", "Q5", "Q6",
                                                    "Q7.1", "Q7.2", "Q7.3", "QB1", "QB2", "QB3", "QB4", "QB5"]
    by = {o["name"].split()[0]: o for o in objs}
    assert all(by[f"QB{i}"]["status"] == "pass" for i in range(1, 6))   # Part B ran in the sandbox
    assert by["Q6"]["status"] == "error" and by["Q6"]["marks_earned"] == 0   # pending review
    assert sum(o["marks_earned"] for o in objs) == 32 and sum(o["marks_total"] for o in objs) == 40
    assert "Équipe 7: graded, 32/40" in proc.stderr
    fb = (work / "feedback.md").read_text(encoding="utf-8")
    assert "feedback for Équipe 7" in fb


def test_markus_tester_rubric_error_is_one_error_all_line(tmp_path):
    work = tmp_path / "w"
    shutil.copytree(os.path.join(EXAMPLES, "seed_student"), work)
    (work / "bad.yaml").write_text("title: x\nquestions: [{id: 1, points: -3, nonsense: 1}]\n", encoding="utf-8")
    proc = run_cli("markus-tester", "bad.yaml", cwd=str(work))
    assert proc.returncode == 1
    (line,) = proc.stdout.splitlines()
    obj = json.loads(line)
    assert obj["name"] == "All tests" and obj["status"] == "error_all" and "bad.yaml" in obj["output"]
    assert "bad.yaml:" in proc.stderr


def test_markus_tester_empty_folder(tmp_path, written_cli):
    work = tmp_path / "empty"
    work.mkdir()
    (work / ".gitkeep").write_text("")
    proc = run_cli("markus-tester", written_cli, str(work))
    assert proc.returncode == 0, proc.stderr
    (obj,) = [json.loads(x) for x in proc.stdout.splitlines()]
    assert obj["name"] == "All tests" and obj["status"] == "fail" and obj["marks_earned"] == 0


def test_gradescope_mode_writes_results_json(tmp_path, written_cli):
    ag = tmp_path / "autograder"
    shutil.copytree(os.path.join(EXAMPLES, "seed_student"), ag / "submission" / "my exam folder")  # zipped a folder
    (ag / "submission_metadata.json").write_text(json.dumps(
        {"users": [{"name": "Zoë Student", "email": "z@example.com"}]}), encoding="utf-8")
    results = ag / "results" / "results.json"
    proc = run_cli("gradescope", written_cli, "--submission", str(ag / "submission"), "--results", str(results))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(results.read_text(encoding="utf-8"))
    assert doc["score"] == 20 and "8 point(s) pending review" in doc["output"]
    assert sum(t["score"] for t in doc["tests"]) == doc["score"]
    assert sum(t["max_score"] for t in doc["tests"]) == 30
    for t in doc["tests"]:
        assert t["status"] in ("passed", "failed") and t["visibility"] in ("visible", "after_due_date")


def test_gradescope_mode_always_writes_results(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions: 7\n", encoding="utf-8")
    (tmp_path / "submission").mkdir()
    results = tmp_path / "results" / "results.json"
    proc = run_cli("gradescope", str(bad), "--submission", str(tmp_path / "submission"), "--results", str(results))
    assert proc.returncode == 1
    doc = json.loads(results.read_text(encoding="utf-8"))
    assert doc["score"] == 0 and doc["tests"][0]["status"] == "failed"
