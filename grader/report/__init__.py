"""Report writers. ``write_all`` writes every output of a run into one folder."""

from __future__ import annotations

from pathlib import Path

from grader.report import feedback, grades_csv, results_json
from grader.results import RunResult
from grader.rubric.model import Rubric


def write_all(run: RunResult, rubric: Rubric, out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [results_json.write(run, out), grades_csv.write(run, [q.id for q in rubric.questions], out)]
    written += feedback.write(run, out)
    written += _optional_writers(run, out)
    return written


def _optional_writers(run: RunResult, out: Path) -> list[Path]:
    """MarkUs, Gradescope, JUnit, HTML and step-summary outputs."""
    paths: list[Path] = []
    try:
        from grader.report import gradescope, html, junit, markus, summary_md
    except ImportError:  # pragma: no cover - until every writer has landed
        return paths
    paths.append(markus.write_grades_csv(run, out))
    paths.append(gradescope.write(run, out))
    paths.append(junit.write(run, out))
    paths.append(html.write(run, out))
    summary_md.append_github_summary(run)
    return paths
