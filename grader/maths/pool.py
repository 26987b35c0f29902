"""``MathPool``: persistent worker processes with a wall-clock and memory budget per call.

Workers are started with the "forkserver" start method (the parent may be multi-threaded), preload
sympy and this package, and run trusted module-level functions sent by pickle. A call that exceeds its
budget gets its worker SIGKILLed and replaced; it never hangs the caller.
"""
from __future__ import annotations

import multiprocessing as mp
import pickle
import threading
import time
from typing import Any, Callable

from .errors import MathResourceError, MathTimeout

_START_TIMEOUT_S = 120.0


def _worker_main(conn, memory_mb: int) -> None:  # pragma: no cover - runs in the child
    import resource
    import signal

    # a terminal's Ctrl-C goes to the whole process group: only the grader decides what stops
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    import sympy  # noqa: F401  (preload)

    import grader.maths  # noqa: F401
    import grader.maths.equivalence  # noqa: F401
    if memory_mb:
        limit = int(memory_mb) * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args = msg
        try:
            result = fn(*args)
            out = ("ok", result)
        except MemoryError:
            out = ("mem", None)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the parent
            out = ("err", exc)
        try:
            conn.send(out)
        except MemoryError:
            conn.send(("mem", None))
        except Exception as exc:  # unpicklable result or exception
            conn.send(("err", RuntimeError(f"{type(exc).__name__}: {exc} (while returning {out[0]})")))


class _Worker:
    def __init__(self, ctx, memory_mb: int) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, memory_mb), daemon=True,
                                name="grader-maths-worker")
        self.proc.start()
        child.close()
        if not parent.poll(_START_TIMEOUT_S):
            self.kill()
            raise MathTimeout("maths worker did not start")
        try:
            parent.recv()
        except EOFError:
            self.kill()
            raise MathResourceError("maths worker died while starting") from None

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.join(5)
        except Exception:  # noqa: BLE001
            pass
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001
            pass

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.proc.join(1.0)
        except Exception:  # noqa: BLE001
            pass
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


class MathPool:
    """Pool of ``processes`` persistent workers; ``call`` runs ``fn(*args)`` in a free one."""

    def __init__(self, processes: int = 1, timeout_s: float = 5.0, memory_mb: int = 1024,
                 start_method: str = "forkserver") -> None:
        if processes < 1:
            raise ValueError("processes must be >= 1")
        self.processes = processes
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._ctx = mp.get_context(start_method)
        self._idle: list[_Worker] = []
        self._live = 0
        self._cond = threading.Condition()
        self._closed = False

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("MathPool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._live < self.processes:
                    self._live += 1
                    break
                self._cond.wait()
        try:
            return _Worker(self._ctx, self.memory_mb)
        except BaseException:
            with self._cond:
                self._live -= 1
                self._cond.notify()
            raise

    def _release(self, w: _Worker, alive: bool) -> None:
        with self._cond:
            if alive and not self._closed:
                self._idle.append(w)
            else:
                self._live -= 1
                w.kill() if not alive else w.stop()
            self._cond.notify()

    def call(self, fn: Callable[..., Any], *args: Any, timeout_s: float | None = None) -> Any:
        """Run ``fn(*args)`` in a worker; returns its result or re-raises its exception.

        Raises MathTimeout after ``timeout_s`` (default: the pool's), MathResourceError on MemoryError
        or a dead worker. The worker is replaced in both cases.
        """
        budget = self.timeout_s if timeout_s is None else timeout_s
        w = self._acquire()
        alive = False
        try:
            try:
                w.conn.send((fn, args))
            except (TypeError, AttributeError, ValueError, pickle.PicklingError) as exc:  # not picklable
                alive = True
                raise TypeError(f"cannot send this job to a worker: {exc}") from exc
            deadline = time.monotonic() + budget
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                raise MathTimeout(f"maths job exceeded its {budget:g} s budget")
            try:
                status, payload = w.conn.recv()
            except (EOFError, OSError):
                raise MathResourceError("maths worker died (resource limit?)") from None
            if status == "mem":
                raise MathResourceError(f"maths job exceeded its {self.memory_mb} MB memory budget")
            alive = True
        finally:
            self._release(w, alive)
        if status == "ok":
            return payload
        raise payload

    def close(self) -> None:
        """Stop all idle workers; busy ones are stopped when their call returns."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._live -= len(idle)
            self._cond.notify_all()
        for w in idle:
            w.stop()

    def __enter__(self) -> "MathPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
