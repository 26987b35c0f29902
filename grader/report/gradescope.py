"""Gradescope autograder ``results.json`` writer.

Follows the Gradescope autograder spec (``gradescope/autograder_samples``
``docs/specs.md`` at ``af5dee4``), summarised in ``/work/shared/research/formats.md``
§5.2 and §9.2 (O2).

``result_for(sub)`` returns one ``results.json`` document:

- top level: ``score`` (= ``sub.score``, decided points only; it overrides the sum
  of the tests, but the tests add up to it anyway), ``execution_time`` (seconds;
  Gradescope has no per-test time), ``output`` (a one-paragraph summary, with the
  pending-review points), ``output_format`` ``text``, ``visibility`` ``visible``,
  ``stdout_visibility`` ``hidden``;
- ``tests[]``: **one test per check**, named ``"<qid> <title> :: <check>"`` and
  numbered ``"<qid>.<n>"``, with ``score``, ``max_score``, ``status``
  (``passed`` only when the full points were given, ``failed`` otherwise),
  ``output`` (the check's message; the question's feedback goes on its first
  visible check), ``tags`` ``[qid]`` and ``visibility``. A hidden check's test is
  ``after_due_date`` (change with ``hidden_visibility``); its output says only
  "hidden check" (never its message or ``details``). When a question's checks do not add up to its
  score (a reviewer's mark was merged, or the question has no checks) the
  question becomes a single test numbered ``"<qid>"`` instead, hidden only if
  all its checks are. Points pending review are not in any test's score; such a
  test is ``failed`` and says so in its output.
- A hand-in the grader failed on (or an empty one) gets a single failed
  ``"All tests"`` test worth the rubric's maximum, score 0, with the reason.

``write(run, out_dir)`` writes ``out_dir/gradescope/<id>.json`` for every hand-in
except ``no_submission`` ones (Gradescope wants a results file even when grading
crashed). File names are ``grader.report.files.safe_name(id)``, as for
``feedback/<id>.md`` (spaces and accents kept; separators and controls -> ``_``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.results import CheckResult, QuestionResult, RunResult, Status, SubmissionResult

DIR = "gradescope"
_EPS = 1e-6


def _num(v: float) -> float:
    return round(float(v), 4)


def safe_name(sub_id: str) -> str:
    """A file name for a submission id: keep everything but path separators and NUL."""
    try:  # the same names as feedback/<id>.md
        from grader.report.files import safe_name as shared
    except ImportError:  # pragma: no cover
        name = sub_id.replace("/", "_").replace("\\", "_").replace("\0", "_")
        return name if name not in ("", ".", "..") else f"_{name}"
    return shared(sub_id)


def _pending_note(points: float) -> str:
    return f"{points:g} point(s) pending review by a person."


def _test(name: str, number: str, score: float, max_score: float, output: str,
          qid: str, visibility: str, pending: bool) -> dict[str, Any]:
    full = score >= max_score - _EPS and not pending
    return {"name": name, "number": number, "score": _num(score), "max_score": _num(max_score),
            "status": "passed" if full else "failed", "output": output,
            "output_format": "text", "tags": [qid], "visibility": visibility}


def _check_test(q: QuestionResult, n: int, c: CheckResult, feedback: str, vis: str) -> dict[str, Any]:
    pending = c.status == Status.NEEDS_REVIEW
    parts = [feedback] if feedback else []
    parts += [c.student_message] if c.student_message else []
    if pending:
        parts.append(_pending_note(c.max_score - c.score))
    return _test(f"{q.id} {q.title} :: {c.name}", f"{q.id}.{n}", c.score, c.max_score,
                 "\n".join(parts), q.id, vis, pending)


def _question_tests(q: QuestionResult, hidden_visibility: str) -> list[dict[str, Any]]:
    def vis(c: CheckResult) -> str:
        return hidden_visibility if str(c.visibility) == "hidden" else "visible"

    per_check = (q.checks and q.reviewed_by is None
                 and abs(sum(c.score for c in q.checks) - q.score) < _EPS)
    if per_check:
        carrier = next((i for i, c in enumerate(q.checks) if vis(c) == "visible"), 0)
        return [_check_test(q, n + 1, c, q.feedback if n == carrier else "", vis(c))
                for n, c in enumerate(q.checks)]
    pending = q.status == Status.NEEDS_REVIEW or q.pending_review > 0
    lines = [q.feedback] if q.feedback else []
    lines += [f"- {c.name}: {c.student_message}" for c in q.checks if c.student_message]
    if pending:
        lines.append(_pending_note(q.pending_review))
    all_hidden = bool(q.checks) and all(vis(c) != "visible" for c in q.checks)
    return [_test(f"{q.id} {q.title}", q.id, q.score, q.max_score, "\n".join(lines), q.id,
                  hidden_visibility if all_hidden else "visible", pending)]


def result_for(sub: SubmissionResult, *, hidden_visibility: str = "after_due_date") -> dict[str, Any]:
    """The Gradescope ``results.json`` document of one hand-in."""
    out: dict[str, Any] = {"score": _num(sub.score), "execution_time": round(sub.duration_s, 3),
                           "output_format": "text", "visibility": "visible",
                           "stdout_visibility": "hidden"}
    if sub.status != "graded":
        reason = sub.message or ("No hand-in file was found." if sub.status == "no_submission"
                                 else "The grader failed on this hand-in.")
        out["score"] = 0.0
        out["output"] = reason
        out["tests"] = [_test("All tests", "0", 0.0, sub.max_score, reason, "all", "visible", False)]
        return out
    summary = f"Score: {sub.score:g} / {sub.max_score:g}."
    if sub.pending_review > 0:
        summary += " " + _pending_note(sub.pending_review)
    out["output"] = summary
    out["tests"] = [t for q in sub.questions for t in _question_tests(q, hidden_visibility)]
    return out


def write(run: RunResult, out_dir: Path, *, hidden_visibility: str = "after_due_date") -> Path:
    """Write ``out_dir/gradescope/<id>.json`` per hand-in; returns the folder."""
    folder = out_dir / DIR
    folder.mkdir(parents=True, exist_ok=True)
    for sub in run.submissions:
        if sub.status == "no_submission":
            continue
        doc = result_for(sub, hidden_visibility=hidden_visibility)
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False)   # C encoder: indent= is ~10x slower
        (folder / f"{safe_name(sub.id)}.json").write_text(text + "\n", encoding="utf-8")
    return folder
