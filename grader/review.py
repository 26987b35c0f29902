"""The review loop: free-text and undecided checks out to a CSV, a person's marks back in.

``grader review`` writes one row per check waiting for a person (``needs_review``):

    handin, question, check, max_score, suggested_score, score, comment, reviewer,
    suggested_because, guidance, answer

UTF-8 without a BOM, every cell quoted, LF line ends (Excel, LibreOffice and pandas open
it). The instructor fills ``score`` (and optionally ``comment``, ``reviewer``); a blank
``score`` means "not reviewed yet". Rows may also be added for any other check: a person's
mark always wins. Re-running ``grader review`` keeps every mark already typed in the file.

``grader grade ... --reviews FILE`` merges the marks (see ``apply_reviews``) without
re-running student code: the automatic results come from the cache. A file naming an
unknown hand-in, question or check, a score that is not a number or is outside
``0..max_score``, or the same check twice is rejected whole (``ReviewFileError``, every bad
row listed) before anything is written.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from grader.errors import GraderError
from grader.report.files import write_atomic
from grader.results import CheckResult, QuestionResult, RunResult, Status, SubmissionResult
from grader.rubric.model import Question, Rubric
from grader.scoring import question_result, totals

COLUMNS = ("handin", "question", "check", "max_score", "suggested_score", "score", "comment", "reviewer",
           "suggested_because", "guidance", "answer")
REQUIRED = ("handin", "question", "check", "score")
DEFAULT_REVIEWER = "reviewer"
_EXCEL_CELL_MAX = 32000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ReviewFileError(GraderError):
    """A review file that cannot be merged; ``problems`` lists every bad row."""

    def __init__(self, path: str, problems: Sequence[str]):
        self.path = path
        self.problems = list(problems)
        super().__init__(f"{path}: {len(self.problems)} problem(s) in the review file")


@dataclass(frozen=True, slots=True)
class Review:
    row: int            # the row number as a spreadsheet shows it (the header is row 1)
    handin: str
    question: str
    check: str
    score: float
    comment: str
    reviewer: str


# ---------------------------------------------------------------- check labels


def check_labels(question: Question) -> list[str]:
    """The ``check`` column of each of a question's checks: its name, ``name #n`` if names repeat."""
    names = [c.name for c in question.checks]
    return [n if names.count(n) == 1 else f"{n} #{i + 1}" for i, n in enumerate(names)]


def _result_labels(q: QuestionResult) -> list[str]:
    names = [c.name for c in q.checks]
    return [n if names.count(n) == 1 else f"{n} #{i + 1}" for i, n in enumerate(names)]


# ---------------------------------------------------------------- writing the file


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _text(s: str | None) -> str:
    """A display-only cell: never a formula in a spreadsheet, never over Excel's cell size."""
    s = (s or "").replace("\r\n", "\n")
    if len(s) > _EXCEL_CELL_MAX:
        s = s[:_EXCEL_CELL_MAX] + " [...truncated]"
    return "'" + s if s.startswith(_FORMULA_START) else s


def review_rows(run: RunResult) -> list[dict[str, str]]:
    """One row per check waiting for a person, in results order."""
    rows: list[dict[str, str]] = []
    for sub in run.submissions:
        if sub.status != "graded":
            continue
        for q in sub.questions:
            for label, c in zip(_result_labels(q), q.checks):
                if c.status is not Status.NEEDS_REVIEW:
                    continue
                because = c.details.get("suggested_because") or []
                rows.append({
                    "handin": sub.id, "question": q.id, "check": label, "max_score": _fmt(c.max_score),
                    "suggested_score": _fmt(c.suggested_score), "score": "", "comment": "", "reviewer": "",
                    "suggested_because": _text("; ".join(str(b) for b in because) if isinstance(because, list)
                                               else str(because)),
                    "guidance": _text(str(c.details.get("guidance") or c.message)),
                    "answer": _text(q.answer),
                })
    return rows


def _key(row: Mapping[str, str]) -> tuple[str, str, str]:
    return (row.get("handin", ""), row.get("question", ""), row.get("check", ""))


