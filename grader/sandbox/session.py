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
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from grader.sandbox import codec

ZYGOTE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zygote.py")
RESULT_CAP = 32 << 20        # bytes of result frames per job
FLOOD_FACTOR = 16            # output beyond output_kb * FLOOD_FACTOR kills the job
GRACE_S = 3.0                # parent backstop beyond the keeper's own wall timer

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
    """Call ``fn(*args, **kwargs)`` in the job after the student's cells ran."""

    fn: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


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
    cells: list[CellOutcome]
    calls: list[CallOutcome]
    stdout: str = ""
    stdout_truncated: bool = False
    done: bool = False               # the job reached its end (not a verdict, just a fact)
    timed_out: bool = False          # wall clock
    cpu_exceeded: bool = False
    flooded: bool = False
    exit_code: int | None = None
    signal: int | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    overhead_s: float = 0.0
    tier: str = ""
    notes: list[str] = field(default_factory=list)
    infra_error: str = ""            # the sandbox itself failed (never the student's fault)

    def death(self) -> str:
        """Why the job stopped early, in words ('' when it reached its end)."""
        if self.infra_error:
            return f"sandbox failure: {self.infra_error}"
        if self.timed_out:
            return "wall-clock time limit exceeded"
        if self.cpu_exceeded:
            return "CPU time limit exceeded"
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
        return self.timed_out or self.cpu_exceeded


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
            "processes": int(lim.processes), "output_kb": int(lim.output_kb)}


