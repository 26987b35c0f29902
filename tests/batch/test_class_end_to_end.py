"""A generated 200-group MarkUs zip graded through the CLI; every output checked against results.json."""

from __future__ import annotations

import csv
import json
import os
import xml.etree.ElementTree as ET

import pytest
from classgen import BROKEN, EMPTY, SPECIAL_NAMES

from grader.batch.records import submission_from_json
from grader.report.files import safe_name
from grader.report import markus

QIDS = ["1", "2.1", "2.2", "3", "4.1", "4.2", "5", "6", "7.1", "7.2", "7.3"]


@pytest.fixture(scope="module")
def results(clean_run):
    with open(os.path.join(clean_run, "results.json"), encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def subs(results):
    return {s["id"]: s for s in results["submissions"]}


def _csv(path):
    raw = open(path, "rb").read()
    assert not raw.startswith(b"\xef\xbb\xbf"), "UTF-8 without BOM"
    return list(csv.reader(raw.decode("utf-8").splitlines()))


def test_every_group_has_a_report_with_names_kept(class_zip, subs, results):
    assert set(subs) == set(class_zip.groups) and len(subs) == 200
    for name in SPECIAL_NAMES:
        assert name in subs                      # spaces, accents, quotes kept exactly
    for name in class_zip.empty:
        assert subs[name]["status"] == "no_submission"
    assert subs[BROKEN]["status"] == "error" and "json" in subs[BROKEN]["message"].lower()
    graded = [s for s in results["submissions"] if s["status"] == "graded"]
    assert len(graded) == 200 - len(class_zip.empty) - len(class_zip.broken)
    for s in graded:
        assert [q["id"] for q in s["questions"]] == QIDS
        assert s["score"] + s["pending_review"] <= s["max_score"] + 1e-9
        assert abs(s["score"] - sum(q["score"] for q in s["questions"])) < 1e-6
        assert ".gitkeep" not in " ".join(s.get("files", []))
    statuses = {q["status"] for s in graded for q in s["questions"]}
    assert {"correct", "incorrect", "missing", "needs_review"} <= statuses


def test_grades_csv_matches(clean_run, subs):
    rows = _csv(os.path.join(clean_run, "grades.csv"))
    assert rows[0] == ["id", "status", "score", "pending_review", "max", *QIDS]
    assert len(rows) == 201
    for row in rows[1:]:
        s = subs[row[0]]
        assert row[1] == s["status"]
        assert float(row[2]) == pytest.approx(s["score"])
        assert float(row[3]) == pytest.approx(s["pending_review"])
        by_q = {q["id"]: q for q in s["questions"]}
        for qid, cell in zip(QIDS, row[5:]):
            q = by_q.get(qid)
            if q is None or q["pending_review"] > 0:
                assert cell == ""
            else:
                assert float(cell) == pytest.approx(q["score"])


def test_markus_grades_csv_matches(clean_run, subs):
    rows = _csv(os.path.join(clean_run, "markus_grades.csv"))
    assert rows[0] == ["Group name", *(f"Q{q}" for q in QIDS)]
    assert rows[1][0] == " "                      # the "out of" row
    body = {r[0]: r[1:] for r in rows[2:]}
    assert set(body) == {i for i, s in subs.items() if s["status"] == "graded"}
    for gid, cells in body.items():
        for q, cell in zip(subs[gid]["questions"], cells):
            if q["status"] == "needs_review" or q["pending_review"] > 0:
                assert cell == ""
            else:
                assert float(cell) == pytest.approx(q["score"])


def test_junit_xml_matches(clean_run, subs):
    root = ET.parse(os.path.join(clean_run, "junit.xml")).getroot()
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == set(subs)
    for sid, suite in suites.items():
        s = subs[sid]
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["status"] == s["status"]
        assert float(props["score"]) == pytest.approx(s["score"])
        cases = suite.findall("testcase")
        if s["status"] != "graded":
            assert len(cases) == 1
            continue
        assert len(cases) == len(QIDS)
        for case, q in zip(cases, s["questions"]):
            assert case.get("classname") == sid and case.get("name").startswith(q["id"] + " ")
            kids = {c.tag for c in case if c.tag != "system-out"}
            expected = {"correct": set(), "needs_review": {"skipped"}, "error": {"error"},
                        "timeout": {"error"}}.get(q["status"], {"failure"})
            assert kids == expected, (sid, q["id"], q["status"], kids)


def test_gradescope_results_match(clean_run, subs):
    folder = os.path.join(clean_run, "gradescope")
    names = set(os.listdir(folder))
    assert names == {safe_name(i) + ".json" for i, s in subs.items() if s["status"] != "no_submission"}
    for sid, s in subs.items():
        if s["status"] == "no_submission":
            continue
        doc = json.load(open(os.path.join(folder, safe_name(sid) + ".json"), encoding="utf-8"))
        assert set(doc) >= {"score", "tests", "output", "visibility", "stdout_visibility"}
        assert doc["score"] == pytest.approx(s["score"] if s["status"] == "graded" else 0)
        assert sum(t["score"] for t in doc["tests"]) == pytest.approx(doc["score"])
        for t in doc["tests"]:
            assert set(t) >= {"name", "score", "max_score", "status", "output", "visibility"}
            assert t["status"] in ("passed", "failed") and 0 <= t["score"] <= t["max_score"] + 1e-9
        if s["status"] == "graded":
            assert sum(t["max_score"] for t in doc["tests"]) == pytest.approx(s["max_score"])


def test_markus_tester_lines_match(subs):
    for sid, s in subs.items():
        lines = [json.loads(line) for line in markus.tester_lines(submission_from_json(s))]
        for obj in lines:
            assert list(obj) == ["name", "output", "marks_earned", "marks_total", "status", "time"]
            assert obj["status"] in ("pass", "partial", "fail", "error", "error_all")
        assert len({o["name"] for o in lines}) == len(lines)
        if s["status"] == "graded":
            assert sum(o["marks_earned"] for o in lines) == pytest.approx(s["score"])
            assert sum(o["marks_total"] for o in lines) == pytest.approx(s["max_score"])
        else:
            assert [o["name"] for o in lines] == ["All tests"]


def test_feedback_and_summary_written(clean_run, subs):
    for sid in subs:
        assert os.path.exists(os.path.join(clean_run, "feedback", safe_name(sid) + ".md"))
    html = open(os.path.join(clean_run, "summary.html"), encoding="utf-8").read()
    assert "<svg" in html or "<img" in html
    assert EMPTY in html or safe_name(EMPTY) in html
