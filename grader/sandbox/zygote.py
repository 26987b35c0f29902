"""The untrusted side of the sandbox: zygote (fork server), per-job keeper and worker.

This file is run as a *script* by `grader.sandbox.session` in a clean interpreter
(``python -I .../zygote.py FD``), before any rubric is loaded. It imports only the standard
library, numpy and the modules the rubric's `preload` names, and never imports `grader` (so no rubric, reference or expected value
can be in its heap, which every job inherits).

    grader (trusted)  --unix socket + SCM_RIGHTS-->  zygote  (imports numpy [+ preload], single thread,
                                                              PR_SET_CHILD_SUBREAPER)
      per job: fork keeper K (trusted code, never runs student code; subreaper; wall timer)
        K: [namespaces] unshare(NET|PID|IPC|UTS [|USER when not root]) -> fork worker W (PID 1)
        W: setsid, fds, env, chdir(scratch), rlimits, [root] ruid -> slot uid + drop all caps,
           no_new_privs, Landlock, seccomp -> run the cells -> call the functions ->
           one framed JSON message per observation on the result pipe -> os._exit
        K: waits (wall limit) -> SIGKILL W -> sweep every descendant (subreaper, slot uid kill -1)
           -> rm -r scratch -> writes its status (exit code, signal, timed out, rusage) -> exit

Wire format of the result pipe: 4-byte big-endian length + UTF-8 JSON, values encoded by exact
type only (see `encode`). The parent never unpickles or evaluates anything.
"""

import base64
import ctypes
import ctypes.util
import errno
import gc
import json
import linecache
import math
import mmap
import os
import resource
import select
import shutil
import signal
import socket
import struct
import sys
import tempfile
import time
import traceback
import types

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

# Only numpy is preloaded: every module in this heap makes each fork dearer (page tables are
# copied per fork; sympy doubles a keeper's fork + namespaces, ~4 ms -> ~8 ms). A rubric names the
# other modules its hand-ins import (`preload:`); they arrive as a "preload" message before any job.

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

# --- snapshots taken before any student code can run (a student can only sabotage their own values)
_type, _isinstance, _len, _str, _repr = type, isinstance, len, str, repr
_int, _float, _bool, _list, _tuple, _dict = int, float, bool, list, tuple, dict
_BaseException, _MemoryError, _RecursionError = BaseException, MemoryError, RecursionError
_SystemExit, _KeyboardInterrupt = SystemExit, KeyboardInterrupt
_ndarray, _np_generic = np.ndarray, np.generic
_ascontig, _frombuffer, _np_dtype = np.ascontiguousarray, np.frombuffer, np.dtype
_b64e, _b64d, _dumps, _loads = base64.b64encode, base64.b64decode, json.dumps, json.loads
_os_write, _os_exit = os.write, os._exit
_mmap = mmap.mmap
_math_isfinite = math.isfinite
import builtins as _builtins_mod  # noqa: E402
_BUILTINS = dict(_builtins_mod.__dict__)


class _clean_builtins:
    """Run grader code in the child with the original builtins, then give the student theirs back."""

    def __enter__(self):
        self.saved = dict(_builtins_mod.__dict__)
        _builtins_mod.__dict__.clear()
        _builtins_mod.__dict__.update(_BUILTINS)

    def __exit__(self, *exc):
        _builtins_mod.__dict__.clear()
        _builtins_mod.__dict__.update(self.saved)
        return False


_SCALAR_TYPES = {np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                 np.uint64, np.float16, np.float32, np.float64}

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_SET_NAME = 1, 4, 38, 15
PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_SECUREBITS = 22, 24, 28
PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP = 0x10000000, 0x20000000, 0x40000000, 0x02000000
X86_64 = os.uname().machine == "x86_64"
# per-slot real uid/gid when the grader runs as root: unique per live zygote (its pid), so two
# grader runs on one machine never share a slot uid (NPROC budget, kill -1 by slot)
SLOT_UID_BASE = 100000 + os.getpid() * 64
MAX_MSG = 4 << 20               # one result message
MAX_DEPTH = 64
MAX_ITEMS = 2_000_000
STR_CAP = 65536


def _prctl(opt, a=0, b=0, c=0, d=0):
    return _libc.prctl(opt, a, b, c, d)


def _name(title):
    """The process's name in ps/top/perf: which role of the sandbox it plays."""
    buf = ctypes.create_string_buffer(title[:15])
    _libc.prctl(PR_SET_NAME, ctypes.addressof(buf), 0, 0, 0)


# ------------------------------------------------------------------------------------- Landlock
LL_CREATE, LL_ADD, LL_RESTRICT = 444, 445, 446


def landlock_abi():
    if not X86_64:
        return 0
    abi = _libc.syscall(LL_CREATE, None, 0, 1)
    return abi if abi > 0 else 0


class _LLAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _LLPath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("fd", ctypes.c_int32)]


_READ_PATHS = None


def _read_paths():
    """(path, is a directory) of what a worker may read and execute; computed once, in the zygote."""
    global _READ_PATHS
    if _READ_PATHS is None:
        _READ_PATHS = [(p, os.path.isdir(p)) for p in _existing_read_paths()]
    return _READ_PATHS


def _existing_read_paths():
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(np.__file__),
             os.path.dirname(os.path.dirname(np.__file__))}
    paths |= {"/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives",
              "/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/os-release",
              "/dev/urandom", "/dev/random", "/dev/zero"}
    return sorted(p for p in paths if p and os.path.exists(p))


