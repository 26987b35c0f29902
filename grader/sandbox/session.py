"""Trusted side of the sandbox: starts the zygote, probes the tier, runs jobs, decodes results."""

from __future__ import annotations

import ctypes
import json
import os
import queue
import re
import selectors
import socket
import struct
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from grader.sandbox import codec
from grader.sandbox.spawn import Spawned, spawn

RESULT_CAP = 32 << 20        # bytes of result frames per job
FLOOD_FACTOR = 16            # output beyond output_kb * FLOOD_FACTOR kills the job
GRACE_S = 3.0                # parent backstop beyond the keeper's own wall timer
EXIT_MEMORY = 75             # the child's harness ran out of memory itself (zygote.EXIT_MEMORY)
EXIT_CPU = 76                # the worker's SIGXCPU handler (zygote.EXIT_CPU; PID 1 ignores SIGXCPU)

TIER_TEXT = {
    "A": "tier A: rlimits + wall kill + seccomp + Landlock + user/net/PID namespaces",
    "B": "tier B: rlimits + wall kill + seccomp + Landlock + subreaper sweep (no namespaces)",
    "C": "tier C: rlimits + wall kill + seccomp, NO filesystem confinement (no Landlock)",
    "D": "tier D: rlimits + wall kill only: not a sandbox",
}


class SandboxRefused(RuntimeError):
    """Untrusted code cannot be run safely on this machine (and --trust-submissions was not given)."""


@dataclass(frozen=True, slots=True)
class Call:
    """Call ``fn(*args, **kwargs)`` in the job after the student's cells ran (``get=True``: read the
    module-level value named ``fn``; plain data only, like a returned value)."""

    fn: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    get: bool = False                # read the module-level value ``fn`` instead of calling it


@dataclass(frozen=True, slots=True)
class Cell:
    source: str
    origin: str


@dataclass(frozen=True, slots=True)
class Job:
    cells: tuple[Cell, ...]
    calls: tuple[Call, ...] = ()
    limits: Any = None               # grader.rubric.model.Limits (or None: the sandbox default)
    module_name: str = "__main__"
    notes: tuple[str, ...] = ()


@dataclass(slots=True)
class CellOutcome:
    index: int
    origin: str
    ok: bool | None                  # None: no report (the job died before or during this cell)
    error: Mapping[str, Any] | None = None


@dataclass(slots=True)
class CallOutcome:
    """What one call did. ``kind``: value | error | missing | noresult | badvalue."""

    kind: str
    value: Any = None
    error: Mapping[str, Any] | None = None
    message: str = ""


@dataclass(slots=True)
class JobResult:
    """What one phase did: a single job, or one question of a session (then ``cells`` are the
    session's cells, run once)."""

    cells: list[CellOutcome]
    calls: list[CallOutcome]
    stdout: str = ""
    stdout_truncated: bool = False
    done: bool = False               # the job reached its end (not a verdict, just a fact)
    timed_out: bool = False          # wall clock
    cpu_exceeded: bool = False
    memory_exceeded: bool = False    # the harness itself could not report for lack of memory
    flooded: bool = False
    exit_code: int | None = None
    signal: int | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    overhead_s: float = 0.0
    tier: str = ""
    notes: list[str] = field(default_factory=list)
    infra_error: str = ""            # the sandbox itself failed (never the student's fault)
    in_cells: bool = False           # the death happened while the student's cells ran (session)
    limits: Mapping[str, Any] = field(default_factory=dict)

    def death(self) -> str:
        """Why the job stopped early, in words ('' when it reached its end)."""
        if self.infra_error:
            return f"sandbox failure: {self.infra_error}"
        if self.timed_out:
            return "wall-clock time limit exceeded"
        if self.cpu_exceeded:
            return "CPU time limit exceeded"
        if self.memory_exceeded:
            return "memory limit exceeded"
        if self.flooded:
            return "output limit exceeded"
        if self.done:
            return ""
        if self.signal is not None:
            return f"the process was killed by signal {self.signal}"
        if self.exit_code is not None:
            return f"the process exited (exit code {self.exit_code})"
        return "the process ended without a result"

    @property
    def exhausted(self) -> bool:
        """Ran out of time or memory (which limit hit first is not a verdict: it can differ
        between two runs of the same code)."""
        return self.timed_out or self.cpu_exceeded or self.memory_exceeded


