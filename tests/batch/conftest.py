"""Session fixtures: a generated 200-group MarkUs zip and its clean graded run."""

from __future__ import annotations

import os

import pytest
from classgen import ClassZip, make_class_zip, run_cli, written_rubric


@pytest.fixture(scope="session")
def class_zip(tmp_path_factory) -> ClassZip:
    folder = tmp_path_factory.mktemp("class")
    return make_class_zip(str(folder / "A1_instructor.zip"), n_groups=200)


@pytest.fixture(scope="session")
def written(tmp_path_factory) -> str:
    return written_rubric(str(tmp_path_factory.mktemp("rubric") / "final_exam_written.yaml"))


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory, class_zip, written) -> str:
    """The class graded once from scratch through the CLI; returns the --out folder."""
    out = str(tmp_path_factory.mktemp("clean") / "grades")
    proc = run_cli("grade", written, class_zip.path, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert os.path.exists(os.path.join(out, "results.json"))
    return out