def apply_landlock(abi, write_dir):
    """Read-only interpreter + libraries; read/write the job dir; nothing else. ABI>=4: no TCP;
    ABI>=6: no signals or abstract unix sockets outside the domain."""
    fs = (1 << 13) - 1
    if abi >= 2:
        fs |= 1 << 13
    if abi >= 3:
        fs |= 1 << 14
    if abi >= 5:
        fs |= 1 << 15
    attr = _LLAttr(fs, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)
    size = 8 if abi < 4 else (16 if abi < 6 else 24)
    rs = _libc.syscall(LL_CREATE, ctypes.byref(attr), size, 0)
    if rs < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    file_rights = 1 | 2 | 4 | ((1 << 14) if abi >= 3 else 0)
    read_rx = 1 | 4 | 8
    try:
        def add(path, rights, is_dir=True):
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                if not is_dir:
                    rights &= file_rights
                pb = _LLPath(rights, fd)
                if _libc.syscall(LL_ADD, rs, 1, ctypes.byref(pb), 0) != 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule {path}")
            finally:
                os.close(fd)
        for p, is_dir in _read_paths():
            add(p, read_rx, is_dir)
        add("/dev/null", 2 | 4, False)
        if write_dir:
            add(write_dir, fs)
        if _libc.syscall(LL_RESTRICT, rs, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    finally:
        os.close(rs)


# -------------------------------------------------------------------------------------- seccomp
_DENY_EPERM = [101, 310, 311, 321, 298, 323, 250, 248, 249, 165, 166, 272, 308, 135, 155, 161,
               246, 320, 175, 313, 176, 105, 106, 113, 114, 117, 119, 122, 123, 116, 126, 428, 429,
               430, 431, 432, 433, 442, 438, 163, 167, 168, 169, 170, 171, 172, 173, 179, 153, 103,
               303, 304, 300, 164, 227, 159, 305, 312, 425, 426, 427]
_NS_FLAGS = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def _seccomp_program():
    """The filter as a BPF program (built once, in the zygote; every worker installs the same)."""
    LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    ALLOW, KILL = 0x7FFF0000, 0x80000000
    ERRNO = lambda e: 0x00050000 | e  # noqa: E731
    p = [(LD, 0, 0, 4), (JEQ, 1, 0, 0xC000003E), (RET, 0, 0, KILL), (LD, 0, 0, 0),
         (JGE, 0, 1, 0x40000000), (RET, 0, 0, KILL)]
    for nr in _DENY_EPERM:
        p += [(JEQ, 0, 1, nr), (RET, 0, 0, ERRNO(errno.EPERM))]
    p += [(JEQ, 0, 1, 435), (RET, 0, 0, ERRNO(errno.ENOSYS))]                       # clone3
    p += [(JEQ, 0, 4, 41), (LD, 0, 0, 16), (JEQ, 0, 1, 1), (RET, 0, 0, ALLOW),
          (RET, 0, 0, ERRNO(errno.EACCES))]                                         # socket
    p += [(JEQ, 0, 4, 56), (LD, 0, 0, 16), (JSET, 0, 1, _NS_FLAGS), (RET, 0, 0, ERRNO(errno.EPERM)),
          (RET, 0, 0, ALLOW)]                                                       # clone
    p += [(RET, 0, 0, ALLOW)]
    arr = (_SockFilter * len(p))(*[_SockFilter(*x) for x in p])
    prog = _SockFprog(len(p), arr)
    return prog, arr, ctypes.cast(ctypes.pointer(prog), ctypes.c_void_p).value


_SECCOMP = None


def apply_seccomp():
    """Deny-list filter: kernel-attack surface, ptrace, namespaces, id changes, io_uring, and every
    socket family except AF_UNIX. Foreign arch / x32 syscalls kill the process."""
    global _SECCOMP
    if not X86_64:
        raise OSError(errno.ENOSYS, "seccomp filter only built for x86_64")
    if _SECCOMP is None:
        _SECCOMP = _seccomp_program()
    if _prctl(PR_SET_NO_NEW_PRIVS, 1) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
    if _libc.prctl(PR_SET_SECCOMP, 2, _SECCOMP[2], 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_SECCOMP")


# ------------------------------------------------------------------------------ identity / caps
class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_root(slot_uid):
    """Root only: real uid/gid -> a per-slot id (RLIMIT_NPROC counts it; kill -1 by slot), no
    supplementary groups, no capabilities (bounding set emptied, SECBIT_NOROOT locked). The
    effective uid stays 0 *without* any capability only so the interpreter under a 0700 /root stays
    readable; Landlock confines the filesystem, seccomp forbids changing ids again, and
    no_new_privs resets euid to the slot uid on any exec."""
    _prctl(PR_SET_SECUREBITS, 0xEF)  # NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE (+locks), KEEP_CAPS locked off
    os.setgroups([])
    os.setresgid(slot_uid, slot_uid, slot_uid)
    os.setresuid(slot_uid, 0, 0)
    for cap in range(64):
        if _prctl(PR_CAPBSET_DROP, cap) != 0 and ctypes.get_errno() == errno.EINVAL:
            break
    hdr = _CapHeader(0x20080522, 0)
    data = (_CapData * 2)()
    if _libc.syscall(126, ctypes.byref(hdr), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def _vm_size():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _uid_processes(uid):
    n = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat("/proc/" + d).st_uid == uid:
                    n += 1
            except OSError:
                pass
    return n


def apply_rlimits(lim, root, cells_cpu_s=None):
    """The worker's limits; returns the address-space size before student code (the base every
    question child's memory limit is counted from). CPU: soft = the cells' budget, hard = the
    largest question budget + 1 (a question child sets its own, fresh counter)."""
    cpu = max(1, int(math.ceil(lim["cpu_s"])))
    soft = max(1, int(math.ceil(cells_cpu_s))) if cells_cpu_s else cpu
    resource.setrlimit(resource.RLIMIT_CPU, (min(soft, cpu), cpu + 1))
    base = _vm_size()
    mem = base + int(lim["memory_mb"]) * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    nproc = int(lim["processes"]) if root else _uid_processes(os.getuid()) + int(lim["processes"])
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_MEMLOCK, (0, 0))
    return base


# ------------------------------------------------------------------------------- value encoding
class Unencodable(Exception):
    pass


def encode(x, depth=0, budget=None):
    """Plain data by exact type only; anything else is refused (never repr'd, never pickled)."""
    if budget is None:
        budget = [MAX_ITEMS]
    if depth > MAX_DEPTH:
        raise Unencodable("value nested too deeply")
    budget[0] -= 1
    if budget[0] < 0:
        raise Unencodable("value too large")
    t = _type(x)
    if x is None or t is _bool or t is _str and _len(x) <= STR_CAP:
        return x
    if t is _int:
        if -(1 << 63) <= x < (1 << 63):
            return x
        raise Unencodable("integer out of range")
    if t is _float:
        return x if _math_isfinite(x) else {"__float__": _repr(x)}
    if t is _list or t is _tuple:
        out = [encode(v, depth + 1, budget) for v in x]
        return out if t is _list else {"__tuple__": out}
    if t is _dict:
        out = {}
        for k, v in x.items():
            if _type(k) is not _str:
                raise Unencodable("dict with a non-string key")
            out[k] = encode(v, depth + 1, budget)
        return {"__dict__": out}
    if t is _ndarray or t in _SCALAR_TYPES:
        a = _ascontig(x)
        if _type(a) is not _ndarray or a.dtype.kind not in "biuf" or a.dtype.hasobject:
            raise Unencodable(f"array of dtype {a.dtype.str}")
        budget[0] -= a.size
        if budget[0] < 0:
            raise Unencodable("value too large")
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        return {"__nd__": _b64e(a.tobytes()).decode("ascii"), "dtype": a.dtype.str,
                "shape": [_int(s) for s in a.shape], "scalar": t is not _ndarray}
    if t is _str:
        raise Unencodable("string too long")
    raise Unencodable(f"unsupported type {t.__module__}.{t.__qualname__}"[:200])


def decode_arg(x, cns):
    """Inputs from the trusted parent (the same encoding) -> Python/numpy values."""
    if _type(x) is _list:
        return [decode_arg(v, cns) for v in x]
    if _type(x) is not _dict:
        return x
    if "__nd__" in x:
        a = _frombuffer(_b64d(x["__nd__"]), dtype=_np_dtype(x["dtype"])).reshape(x["shape"]).copy()
        return a[()] if x.get("scalar") else a
    if "__float__" in x:
        return float(x["__float__"])
    if "__tuple__" in x:
        return tuple(decode_arg(v, cns) for v in x["__tuple__"])
    if "__dict__" in x:
        return {k: decode_arg(v, cns) for k, v in x["__dict__"].items()}
    if "__callable__" in x:
        ns = {"np": np, "numpy": np, "math": math}
        src = x["__callable__"]
        try:
            return eval(compile(src, "<instructor callable>", "eval"), ns)
        except SyntaxError:
            exec(compile(src, "<instructor callable>", "exec"), ns)
            return ns[x.get("name") or "f"]
    raise ValueError("bad argument encoding")


# ----------------------------------------------------------------------------------- the worker
# ----------------------------------------------------------------------------------- the worker
EXIT_MEMORY = 75                 # the harness itself ran out of memory (reported as exhaustion)
RESERVE_BYTES = 8 << 20          # address space kept back so a MemoryError can still be reported
_RESERVE = []


def _take_reserve():
    """Address space only (an untouched anonymous mapping: no page is faulted in, it costs nothing
    but counts against RLIMIT_AS), given back when a MemoryError must be reported."""
    try:
        if not _RESERVE:
            _RESERVE.append(_mmap(-1, RESERVE_BYTES))
    except _BaseException:
        pass


def _free_reserve():
    while _RESERVE:
        try:
            _RESERVE.pop().close()
        except _BaseException:
            pass


class _Out:
    def __init__(self, fd):
        self.fd = fd

    def send(self, obj):
        try:
            with _clean_builtins():
                self._send(obj)
        except _MemoryError:
            _free_reserve()
            try:
                with _clean_builtins():
                    self._send(obj)
            except _MemoryError:
                _os_exit(EXIT_MEMORY)

    def _send(self, obj):
        try:
            data = _dumps(obj, allow_nan=False).encode()
        except (ValueError, TypeError, _RecursionError):
            data = _dumps({"t": "bad"}).encode()
        if _len(data) > MAX_MSG:
            data = _dumps({**{k: obj[k] for k in ("t", "i") if k in obj},
                           "error": {"type": "ResultTooLarge", "message": "result too large"}}).encode()
        buf = struct.pack(">I", _len(data)) + data
        while buf:
            buf = buf[_os_write(self.fd, buf):]


def _describe_exc(e, cellfiles):
    """Type, message, and the student's own cell/line (grader frames never shown)."""
    if _isinstance(e, _MemoryError):
        _free_reserve()
        try:  # the frames hold what filled the memory (a runaway list): let it go before reporting
            traceback.clear_frames(e.__traceback__)
        except _BaseException:
            pass
    try:
        msg = _str(e)[:500]
    except _BaseException:
        msg = "<unprintable>"
    tname = _type(e).__name__
    frames, where = [], None
    try:
        for fs in traceback.extract_tb(e.__traceback__):
            if fs.filename in cellfiles:
                where = {"origin": cellfiles[fs.filename], "line": fs.lineno}
                frames.append(f'  {cellfiles[fs.filename]}, line {fs.lineno}, in {fs.name}\n'
                              + (f"    {fs.line}\n" if fs.line else ""))
        if _isinstance(e, SyntaxError) and e.filename in cellfiles:
            where = {"origin": cellfiles[e.filename], "line": e.lineno}
            frames.append(f"  {cellfiles[e.filename]}, line {e.lineno}\n    {(e.text or '').strip()}\n")
    except _BaseException:
        pass
    tb = ("Traceback (most recent call last):\n" + "".join(frames[-8:]) if frames else "") + f"{tname}: {msg}"
    return {"type": tname, "message": msg, "where": where, "traceback": tb[:4000],
            "memory": _isinstance(e, _MemoryError), "exit": _isinstance(e, _SystemExit),
            "interrupt": _isinstance(e, _KeyboardInterrupt)}


class CellTimeout(BaseException):
    """Raised inside a student cell that runs past its share of the cells' budget."""


def _on_cell_alarm(signum, frame):
    raise CellTimeout("this cell did not finish in time; it was stopped and the next cells ran")


def cell_budget(job):
    """Wall seconds one cell may take before it is interrupted (the next cells still run), as
    nbgrader's per-cell timeout: the rubric's ``cell_s``, else 60% of the cells' CPU/wall limit,
    so that a looping cell is stopped before the whole run's limits end it."""
    lim = job.get("limits") or {}
    cpu = job.get("cells_cpu_s") or lim.get("cpu_s") or 0
    wall = lim.get("wall_s") or 0
    bound = min(x for x in (cpu, wall) if x) if (cpu or wall) else 0
    own = lim.get("cell_s") or 0
    if own:
        return float(min(own, bound)) if bound else float(own)
    return 0.6 * float(bound) if bound else 0.0


def run_cells(job, out):
    """Exec the student's cells in order as one module; returns (namespace, cell files).

    A cell that runs past ``cell_budget`` is interrupted (CellTimeout) and recorded as a
    failing cell; the following cells still run, so one runaway cell does not zero the exam.
    """
    budget = cell_budget(job)
    if budget:
        signal.signal(signal.SIGALRM, _on_cell_alarm)
    cellfiles = {}
    ns = {"__name__": job.get("module_name", "__main__"), "__builtins__": __builtins__}
    mod = types.ModuleType(ns["__name__"])
    mod.__dict__.update(ns)
    ns = mod.__dict__
    sys.modules["__main__"] = mod
    for idx, cell in enumerate(job.get("cells", [])):
        fname = f"<student-cell-{idx}>"
        cellfiles[fname] = cell.get("origin", f"cell {idx}")
        src = cell["source"]
        linecache.cache[fname] = (_len(src), None, src.splitlines(True), fname)
        _take_reserve()
        try:
            code = compile(src, fname, "exec")
            if budget:
                signal.setitimer(signal.ITIMER_REAL, budget)
            try:
                exec(code, ns)
            finally:
                if budget:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            out.send({"t": "cell", "i": idx, "ok": True})
        except _BaseException as e:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
            out.send({"t": "cell", "i": idx, "ok": False, "error": _describe_exc(e, cellfiles)})
            e = None
    if budget:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    return ns, cellfiles


def run_calls(calls, ns, cellfiles, out):
    """Make the calls (``fn``) and reads (``get``) of one question; one frame each, then done."""
    cns = {}
    for i, call in enumerate(calls):
        _take_reserve()
        name = call.get("get") or call["fn"]
        fn = ns.get(name) if _type(ns) is _dict else None
        if call.get("get"):
            if name not in ns:
                out.send({"t": "call", "i": i, "missing": True})
                continue
            try:
                with _clean_builtins():
                    enc = encode(fn)
            except Unencodable as e:
                out.send({"t": "call", "i": i, "error": {"type": "UnusableValue", "message": _str(e)}})
                continue
            except _BaseException as e:  # noqa: BLE001
                out.send({"t": "call", "i": i, "error": {"type": "UnusableValue",
                          "message": f"the value could not be read ({_type(e).__name__})"}})
                continue
            out.send({"t": "call", "i": i, "value": enc})
            continue
        if fn is None:
            out.send({"t": "call", "i": i, "missing": True})
            continue
        if not callable(fn):
            out.send({"t": "call", "i": i, "error": {"type": "NotCallable", "message":
                      f"{name} is a {_type(fn).__name__}, not a function", "where": None}})
            continue
        try:
            args = [decode_arg(a, cns) for a in call.get("args", [])]
            kwargs = {k: decode_arg(v, cns) for k, v in call.get("kwargs", {}).items()}
        except _BaseException as e:  # pragma: no cover - parent-built inputs
            out.send({"t": "call", "i": i, "error": {"type": "BadInput", "message": _str(e)[:200]}})
            continue
        t0 = time.perf_counter()
        try:
            value = fn(*args, **kwargs)
        except _BaseException as e:  # noqa: BLE001
            err = _describe_exc(e, cellfiles)
            e = None
            out.send({"t": "call", "i": i, "error": err, "wall_s": time.perf_counter() - t0})
            continue
        try:
            with _clean_builtins():
                enc = encode(value)
        except Unencodable as e:
            out.send({"t": "call", "i": i, "error": {"type": "UnusableValue", "message": _str(e)}})
            continue
        except _BaseException as e:  # noqa: BLE001
            if _isinstance(e, _MemoryError):
                _free_reserve()
            out.send({"t": "call", "i": i, "error": {"type": "UnusableValue",
                      "message": f"the returned value could not be read ({_type(e).__name__})"}})
            continue
        value = None
        out.send({"t": "call", "i": i, "value": enc, "wall_s": time.perf_counter() - t0})
    out.send({"t": "done"})


def strip_environment(scratch):
    os.environ.clear()
    os.environ.update({"HOME": scratch, "TMPDIR": scratch, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                       "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    tempfile.tempdir = scratch


# snapshots for the template loop, which runs after student code in the same process
_fork, _wait4, _waitpid, _dup2, _close, _open = os.fork, os.wait4, os.waitpid, os.dup2, os.close, os.open
_recv_fds, _setrlimit, _WNOHANG = socket.recv_fds, resource.setrlimit, os.WNOHANG
_RLIMIT_CPU, _RLIMIT_AS = resource.RLIMIT_CPU, resource.RLIMIT_AS
_sock_send = socket.socket.send


def _flush_std():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except _BaseException:
        pass


def question_child(q, calls, ns, cellfiles, rfds, base_vm, wctl):
    """In a fork of the post-cells worker: this question's limits, its pipes, its calls. Never returns."""
    try:
        cb = _clean_builtins()
        cb.__enter__()
        _name(b"grader-question")
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        _close(wctl.detach())
        signal.signal(signal.SIGXCPU, signal.SIG_DFL)
        res_fd, out_fd = rfds
        _dup2(out_fd, 1)
        _dup2(out_fd, 2)
        _dup2(res_fd, 3)
        _close(res_fd)
        _close(out_fd)
        lim = q["limits"]
        cpu = max(1, int(math.ceil(lim["cpu_s"])))
        _setrlimit(_RLIMIT_CPU, (cpu, cpu + 1))
        mem = base_vm + int(lim["memory_mb"]) * (1 << 20)
        _setrlimit(_RLIMIT_AS, (mem, mem))
        cb.__exit__(None, None, None)
    except _BaseException:
        _os_exit(71)
    out = _Out(3)
    try:
        run_calls(calls, ns, cellfiles, out)
    except _MemoryError:
        _os_exit(EXIT_MEMORY)
    except _BaseException:
        pass
    _flush_std()
    _os_exit(0)


def _reap_dead():
    while True:
        try:
            p, _ = _waitpid(-1, _WNOHANG)
        except ChildProcessError:
            return
        if p == 0:
            return


def template_loop(ns, cellfiles, wctl, base_vm):
    """After the cells: fork one child per question from this state; report each child's end to
    the keeper. Runs in the student's process (their code already ran here): it can only ever
    spoil this hand-in's own results, never the parent's judgement."""
    with _clean_builtins():
        try:  # the template itself waits; its CPU soft limit was the cells' budget
            soft, hard = resource.getrlimit(_RLIMIT_CPU)
            _setrlimit(_RLIMIT_CPU, (hard, hard))
        except _BaseException:
            pass
        nul = _open("/dev/null", os.O_RDWR)
        _dup2(nul, 1)
        _dup2(nul, 2)
        _dup2(nul, 3)
        _close(nul)
        _sock_send(wctl, b'{"t": "ready"}')
    while True:
        with _clean_builtins():
            data, fds, _, _ = _recv_fds(wctl, 65536, 3)
            if not data:
                _os_exit(0)
            q = _loads(data)
            if _len(fds) != 3:
                for fd in fds:
                    _close(fd)
                _sock_send(wctl, _dumps({"t": "qend", "q": q.get("q"), "error": "bad request"}).encode())
                continue
            job_fd, fds = fds[0], fds[1:]
            try:
                with os.fdopen(job_fd, "rb") as f:
                    calls = _loads(f.read())
            except _BaseException:
                calls = []
            if calls and all(_type(c) is _dict and c.get("get") for c in calls):
                # only reads of module-level values: no student code runs (exact types only), so
                # no child is needed; answered here on the question's own pipe
                try:
                    run_calls(calls, ns, cellfiles, _Out(fds[0]))
                except _BaseException:
                    pass
                for fd in fds:
                    _close(fd)
                _sock_send(wctl, _dumps({"t": "qend", "q": q.get("q"), "exit": 0, "signal": None,
                                         "cpu_s": 0.0}).encode())
                continue
            _reap_dead()               # killed leftovers are zombies until reaped: they count as processes
            pid = _fork()
        if pid == 0:
            question_child(q, calls, ns, cellfiles, fds, base_vm, wctl)
        with _clean_builtins():
            for fd in fds:
                _close(fd)
            while True:
                try:
                    _, wst, ru = _wait4(pid, 0)
                    break
                except InterruptedError:
                    continue
                except ChildProcessError:
                    wst, ru = None, None
                    break
            _reap_dead()  # orphans re-parented here (PID 1 / subreaper)
            rep = {"t": "qend", "q": q.get("q"), "cpu_s": (ru.ru_utime + ru.ru_stime) if ru else 0.0}
            if wst is not None:
                rep["exit"] = os.WEXITSTATUS(wst) if os.WIFEXITED(wst) else None
                rep["signal"] = os.WTERMSIG(wst) if os.WIFSIGNALED(wst) else None
            _sock_send(wctl, _dumps(rep).encode())


EXIT_CPU = 76                    # the worker's own SIGXCPU handler (it may be PID 1: see worker)


def _on_xcpu(signum, frame):
    _os_exit(EXIT_CPU)


def worker(job, fds, scratch, cfg, keeper_pid, wctl):
    """Runs in the job's process: apply every layer, run the student's cells, then either the inline
    calls (single job) or the template loop (one child per question). Never returns."""
    try:
        _name(b"grader-job")
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != keeper_pid and os.getpid() != 1:
            _os_exit(70)
        _prctl(PR_SET_CHILD_SUBREAPER, 1)     # orphans of a question child stay in this tree
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD):
            signal.signal(s, signal.SIG_DFL)
        # as PID 1 of its namespace the worker ignores a default-action SIGXCPU: end it explicitly
        signal.signal(signal.SIGXCPU, _on_xcpu)
        try:
            os.setsid()
        except OSError:
            pass
        res_fd = 3
        os.dup2(fds["out"], 1)
        os.dup2(fds["out"], 2)
        os.dup2(fds["res"], res_fd)
        nul = os.open("/dev/null", os.O_RDONLY)
        os.dup2(nul, 0)
        if wctl is not None:
            os.dup2(wctl.detach(), 4)
            wctl = socket.socket(fileno=4)
            wctl.set_inheritable(False)
        os.closerange(5 if wctl is not None else 4, 65536)
        sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")
        sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")
        strip_environment(scratch)
        os.chdir(scratch)
        root = cfg["root"]
        lim = job["limits"]
        base_vm = apply_rlimits(lim, root and cfg["drop_uid"], job.get("cells_cpu_s"))
        if root and cfg["drop_uid"]:
            drop_root(SLOT_UID_BASE + int(job.get("slot", 0)))
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        if cfg["landlock"]:
            apply_landlock(cfg["landlock"], scratch)
        if cfg["seccomp"]:
            apply_seccomp()
        _prctl(PR_SET_DUMPABLE, 0)
        sys.argv = ["submission"]
    except BaseException as e:  # setup failed: fail closed, the parent sees no result
        try:
            os.write(2, f"sandbox setup failed: {e!r}\n".encode())
        finally:
            _os_exit(71)
    out = _Out(res_fd)
    ns, cellfiles = {}, {}
    try:
        ns, cellfiles = run_cells(job, out)
        if wctl is None:
            run_calls(job.get("calls") or [], ns, cellfiles, out)
        else:
            # a session's reads of module-level values come back with the cells (exact types only,
            # no student code runs): the questions that only read need no round trip
            reads = job.get("reads") or []
            run_calls([c for c in reads if _type(c) is _dict and c.get("get")], ns, cellfiles, out)
    except _MemoryError:
        _os_exit(EXIT_MEMORY)
    except BaseException:
        pass
    _flush_std()
    if wctl is not None:
        try:
            template_loop(ns, cellfiles, wctl, base_vm)
        except BaseException:
            pass
    _os_exit(0)


# ----------------------------------------------------------------------------------- the keeper
def _children_of(pid):
    """Live children of pid (every thread's), from /proc/PID/task/*/children (no /proc scan)."""
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                    kids += [int(x) for x in f.read().split()]
            except (OSError, ValueError):
                pass
    except OSError:
        pass
    return kids


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
        return s[s.rindex(b")") + 2:s.rindex(b")") + 3] in (b"Z", b"X")
    except (OSError, ValueError):
        return True


def kill_tree(roots):
    """SIGKILL the given processes and all their descendants (repeat until nothing live is left)."""
    killed = set()
    for _ in range(200):
        todo, seen = list(roots), []
        while todo:
            p = todo.pop()
            seen.append(p)
            todo += _children_of(p)
        live = [p for p in seen if not _zombie(p)]
        if not live:
            return len(killed)
        for p in live:
            try:
                os.kill(p, signal.SIGKILL)
                killed.add(p)
            except OSError:
                pass
        time.sleep(0.001)
    return len(killed)


def kill_uid(uid):
    """Fork a helper that becomes `uid` fully and kill(-1, SIGKILL)s: every process of the slot."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(3):
                os.kill(-1, signal.SIGKILL)
        except BaseException:
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def sweep(me, slot_uid):
    """Kill and reap every descendant (they are re-parented to us: we are a subreaper)."""
    killed = 0
    for _ in range(200):
        if slot_uid is not None:
            kill_uid(slot_uid)
        kids = _children_of(me)
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        reaped = False
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return killed
            if pid == 0:
                break
            reaped = True
        if not kids and not reaped:
            time.sleep(0.002)
    return killed


def _proc_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
        st = s[s.rindex(b")") + 2:].split()
        return (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


class _Session:
    """The keeper's view of one hand-in's worker: phases (cells, then one per question)."""

    def __init__(self, ctl, wctl, wpid, me, use_ns, slot_uid):
        self.ctl, self.wctl, self.wpid, self.me = ctl, wctl, wpid, me
        self.use_ns, self.slot_uid = use_ns, slot_uid
        self.wpfd = os.pidfd_open(wpid)
        self.alive = True
        self.wst = None
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu0 = r.ru_utime + r.ru_stime    # a slot keeper has reaped earlier jobs: count from here
        self.dead_cpu = 0.0
        self.final_swept = False

    def close(self):
        try:
            os.close(self.wpfd)
        except OSError:
            pass

    def reap_worker(self):
        if self.wst is None:
            _, self.wst = os.waitpid(self.wpid, 0)
            r = resource.getrusage(resource.RUSAGE_CHILDREN)
            self.dead_cpu = r.ru_utime + r.ru_stime - self.cpu0
        self.alive = False

    def kill_worker(self):
        try:
            os.kill(self.wpid, signal.SIGKILL)
        except OSError:
            pass
        self.reap_worker()

    def leftovers(self):
        """Descendants of the worker (orphans of a question) and our own children other than it."""
        roots = [k for k in _children_of(self.me) if k != self.wpid]
        if self.alive:
            roots += _children_of(self.wpid)
        return roots

    def sweep_between(self):
        roots = self.leftovers()
        return kill_tree(roots) if roots else 0

    def wait_phase(self, deadline, want):
        """Wait for the worker's message `want` (ready / qend), its death, the deadline, or a kill
        request from the parent. Returns (message or None, timed_out, killed_by_parent)."""
        timed_out = killed = False
        kill_at = None
        while True:
            now = time.monotonic()
            if kill_at is not None and now >= kill_at:
                self.kill_worker()                 # it does not report after its child was killed
                return None, timed_out, killed
            left = (deadline if kill_at is None else kill_at) - now
            if left <= 0 and kill_at is None:
                timed_out = True
                if want != "qend":
                    self.kill_worker()
                    return None, True, killed
                kill_tree(_children_of(self.wpid))
                kill_at = time.monotonic() + 2.0
                continue
            watch = [self.wpfd, self.ctl] + ([self.wctl] if self.wctl is not None else [])
            r, _, _ = select.select(watch, [], [], max(0.0, left))
            if self.ctl in r:
                try:
                    m = self.ctl.recv(65536)
                except OSError:
                    m = b""
                if not m:
                    raise SystemExit               # the parent is gone
                if json.loads(m).get("t") == "kill":
                    killed = True
                    if want != "qend":
                        self.kill_worker()
                        return None, timed_out, True
                    kill_tree(_children_of(self.wpid))
                    kill_at = time.monotonic() + 2.0
            if self.wctl is not None and self.wctl in r:
                try:
                    m = self.wctl.recv(65536)
                except OSError:
                    m = b""
                if m:
                    try:
                        msg = json.loads(m)
                    except ValueError:
                        msg = None
                    if type(msg) is dict and msg.get("t") == want:
                        return msg, timed_out, killed
                    continue
                self.kill_worker()                 # it closed the channel: treat as dead
                return None, timed_out, killed
            if self.wpfd in r:
                self.reap_worker()
                return None, timed_out, killed

    def status_of_worker_death(self):
        wst = self.wst
        return {"exit": os.WEXITSTATUS(wst) if wst is not None and os.WIFEXITED(wst) else None,
                "signal": os.WTERMSIG(wst) if wst is not None and os.WIFSIGNALED(wst) else None}


def _become_keeper():
    _name(b"grader-keeper")
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    os.setsid()


def keeper(msg, fds, cfg):
    """A keeper forked for one job (the non-root namespace mode: a user namespace per job)."""
    try:
        _become_keeper()
    except BaseException:
        os._exit(71)
    run_job(msg, fds, cfg, None)
    os._exit(0)


def slot_keeper(sock, cfg):
    """A keeper that stays, one per worker slot (root, or no namespaces): runs the slot's jobs one
    after the other, so a job costs no fork of the zygote. Each job still gets fresh PID, network,
    IPC and UTS namespaces: setns() back to our own PID namespace, then unshare() again (root)."""
    try:
        _become_keeper()
        own_pidns = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC) if cfg["namespaces"] else None
    except BaseException:
        os._exit(71)
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 65536, 8)
        except OSError:
            os._exit(0)
        if not data:
            os._exit(0)                # the zygote is gone
        try:
            msg = json.loads(data)
            ok = msg.get("t") == "open" and len(fds) == 4
        except ValueError:
            ok = False
        if not ok:
            for fd in fds:
                os.close(fd)
            continue
        run_job(msg, dict(zip(("job", "ctl", "res", "out"), fds)), cfg, own_pidns,
                close_in_child=[sock.fileno()] + ([own_pidns] if own_pidns is not None else []))


def run_job(msg, fds, cfg, own_pidns, close_in_child=()):
    """Supervise one job. Never runs student code.

    Phases: the cells (worker W runs them once), then one per question the parent asks for (W forks
    a child per question); each phase has its own wall deadline here and its own rlimits in the
    process that runs it. One status message per phase on the control socket; the last one after
    every process of the job is gone and its scratch directory removed."""
    st = {"ok": False}
    ctl = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, fileno=fds["ctl"])
    pipes = {fds["res"], fds["out"]}          # our copies of the job's pipes, until the worker has them
    scratch = None
    ses = None
    kw = ww = None
    try:
        with os.fdopen(fds["job"], "rb") as f:
            job = json.loads(f.read())
        lim = job["limits"]
        scratch = tempfile.mkdtemp(prefix="job-", dir=cfg["scratch_base"])
        os.chmod(scratch, 0o700)
        me = os.getpid()
        use_ns = cfg["namespaces"]
        session = job.get("calls") is None
        if use_ns:
            flags = CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
            if not cfg["root"]:
                flags |= CLONE_NEWUSER
            if own_pidns is not None and _libc.setns(own_pidns, CLONE_NEWPID) != 0:
                raise OSError(ctypes.get_errno(), "setns")    # children in our own PID ns again
            if _libc.unshare(flags) != 0:
                raise OSError(ctypes.get_errno(), "unshare")
        kw, ww = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET) if session else (None, None)
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            ctl.close()
            if kw is not None:
                kw.close()
            for fd in close_in_child:
                os.close(fd)
            worker(job, fds, scratch, cfg, me, ww)
        for fd in pipes:
            os.close(fd)
        pipes = ()
        if ww is not None:
            ww.close()
        slot_uid = (SLOT_UID_BASE + int(job.get("slot", 0))
                    if (cfg["root"] and cfg["drop_uid"] and not use_ns) else None)
        ses = _Session(ctl, kw, pid, me, use_ns, slot_uid)
        # ---- phase -1: the cells (and, for a single job, its calls)
        cells_wall = float(job.get("cells_wall_s") or lim["wall_s"])
        if session:
            m, timed_out, killed = ses.wait_phase(t0 + cells_wall, "ready")
        else:
            m, timed_out, killed = ses.wait_phase(t0 + cells_wall, "never")
            if not timed_out and not killed and ses.alive:
                ses.reap_worker()
        wall = time.monotonic() - t0
        rep = {"t": "phase", "q": -1, "ok": True, "wall_s": wall, "timed_out": timed_out, "killed": killed,
               "alive": ses.alive}
        if ses.alive:
            rep["cpu_s"] = _proc_cpu(pid)
        else:
            rep.update(ses.status_of_worker_death(), cpu_s=ses.dead_cpu)
        if not ses.alive:
            rep["swept"] = sweep(me, slot_uid)
            ses.final_swept = True
        else:
            rep["swept"] = ses.sweep_between()
        if not session:
            return_status = rep
            raise _Done(return_status)
        ctl.send(json.dumps(rep).encode())
        # ---- one phase per question
        while True:
            data, qfds, _, _ = socket.recv_fds(ctl, 65536, 3)
            if not data:
                break
            req = json.loads(data)
            if req.get("t") == "close":
                break
            if req.get("t") != "q" or len(qfds) != 3:
                for fd in qfds:
                    os.close(fd)
                continue
            q = req["q"]
            if not ses.alive:
                for fd in qfds:
                    os.close(fd)
                ctl.send(json.dumps({"t": "phase", "q": q, "ok": True, "alive": False, "dead": True,
                                     "wall_s": 0.0, "cpu_s": 0.0}).encode())
                continue
            t1 = time.monotonic()
            try:
                socket.send_fds(ses.wctl, [json.dumps({"t": "q", "q": q, "limits": req["limits"]}).encode()], qfds)
                sent = True
            except OSError:
                sent = False
            for fd in qfds:
                os.close(fd)
            if sent:
                m, timed_out, killed = ses.wait_phase(t1 + float(req["limits"]["wall_s"]), "qend")
            else:
                ses.kill_worker()
                m, timed_out, killed = None, False, False
            rep = {"t": "phase", "q": q, "ok": True, "wall_s": time.monotonic() - t1, "timed_out": timed_out,
                   "killed": killed}
            if m is not None:
                rep.update(exit=m.get("exit") if type(m.get("exit")) is int else None,
                           signal=m.get("signal") if type(m.get("signal")) is int else None,
                           cpu_s=float(m["cpu_s"]) if type(m.get("cpu_s")) in (int, float) else 0.0)
            else:
                rep.update(exit=None, signal=None, cpu_s=0.0, lost=True)
            if ses.alive:
                rep["swept"] = ses.sweep_between()
            else:
                rep["swept"] = sweep(me, slot_uid)
                ses.final_swept = True
            rep["alive"] = ses.alive
            ctl.send(json.dumps(rep).encode())
        st = {"t": "closed", "ok": True}
    except _Done as d:
        st = d.status
    except BaseException as e:
        st = {"t": "phase", "q": -1, "ok": False, "error": repr(e)[:300]}
    finally:
        try:
            if ses is not None and ses.alive:
                ses.kill_worker()
            if ses is None or not ses.final_swept:
                n = sweep(os.getpid(), ses.slot_uid if ses is not None else None)
                if n:
                    st["swept"] = st.get("swept", 0) + n
        except BaseException:
            pass
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
            st["scratch_removed"] = not os.path.exists(scratch)
        try:
            ctl.send(json.dumps(st).encode())
        except OSError:
            pass
        # a slot keeper goes on with the next job: nothing of this one may stay open
        for fd in pipes:
            os.close(fd)
        for sock_ in (ctl, kw, ww):
            if sock_ is not None:
                sock_.close()
        if ses is not None:
            ses.close()


class _Done(Exception):
    def __init__(self, status):
        super().__init__()
        self.status = status


# ------------------------------------------------------------------------------------- probing
def _try(fn):
    """Run fn in a throw-away fork; True if it returned without raising."""
    pid = os.fork()
    if pid == 0:
        try:
            fn()
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, st = os.waitpid(pid, 0)
    return os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0


def probe(want_ns):
    root = os.geteuid() == 0
    caps = {"root": root, "landlock": 0, "seccomp": False, "namespaces": False, "uid_drop": False,
            "arch": os.uname().machine, "kernel": os.uname().release}
    abi = landlock_abi()
    if abi:
        d = tempfile.mkdtemp(prefix="probe-")

        def ll():
            apply_landlock(abi, d)
            try:
                open("/etc/hostname").read()
            except PermissionError:
                return
            raise RuntimeError("landlock did not deny")
        if _try(ll):
            caps["landlock"] = abi
        shutil.rmtree(d, ignore_errors=True)

    def sc():
        apply_seccomp()
        try:
            socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        except PermissionError:
            return
        raise RuntimeError("seccomp did not deny")
    caps["seccomp"] = _try(sc)
    if want_ns:
        def ns():
            flags = CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | (0 if root else CLONE_NEWUSER)
            if _libc.unshare(flags) != 0:
                raise OSError(ctypes.get_errno(), "unshare")
            pid = os.fork()
            if pid == 0:
                os._exit(0 if os.getpid() == 1 else 1)
            _, st = os.waitpid(pid, 0)
            if not (os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0):
                raise RuntimeError("not pid 1")
        caps["namespaces"] = _try(ns)
    if root:
        def ud():
            drop_root(SLOT_UID_BASE + 63)
            if os.getuid() != SLOT_UID_BASE + 63:
                raise RuntimeError("uid")
        caps["uid_drop"] = _try(ud)
    return caps


# -------------------------------------------------------------------------------------- zygote
def preload(modules):
    """Import the rubric's modules once, here, so a hand-in importing them pays nothing. A module
    that fails to import is skipped (the hand-in's own import then reports the error)."""
    import importlib

    for name in modules:
        if type(name) is str and all(part.isidentifier() for part in name.split(".")):
            try:
                importlib.import_module(name)
            except BaseException:  # noqa: BLE001 - a broken optional module must not stop the zygote
                pass
    gc.freeze()


def zygote(sock_fd, want_ns):
    _name(b"grader-zygote")
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_DUMPABLE, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, fileno=sock_fd)
    caps = probe(want_ns)
    global _SECCOMP
    if caps["landlock"]:
        _read_paths()                      # built once here, inherited by every worker
    if caps["seccomp"]:
        _SECCOMP = _seccomp_program()
    scratch_base = tempfile.mkdtemp(prefix="grader-sbx-")
    os.chmod(scratch_base, 0o711)
    cfg = {"root": caps["root"], "drop_uid": caps["uid_drop"], "landlock": caps["landlock"],
           "seccomp": caps["seccomp"], "namespaces": caps["namespaces"], "scratch_base": scratch_base}
    hello = dict(caps, pid=os.getpid(), scratch_base=scratch_base, slot_uid_base=SLOT_UID_BASE, python=sys.version.split()[0],
                 numpy=np.__version__)
    sock.send(json.dumps({"t": "hello", **hello}).encode())
    # Every object so far goes to the permanent generation: a collection in a forked keeper, worker
    # or question child never walks (and so never copies on write) the inherited heap.
    gc.freeze()
    # root (or no namespaces): one keeper per worker slot, kept for the whole run (a job costs no
    # fork here); without root a job needs its own user namespace, so a keeper per job
    persistent = cfg["root"] or not cfg["namespaces"]
    keepers = {}  # pid -> job id (per-job keepers) or ("slot", n) (slot keepers)
    slots = {}    # slot -> (pid, socket to its keeper)

    def slot_link(n):
        if n not in slots:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            pid = os.fork()
            if pid == 0:
                sock.close()
                ours.close()
                for _, other in slots.values():
                    other.close()
                slot_keeper(theirs, cfg)
            theirs.close()
            slots[n] = (pid, ours)
            keepers[pid] = ("slot", n)
        return slots[n][1]

    def drop_slot(n, kill):
        pid, link = slots.pop(n, (None, None))
        if link is not None:
            link.close()
        if kill and pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    try:
        while True:
            r, _, _ = select.select([sock], [], [], 0.2)
            # reap keepers; kill and reap any orphan re-parented to us (a keeper was killed)
            while True:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                gone = keepers.pop(pid, None)
                if isinstance(gone, tuple) and slots.get(gone[1], (None,))[0] == pid:
                    drop_slot(gone[1], False)
            for k in _children_of(os.getpid()) if r == [] else ():
                if k not in keepers:
                    try:
                        os.kill(k, signal.SIGKILL)
                    except OSError:
                        pass
            if not r:
                continue
            data, fds, _, _ = socket.recv_fds(sock, 65536, 8)
            if not data:
                break
            msg = json.loads(data)
            if msg["t"] == "open" and len(fds) == 4 and persistent:
                n = int(msg.get("slot", 0))
                for attempt in (0, 1):
                    try:
                        socket.send_fds(slot_link(n), [data], fds)
                        break
                    except OSError:        # that slot's keeper died: a new one takes the job
                        drop_slot(n, True)
            elif msg["t"] == "open" and len(fds) == 4:
                fmap = dict(zip(("job", "ctl", "res", "out"), fds))
                fds = []
                pid = os.fork()
                if pid == 0:
                    sock.close()
                    keeper(msg, fmap, cfg)
                for fd in fmap.values():
                    os.close(fd)
                keepers[pid] = msg["id"]
            elif msg["t"] == "kill":
                # the grader's backstop: a keeper that does not answer. Its job (and, for a slot
                # keeper, nothing else: the slot runs one job at a time) dies with it.
                if persistent and msg.get("slot") is not None:
                    drop_slot(int(msg["slot"]), True)
                for pid, jid in list(keepers.items()):
                    if jid == msg["id"]:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except OSError:
                            pass
                if cfg["root"] and cfg["drop_uid"] and msg.get("slot") is not None:
                    kill_uid(SLOT_UID_BASE + int(msg["slot"]))
            elif msg["t"] == "preload":
                preload(msg.get("modules") or [])
                for n in list(slots):      # slot keepers forked before it lack the modules: they end
                    drop_slot(n, False)    # after their current job, new ones are forked on demand
            elif msg["t"] == "exit":
                raise SystemExit
            for fd in fds:
                os.close(fd)
    except SystemExit:
        pass
    finally:
        for n in list(slots):
            drop_slot(n, False)          # a slot keeper ends at EOF, after its current job's sweep
        for pid in list(keepers):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        sweep(os.getpid(), None)
        shutil.rmtree(scratch_base, ignore_errors=True)
        os._exit(0)


if __name__ == "__main__":
    zygote(int(sys.argv[1]), sys.argv[2] == "1")