def render_csv(rows: Iterable[Mapping[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), quoting=csv.QUOTE_ALL, lineterminator="\n",
                       extrasaction="ignore")
    w.writeheader()
    for row in rows:
        w.writerow({c: row.get(c, "") for c in COLUMNS})
    return buf.getvalue()


@dataclass(frozen=True, slots=True)
class ReviewFileSummary:
    path: str
    rows: int
    waiting: int        # rows with a blank score
    kept: int           # marks carried over from the existing file


def write_review_file(run: RunResult, out_path: str) -> ReviewFileSummary:
    """Write (or refresh) the review CSV; marks already typed in an existing file are kept."""
    fresh = review_rows(run)
    old: list[dict[str, str]] = []
    if os.path.exists(out_path):
        old = [dict(r) for _, r in _read_rows(out_path)]
    old_by_key = {_key(r): r for r in old}
    kept = 0
    merged: list[dict[str, str]] = []
    for row in fresh:
        prev = old_by_key.pop(_key(row), None)
        if prev is not None and any((prev.get(c) or "").strip() for c in ("score", "comment", "reviewer")):
            row.update({c: prev.get(c) or "" for c in ("score", "comment", "reviewer")})
            kept += 1
        merged.append(row)
    # rows already merged (no longer needs_review) or added by hand stay in the file
    leftover = [r for r in old if _key(r) in old_by_key]
    kept += sum(1 for r in leftover if (r.get("score") or "").strip())
    order = {s.id: i for i, s in enumerate(run.submissions)}
    merged = sorted(merged + leftover, key=lambda r: order.get(r.get("handin", ""), len(order)))
    write_atomic(out_path, render_csv(merged))
    waiting = sum(1 for r in merged if not (r.get("score") or "").strip())
    return ReviewFileSummary(path=out_path, rows=len(merged), waiting=waiting, kept=kept)


# ---------------------------------------------------------------- reading the file


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:   # re-saved by a spreadsheet in the local code page
        return data.decode("cp1252", errors="replace")


def _read_rows(path: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = _decode(Path(path).read_bytes())
    except OSError as exc:
        raise ReviewFileError(path, [f"cannot read the file: {exc.strerror}"]) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)   # a spreadsheet may save with ';'
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for n, cells in enumerate(reader, start=1):
        if header is None:
            header = [c.strip().lower() for c in cells]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise ReviewFileError(path, [f"row 1: the header lacks column(s) {', '.join(missing)} "
                                             f"(expected {', '.join(COLUMNS)})"])
            continue
        if not any(c.strip() for c in cells):
            continue
        rows.append((n, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}))
    if header is None:
        raise ReviewFileError(path, ["the file is empty (no header row)"])
    return rows


def _number(text: str) -> float | None:
    t = text.strip().replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def read_reviews(path: str, rubric: Rubric, handin_ids: Iterable[str]) -> list[Review]:
    """The filled rows of a review file, checked against the rubric and the hand-ins.

    Raises ReviewFileError listing every bad row; blank-score rows are skipped.
    """
    ids = set(handin_ids)
    questions = {q.id: q for q in rubric.questions}
    problems: list[str] = []
    reviews: list[Review] = []
    seen: dict[tuple[str, str, str], int] = {}
    for n, row in _read_rows(path):
        raw = (row.get("score") or "").strip()
        if not raw:
            continue
        hid, qid, label = row.get("handin", ""), row.get("question", "").strip(), row.get("check", "")
        where = f"row {n} ({hid!r}, question {qid!r}, check {label!r})"
        bad = False
        if hid not in ids:
            problems.append(f"{where}: unknown hand-in {hid!r}")
            bad = True
        q = questions.get(qid)
        if q is None:
            problems.append(f"{where}: unknown question {qid!r}")
            continue
        labels = check_labels(q)
        if label not in labels:
            problems.append(f"{where}: question {qid} has no check {label!r} (its checks: "
                            f"{', '.join(repr(x) for x in labels)})")
            continue
        spec = q.checks[labels.index(label)]
        score = _number(raw)
        if score is None:
            problems.append(f"{where}: score {raw!r} is not a number")
            bad = True
        elif not 0 <= score <= spec.points + 1e-9:
            problems.append(f"{where}: score {raw} is out of range 0..{spec.points:g}")
            bad = True
        key = (hid, qid, label)
        if key in seen:
            problems.append(f"{where}: the same check was already marked on row {seen[key]}")
            bad = True
        seen.setdefault(key, n)
        if not bad and score is not None:
            reviews.append(Review(row=n, handin=hid, question=qid, check=label, score=score,
                                  comment=(row.get("comment") or "").strip(),
                                  reviewer=(row.get("reviewer") or "").strip() or DEFAULT_REVIEWER))
    if problems:
        raise ReviewFileError(path, problems)
    return reviews


