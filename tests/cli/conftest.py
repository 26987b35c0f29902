"""The CLI tests share the generator and helpers of tests/batch."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "batch"))

from classgen import written_rubric  # noqa: E402


@pytest.fixture(scope="session")
def written_cli(tmp_path_factory) -> str:
    return written_rubric(str(tmp_path_factory.mktemp("rubric_cli") / "final_exam_written.yaml"))
