"""--executor dask on a LocalCluster on loopback equals the local executor."""

from __future__ import annotations

import os
import shutil

import pytest
from classgen import EXAMPLES, RUBRIC, outputs_snapshot, run_cli

pytest.importorskip("distributed")


def test_dask_local_cluster_equals_local_executor(tmp_path):
    hand_ins = tmp_path / "class"
    for name in ("full_marks", "template"):          # Part B code runs in each worker's sandbox
        shutil.copytree(os.path.join(EXAMPLES, name), hand_ins / name)
    (hand_ins / "Équipe vide").mkdir()
    local, dask_out = tmp_path / "local", tmp_path / "dask"
    a = run_cli("grade", RUBRIC, str(hand_ins), "--out", str(local), "--jobs", "2")
    assert a.returncode == 0, a.stderr
    b = run_cli("grade", RUBRIC, str(hand_ins), "--out", str(dask_out), "--jobs", "2", "--executor", "dask")
    assert b.returncode == 0, b.stderr
    assert "graded 3 hand-in(s)" in b.stderr
    assert outputs_snapshot(str(dask_out)) == outputs_snapshot(str(local))
    # the dask run filled the same cache: a local re-run reuses it
    c = run_cli("grade", RUBRIC, str(hand_ins), "--out", str(dask_out))
    assert "graded 0 hand-in(s), reused 3" in c.stderr


def test_payload_round_trip(tmp_path):
    from grader.batch.cache import handin_hash
    from grader.batch.dask_exec import handin_payload, materialize, rubric_bundle
    from grader.handin.discover import discover

    (item,) = discover([os.path.join(EXAMPLES, "seed_student")])
    back = materialize(handin_payload(item), str(tmp_path))
    assert back.id == item.id and handin_hash(back) == handin_hash(item)
    names = {n for n, _ in rubric_bundle(RUBRIC).files}
    assert {"final_exam.yaml", "final_exam/reference.py", "final_exam/test_part_b.py"} <= names