# ---------------------------------------------------------------- merging


def _status_by_mark(score: float, max_score: float) -> Status:
    if max_score > 0 and score >= max_score - 1e-9:
        return Status.CORRECT
    return Status.PARTIAL if score > 0 else Status.INCORRECT


def _reviewed_check(c: CheckResult, r: Review) -> CheckResult:
    msg = f"reviewed by {r.reviewer}: {r.score:g}/{c.max_score:g}" + (f". {r.comment}" if r.comment else "")
    details = dict(c.details)
    details.update(reviewed_by=r.reviewer, automatic={"score": c.score, "status": str(c.status)})
    if r.comment:
        details["review_comment"] = r.comment
    return replace(c, score=r.score, status=_status_by_mark(r.score, c.max_score), message=msg, details=details)


def _reviewed_question(q: QuestionResult, marks: Mapping[str, Review]) -> QuestionResult:
    checks = tuple(_reviewed_check(c, marks[label]) if label in marks else c
                   for label, c in zip(_result_labels(q), q.checks))
    new = question_result(qid=q.id, title=q.title, max_score=q.max_score, checks=checks)
    status = new.status if new.status is Status.NEEDS_REVIEW else _status_by_mark(new.score, new.max_score)
    who = ", ".join(dict.fromkeys(r.reviewer for r in marks.values()))
    return replace(new, answer=q.answer, status=status, reviewed_by=who)


def apply_reviews(subs: Sequence[SubmissionResult], reviews: Sequence[Review],
                  path: str = "reviews") -> list[SubmissionResult]:
    """Merge a person's marks into the results; raises ReviewFileError for a row that cannot apply."""
    by_sub: dict[str, dict[str, dict[str, Review]]] = {}
    for r in reviews:
        by_sub.setdefault(r.handin, {}).setdefault(r.question, {})[r.check] = r
    problems: list[str] = []
    out: list[SubmissionResult] = []
    for sub in subs:
        marks = by_sub.get(sub.id)
        if not marks:
            out.append(sub)
            continue
        if sub.status != "graded":
            rows = sorted(r.row for q in marks.values() for r in q.values())
            problems.append(f"row(s) {', '.join(map(str, rows))}: hand-in {sub.id!r} has status {sub.status}, "
                            "nothing to review")
            continue
        questions = tuple(_reviewed_question(q, marks[q.id]) if q.id in marks else q for q in sub.questions)
        score, pending, max_score = totals(questions)
        out.append(replace(sub, questions=questions, score=score, pending_review=pending, max_score=max_score))
    if problems:
        raise ReviewFileError(path, problems)
    return out


# ---------------------------------------------------------------- the `grader review` command


def results_path(path: str) -> str:
    return os.path.join(path, "results.json") if os.path.isdir(path) else path


def write_review_from_results(rubric_path: str, results: str, out: str | None) -> tuple[ReviewFileSummary, list[str]]:
    """Read results.json (or the folder holding it) and write the review CSV; returns (summary, warnings)."""
    import json

    from grader.batch.records import run_from_json
    from grader.rubric.load import load_rubric

    rubric = load_rubric(rubric_path)
    path = results_path(results)
    try:
        run = run_from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise ReviewFileError(path, [f"cannot read the results: {exc.strerror}"]) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ReviewFileError(path, [f"not a grader results.json ({type(exc).__name__}: {exc})"]) from None
    warnings = []
    if run.rubric_sha256 and run.rubric_sha256 != rubric.sha256:
        warnings.append(f"{path} was graded with another version of {rubric_path} (sha256 differs); "
                        "grade again before reviewing")
    target = out or os.path.join(os.path.dirname(os.path.abspath(path)), "reviews.csv")
    return write_review_file(run, target), warnings
