"""``grades.csv``: one row per hand-in (id, status, score, pending_review, max, one column per question).

A question column holds its decided points; it is empty while the question waits for a
person (its points are in ``pending_review``). UTF-8 without a BOM.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from grader.report.files import write_atomic
from grader.results import RunResult, points_text



def render(run: RunResult, question_ids: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "status", "score", "pending_review", "max", *question_ids])
    for sub in run.submissions:
        by_id = {q.id: q for q in sub.questions}
        cells = []
        for qid in question_ids:
            q = by_id.get(qid)
            cells.append("" if q is None or q.pending_review > 0 else points_text(q.score))
        w.writerow([sub.id, sub.status, points_text(sub.score), points_text(sub.pending_review), points_text(sub.max_score), *cells])
    return buf.getvalue()


def write(run: RunResult, question_ids: list[str], out_dir: Path) -> Path:
    path = Path(out_dir) / "grades.csv"
    write_atomic(path, render(run, question_ids))
    return path
