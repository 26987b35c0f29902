"""Markdown run summary, shaped for GitHub Actions' ``$GITHUB_STEP_SUMMARY``.

Follows GitHub-flavoured Markdown as rendered for job summaries (GitHub aborts the
upload of a step summary above 1 MiB; see ``/work/shared/research/formats.md``
§7 and §9.2, O11). ``render`` keeps the document under ``LIMIT`` (900 KiB): the
per-hand-in table is cut, with a note, once it would pass that size or
``MAX_ROWS`` rows.

Sections: hand-ins by status; mean / median / min / max score of graded hand-ins;
one row per question (mean of the decided marks, full / partial / zero / pending
counts); the five
worst questions by mean fraction of points; the hand-in table (id, status, score,
pending, max). Every cell is escaped (``md``), so ids and titles cannot inject
Markdown or HTML. The statistics helpers here are shared with ``html.py``.
"""

from __future__ import annotations

import os
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from grader.results import QuestionResult, RunResult, Status, SubmissionResult

LIMIT = 900 * 1024
MAX_ROWS = 5000
_EPS = 1e-9
_MD_SPECIAL = set("\\`*_{}[]()#+!|~")


def md(text: object) -> str:
    """One Markdown table cell: escaped, single line, control characters dropped."""
    out = []
    for ch in str(text).replace("\r", " ").replace("\n", " "):
        if ch < " " or ch == "\x7f":
            continue
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(ch, ch))
    return "".join(out)


def g(v: float) -> str:
    """A number of points, briefly."""
    return f"{round(float(v), 2):g}"


@dataclass(frozen=True, slots=True)
class QuestionStats:
    id: str
    title: str
    max_score: float
    n: int
    mean: float             # over decided results only (pending ones would count as 0)
    full: int
    partial: int
    zero: int
    pending: int

    @property
    def fraction(self) -> float:
        """Mean score as a fraction of the maximum (0 when the question is worth 0)."""
        return self.mean / self.max_score if self.max_score > 0 else 0.0


def is_pending(q: QuestionResult) -> bool:
    return q.status == Status.NEEDS_REVIEW or q.pending_review > 0


def graded(run: RunResult) -> list[SubmissionResult]:
    return [s for s in run.submissions if s.status == "graded"]


def question_stats(run: RunResult) -> list[QuestionStats]:
    """Per-question statistics over graded hand-ins, in rubric (first-seen) order."""
    groups: dict[str, list[QuestionResult]] = {}
    for sub in graded(run):
        for q in sub.questions:
            groups.setdefault(q.id, []).append(q)
    out = []
    for qid, qs in groups.items():
        decided = [q for q in qs if not is_pending(q)]
        out.append(QuestionStats(
            id=qid, title=qs[0].title, max_score=qs[0].max_score, n=len(qs),
            mean=statistics.fmean(q.score for q in decided) if decided else 0.0,
            full=sum(q.score >= q.max_score - _EPS and q.max_score > 0 for q in decided),
            partial=sum(_EPS < q.score < q.max_score - _EPS for q in decided),
            zero=sum(q.score <= _EPS for q in decided),
            pending=len(qs) - len(decided)))
    return out


def worst(stats: Iterable[QuestionStats], n: int = 5) -> list[QuestionStats]:
    return sorted((s for s in stats if s.max_score > 0), key=lambda s: (s.fraction, s.id))[:n]


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(r) + " |" for r in rows])


def render(run: RunResult) -> str:
    """The Markdown summary of a run (under ``LIMIT`` bytes)."""
    subs = graded(run)
    scores = [s.score for s in subs]
    lines = [f"## Grading summary: {md(run.rubric_title)}", ""]
    counts = Counter(s.status for s in run.submissions)
    lines.append(f"{len(run.submissions)} hand-in(s): "
                 + (", ".join(f"{n} {md(k)}" for k, n in sorted(counts.items())) or "none"))
    lines.append("")
    if scores:
        lines += _table(["graded", "mean", "median", "min", "max", "out of", "pending review"],
                        [[str(len(scores)), g(statistics.fmean(scores)), g(statistics.median(scores)),
                          g(min(scores)), g(max(scores)), g(run.max_score),
                          str(sum(s.pending_review > 0 for s in subs))]])
    else:
        lines.append("No hand-in was graded.")
    stats = question_stats(run)
    if stats:
        lines += ["", "### Questions", ""]
        lines += _table(["question", "title", "mean", "max", "full", "partial", "zero", "pending"],
                        [[md(s.id), md(s.title), g(s.mean), g(s.max_score), str(s.full),
                          str(s.partial), str(s.zero), str(s.pending)] for s in stats])
        lines += ["", "### Hardest questions", ""]
        lines += [f"{i}. **{md(s.id)}** {md(s.title)}: mean {g(s.mean)} / {g(s.max_score)} "
                  f"({s.fraction:.0%})" for i, s in enumerate(worst(stats), 1)]
    lines += ["", "### Hand-ins", ""]
    head = "\n".join(lines) + "\n"
    rows = _table(["id", "status", "score", "pending", "max"], [])
    size = len(head.encode()) + sum(len(r.encode()) + 1 for r in rows)
    shown = 0
    for sub in run.submissions:
        row = (f"| {md(sub.id)} | {md(sub.status)} | {g(sub.score)} | "
               f"{g(sub.pending_review)} | {g(sub.max_score)} |")
        if shown >= MAX_ROWS or size + len(row.encode()) + 200 > LIMIT:
            break
        rows.append(row)
        size += len(row.encode()) + 1
        shown += 1
    if shown < len(run.submissions):
        rows.append("")
        rows.append(f"_Table cut: {shown} of {len(run.submissions)} hand-ins shown; "
                    f"see results.json for all._")
    return head + "\n".join(rows) + "\n"


def append_github_summary(run: RunResult) -> bool:
    """Append ``render(run)`` to ``$GITHUB_STEP_SUMMARY``; False when unset or unwritable."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(render(run) + "\n")
    except OSError:
        return False
    return True