MAGIC_KEEP_BODY = {"time", "timeit", "capture", "prun", "writefile_ignored"}


def strip_magics(source: str) -> tuple[str, list[str]]:
    """IPython ``%``, ``%%`` and ``!`` lines -> ``pass`` (line numbers kept). A ``%%`` cell magic
    other than time/timeit/capture drops the whole cell (its body is not Python)."""
    notes: list[str] = []
    lines = source.splitlines(True)
    if lines and lines[0].lstrip().startswith("%%"):
        name = lines[0].lstrip()[2:].split()[0] if lines[0].strip()[2:] else ""
        if name not in MAGIC_KEEP_BODY:
            return "", [f"cell magic %%{name} skipped (its body is not Python)"]
        notes.append(f"cell magic %%{name} removed")
        lines[0] = "\n"
    out = []
    for ln in lines:
        s = ln.lstrip()
        if s.startswith(("%", "!")) or re.match(r"^[A-Za-z_][\w, ]*=\s*[!%]", s):
            indent = ln[: len(ln) - len(s)]
            out.append(f"{indent}pass  # IPython magic removed\n")
            notes.append(f"IPython magic removed: {s.strip()[:60]}")
        else:
            out.append(ln)
    return "".join(out), notes


def job_from_code(code_cells: Iterable[Any], calls: Iterable[Call], limits: Any = None) -> Job:
    """Build a Job from ``Document.code`` (CodeCell records): magics stripped, notes kept."""
    cells, notes = [], []
    is_nb = False
    for c in code_cells:
        src, n = strip_magics(c.source)
        is_nb = is_nb or c.cell is not None
        notes += [f"{c.origin}: {x}" for x in n]
        cells.append(Cell(src, c.origin))
    return Job(tuple(cells), tuple(calls), limits, "__main__" if is_nb else "submission", tuple(notes))


def _limits_dict(lim: Any) -> dict[str, Any]:
    from grader.rubric.model import Limits
    lim = lim or Limits()
    return {"cpu_s": float(lim.cpu_s), "wall_s": float(lim.wall_s), "memory_mb": int(lim.memory_mb),
            "processes": int(lim.processes), "output_kb": int(lim.output_kb),
            "cell_s": float(getattr(lim, "cell_s", 0.0) or 0.0)}


