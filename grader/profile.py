"""Stage timings for the benchmark: ``GRADER_PROFILE=1 grader grade ...``.

When the variable is set, ``grader grade`` prints one line ``grader-profile: {json}`` to
stderr after the reports are written: wall seconds per stage (summed over grading threads,
so stages can exceed the wall time with several jobs) and counts. Off, it costs nothing.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Any, Iterator

ENABLED = os.environ.get("GRADER_PROFILE", "") not in ("", "0")
T0 = time.perf_counter()   # first import of grader: the start-up stage ends where grading begins

_lock = threading.Lock()
_stages: dict[str, float] = defaultdict(float)
_counts: dict[str, int] = defaultdict(int)


@contextmanager
def stage(name: str) -> Iterator[None]:
    if not ENABLED:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - started)


def add(name: str, seconds: float, count: int = 1) -> None:
    if ENABLED:
        with _lock:
            _stages[name] += seconds
            _counts[name] += count


def count(name: str, n: int = 1) -> None:
    if ENABLED:
        with _lock:
            _counts[name] += n


def line(**extra: Any) -> str:
    with _lock:
        doc = {**extra, "stages": {k: round(v, 4) for k, v in sorted(_stages.items())},
               "counts": dict(sorted(_counts.items()))}
    return "grader-profile: " + json.dumps(doc, separators=(",", ":"))
