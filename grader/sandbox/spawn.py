"""Start the sandbox's fork server (zygote) process. Imports neither numpy nor the rest of the
sandbox, so a command can start it first and let the zygote's own start-up (interpreter, numpy,
kernel probes) overlap the grader's imports and rubric loading."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

ZYGOTE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zygote.py")


@dataclass
class Spawned:
    proc: subprocess.Popen
    sock: socket.socket          # our end of the zygote's control socket (hello, open, kill, exit)
    started: float               # time.perf_counter() at spawn
    namespaces: bool


def spawn(namespaces: bool = True, python: str | None = None) -> Spawned:
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            [python or sys.executable, "-I", ZYGOTE, str(theirs.fileno()), "1" if namespaces else "0"],
            pass_fds=[theirs.fileno()], env=env, cwd="/", stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=None, close_fds=True)
    except BaseException:
        mine.close()
        raise
    finally:
        theirs.close()
    return Spawned(proc=proc, sock=mine, started=started, namespaces=namespaces)