class Sandbox:
    """A fork-server sandbox session. Thread-safe: ``run`` may be called from many threads."""

    def __init__(self) -> None:
        raise TypeError("use Sandbox.start()")

    @classmethod
    def start(cls, trust_submissions: bool = False, namespaces: bool = True, workers: int = 2,
              python: str | None = None, start_timeout: float = 60.0, spawned: Spawned | None = None) -> "Sandbox":
        """Start (or adopt a ``spawn()``ed) zygote; returns at once, the hello is awaited on first use."""
        if int(workers) > 63:
            raise ValueError("at most 63 workers")
        self = object.__new__(cls)
        self.trust_submissions = trust_submissions
        self.workers = max(1, int(workers))
        self._lock = threading.Lock()
        self._slots: queue.Queue[int] = queue.Queue()
        for i in range(self.workers):
            self._slots.put(i)
        self._ids = 0
        self.counters: dict[str, int] = {}     # keepers forked, sessions, question children, jobs
        self._closed = False
        try:  # the grader itself: not ptrace-able / no core dumps holding the rubric
            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
        except Exception:
            pass
        if spawned is None:
            spawned = spawn(namespaces=namespaces, python=python)
        self._proc, self._sock = spawned.proc, spawned.sock
        self._t0, self._start_timeout = spawned.started, start_timeout
        self._hello: dict[str, Any] | None = None
        self._hello_lock = threading.Lock()
        self.namespaces_requested = spawned.namespaces
        return self      # the zygote starts (imports numpy, probes the kernel) while the caller goes on

    def _ready(self) -> dict[str, Any]:
        """The zygote's hello (capabilities), waiting for it the first time it is needed."""
        with self._hello_lock:
            if self._hello is not None:
                return self._hello
            self._sock.settimeout(self._start_timeout)
            try:
                hello = json.loads(self._sock.recv(65536))
            except (OSError, ValueError) as e:
                self._proc.kill()
                raise RuntimeError(f"sandbox zygote did not start: {e}") from None
            self._sock.settimeout(None)
            self.start_s = time.perf_counter() - self._t0
            self._accept(hello)
            return hello

    def _accept(self, hello: dict[str, Any]) -> None:
        """Take the zygote's capabilities: the tier, and whether untrusted code is refused."""
        ll, sc, ns = hello.get("landlock", 0), hello.get("seccomp"), hello.get("namespaces")
        tier = "A" if ll and sc and ns else "B" if ll and sc else "C" if sc else "D"
        refusal = None
        if tier in ("C", "D") and not self.trust_submissions:
            refusal = (f"grading untrusted code is refused on this machine: {TIER_TEXT[tier]}"
                       f" (Landlock {'ABI ' + str(ll) if ll else 'unavailable'}, seccomp "
                       f"{'ok' if sc else 'unavailable'}); pass --trust-submissions to run it anyway")
        self._tier, self._refusal, self._hello = tier, refusal, hello

    @property
    def capabilities(self) -> dict[str, Any]:
        return self._ready()

    @property
    def tier(self) -> str:
        self._ready()
        return self._tier

    @property
    def refusal(self) -> str | None:
        """Why untrusted code is not run here (no filesystem confinement), or None."""
        self._ready()
        return self._refusal

    def preload(self, modules: Iterable[str]) -> None:
        """Have the zygote import these modules once (the rubric's ``preload``), before any job:
        hand-ins that import them then pay nothing. Module names are not secret."""
        names = [m for m in modules if isinstance(m, str)]
        if names and not self._closed:
            with self._lock:
                self._sock.send(json.dumps({"t": "preload", "modules": names}).encode())

    # ------------------------------------------------------------------ description
    def describe(self) -> str:
        c = self.capabilities
        bits = [TIER_TEXT[self.tier]]
        if self.tier in ("B",) and self.namespaces_requested and not c.get("namespaces"):
            bits.append("namespaces unavailable here")
        if not self.namespaces_requested:
            bits.append("namespaces disabled by request")
        if c.get("root"):
            bits.append("per-slot uid + all capabilities dropped" if c.get("uid_drop") else "running as root WITHOUT uid drop")
        bits.append(f"Landlock ABI {c.get('landlock') or 'none'}; kernel {c.get('kernel')}")
        if self.refusal:
            bits.append("REFUSING untrusted code")
        elif self.tier in ("C", "D"):
            bits.append("submissions trusted by request (--trust-submissions)")
        return "; ".join(bits)

    def __repr__(self) -> str:
        return f"<Sandbox {self.tier} {'refused' if self.refusal else 'ready'}>"

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._sock.send(b'{"t": "exit"}')
            except OSError:
                pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._sock.close()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover
        try:
            self.close()
        except Exception:
            pass

    # ------------------------------------------------------------------ jobs
    def run(self, job: Job) -> JobResult:
        """Run one job (blocking): the cells, then the calls, in one process. Never raises for
        anything the student did."""
        if self.refusal:
            raise SandboxRefused(self.refusal)
        if self._closed:
            raise RuntimeError("sandbox is closed")
        lim = _limits_dict(job.limits)
        slot = self._slots.get()
        try:
            self._count("jobs")
            return self._run(job, lim, slot)
        finally:
            self._slots.put(slot)

    def open(self, cells: Iterable[Cell], limits: Any = None, module_name: str = "__main__",
             notes: Iterable[str] = (), cells_limits: Any = None, reads: Iterable[str] = ()) -> "Session":
        """Start one hand-in's run: its cells run ONCE (now, blocking); then ``Session.run(calls)``
        forks a child per question from that state. ``limits`` bound every question (each asks
        for its own, at most these); ``cells_limits`` (default: ``limits``) is the cells' budget.
        ``reads``: names of module-level values read back with the cells (``Call(name, get=True)``
        questions on them are then answered without a round trip).
        Hold the session in one thread; ``close()`` it (it holds a worker slot until then)."""
        if self.refusal:
            raise SandboxRefused(self.refusal)
        if self._closed:
            raise RuntimeError("sandbox is closed")
        return Session(self, tuple(cells), _limits_dict(limits),
                       _limits_dict(cells_limits) if cells_limits is not None else None, module_name,
                       tuple(notes), tuple(dict.fromkeys(reads)))

    def _count(self, what: str, n: int = 1) -> None:
        with self._lock:
            self.counters[what] = self.counters.get(what, 0) + n

    def _new_id(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids

    def _launch(self, jid: int, payload: bytes, slot: int) -> tuple[socket.socket, int, int] | str:
        """Ask the zygote for a keeper; returns (control socket, result pipe, output pipe)."""
        jfd = os.memfd_create(f"job-{jid}", os.MFD_CLOEXEC)
        os.write(jfd, payload)
        os.lseek(jfd, 0, os.SEEK_SET)
        res_r, res_w = os.pipe2(os.O_CLOEXEC)
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            with self._lock:
                socket.send_fds(self._sock, [json.dumps({"t": "open", "id": jid, "slot": slot}).encode()],
                                [jfd, theirs.fileno(), res_w, out_w])
        except OSError as e:
            for fd in (res_r, out_r):
                os.close(fd)
            mine.close()
            return f"zygote gone ({e})"
        finally:
            for fd in (jfd, res_w, out_w):
                os.close(fd)
            theirs.close()
        self._count("keepers")
        return mine, res_r, out_r

    def _pump(self, ctl: socket.socket, res_r: int, out_r: int, out_cap: int, deadline: float,
              jid: int, slot: int, want: Any) -> tuple[bytes, bytes, int, bool, bool, dict[str, Any]]:
        """Read one phase: result frames, output (capped), until the keeper's status for ``want``.
        Returns (results, output, output total, flooded, killed, status or {})."""
        res, out = bytearray(), bytearray()
        out_total, flooded, killed, status = 0, False, False, None
        sel = selectors.DefaultSelector()
        for fd in (res_r, out_r):
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        sel.register(ctl, selectors.EVENT_READ)
        pipes = {res_r, out_r}
        gone = False

        def take(fd: int, chunk: bytes) -> None:
            nonlocal out_total, flooded
            if fd == res_r:
                if len(res) + len(chunk) > RESULT_CAP:
                    flooded = True
                else:
                    res.extend(chunk)
            else:
                out_total += len(chunk)
                if len(out) < out_cap:
                    out.extend(chunk[: out_cap - len(out)])
                if out_total > out_cap * FLOOD_FACTOR:
                    flooded = True

        try:
            while status is None and not gone:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                for key, _ in sel.select(min(left, 1.0)):
                    fd = key.fd
                    if key.fileobj is ctl:
                        m = _recv(ctl)
                        if not m:
                            gone = True
                            sel.unregister(ctl)
                            break
                        try:
                            msg = json.loads(m)
                        except ValueError:
                            continue
                        if type(msg) is dict and (msg.get("q") == want or msg.get("t") == "closed"
                                                  or not msg.get("ok", True)):
                            status = msg
                        continue
                    try:
                        chunk = os.read(fd, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        sel.unregister(fd)
                        pipes.discard(fd)
                        continue
                    take(fd, chunk)
                    if flooded and not killed:
                        killed = True
                        try:
                            ctl.send(b'{"t": "kill"}')
                        except OSError:
                            self._kill(jid, slot)
            if status is None and not gone:   # backstop: the keeper did not report in time
                killed = True
                self._kill(jid, slot)
                end = time.monotonic() + 2.0
                while time.monotonic() < end and status is None and not gone:
                    for key, _ in sel.select(0.1):
                        if key.fileobj is ctl:
                            m = _recv(ctl)
                            if not m:
                                gone = True
                                break
                            try:
                                msg = json.loads(m)
                                if type(msg) is dict and msg.get("q") == want:
                                    status = msg
                            except ValueError:
                                pass
            # what the phase wrote before it ended is in the pipes now (its processes are gone)
            for fd in list(pipes):
                while True:
                    try:
                        chunk = os.read(fd, 1 << 16)
                    except BlockingIOError:
                        break
                    if not chunk:
                        break
                    take(fd, chunk)
                    if flooded:
                        break
        finally:
            sel.close()
        return bytes(res), bytes(out), out_total, flooded, killed, status or {}

    def _run(self, job: Job, lim: dict[str, Any], slot: int) -> JobResult:
        t_start = time.perf_counter()
        jid = self._new_id()
        payload = json.dumps({
            "id": jid, "slot": slot, "limits": lim, "module_name": job.module_name,
            "cells": [{"source": c.source, "origin": c.origin} for c in job.cells],
            "calls": [_call_json(c) for c in job.calls],
        }).encode()
        got = self._launch(jid, payload, slot)
        if isinstance(got, str):
            return JobResult([], [CallOutcome("noresult") for _ in job.calls], infra_error=got, tier=self.tier)
        ctl, res_r, out_r = got
        try:
            res, out, out_total, flooded, killed, status = self._pump(
                ctl, res_r, out_r, lim["output_kb"] * 1024, time.monotonic() + lim["wall_s"] + GRACE_S,
                jid, slot, -1)
        finally:
            for fd in (res_r, out_r):
                os.close(fd)
            ctl.close()
        r = self._collect(job, res, status, lim)
        r.stdout = out.decode("utf-8", "replace")
        r.stdout_truncated = out_total > lim["output_kb"] * 1024
        _finish_phase(r, status, flooded, killed, t_start)
        if status and status.get("ok") and not status.get("scratch_removed", True):
            r.notes.append("scratch directory could not be removed")
        return r

    def _kill(self, jid: int, slot: int) -> None:
        try:
            with self._lock:
                self._sock.send(json.dumps({"t": "kill", "id": jid, "slot": slot}).encode())
        except OSError:
            pass

    def _collect(self, job: Job, data: bytes, status: Mapping[str, Any], lim: Mapping[str, Any]) -> JobResult:
        cells = [CellOutcome(i, c.origin, None) for i, c in enumerate(job.cells)]
        calls: list[CallOutcome | None] = [None] * len(job.calls)
        done, tampered = _read_frames(data, cells, calls)
        if tampered:
            calls = [_tampered() for _ in calls]
        r = JobResult(cells, [c or CallOutcome("noresult") for c in calls], done=done, tier=self.tier,
                      notes=list(job.notes), limits=dict(lim))
        _apply_status(r, status, lim)
        return r


class Session:
    """One hand-in's sandbox run: the student's cells ran once in a worker; each ``run(calls)`` is
    one question: a child forked from that post-cells state makes the calls, under its own limits
    (wall here and in the keeper, CPU and memory in the child). A crash, hang, exit or memory
    blow-up of one question's child cannot touch another's. If the cells themselves did not finish,
    every question reports that (once: nothing is run again)."""

    def __init__(self, sb: Sandbox, cells: tuple[Cell, ...], lim: dict[str, Any],
                 cells_lim: dict[str, Any] | None, module_name: str, notes: tuple[str, ...],
                 reads: tuple[str, ...] = ()):
        self.sb, self.lim, self.notes = sb, lim, list(notes)
        self.cells_lim = dict(lim, **{k: min(lim[k], cells_lim[k]) for k in ("cpu_s", "wall_s")}) if cells_lim else lim
        self.questions = 0
        self.closed = False
        self.tampered = False
        self.cells = [CellOutcome(i, c.origin, None) for i, c in enumerate(cells)]
        self.prefetched: dict[str, CallOutcome] = {}
        self.cells_stdout = ""
        self.status: dict[str, Any] = {}
        self._ctl: socket.socket | None = None
        self._lock = threading.Lock()
        t_start = time.perf_counter()
        self.slot = sb._slots.get()
        sb._count("sessions")
        self.jid = sb._new_id()
        payload = json.dumps({
            "id": self.jid, "slot": self.slot, "limits": lim, "module_name": module_name,
            "cells_cpu_s": self.cells_lim["cpu_s"], "cells_wall_s": self.cells_lim["wall_s"],
            "cells": [{"source": c.source, "origin": c.origin} for c in cells], "calls": None,
            "reads": [_call_json(Call(name, get=True)) for name in reads],
        }).encode()
        got = sb._launch(self.jid, payload, self.slot)
        if isinstance(got, str):
            self.infra_error = got
            self.alive = False
            self._release()
            return
        self._ctl, res_r, out_r = got
        try:
            res, out, out_total, flooded, killed, status = sb._pump(
                self._ctl, res_r, out_r, lim["output_kb"] * 1024,
                time.monotonic() + self.cells_lim["wall_s"] + GRACE_S, self.jid, self.slot, -1)
        finally:
            os.close(res_r)
            os.close(out_r)
        read_outs: list[Any] = [None] * len(reads)
        done, self.tampered = _read_frames(res, self.cells, read_outs)
        if done and not self.tampered:
            self.prefetched = {n: o for n, o in zip(reads, read_outs) if o is not None}
        if status.get("swept") and status.get("alive"):
            self.notes.append(f"{status['swept']} leftover process(es) of the cells killed before the questions")
        self.cells_stdout = out.decode("utf-8", "replace")
        self.cells_out_total = out_total
        self.flooded = flooded
        self.status = dict(status)
        self.alive = bool(status.get("ok") and status.get("alive")) and not flooded
        self.infra_error = ""
        if not status.get("ok") and not killed and not flooded:
            self.infra_error = status.get("error") or "keeper reported nothing"
        self.backstop = killed and not status
        self.cells_done = done and self.alive
        self.wall_s = float(status.get("wall_s") or 0.0)
        self.cpu_s = float(status.get("cpu_s") or 0.0)
        self.overhead_s = max(0.0, time.perf_counter() - t_start - self.wall_s)
        if not self.alive:
            self.close()

    # ------------------------------------------------------------------ questions
    def run(self, calls: Iterable[Call], limits: Any = None) -> JobResult:
        """One question: fork a child of the post-cells worker, make ``calls`` there, return what
        came back. Never raises for anything the student did."""
        calls = tuple(calls)
        lim = _limits_dict(limits) if limits is not None else dict(self.lim)
        for k in ("cpu_s", "wall_s", "memory_mb", "processes"):
            lim[k] = min(lim[k], self.lim[k])
        with self._lock:
            if not self.alive or self._ctl is None:
                return self._dead_result(calls, lim)
            if calls and all(c.get and c.fn in self.prefetched for c in calls):
                return JobResult(list(self.cells), [self.prefetched[c.fn] for c in calls], done=True,
                                 exit_code=0, tier=self.sb.tier, notes=list(self.notes), limits=lim)
            return self._question(calls, lim)

    def _dead_result(self, calls: tuple[Call, ...], lim: dict[str, Any]) -> JobResult:
        """The cells did not leave a worker to fork from: every question says why (the same words)."""
        st = self.status
        r = JobResult(list(self.cells), [(_tampered() if self.tampered else CallOutcome("noresult")) for _ in calls],
                      stdout=self.cells_stdout, tier=self.sb.tier, notes=list(self.notes), limits=dict(self.cells_lim),
                      in_cells=True, wall_s=0.0, cpu_s=0.0)
        if self.infra_error:
            r.infra_error = self.infra_error
            return r
        _apply_status(r, st, self.cells_lim)
        r.flooded = self.flooded
        r.stdout_truncated = self.cells_out_total > self.lim["output_kb"] * 1024
        if self.backstop:
            r.timed_out = True
        return r

    def _question(self, calls: tuple[Call, ...], lim: dict[str, Any]) -> JobResult:
        sb, ctl = self.sb, self._ctl
        assert ctl is not None
        t_start = time.perf_counter()
        q = self.questions
        self.questions += 1
        sb._count("questions")
        if not all(c.get for c in calls):     # reads of values only are answered by the worker itself
            sb._count("question_children")
        jfd = os.memfd_create(f"q-{self.jid}-{q}", os.MFD_CLOEXEC)
        os.write(jfd, json.dumps([_call_json(c) for c in calls]).encode())
        os.lseek(jfd, 0, os.SEEK_SET)
        res_r, res_w = os.pipe2(os.O_CLOEXEC)
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        try:
            socket.send_fds(ctl, [json.dumps({"t": "q", "q": q, "limits": lim}).encode()], [jfd, res_w, out_w])
            sent = True
        except OSError:
            sent = False
        finally:
            for fd in (jfd, res_w, out_w):
                os.close(fd)
        if not sent:
            os.close(res_r)
            os.close(out_r)
            self.alive = False
            r = JobResult(list(self.cells), [CallOutcome("noresult") for _ in calls], tier=sb.tier,
                          notes=list(self.notes), limits=lim, infra_error="keeper gone")
            self.close()
            return r
        try:
            res, out, out_total, flooded, killed, status = sb._pump(
                ctl, res_r, out_r, lim["output_kb"] * 1024, time.monotonic() + lim["wall_s"] + GRACE_S,
                self.jid, self.slot, q)
        finally:
            os.close(res_r)
            os.close(out_r)
        outs: list[CallOutcome | None] = [None] * len(calls)
        done, tampered = _read_frames(res, None, outs)
        if tampered or self.tampered:
            outs = [_tampered() for _ in calls]
            done = False
        r = JobResult(list(self.cells), [c or CallOutcome("noresult") for c in outs], done=done, tier=sb.tier,
                      notes=list(self.notes), limits=lim)
        _apply_status(r, status, lim)
        cap = lim["output_kb"] * 1024
        text = (self.cells_stdout.encode("utf-8", "replace") + out)
        r.stdout = text[:cap].decode("utf-8", "replace")
        r.stdout_truncated = self.cells_out_total + out_total > cap
        _finish_phase(r, status, flooded, killed, t_start)
        if not status or not status.get("alive"):
            self.alive = False
            self.close()
        return r

    # ------------------------------------------------------------------ end
    def close(self) -> None:
        """End the run: the keeper kills the worker and every leftover, removes the scratch dir."""
        if self.closed:
            return
        self.closed = True
        ctl, self._ctl = self._ctl, None
        try:
            if ctl is not None:
                try:
                    ctl.send(b'{"t": "close"}')
                    ctl.settimeout(5.0)
                    while True:
                        m = ctl.recv(1 << 16)
                        if not m:
                            break
                        try:
                            msg = json.loads(m)
                        except ValueError:
                            continue
                        if type(msg) is dict and msg.get("t") == "closed":
                            if not msg.get("scratch_removed", True):
                                self.notes.append("scratch directory could not be removed")
                            break
                except OSError:
                    self.sb._kill(self.jid, self.slot)
                ctl.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self.slot is not None:
            slot, self.slot = self.slot, None
            self.sb._slots.put(slot)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - a session nobody closed
        try:
            self.close()
        except Exception:
            pass


def _call_json(c: Call) -> dict[str, Any]:
    if c.get:
        return {"get": c.fn}
    return {"fn": c.fn, "args": [codec.encode(a) for a in c.args],
            "kwargs": {k: codec.encode(v) for k, v in c.kwargs.items()}}


def _tampered() -> CallOutcome:
    return CallOutcome("badvalue", message="the job's result channel was tampered with "
                                           "(unexpected messages); nothing it sent is used")


def _recv(sock: socket.socket) -> bytes:
    """One control message, or b"" when the keeper is gone."""
    try:
        return sock.recv(1 << 16)
    except OSError:
        return b""


def _read_frames(data: bytes, cells: list[CellOutcome] | None, calls: list[Any]) -> tuple[bool, bool]:
    """Strict in-order frames: ``cell 0..n-1`` (when ``cells`` is given), ``call 0..m-1``, ``done``.
    Student code can write to the same pipe, so anything out of order or repeated voids it all.
    Fills ``cells``/``calls`` in place; returns (done, tampered)."""
    ncells = len(cells) if cells is not None else 0
    expected = [("cell", i) for i in range(ncells)] + [("call", i) for i in range(len(calls))]
    nxt = pos = 0
    done = tampered = False
    while pos + 4 <= len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        if n > len(data) - pos - 4:
            break
        try:
            msg = codec.loads(data[pos + 4:pos + 4 + n])
        except codec.BadValue:
            tampered = True
            break
        pos += 4 + n
        if type(msg) is not dict:
            tampered = True
            break
        t, i = msg.get("t"), msg.get("i")
        if t == "done" and nxt == len(expected):
            done = True
            if pos != len(data):
                tampered = True
            break
        if nxt >= len(expected) or (t, i) != expected[nxt] or type(i) is not int:
            tampered = True
            break
        nxt += 1
        if t == "cell":
            ok = msg.get("ok") is True
            cells[i].ok = ok  # type: ignore[index]
            if not ok:
                cells[i].error = _clean_error(msg.get("error"))  # type: ignore[index]
        else:
            if msg.get("missing") is True:
                calls[i] = CallOutcome("missing")
            elif "error" in msg:
                calls[i] = CallOutcome("error", error=_clean_error(msg.get("error")))
            elif "value" in msg:
                try:
                    calls[i] = CallOutcome("value", value=codec.decode(msg["value"]))
                except codec.BadValue as e:
                    calls[i] = CallOutcome("badvalue", message=str(e))
            else:
                tampered = True
                break
    if tampered:
        done = False
    return done, tampered


def _finish_phase(r: JobResult, status: Mapping[str, Any], flooded: bool, killed: bool, t_start: float) -> None:
    """What the parent itself knows about a phase that ended: output flood, its own backstop kill,
    the time outside the keeper's phase, and a keeper that reported nothing."""
    r.flooded = flooded
    if killed and not status:
        r.timed_out = True
    r.overhead_s = max(0.0, time.perf_counter() - t_start - r.wall_s)
    if not status.get("ok") and not r.timed_out and not flooded:
        r.infra_error = status.get("error") or "keeper reported nothing"


def _apply_status(r: JobResult, status: Mapping[str, Any], lim: Mapping[str, Any]) -> None:
    """The keeper's facts about a phase -> the result's death fields."""
    sig = status.get("signal")
    r.timed_out = bool(status.get("timed_out"))
    r.exit_code = status.get("exit")
    r.signal = sig
    r.wall_s = float(status.get("wall_s") or 0.0)
    r.cpu_s = float(status.get("cpu_s") or 0.0)
    r.cpu_exceeded = not r.timed_out and (sig == 24 or (sig == 9 and r.cpu_s >= float(lim["cpu_s"]) - 0.05)
                                          or (sig is None and r.exit_code == EXIT_CPU and not r.done))
    r.memory_exceeded = not r.done and r.exit_code == EXIT_MEMORY and sig is None
    if status.get("swept"):
        r.notes.append(f"{status['swept']} leftover process(es) killed after the job")


def _clean_error(e: Any) -> dict[str, Any]:
    """Keep only short strings and the student's own location from an error report."""
    if type(e) is not dict:
        return {"type": "Error", "message": "", "traceback": ""}
    out: dict[str, Any] = {}
    for k, cap in (("type", 100), ("message", 500), ("traceback", 4000)):
        v = e.get(k)
        out[k] = v[:cap] if type(v) is str else ""
    for k in ("memory", "exit", "interrupt"):
        out[k] = e.get(k) is True
    w = e.get("where")
    if type(w) is dict and type(w.get("origin")) is str and type(w.get("line")) is int:
        out["where"] = {"origin": w["origin"][:200], "line": w["line"]}
    else:
        out["where"] = None
    return out
