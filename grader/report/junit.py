"""JUnit XML writer (``junit.xml``) for CI test-report viewers.

Follows the de-facto JUnit schema as GitLab reads it (``gitlabhq``
``doc/ci/testing/unit_test_reports.md``) and as the GitHub Actions report
actions read it; see ``/work/shared/research/formats.md`` §7 and §9.2 (O3).

Layout::

    <testsuites name="grader <rubric title>" tests failures errors skipped time>
      <testsuite name="<submission id>" tests failures errors skipped time>
        <properties> score, max_score, pending_review, status </properties>
        <testcase classname="<submission id>" name="<qid> <title>" time="0">
          <failure|error|skipped type="<status>" message="...">feedback</...>
          <system-out>score: 2/3</system-out>
        </testcase>

- one ``testsuite`` per hand-in and one ``testcase`` per question; ``classname`` is
  the submission id because GitLab groups by ``classname`` and ignores the suite
  name; ``classname`` + ``name`` is unique (question ids are unique);
- ``<failure>`` for incorrect, partial, missing, unparseable; ``<error>`` for
  error, timeout; ``<skipped>`` (message "pending review") for needs_review; no
  child for correct;
- a hand-in the grader failed on is a single errored ``grader`` testcase with the
  message; an empty hand-in is a single skipped ``grader`` testcase;
- ``time`` is in seconds; questions are not timed separately, so a testcase's time
  is 0 and a suite's time is the hand-in's duration;
- text is check messages and question feedback only (never check ``details``),
  escaped by ElementTree, with the characters XML 1.0 forbids removed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from grader.results import QuestionResult, RunResult, Status, SubmissionResult

FILE = "junit.xml"
_FAILURE = {Status.INCORRECT, Status.PARTIAL, Status.MISSING, Status.UNPARSEABLE}
_ERROR = {Status.ERROR, Status.TIMEOUT}
# Everything XML 1.0 forbids: C0 controls but \t \n \r, surrogates, U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """``text`` as a string that XML 1.0 can hold."""
    return _ILLEGAL.sub("", str(text))


def _g(v: float) -> str:
    return f"{float(v):g}"


def _case(suite: ET.Element, sub_id: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=clean(sub_id), name=clean(name), time="0")


def _outcome(case: ET.Element, tag: str, kind: str, message: str, text: str) -> None:
    el = ET.SubElement(case, tag, type=kind, message=clean(message))
    el.text = clean(text)


def _question(suite: ET.Element, sub_id: str, q: QuestionResult) -> str | None:
    """Add one question's testcase; return the outcome tag (or None when it passed)."""
    case = _case(suite, sub_id, f"{q.id} {q.title}".strip())
    status = Status(q.status)
    lines = [q.feedback] if q.feedback else []
    lines += [f"- {c.name} ({c.visibility}): {c.status} {_g(c.score)}/{_g(c.max_score)}"
              + (f" - {c.message}" if c.message else "") for c in q.checks]
    text = "\n".join(lines)
    tag = None
    if status in _FAILURE:
        tag = "failure"
        _outcome(case, tag, str(status), f"{status}: {_g(q.score)}/{_g(q.max_score)}", text)
    elif status in _ERROR:
        tag = "error"
        _outcome(case, tag, str(status), f"{status}: {_g(q.score)}/{_g(q.max_score)}", text)
    elif status == Status.NEEDS_REVIEW:
        tag = "skipped"
        _outcome(case, tag, str(status), "pending review", text)
    out = f"score: {_g(q.score)}/{_g(q.max_score)}"
    if q.pending_review:
        out += f"\npending review: {_g(q.pending_review)}"
    ET.SubElement(case, "system-out").text = clean(out)
    return tag


def _suite(root: ET.Element, sub: SubmissionResult) -> dict[str, int]:
    suite = ET.SubElement(root, "testsuite", name=clean(sub.id))
    props = ET.SubElement(suite, "properties")
    for key, value in (("status", sub.status), ("score", _g(sub.score)),
                       ("max_score", _g(sub.max_score)), ("pending_review", _g(sub.pending_review))):
        ET.SubElement(props, "property", name=key, value=clean(value))
    tags: list[str | None] = []
    if sub.status == "error":
        case = _case(suite, sub.id, "grader")
        _outcome(case, "error", "grader_error", sub.message or "the grader failed", sub.message)
        tags.append("error")
    elif sub.status != "graded":
        case = _case(suite, sub.id, "grader")
        _outcome(case, "skipped", sub.status, sub.message or "no submission", sub.message)
        tags.append("skipped")
    else:
        tags = [_question(suite, sub.id, q) for q in sub.questions]
    counts = {"tests": len(tags), "failures": tags.count("failure"),
              "errors": tags.count("error"), "skipped": tags.count("skipped")}
    for key, n in counts.items():
        suite.set(key, str(n))
    suite.set("time", f"{max(sub.duration_s, 0.0):.3f}")
    # ElementTree writes attributes in insertion order: put the counts before <properties>.
    suite.attrib = {"name": suite.attrib["name"], **{k: suite.attrib[k] for k in
                    ("tests", "failures", "errors", "skipped", "time")}}
    return counts


def build(run: RunResult) -> ET.ElementTree:
    """The ``<testsuites>`` document of a run."""
    root = ET.Element("testsuites", name=clean(f"grader {run.rubric_title}".strip()))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for sub in run.submissions:
        for key, n in _suite(root, sub).items():
            totals[key] += n
    for key, n in totals.items():
        root.set(key, str(n))
    root.set("time", f"{sum(max(s.duration_s, 0.0) for s in run.submissions):.3f}")
    tree = ET.ElementTree(root)
    ET.indent(tree)
    return tree


def write(run: RunResult, out_dir: Path) -> Path:
    """Write ``out_dir/junit.xml``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE
    body = ET.tostring(build(run).getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", encoding="utf-8")
    return path
