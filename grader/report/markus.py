"""MarkUs writers: the Grades-tab marks CSV and autotester result lines.

Follows MarkUs v2.10.1 (assignment Grades-tab CSV upload, PR #8008) and the
markus-autotesting v2.9.0 per-test JSON protocol, as described in
``/work/shared/research/formats.md`` §2.1, §3.1 and §9.2 (O1, O5).

``markus_grades.csv`` (``write_grades_csv``)
    UTF-8 without a BOM, LF line ends. Row 1 is ``Group name`` then one criterion
    column per rubric question, in rubric order. Row 2 is the optional "out of" row:
    its group cell is a single space (MarkUs skips rows whose group cell is blank),
    then each question's max. Then one row per *graded* submission, keyed by the
    submission id (the MarkUs group folder name, kept exactly). Hand-ins with status
    ``no_submission`` or ``error`` get no row: MarkUs rejects rows of groups without
    a result, and a blank row would wipe existing marks under "overwrite".

    Criterion names: MarkUs matches headers against each criterion's *export name*
    exactly and rejects the whole file on any unknown header. The rubric has no
    MarkUs criterion names, so the default header is ``Q<question id>`` (e.g.
    ``Q2.2``): stable, free of the title's punctuation, and easy to create in
    MarkUs. Pass ``criterion_names={"2.2": "Question 2.2"}`` to use the names of
    criteria that already exist in MarkUs.

    Cells: marks are clamped to ``0 <= v <= max`` (MarkUs rejects the row
    otherwise) and written with at most 4 decimals. A question with points pending
    review (status ``needs_review`` or ``pending_review > 0``) is left **blank**:
    MarkUs stores an empty cell as a nil mark and keeps the result *incomplete*, so
    nothing undecided is ever released as a zero.

Autotester lines (``tester_lines``)
    One JSON object **per question** (not per check), so test names are unique
    within the test group (``Q<id> <title>``) and MarkUs's sums over the group equal
    the hand-in's score. Keys are exactly ``name, output, marks_earned, marks_total,
    status, time``. Status: correct -> pass; partial -> partial; incorrect, missing,
    unparseable -> fail; error, timeout, needs_review -> error ("the mark could not
    be determined"; pending points count as unearned until a review is merged).
    ``time`` is null per question (only the hand-in is timed). A hand-in that the
    grader failed on yields one ``"All tests"`` line with status ``error_all``; an
    empty hand-in yields one ``"All tests"`` line with status ``fail``. ``output``
    holds the question feedback and each check's student message (a hidden check shows only that it is hidden);
    check ``details`` are never written.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Mapping

from grader.results import QuestionResult, RunResult, Status, SubmissionResult

GRADES_CSV = "markus_grades.csv"

_TESTER_STATUS = {
    Status.CORRECT: "pass",
    Status.PARTIAL: "partial",
    Status.INCORRECT: "fail",
    Status.MISSING: "fail",
    Status.UNPARSEABLE: "fail",
    Status.ERROR: "error",
    Status.TIMEOUT: "error",
    Status.NEEDS_REVIEW: "error",
}


def _fmt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _num(value: float) -> int | float:
    """A JSON number: an int when integral (MarkUs declares marks as integers)."""
    value = round(float(value), 4)
    return int(value) if value.is_integer() else value


def is_pending(q: QuestionResult) -> bool:
    """True when some of the question's points wait for a person."""
    return q.status == Status.NEEDS_REVIEW or q.pending_review > 0


def _questions(run: RunResult) -> list[tuple[str, float]]:
    """(question id, max) of every question seen, in rubric (first-seen) order."""
    seen: dict[str, float] = {}
    for sub in run.submissions:
        for q in sub.questions:
            seen.setdefault(q.id, q.max_score)
    return list(seen.items())


def write_grades_csv(run: RunResult, out_dir: Path, *,
                     criterion_names: Mapping[str, str] | None = None,
                     out_of_row: bool = True) -> Path:
    """Write ``out_dir/markus_grades.csv`` for the MarkUs Grades-tab upload."""
    names = criterion_names or {}
    questions = _questions(run)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / GRADES_CSV
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["Group name", *(names.get(qid, f"Q{qid}") for qid, _ in questions)])
        if out_of_row:
            w.writerow([" ", *(_fmt(m) for _, m in questions)])
        for sub in run.submissions:
            if sub.status != "graded":
                continue
            by_id = {q.id: q for q in sub.questions}
            row = [sub.id]
            for qid, qmax in questions:
                q = by_id.get(qid)
                if q is None or is_pending(q):
                    row.append("")
                else:
                    row.append(_fmt(min(max(q.score, 0.0), q.max_score, qmax)))
            w.writerow(row)
    return path


def _output(q: QuestionResult) -> str:
    lines = [q.feedback] if q.feedback else []
    if is_pending(q):
        lines.append(f"{_fmt(q.pending_review)} point(s) pending review by a person.")
    for c in q.checks:
        tag = " (hidden)" if str(c.visibility) == "hidden" else ""
        lines.append(f"- {c.name}{tag}: {c.status} {_fmt(c.score)}/{_fmt(c.max_score)}"
                     + (f" - {c.student_message}" if c.student_message else ""))
    return "\n".join(lines)


def _line(name: str, output: str, earned: float, total: float, status: str,
          time: int | None) -> str:
    obj: dict[str, Any] = {"name": name, "output": output, "marks_earned": _num(max(earned, 0.0)),
                           "marks_total": _num(max(total, 0.0)), "status": status, "time": time}
    return json.dumps(obj, ensure_ascii=False, allow_nan=False)


def tester_lines(sub: SubmissionResult) -> list[str]:
    """The MarkUs autotester lines of one hand-in, one JSON object per string."""
    ms = int(round(sub.duration_s * 1000)) if sub.duration_s > 0 else None
    if sub.status == "error":
        msg = sub.message or "the grader failed on this hand-in"
        return [_line("All tests", msg, 0, sub.max_score, "error_all", ms)]
    if sub.status != "graded" or not sub.questions:
        msg = sub.message or "no hand-in file was found"
        return [_line("All tests", msg, 0, sub.max_score, "fail", ms)]
    return [_line(f"Q{q.id} {q.title}".strip(), _output(q), q.score, q.max_score,
                  _TESTER_STATUS.get(Status(q.status), "error"), None)
            for q in sub.questions]
