"""The Markdown summary for $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import dataclasses

from report_fixtures import SECRET, make_big_run

from grader.report import summary_md
from grader.results import RunResult


def test_render_sections_and_stats(run: RunResult):
    text = summary_md.render(run)
    assert text.startswith("## Grading summary: Final &lt;exam&gt; &amp; co")
    assert "6 hand-in(s): 1 error, 4 graded, 1 no\\_submission" in text
    # graded scores 9, 1, 0, 0 -> mean 2.5, median 0.5
    assert "| 4 | 2.5 | 0.5 | 0 | 9 | 10 | 2 |" in text
    assert "| 2.2 | Beta &amp; &lt;gamma&gt; | 1 | 3 | 1 | 1 | 2 | 0 |" in text
    assert "| 3 | Explain | 2 | 5 | 0 | 1 | 1 | 2 |" in text
    assert "1. **1** Limit: mean 0.5 / 2 (25%)" in text
    for sid in ("group\\_0001", "Team Rocket", "élève Zoë", "crashy", "empty group"):
        assert f"| {sid} |" in text
    assert "<" not in text.replace("&lt;", "") and SECRET not in text
    assert not any(ch < " " and ch != "\n" for ch in text)
    for line in text.splitlines():
        if line.startswith("|"):
            assert line.count(" | ") == line.replace("\\|", "").count(" | ")


def test_question_stats(run: RunResult):
    stats = {s.id: s for s in summary_md.question_stats(run)}
    assert (stats["1"].full, stats["1"].partial, stats["1"].zero, stats["1"].pending) == (1, 0, 3, 0)
    assert stats["3"].n == 4 and stats["3"].pending == 2
    assert [s.id for s in summary_md.worst(stats.values(), 2)] == ["1", "2.2"]
    assert stats["3"].mean == 2.0                                   # pending ones left out


def test_empty_run(empty_run):
    text = summary_md.render(empty_run)
    assert "0 hand-in(s): none" in text and "No hand-in was graded." in text


def test_huge_run_is_truncated_under_limit():
    run = make_big_run(200)
    long = tuple(dataclasses.replace(s, id=f"{s.id}_" + "x" * 300) for s in run.submissions)
    run = dataclasses.replace(run, submissions=long * 20)          # 4000 rows of ~330 bytes
    text = summary_md.render(run)
    assert len(text.encode()) < 1024 * 1024
    assert "_Table cut:" in text and "of 4000 hand-ins shown" in text


def test_append_github_summary(run: RunResult, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert summary_md.append_github_summary(run) is False
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert summary_md.append_github_summary(run) is True
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## Grading summary")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "dir" / "x.md"))
    assert summary_md.append_github_summary(run) is False
