"""Bounded, memoised evaluation of written checks.

Every parse and comparison of student math runs in a ``MathPool`` worker process with a
time and memory budget; a timeout or a crash becomes ``needs_review``, never a hang and
never ``incorrect``. Verdicts are memoised by (check, statements read): a class of 500
costs little more than its distinct answers. Thread-safe.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from grader import profile
from grader.answers.extract import Statement
from grader.checks.written import Outcome, evaluate
from grader.results import Status


def _normalised(stmt: Statement) -> tuple[Any, ...]:
    """What a verdict depends on: the segments (spacing folded) and boxing, not where they stand."""
    return (tuple(" ".join(seg.split()) for seg in stmt.segments), stmt.boxed)


def _unbind(outcome: Outcome, cands: tuple[Statement, ...]) -> tuple[Outcome, int | None]:
    index = next((i for i, s in enumerate(cands) if s == outcome.statement), None)
    return replace(outcome, statement=None), index


def _rebind(stored: tuple[Outcome, int | None], cands: tuple[Statement, ...]) -> Outcome:
    outcome, index = stored
    return replace(outcome, statement=cands[index] if index is not None else None)


class MathService:
    def __init__(self, processes: int = 1, timeout_s: float = 5.0, memory_mb: int = 1024, seed: int = 0):
        from grader.maths import MathPool

        self.pool = MathPool(processes=processes, timeout_s=timeout_s, memory_mb=memory_mb)
        self.timeout_s = timeout_s
        self.seed = seed
        self._memo: dict[tuple[Any, ...], tuple[Outcome, int | None]] = {}
        self._pending: dict[tuple[Any, ...], threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def evaluate(self, check: Any, cands: tuple[Statement, ...]) -> Outcome:
        """The verdict on these statements; the same math read elsewhere reuses it."""
        key = (check.id, check.points, tuple(_normalised(s) for s in cands))
        while True:
            with self._lock:
                if key in self._memo:
                    self.hits += 1
                    profile.count("math_memo_hits")
                    return _rebind(self._memo[key], cands)
                event = self._pending.get(key)
                if event is None:
                    event = self._pending[key] = threading.Event()
                    break
            event.wait()   # another thread is computing the same verdict
        try:
            with profile.stage("math_compute"):
                outcome = self._compute(check, cands)
            with self._lock:
                self.misses += 1
                self._memo[key] = _unbind(outcome, cands)
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
