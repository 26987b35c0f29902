"""markus_grades.csv and autotester lines, parsed back and checked against the records."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from report_fixtures import SECRET
from grader.report import markus
from grader.results import RunResult, Status


def _rows(path):
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "MarkUs rejects a BOM"
    assert b"\r" not in raw
    return list(csv.reader(io.StringIO(raw.decode("utf-8"))))


def test_grades_csv_header_out_of_and_rows(run: RunResult, tmp_path):
    path = markus.write_grades_csv(run, tmp_path)
    assert path == tmp_path / "markus_grades.csv"
    rows = _rows(path)
    assert rows[0] == ["Group name", "Q1", "Q2.2", "Q3"]
    assert rows[1] == [" ", "2", "3", "5"]
    body = {r[0]: r[1:] for r in rows[2:]}
    graded = [s for s in run.submissions if s.status == "graded"]
    assert list(body) == [s.id for s in graded]          # ids kept exactly, in order
    assert "crashy" not in body and "empty group" not in body
    assert body["group_0001"] == ["2", "3", "4"]
    assert body["Team Rocket"] == ["0", "1", ""]          # pending review -> blank
    assert body["élève Zoë"] == ["0", "0", ""]
    for sub in graded:
        for q, cell in zip(sub.questions, body[sub.id]):
            if q.status == Status.NEEDS_REVIEW:
                assert cell == ""
            else:
                assert 0 <= float(cell) <= q.max_score
                assert float(cell) == q.score


def test_grades_csv_criterion_names_and_clamping(run: RunResult, tmp_path):
    sub = run.submissions[0]
    over = dataclasses.replace(sub.questions[0], score=2.5)
    neg = dataclasses.replace(sub.questions[1], score=-1.0)
    sub = dataclasses.replace(sub, questions=(over, neg, sub.questions[2]))
    run = dataclasses.replace(run, submissions=(sub,))
    path = markus.write_grades_csv(run, tmp_path, criterion_names={"1": "Question 1"},
                                   out_of_row=False)
    rows = _rows(path)
    assert rows[0] == ["Group name", "Question 1", "Q2.2", "Q3"]
    assert rows[1] == ["group_0001", "2", "0", "4"]


def test_grades_csv_empty_run(empty_run, tmp_path):
    assert _rows(markus.write_grades_csv(empty_run, tmp_path)) == [["Group name"], [" "]]


KEYS = {"name", "output", "marks_earned", "marks_total", "status", "time"}
STATUSES = {"pass", "partial", "fail", "error", "error_all"}


def _parse(lines):
    objs = []
    for line in lines:
        assert "\n" not in line
        obj = json.loads(line)
        assert set(obj) == KEYS
        assert isinstance(obj["name"], str) and obj["name"]
        assert isinstance(obj["output"], str)
        assert isinstance(obj["marks_earned"], (int, float)) and obj["marks_earned"] >= 0
        assert isinstance(obj["marks_total"], (int, float)) and obj["marks_total"] >= 0
        assert obj["status"] in STATUSES
        assert obj["time"] is None or (isinstance(obj["time"], int) and obj["time"] >= 0)
        objs.append(obj)
    assert len({o["name"] for o in objs}) == len(objs), "names must be unique per test group"
    return objs


def test_tester_lines_graded(run: RunResult):
    for sub in run.submissions[:4]:
        objs = _parse(markus.tester_lines(sub))
        assert len(objs) == len(sub.questions)
        assert abs(sum(o["marks_earned"] for o in objs) - sub.score) < 1e-9
        assert abs(sum(o["marks_total"] for o in objs) - sub.max_score) < 1e-9
        for o in objs:
            assert SECRET not in o["output"]
    first = _parse(markus.tester_lines(run.submissions[0]))
    assert [o["status"] for o in first] == ["pass", "pass", "partial"]
    assert first[0]["name"] == "Q1 Limit"
    rocket = _parse(markus.tester_lines(run.submissions[1]))
    assert [o["status"] for o in rocket] == ["fail", "partial", "error"]
    assert "pending review" in rocket[2]["output"]
    hostile = _parse(markus.tester_lines(run.submissions[3]))
    assert [o["status"] for o in hostile] == ["error", "error", "partial"]
    assert "<&]]>\x01" in hostile[0]["output"]            # JSON escapes, text survives


def test_tester_lines_error_and_empty(run: RunResult):
    (crash,) = _parse(markus.tester_lines(run.submissions[4]))
    assert crash["status"] == "error_all" and crash["name"] == "All tests"
    assert crash["marks_earned"] == 0 and "grader crashed" in crash["output"]
    (empty,) = _parse(markus.tester_lines(run.submissions[5]))
    assert empty["status"] == "fail" and empty["marks_total"] == 10
