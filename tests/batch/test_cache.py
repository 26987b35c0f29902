"""The cache key and the record round trip, without grading."""

from __future__ import annotations

import json
import os
import shutil

from classgen import EXAMPLES, RUBRIC

from grader.batch.cache import handin_hash, open_cache, rubric_fingerprint, rubric_files
from grader.batch.records import run_from_json, submission_from_json
from grader.handin.discover import discover


def test_results_json_round_trips(clean_run):
    with open(os.path.join(clean_run, "results.json"), encoding="utf-8") as fh:
        doc = json.load(fh)
    assert run_from_json(doc).to_json() == doc
    for s in doc["submissions"]:
        assert submission_from_json(s).to_json() == s


def test_handin_hash_covers_names_and_bytes_of_every_file(tmp_path):
    a = tmp_path / "export" / "g1"
    shutil.copytree(os.path.join(EXAMPLES, "seed_student"), a)
    (item,) = discover([str(a)])
    h0 = handin_hash(item)
    (a / "data.csv").write_text("1,2\n")           # not a hand-in file, still part of the hand-in
    h1 = handin_hash(item)
    nb = a / "final_exam.ipynb"
    nb.write_bytes(nb.read_bytes().replace(b"Answer", b"Answer", 1) + b" ")
    h2 = handin_hash(item)
    os.rename(a / "data.csv", a / "data2.csv")
    h3 = handin_hash(item)
    assert len({h0, h1, h2, h3}) == 4


def test_rubric_fingerprint_covers_the_files_it_names(tmp_path):
    shutil.copy(RUBRIC, tmp_path / "final_exam.yaml")
    shutil.copytree(os.path.join(os.path.dirname(RUBRIC), "final_exam"), tmp_path / "final_exam")
    rubric = str(tmp_path / "final_exam.yaml")
    names = {n for n, _ in rubric_files(rubric)}
    assert {"final_exam.yaml", "final_exam/reference.py", "final_exam/test_part_b.py"} <= names
    f0 = rubric_fingerprint(rubric)
    with open(tmp_path / "final_exam" / "reference.py", "a") as fh:
        fh.write("\n# a fix to the reference\n")
    assert rubric_fingerprint(rubric) != f0


def test_cache_put_get_and_internal_errors_are_not_kept(tmp_path, clean_run):
    from dataclasses import replace

    (item,) = discover([os.path.join(EXAMPLES, "seed_student")])
    with open(os.path.join(clean_run, "results.json"), encoding="utf-8") as fh:
        sub = submission_from_json(json.load(fh)["submissions"][-1])
    sub = replace(sub, id=item.id, path=item.path)
    cache = open_cache(str(tmp_path), RUBRIC, "0.0-test")
    assert cache.get(item) is None
    assert cache.put(item, sub)
    assert cache.get(item).to_json() == sub.to_json()
    other = open_cache(str(tmp_path), RUBRIC, "0.0-other-version")
    assert other.get(item) is None
    broken = replace(sub, status="error", message="internal grader error: boom")
    fresh = open_cache(str(tmp_path / "b"), RUBRIC, "0.0-test")
    assert not fresh.put(item, broken) and fresh.get(item) is None
