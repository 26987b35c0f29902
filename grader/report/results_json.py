"""``results.json``: the whole run as one JSON document (see docs/results-format.md)."""

from __future__ import annotations

import json
from pathlib import Path

from grader.report.files import write_atomic
from grader.results import RunResult


def write(run: RunResult, out_dir: Path) -> Path:
    path = Path(out_dir) / "results.json"
    write_atomic(path, json.dumps(run.to_json(), indent=2, ensure_ascii=False) + "\n")
    return path
