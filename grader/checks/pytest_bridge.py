"""Kind ``pytest``: an instructor pytest test run on the TRUSTED side against a proxied student.

Rubric key: ``test: final_exam/test_part_b.py::test_name`` (path relative to the rubric file).

The test module is loaded in the parent with pytest's assertion rewriting (so a failed
``assert`` explains itself). Its test function gets fixtures by parameter name:

- ``student``: ``student.softmax(z)`` runs that one call in its own child of the hand-in's sandbox
  run (the student's cells ran once, shared with the function checks) and returns the decoded plain data (numpy arrays, numbers, lists...). A missing function
  raises ``StudentMissing``, a raising/exiting one ``StudentError``, an exhausted one
  ``StudentTimeout``; the check maps them to ``missing``/``error``/``timeout``.
- ``rng``: ``numpy.random.Generator`` seeded from the rubric seed and the check id (recorded).
- ``seed``: that seed; ``reference``: the rubric's reference module (trusted side).

Pass -> full points (``correct``); a failed assert -> ``incorrect`` with the assertion message;
any other exception of the test on the student's values -> ``error``. Object addresses
(``<function all at 0x7f..>``) are stripped from messages, so a result never depends on the run.
"""

from __future__ import annotations

import inspect
import os
import re
import threading
import types
import zlib
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from grader import pyast
from grader.checks.registry import CompileContext, Field, register
from grader.results import CheckResult, Status

MAX_CALLS = 64
_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable(msg: str) -> str:
    """Messages must not depend on the run: drop object addresses (`<function all at 0x7f..>`)."""
    return _ADDR.sub("", msg)
_LOCK = threading.Lock()
_CACHE: dict[str, tuple[float, types.ModuleType]] = {}


class StudentProblem(Exception):
    status = Status.ERROR


class StudentMissing(StudentProblem):
    status = Status.MISSING


class StudentError(StudentProblem):
    status = Status.ERROR


class StudentTimeout(StudentProblem):
    status = Status.TIMEOUT


def load_test_module(path: str) -> types.ModuleType:
    """Import an instructor test file with pytest's assertion rewriting (parent side, cached)."""
    with _LOCK:
        mtime = os.path.getmtime(path)
        hit = _CACHE.get(path)
        if hit and hit[0] == mtime:
            return hit[1]
        src = open(path, "rb").read()
        tree = pyast.parse(src, filename=path)
        try:
            from _pytest.assertion.rewrite import rewrite_asserts
            rewrite_asserts(tree, src, path, None)
        except Exception:  # pragma: no cover - plain asserts still work
            pass
        code = compile(tree, path, "exec", dont_inherit=True)
        name = f"_grader_tests_{zlib.crc32(path.encode()):08x}"
        mod = types.ModuleType(name)
        mod.__file__ = path
        exec(code, mod.__dict__)
        _CACHE[path] = (mtime, mod)
        return mod


@dataclass(frozen=True, slots=True)
class PytestParams:
    path: str
    test: str


class StudentProxy:
    """Attribute calls run in the sandbox; only decoded plain data comes back."""

    def __init__(self, ctx: Any, limits: Any):
        self._ctx, self._limits, self._calls, self.log = ctx, limits, 0, []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            from grader.sandbox import Call
            from grader.checks.code import _call_failure, _cells_note, hand_in_session

            self._calls += 1
            if self._calls > MAX_CALLS:
                raise RuntimeError(f"the test made more than {MAX_CALLS} student calls")
            res = hand_in_session(self._ctx).run([Call(name, args, kwargs)], self._limits)
            out = res.calls[0]
            self.log.append({"fn": name, "outcome": out.kind, "wall_s": round(res.wall_s, 4)})
            if out.kind == "value":
                return out.value
            v = _call_failure(name, res, out, _cells_note(res))
            exc = {Status.MISSING: StudentMissing, Status.TIMEOUT: StudentTimeout}.get(v.status, StudentError)
            raise exc(v.message)
        call.__name__ = name
        return call


@register
class PytestKind:
    name = "pytest"
    fields = {"test": Field((str,), True, "instructor test: path/to/test_file.py::test_name (relative to the rubric)")}

    def compile(self, raw: Mapping[str, Any], cc: CompileContext) -> PytestParams | None:
        spec = raw.get("test")
        if not isinstance(spec, str) or "::" not in spec:
            cc.error(raw, "test", "test must be 'path/to/test_file.py::test_name'")
            return None
        rel, test = spec.split("::", 1)
        path = os.path.normpath(os.path.join(cc.base_dir, rel))
        if not os.path.isfile(path):
            cc.error(raw, "test", f"test file not found: {path}", "the path is relative to the rubric file")
            return None
        try:
            mod = load_test_module(path)
        except Exception as e:
            cc.error(raw, "test", f"the test file cannot be loaded: {type(e).__name__}: {e}")
            return None
        fn = getattr(mod, test, None)
        if not callable(fn):
            names = [n for n in vars(mod) if n.startswith("test")]
            cc.error(raw, "test", f"{rel} has no test '{test}'", "tests: " + ", ".join(names[:10]))
            return None
        bad = [p for p in inspect.signature(fn).parameters if p not in ("student", "rng", "seed", "reference")]
        if bad:
            cc.error(raw, "test", f"unsupported fixture(s) {bad}", "available: student, rng, seed, reference")
        return PytestParams(path, test)

    def grade(self, check: Any, question: Any, ctx: Any) -> CheckResult:
        from grader.checks.code import release_session
        try:
            return self._grade(check, question, ctx)
        finally:
            release_session(check, ctx)

    def _grade(self, check: Any, question: Any, ctx: Any) -> CheckResult:
        from grader.checks.code import _fb, _refusal, load_reference

        base = dict(name=check.name, max_score=check.points, visibility=check.visibility)
        refusal = _refusal(ctx)
        if refusal:
            return CheckResult(score=0.0, status=Status.ERROR, message=f"code not run: {refusal}", **base)
        p: PytestParams = check.params
        fn = getattr(load_test_module(p.path), p.test)
        seed = [int(ctx.rubric.seed or 0) & 0xFFFFFFFF, zlib.crc32(check.id.encode())]
        proxy = StudentProxy(ctx, check.limits)
        fixtures = {"student": proxy, "rng": np.random.default_rng(seed), "seed": seed,
                    "reference": load_reference(ctx.rubric.reference) if ctx.rubric.reference else None}
        kwargs = {n: fixtures[n] for n in inspect.signature(fn).parameters if n in fixtures}
        details = {"seed": seed, "test": f"{os.path.basename(p.path)}::{p.test}"}
        try:
            fn(**kwargs)
        except StudentProblem as e:
            st = e.status
            return CheckResult(score=0.0, status=st, message=_fb(check, st, _stable(str(e))),
                               details={**details, "calls": proxy.log}, **base)
        except AssertionError as e:
            msg = _stable(str(e)).strip() or "assertion failed"
            msg = "\n".join(msg.splitlines()[:6])[:600]
            return CheckResult(score=0.0, status=Status.INCORRECT, message=_fb(check, Status.INCORRECT, msg),
                               details={**details, "calls": proxy.log}, **base)
        except Exception as e:  # the test could not use the student's values
            return CheckResult(score=0.0, status=Status.ERROR,
                               message=_fb(check, Status.ERROR, f"the test could not use your result: "
                                                                f"{type(e).__name__}: {_stable(str(e))[:300]}"),
                               details={**details, "calls": proxy.log}, **base)
        return CheckResult(score=float(check.points), status=Status.CORRECT, message=_fb(check, Status.CORRECT, ""),
                           details={**details, "calls": proxy.log}, **base)
