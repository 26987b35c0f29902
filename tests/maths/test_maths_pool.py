"""MathPool: budgets (time, memory), worker replacement, exceptions, threads."""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from grader.maths import MathPool, MathResourceError, MathTimeout, ParseFailure, Symbols
from grader.maths.jobs import compare_job, parse_job

sys.path.insert(0, str(Path(__file__).parent))
import maths_pool_jobs as jobs  # noqa: E402


@pytest.fixture(scope="module")
def pool():
    with MathPool(processes=2, timeout_s=5.0, memory_mb=1024) as p:
        p.call(jobs.add, 1, 1)  # warm one worker
        yield p


def test_call_returns_result_and_reraises(pool):
    assert pool.call(jobs.add, 2, 3) == 5
    with pytest.raises(ValueError, match="nope"):
        pool.call(jobs.boom, "nope")


def test_parse_failure_crosses_the_process_boundary(pool):
    S = Symbols.from_decls({"x": "real"})
    with pytest.raises(ParseFailure) as info:
        pool.call(parse_job, "rac{1}{2}", S)
    assert "unknown name 'rac'" in str(info.value) and info.value.position == 0


@pytest.mark.parametrize("fn", [jobs.sleep_forever, jobs.spin_forever])
def test_timeout_kills_and_replaces_the_worker(pool, fn):
    t0 = time.monotonic()
    with pytest.raises(MathTimeout):
        pool.call(fn, timeout_s=1.0)
    assert time.monotonic() - t0 < 1.0 + 2.0
    assert pool.call(jobs.add, 20, 22) == 42


@pytest.mark.parametrize("fn", [jobs.allocate_10gb, jobs.grow_forever])
def test_memory_budget(pool, fn):
    t0 = time.monotonic()
    with pytest.raises(MathTimeout) as info:  # MathResourceError is a MathTimeout
        pool.call(fn, timeout_s=3.0)
    assert time.monotonic() - t0 < 3.0 + 2.0
    assert isinstance(info.value, (MathResourceError, MathTimeout))
    assert pool.call(jobs.add, 1, 2) == 3


def test_concurrent_calls_from_threads(pool):
    S = Symbols.from_decls({"z_0": "real", "z_1": "real"})
    results: dict[int, object] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            if k % 3 == 0:
                results[k] = pool.call(compare_job, "z = -(z_1 - z_0)", "z_0 - z_1", S).equal
            elif k % 3 == 1:
                results[k] = pool.call(compare_job, "z_1 - z_0", "z_0 - z_1", S).equal
            else:
                results[k] = pool.call(jobs.add, k, k)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    for k in range(9):
        assert results[k] == ({0: True, 1: False}.get(k % 3, 2 * k))


def test_timeout_in_one_thread_does_not_disturb_others(pool):
    out: list = []

    def slow() -> None:
        try:
            pool.call(jobs.sleep_forever, timeout_s=1.0)
        except MathTimeout:
            out.append("timeout")

    t = threading.Thread(target=slow)
    t.start()
    assert [pool.call(jobs.add, k, 1) for k in range(5)] == [1, 2, 3, 4, 5]
    t.join(10)
    assert out == ["timeout"]


def test_closed_pool_refuses():
    p = MathPool(processes=1, timeout_s=2.0)
    p.close()
    with pytest.raises(RuntimeError):
        p.call(jobs.add, 1, 1)
