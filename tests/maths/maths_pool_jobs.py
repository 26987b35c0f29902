"""Module-level jobs for the MathPool tests (must be importable in the worker)."""
from __future__ import annotations

import time


def sleep_forever() -> None:
    while True:
        time.sleep(1)


def spin_forever() -> None:
    x = 0
    while True:
        x += 1


def allocate_10gb() -> int:
    return len(bytearray(10 * 1024 ** 3))


def grow_forever() -> None:
    chunks = []
    while True:
        chunks.append(bytearray(50 * 1024 ** 2))


def add(a: int, b: int) -> int:
    return a + b


def boom(msg: str) -> None:
    raise ValueError(msg)
