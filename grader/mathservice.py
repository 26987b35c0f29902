"""Bounded, memoised evaluation of written checks.

Every parse and comparison of student math runs in a ``MathPool`` worker process with a
time and memory budget; a timeout or a crash becomes ``needs_review``, never a hang and
never ``incorrect``. Verdicts are memoised by (check, statements read): a class of 500
costs little more than its distinct answers. Thread-safe.
"""

from __future__ import annotations

import threading
from typing import Any

from grader.answers.extract import Statement
from grader.checks.written import Outcome, evaluate
from grader.results import Status


class MathService:
    def __init__(self, processes: int = 1, timeout_s: float = 5.0, memory_mb: int = 1024, seed: int = 0):
        from grader.maths import MathPool

        self.pool = MathPool(processes=processes, timeout_s=timeout_s, memory_mb=memory_mb)
        self.timeout_s = timeout_s
        self.seed = seed
        self._memo: dict[tuple[Any, ...], Outcome] = {}
        self._pending: dict[tuple[Any, ...], threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def evaluate(self, check: Any, cands: tuple[Statement, ...]) -> Outcome:
        key = (check.id, check.points, cands)
        while True:
            with self._lock:
                if key in self._memo:
                    self.hits += 1
                    return self._memo[key]
                event = self._pending.get(key)
                if event is None:
                    event = self._pending[key] = threading.Event()
                    break
            event.wait()   # another thread is computing the same verdict
        try:
            outcome = self._compute(check, cands)
            with self._lock:
                self.misses += 1
                self._memo[key] = outcome
            return outcome
        finally:
            with self._lock:
                self._pending.pop(key, None)
            event.set()

    def _compute(self, check: Any, cands: tuple[Statement, ...]) -> Outcome:
        from grader.maths import MathTimeout

        timeout = getattr(check.limits, "math_timeout_s", self.timeout_s)
        try:
            return self.pool.call(evaluate, check.params, check.points, cands, self.seed, timeout_s=timeout)
        except MathTimeout as exc:
            return Outcome(Status.NEEDS_REVIEW, 0.0, None, cands[0] if cands else None,
                           f"reading this answer exceeded the {timeout:g} s / memory budget ({exc})")
        except Exception as exc:  # a bug of ours must not become a student's zero
            return Outcome(Status.NEEDS_REVIEW, 0.0, None, cands[0] if cands else None,
                           f"internal error while reading the answer: {type(exc).__name__}: {exc}")

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> "MathService":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
