"""Report writers. ``write_all`` writes every output of a run into one folder.

A run whose results are exactly those of the previous run into the same folder (a re-run with
nothing changed) leaves the reports alone when every file the previous run wrote is still there,
untouched: ``.cache/reports/manifest.json`` records the digest of what they were written from and each
file's size and modification time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from grader.errors import ReportError
from grader.report import feedback, grades_csv, results_json
from grader.report.files import write_atomic
from grader.results import RunResult
from grader.rubric.model import Rubric

MANIFEST = Path(".cache") / "reports" / "manifest.json"


def write_all(run: RunResult, rubric: Rubric, out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results_text = results_json.dumps(run.to_json())
    digest = _digest(results_text, [q.id for q in rubric.questions])
    failures: list[str] = []
    written = _unchanged(out, digest)
    if written is None:
        written = _write_every_report(run, rubric, out, results_text, failures)
        if not failures:
            _record(out, digest, written)
    from grader.report import summary_md

    # a CI step's summary is per step, not per folder: appended on unchanged runs too
    _attempt(failures, "GitHub step summary", lambda: summary_md.append_github_summary(run))
    if failures:
        raise ReportError(failures)
    return written


def _attempt(failures: list[str], what: str, write: Callable[[], Any]) -> list[Path]:
    """One writer; its failure is recorded and the other writers still run."""
    try:
        got = write()
    except Exception as exc:  # noqa: BLE001 - a broken writer must not cost the other reports
        failures.append(f"{what}: {type(exc).__name__}: {exc}")
        return []
    return [p for p in (got if isinstance(got, list) else [got]) if p is not None]


def _write_every_report(run: RunResult, rubric: Rubric, out: Path, results_text: str,
                        failures: list[str]) -> list[Path]:
    from grader.report import gradescope, html, junit, markus

    writers: list[tuple[str, Callable[[], Any]]] = [
        ("results.json", lambda: results_json.write(results_text, out)),
        ("grades.csv", lambda: grades_csv.write(run, [q.id for q in rubric.questions], out)),
        ("feedback/", lambda: feedback.write(run, out)),
        ("markus_grades.csv", lambda: markus.write_grades_csv(run, out)),
        ("gradescope/", lambda: gradescope.write(run, out)),
        ("junit.xml", lambda: junit.write(run, out)),
        ("summary.html", lambda: html.write(run, out)),
    ]
    return [p for what, write in writers for p in _attempt(failures, what, write)]


def _digest(results_text: str, question_ids: list[str]) -> str:
    """What the reports are a function of: the results, the question order, and the writers' code."""
    h = hashlib.sha256(results_text.encode("utf-8"))
    h.update(json.dumps(question_ids).encode("utf-8"))
    here = Path(__file__).parent
    for path in sorted(here.glob("*.py")) + sorted(here.glob("templates/*")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _files(written: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in written:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file())
        elif p.is_file():
            files.append(p)
    return files


def _record(out: Path, digest: str, written: list[Path]) -> None:
    files = {}
    for f in _files(written):
        st = f.stat()
        files[os.path.relpath(f, out)] = [st.st_size, st.st_mtime_ns]
    doc = {"digest": digest, "written": [os.path.relpath(p, out) for p in written], "files": files}
    try:
        write_atomic(out / MANIFEST, json.dumps(doc, ensure_ascii=False) + "\n")
    except OSError:   # the manifest only saves time; without it the next run rewrites everything
        pass


def _unchanged(out: Path, digest: str) -> list[Path] | None:
    """The previous run's outputs when they were written from the same digest and are untouched."""
    try:
        doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if doc.get("digest") != digest or not doc.get("files"):
            return None
        for rel, (size, mtime) in doc["files"].items():
            st = (out / rel).stat()
            if st.st_size != size or st.st_mtime_ns != mtime:
                return None
        return [out / p for p in doc["written"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None
