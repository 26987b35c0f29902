"""junit.xml, parsed back with ElementTree and checked against the records."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from report_fixtures import SECRET

from grader.report import junit
from grader.results import RunResult, Status

OUTCOME = {Status.CORRECT: None, Status.PARTIAL: "failure", Status.INCORRECT: "failure",
           Status.MISSING: "failure", Status.UNPARSEABLE: "failure", Status.ERROR: "error",
           Status.TIMEOUT: "error", Status.NEEDS_REVIEW: "skipped"}


def _outcome(case: ET.Element) -> str | None:
    tags = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
    assert len(tags) <= 1
    return tags[0] if tags else None


def test_junit_structure_and_counts(run: RunResult, tmp_path):
    path = junit.write(run, tmp_path)
    raw = path.read_bytes()
    assert raw.startswith(b"<?xml")
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw), "XML 1.0 forbids control chars"
    assert SECRET.encode() not in raw
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [junit.clean(s.id) for s in run.submissions]
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite, sub in zip(suites, run.submissions):
        cases = suite.findall("testcase")
        outcomes = [_outcome(c) for c in cases]
        counts = {"tests": len(cases), "failures": outcomes.count("failure"),
                  "errors": outcomes.count("error"), "skipped": outcomes.count("skipped")}
        for key, n in counts.items():
            assert int(suite.get(key)) == n, (sub.id, key)
            totals[key] += n
        float(suite.get("time"))
        props = {p.get("name"): p.get("value") for p in suite.find("properties")}
        assert float(props["score"]) == sub.score and float(props["max_score"]) == sub.max_score
        assert props["status"] == sub.status
        for c in cases:
            assert c.get("classname") == suite.get("name")
            float(c.get("time"))
        pairs = [(c.get("classname"), c.get("name")) for c in cases]
        assert len(set(pairs)) == len(pairs)
        if sub.status == "graded":
            assert [c.get("name") for c in cases] == [f"{q.id} {q.title}" for q in sub.questions]
            assert outcomes == [OUTCOME[q.status] for q in sub.questions]
            for c, q in zip(cases, sub.questions):
                assert f"score: {q.score:g}/{q.max_score:g}" in c.find("system-out").text
    for key, n in totals.items():
        assert int(root.get(key)) == n


def test_junit_special_submissions_and_hostile_text(run: RunResult, tmp_path):
    root = ET.parse(junit.write(run, tmp_path)).getroot()
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    (crash,) = suites["crashy"].findall("testcase")
    assert crash.find("error") is not None
    assert crash.find("error").get("message") == "grader crashed: <&]]>\x1b[31m\"'".replace("\x1b", "")
    (empty,) = suites["empty group"].findall("testcase")
    assert empty.find("skipped") is not None
    rocket = suites["Team Rocket"].findall("testcase")
    assert rocket[2].find("skipped").get("message") == "pending review"
    hostile = [s for n, s in suites.items() if n.startswith("hostile")][0]
    first = hostile.find("testcase/error")
    assert "<&]]>" in first.text and "\x01" not in first.text


def test_junit_empty_run(empty_run, tmp_path):
    root = ET.parse(junit.write(empty_run, tmp_path)).getroot()
    assert root.get("tests") == "0" and root.findall("testsuite") == []