class Sandbox:
    """A fork-server sandbox session. Thread-safe: ``run`` may be called from many threads."""

    def __init__(self) -> None:
        raise TypeError("use Sandbox.start()")

    @classmethod
    def start(cls, trust_submissions: bool = False, namespaces: bool = True, workers: int = 2,
              python: str | None = None, start_timeout: float = 60.0) -> "Sandbox":
        self = object.__new__(cls)
        self.trust_submissions = trust_submissions
        self.workers = max(1, int(workers))
        self._lock = threading.Lock()
        self._slots: queue.Queue[int] = queue.Queue()
        for i in range(self.workers):
            self._slots.put(i)
        self._ids = 0
        self._closed = False
        try:  # the grader itself: not ptrace-able / no core dumps holding the rubric
            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
        except Exception:
            pass
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        t0 = time.perf_counter()
        self._proc = subprocess.Popen(
            [python or sys.executable, "-I", ZYGOTE, str(theirs.fileno()), "1" if namespaces else "0"],
            pass_fds=[theirs.fileno()], env=env, cwd="/", stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=None, close_fds=True)
        theirs.close()
        self._sock = mine
        mine.settimeout(start_timeout)
        try:
            hello = json.loads(mine.recv(65536))
        except (OSError, ValueError) as e:
            self._proc.kill()
            raise RuntimeError(f"sandbox zygote did not start: {e}") from None
        mine.settimeout(None)
        self.start_s = time.perf_counter() - t0
        if self.workers > 63:
            raise ValueError("at most 63 workers")
        self.capabilities = hello
        ll, sc, ns = hello.get("landlock", 0), hello.get("seccomp"), hello.get("namespaces")
        if ll and sc and ns:
            self.tier = "A"
        elif ll and sc:
            self.tier = "B"
        elif sc:
            self.tier = "C"
        else:
            self.tier = "D"
        self.namespaces_requested = namespaces
        self.refusal = None
        if self.tier in ("C", "D") and not trust_submissions:
            self.refusal = (f"grading untrusted code is refused on this machine: {TIER_TEXT[self.tier]}"
                            f" (Landlock {'ABI ' + str(ll) if ll else 'unavailable'}, seccomp "
                            f"{'ok' if sc else 'unavailable'}); pass --trust-submissions to run it anyway")
        return self

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
        """Run one job (blocking). Never raises for anything the student did."""
        if self.refusal:
            raise SandboxRefused(self.refusal)
        if self._closed:
            raise RuntimeError("sandbox is closed")
        lim = _limits_dict(job.limits)
        slot = self._slots.get()
        try:
            return self._run(job, lim, slot)
        finally:
            self._slots.put(slot)

    def _run(self, job: Job, lim: dict[str, Any], slot: int) -> JobResult:
        t_start = time.perf_counter()
        with self._lock:
            self._ids += 1
            jid = self._ids
        payload = json.dumps({
            "id": jid, "slot": slot, "limits": lim, "module_name": job.module_name,
            "cells": [{"source": c.source, "origin": c.origin} for c in job.cells],
            "calls": [{"fn": c.fn, "args": [codec.encode(a) for a in c.args],
                       "kwargs": {k: codec.encode(v) for k, v in c.kwargs.items()}} for c in job.calls],
        }).encode()
        jfd = os.memfd_create(f"job-{jid}", os.MFD_CLOEXEC)
        os.write(jfd, payload)
        os.lseek(jfd, 0, os.SEEK_SET)
        res_r, res_w = os.pipe2(os.O_CLOEXEC)
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        st_r, st_w = os.pipe2(os.O_CLOEXEC)
        try:
            with self._lock:
                socket.send_fds(self._sock, [json.dumps({"t": "run", "id": jid}).encode()],
                                [jfd, res_w, out_w, st_w])
        except OSError as e:
            for fd in (jfd, res_r, res_w, out_r, out_w, st_r, st_w):
                os.close(fd)
            return JobResult([], [CallOutcome("noresult") for _ in job.calls], infra_error=f"zygote gone ({e})",
                             tier=self.tier)
        for fd in (jfd, res_w, out_w, st_w):
            os.close(fd)
        out_cap = lim["output_kb"] * 1024
        res, out, st = bytearray(), bytearray(), bytearray()
        out_total, flooded, killed = 0, False, False
        deadline = time.monotonic() + lim["wall_s"] + GRACE_S
        sel = selectors.DefaultSelector()
        for fd in (res_r, out_r, st_r):
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        open_fds = {res_r, out_r, st_r}
        try:
            while open_fds:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                for key, _ in sel.select(min(left, 1.0)):
                    fd = key.fd
                    try:
                        chunk = os.read(fd, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        sel.unregister(fd)
                        open_fds.discard(fd)
                        continue
                    if fd == res_r:
                        if len(res) + len(chunk) > RESULT_CAP:
                            flooded = True
                        else:
                            res += chunk
                    elif fd == out_r:
                        out_total += len(chunk)
                        if len(out) < out_cap:
                            out += chunk[: out_cap - len(out)]
                        if out_total > out_cap * FLOOD_FACTOR:
                            flooded = True
                    else:
                        st += chunk[:65536]
                    if flooded and not killed:
                        killed = True
                        self._kill(jid, slot)
            if open_fds and not killed:  # backstop: the keeper did not finish in time
                killed = True
                self._kill(jid, slot)
                # drain what is left for a moment (the keeper's death closes the pipes)
                end = time.monotonic() + 2.0
                while open_fds and time.monotonic() < end:
                    for key, _ in sel.select(0.1):
                        try:
                            chunk = os.read(key.fd, 1 << 16)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            sel.unregister(key.fd)
                            open_fds.discard(key.fd)
                        elif key.fd == st_r:
                            st += chunk[:65536]
        finally:
            sel.close()
            for fd in (res_r, out_r, st_r):
                os.close(fd)
        status: dict[str, Any] = {}
        try:
            status = json.loads(bytes(st)) if st else {}
        except ValueError:
            status = {}
        r = self._collect(job, bytes(res), status)
        r.stdout = out.decode("utf-8", "replace")
        r.stdout_truncated = out_total > out_cap
        r.flooded = flooded
        if killed and not status:
            r.timed_out = True
        r.overhead_s = max(0.0, time.perf_counter() - t_start - r.wall_s)
        if not status.get("ok") and not r.timed_out and not flooded:
            r.infra_error = status.get("error") or "keeper reported nothing"
        if status and status.get("ok") and not status.get("scratch_removed", True):
            r.notes.append("scratch directory could not be removed")
        return r

    def _kill(self, jid: int, slot: int) -> None:
        try:
            with self._lock:
                self._sock.send(json.dumps({"t": "kill", "id": jid, "slot": slot}).encode())
        except OSError:
            pass

    def _collect(self, job: Job, data: bytes, status: Mapping[str, Any]) -> JobResult:
        cells = [CellOutcome(i, c.origin, None) for i, c in enumerate(job.cells)]
        calls: list[CallOutcome | None] = [None] * len(job.calls)
        done = tampered = False
        # the runner writes cell 0..n-1, then call 0..m-1, then done, strictly in order; student code
        # can write to the same pipe, so anything out of order or repeated voids the whole job
        expected = [("cell", i) for i in range(len(cells))] + [("call", i) for i in range(len(calls))]
        nxt = 0
        pos = 0
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
                cells[i].ok = ok
                if not ok:
                    cells[i].error = _clean_error(msg.get("error"))
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
            calls = [CallOutcome("badvalue", message="the job's result channel was tampered with "
                                                     "(unexpected messages); nothing it sent is used")
                     for _ in calls]
        sig = status.get("signal")
        r = JobResult(cells, [c or CallOutcome("noresult") for c in calls], done=done, tier=self.tier,
                      timed_out=bool(status.get("timed_out")), exit_code=status.get("exit"), signal=sig,
                      wall_s=float(status.get("wall_s") or 0.0), cpu_s=float(status.get("cpu_s") or 0.0),
                      notes=list(job.notes))
        r.cpu_exceeded = sig in (9, 24) and not r.timed_out and r.cpu_s >= float(_limits_dict(job.limits)["cpu_s"]) - 0.05
        if status.get("swept"):
            r.notes.append(f"{status['swept']} leftover process(es) killed after the job")
        return r


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
