"""grader review -> a person fills the CSV -> grader grade --reviews merges without re-grading."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil

import pytest
from classgen import EXAMPLES, outputs_snapshot, run_cli


@pytest.fixture()
def graded(tmp_path, written_cli):
    hand_ins = tmp_path / "class"
    for name in ("full_marks", "seed_student"):
        shutil.copytree(os.path.join(EXAMPLES, name), hand_ins / name)
    # an answer that a spreadsheet would take for a formula
    nb_path = hand_ins / "seed_student" / "final_exam.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if "".join(nb["cells"][i - 1]["source"]).strip() == "### Answer 6":
            cell["source"] = "=HYPERLINK(\"x\") log of 0 gives -inf, \"quoted\", with, commas\nand a new line"
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / "grades"
    proc = run_cli("grade", written_cli, str(hand_ins), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return str(hand_ins), str(out)


def _rows(path):
    raw = open(path, "rb").read()
    assert not raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)


def test_review_csv_lists_needs_review_items(graded, written_cli):
    _, out = graded
    proc = run_cli("review", written_cli, "--results", os.path.join(out, "results.json"))
    assert proc.returncode == 0, proc.stderr
    path = os.path.join(out, "reviews.csv")
    text = open(path, encoding="utf-8").read()
    assert text.splitlines()[0].startswith('"handin","question","check"')
    rows = _rows(path)
    results = json.load(open(os.path.join(out, "results.json"), encoding="utf-8"))
    expected = {(s["id"], q["id"], c["name"]) for s in results["submissions"] for q in s["questions"]
                for c in q["checks"] if c["status"] == "needs_review"}
    assert {(r["handin"], r["question"], r["check"]) for r in rows} == expected
    for r in rows:
        assert r["score"] == "" and r["comment"] == "" and float(r["max_score"]) > 0
    seed6 = next(r for r in rows if r["handin"] == "seed_student" and r["question"] == "6")
    assert seed6["answer"].startswith("'=HYPERLINK")          # never a formula in Excel
    assert "\n" in seed6["answer"] and '"quoted", with, commas' in seed6["answer"]
    assert seed6["suggested_score"] != "" and seed6["suggested_because"]


def test_merge_reviews_updates_every_output_without_regrading(graded, written_cli):
    hand_ins, out = graded
    run_cli("review", written_cli, "--results", out)
    path = os.path.join(out, "reviews.csv")
    rows = _rows(path)
    marks = {}
    for i, r in enumerate(rows):
        mark = [0.0, float(r["max_score"]), float(r["max_score"]) / 2][i % 3]
        r["score"], r["comment"], r["reviewer"] = f"{mark:g}", f"comment {i}", "ana" if i % 2 else ""
        marks[(r["handin"], r["question"])] = mark
    rows[-1]["score"] = ""                                     # not reviewed yet
    del marks[(rows[-1]["handin"], rows[-1]["question"])]
    _write(path, rows)
    proc = run_cli("grade", written_cli, hand_ins, "--out", out, "--reviews", path)
    assert proc.returncode == 0, proc.stderr
    stats = json.load(open(os.path.join(out, ".cache", "last_run.json"), encoding="utf-8"))
    assert stats["graded"] == [] and stats["hits"] == 2        # no student work re-graded
    results = json.load(open(os.path.join(out, "results.json"), encoding="utf-8"))
    subs = {s["id"]: s for s in results["submissions"]}
    for (sid, qid), mark in marks.items():
        q = next(q for q in subs[sid]["questions"] if q["id"] == qid)
        assert q["score"] == pytest.approx(mark) and q["pending_review"] == 0
        assert q["status"] == ("incorrect" if mark == 0 else "correct" if mark == q["max_score"] else "partial")
        assert q["reviewed_by"] in ("ana", "reviewer")
        assert any("comment" in c["message"] for c in q["checks"])
    last = next(q for q in subs[rows[-1]["handin"]]["questions"] if q["id"] == rows[-1]["question"])
    assert last["status"] == "needs_review" and last["pending_review"] > 0
    for s in subs.values():
        assert s["score"] == pytest.approx(sum(q["score"] for q in s["questions"]))
        assert s["pending_review"] == pytest.approx(sum(q["pending_review"] for q in s["questions"]))
    grades = list(csv.DictReader(open(os.path.join(out, "grades.csv"), encoding="utf-8")))
    for g in grades:
        assert float(g["score"]) == pytest.approx(subs[g["id"]]["score"])
    md = open(os.path.join(out, "feedback", "full_marks.md"), encoding="utf-8").read()
    assert "comment 0" in md
    # reviewing again keeps every typed mark
    again = run_cli("review", written_cli, "--results", out)
    assert again.returncode == 0
    kept = {(r["handin"], r["question"], r["check"]): r["score"] for r in _rows(path)}
    assert kept == {(r["handin"], r["question"], r["check"]): r["score"] for r in rows}


def test_bad_review_file_is_rejected_and_nothing_written(graded, written_cli, tmp_path):
    hand_ins, out = graded
    run_cli("review", written_cli, "--results", out)
    rows = _rows(os.path.join(out, "reviews.csv"))
    rows[0]["score"] = "99"
    rows[1]["handin"], rows[1]["score"] = "nobody", "1"
    rows[2]["question"], rows[2]["score"] = "42", "1"
    rows[3]["score"] = "lots"
    bad = str(tmp_path / "bad.csv")
    _write(bad, rows)
    before = outputs_snapshot(out)
    mtime = os.path.getmtime(os.path.join(out, "results.json"))
    proc = run_cli("grade", written_cli, hand_ins, "--out", out, "--reviews", bad)
    assert proc.returncode == 2
    for row, word in ((2, "out of range"), (3, "unknown hand-in"), (4, "unknown question"), (5, "not a number")):
        assert f"row {row} " in proc.stderr and word in proc.stderr
    assert "nothing was written" in proc.stderr
    assert os.path.getmtime(os.path.join(out, "results.json")) == mtime
    assert outputs_snapshot(out) == before
