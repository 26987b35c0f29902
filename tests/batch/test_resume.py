"""Ctrl-C half-way, then the same command again: only the rest is graded, outputs equal a clean run's."""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys
import time

from classgen import cli_env, outputs_snapshot, run_cli, strip_times


def _cache_entries(out: str) -> set[str]:
    return {p for p in glob.glob(os.path.join(out, ".cache", "*.json")) if not p.endswith("last_run.json")}


def _stats(out: str) -> dict:
    with open(os.path.join(out, ".cache", "last_run.json"), encoding="utf-8") as fh:
        return json.load(fh)


def test_interrupt_then_resume_equals_clean_run(tmp_path, class_zip, written, clean_run):
    out = str(tmp_path / "grades")
    # a terminal's Ctrl-C: SIGINT to the whole process group (grader, math workers, sandbox)
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", written, class_zip.path, "--out", out,
                             "--jobs", "2"], env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(_cache_entries(out)) < 40 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr

    # complete reports for what was graded
    with open(os.path.join(out, "results.json"), encoding="utf-8") as fh:
        partial = json.load(fh)
    done_ids = {s["id"] for s in partial["submissions"]}
    assert 20 <= len(done_ids) < 200, (len(done_ids), stderr)
    clean = {s["id"]: s for s in json.load(open(os.path.join(clean_run, "results.json"), encoding="utf-8"))
             ["submissions"]}
    for s in partial["submissions"]:
        assert strip_times(s) == strip_times(clean[s["id"]])
    cached_before = len(_cache_entries(out))
    assert cached_before >= len(done_ids)

    # the same command again: only the rest is graded
    again = run_cli("grade", written, class_zip.path, "--out", out)
    assert again.returncode == 0, again.stderr
    stats = _stats(out)
    assert stats["hits"] == cached_before
    assert stats["misses"] == 200 - cached_before
    assert not set(stats["graded"]) & done_ids
    assert len(stats["graded"]) == 200 - cached_before

    assert outputs_snapshot(out) == outputs_snapshot(clean_run)

    # and once more: nothing left to grade
    third = run_cli("grade", written, class_zip.path, "--out", out)
    assert third.returncode == 0
    assert _stats(out)["graded"] == [] and _stats(out)["hits"] == 200
    assert outputs_snapshot(out) == outputs_snapshot(clean_run)


def test_no_cache_grades_everything(tmp_path, written):
    from classgen import ROOT

    out = str(tmp_path / "grades")
    examples = os.path.join(ROOT, "submissions_example")
    first = run_cli("grade", written, examples, "--out", out)
    assert first.returncode == 0, first.stderr
    assert "graded 4 hand-in(s), reused 0" in first.stderr
    assert _stats(out)["stored"] == 4
    snap = outputs_snapshot(out)
    again = run_cli("grade", written, examples, "--out", out, "--no-cache")
    assert again.returncode == 0, again.stderr
    assert "graded 4 hand-in(s), reused 0" in again.stderr
    assert outputs_snapshot(out) == snap
