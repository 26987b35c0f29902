"""Code checks run in the sandbox: kinds ``function`` and ``pytest``.

``function``: call a student function on fixed and seeded random inputs (built by the parent),
in ONE sandbox job per question, and judge what came back in the trusted parent.

Rubric keys (besides kind/name/points/visibility/feedback/limits):

``function`` (required)  the student's function name.
``cases`` (required)     list of cases: ``{args: [argspec...], kwargs: {name: argspec}, let: {var: argspec},
                         expect: value, repeat: n}``. ``let`` draws variables once per repetition, usable
                         as ``"$var"`` inside argspecs (shapes, callables); ``repeat`` draws the case n times.
``reference``            a function of the rubric's reference .py computing the expected output in the
                         parent from the same inputs (used when a case has no ``expect``).
``property``             a function of the reference .py called in the parent as ``prop(output, *args,
                         **kwargs)``; it returns True/False, ``(bool, message)`` or a fraction in [0, 1]; it
                         raises TypeError/ValueError when the output is unusable (wrong type or shape).
``pick``                 compare ``output[pick]`` (e.g. -1: the last iterate) instead of the output.
``compare``              ``{rtol: 1e-6, atol: 0, exact: false, finite: true, nan: fail|equal,
                         dtype: number|float|integer|bool|any}``; shapes must always match exactly.
``credit``               ``all`` (default: every case right, else 0) or ``fraction`` (points x share right).
``seed``                 extra seed mixed with the rubric seed and the check id (recorded in details).

Argspecs: a plain YAML value (lists element-wise); ``"$var"``; ``{array: nested list, dtype: float64}``;
``{uniform: [lo, hi], shape: [...]}``; ``{normal: [mean, sd], shape: [...]}``; ``{integer: [lo, hi],
shape: [...]}`` (inclusive); ``{choice: [argspec...]}``; ``{distinct: [lo, hi], gap: g, shape: [n]}``
(values at least g apart); ``{tuple: [argspec...]}``; ``{callable: "lambda x: $a * (x - $c)"}`` (instructor
source text sent to the child: a callable argument, never an expected value); ``{reference: name}`` (the
source of a reference-module function, sent the same way).

``pytest``: ``test: path/to/test_file.py::test_name`` (relative to the rubric file). The instructor's
test runs in the PARENT with a ``student`` fixture whose attribute calls (``student.softmax(z)``) each
run in a child of the hand-in's sandbox run (the cells are not run again) and return plain data, an ``rng`` fixture (seeded numpy Generator) and ``seed``.
Pass -> full points; a failed assert -> incorrect with the assertion message.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import threading
import zlib
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from grader import pyast
from grader.checks.registry import CODE_KINDS, CompileContext, Field, register
from grader.results import CheckResult, Status, Visibility
from grader.sandbox.codec import Callable_ as InstructorCallable

_REF_LOCK = threading.Lock()
_REF_CACHE: dict[str, tuple[float, Any]] = {}
_VAR = re.compile(r"\$([A-Za-z_]\w*)")


# ----------------------------------------------------------------------------- reference module
def load_reference(path: str) -> Any:
    """Import the rubric's reference .py in the PARENT (cached by mtime); never sent to a child."""
    with _REF_LOCK:
        mtime = os.path.getmtime(path)
        hit = _REF_CACHE.get(path)
        if hit and hit[0] == mtime:
            return hit[1]
        name = f"_grader_reference_{zlib.crc32(path.encode()):08x}"
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
        _REF_CACHE[path] = (mtime, mod)
        return mod


# ---------------------------------------------------------------------------------- params
@dataclass(frozen=True, slots=True)
class Compare:
    rtol: float = 1e-7
    atol: float = 0.0
    exact: bool = False
    finite: bool = True
    nan: str = "fail"
    dtype: str = "number"


@dataclass(frozen=True, slots=True)
class Case:
    args: tuple
    kwargs: tuple            # ((name, spec), ...)
    let: tuple               # ((name, spec), ...)
    expect: Any
    has_expect: bool
    repeat: int


@dataclass(frozen=True, slots=True)
class FunctionParams:
    function: str                 # the function's name, or the variable's (``variable`` mode)
    cases: tuple[Case, ...]
    reference: str | None
    property: str | None
    pick: int | None
    compare: Compare
    credit: str
    seed: int
    variable: bool = False
    expect: Any = None
    has_expect: bool = False


ARG_TAGS = {"array", "uniform", "normal", "integer", "choice", "distinct", "tuple", "callable", "reference"}
ARG_EXTRA = {"array": {"dtype"}, "uniform": {"shape"}, "normal": {"shape"}, "integer": {"shape"},
             "distinct": {"shape", "gap"}, "choice": set(), "tuple": set(), "callable": {"name"},
             "reference": set()}


def _check_argspec(spec: Any, cc: CompileContext, node: Any, key: Any, ref_funcs: set | None) -> None:
    if isinstance(spec, list):
        for s in spec:
            _check_argspec(s, cc, node, key, ref_funcs)
        return
    if not isinstance(spec, dict):
        return
    tags = set(spec) & ARG_TAGS
    if len(tags) != 1:
        cc.error(node, key, f"an argument mapping needs exactly one of {sorted(ARG_TAGS)}, got {sorted(spec)}",
                 "write {uniform: [-1, 1], shape: [3, 4]}, {array: [[1, 2]]}, {callable: 'lambda x: x / 2'}...")
        return
    tag = tags.pop()
    extra = set(spec) - {tag} - ARG_EXTRA[tag]
    if extra:
        cc.error(node, key, f"unknown key(s) {sorted(extra)} in a '{tag}' argument",
                 f"allowed: {sorted(ARG_EXTRA[tag] | {tag})}")
    v = spec[tag]
    if tag in ("uniform", "normal", "integer", "distinct") and not (
            isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v)):
        cc.error(node, key, f"'{tag}' takes [low, high] (two numbers), got {v!r}")
    if tag == "callable":
        src = _VAR.sub("1", str(v))
        try:
            pyast.parse(src)
        except SyntaxError as e:
            cc.error(node, key, f"the callable is not valid Python: {e.msg}", "e.g. 'lambda x: x / 2'")
    if tag == "reference" and ref_funcs is not None and v not in ref_funcs:
        cc.error(node, key, f"the reference module has no function '{v}'")
    if tag in ("choice", "tuple"):
        _check_argspec(v, cc, node, key, ref_funcs)


def _compile_compare(raw: Any, cc: CompileContext, node: Any) -> Compare:
    if raw is None:
        return Compare()
    if not isinstance(raw, dict):
        cc.error(node, "compare", "compare must be a mapping {rtol, atol, exact, finite, nan, dtype}")
        return Compare()
    allowed = {"rtol", "atol", "exact", "finite", "nan", "dtype"}
    for k in set(raw) - allowed:
        cc.error(raw, k, f"unknown compare key '{k}'", f"allowed: {sorted(allowed)}")
    c = Compare()
    kw = {}
    for k in ("rtol", "atol"):
        if k in raw:
            if not isinstance(raw[k], (int, float)) or isinstance(raw[k], bool) or raw[k] < 0:
                cc.error(raw, k, f"{k} must be a non-negative number")
            else:
                kw[k] = float(raw[k])
    for k in ("exact", "finite"):
        if k in raw:
            if not isinstance(raw[k], bool):
                cc.error(raw, k, f"{k} must be true or false")
            else:
                kw[k] = raw[k]
    if "nan" in raw:
        if raw["nan"] not in ("fail", "equal"):
            cc.error(raw, "nan", "nan must be 'fail' (any NaN is wrong) or 'equal' (NaN where expected)")
        else:
            kw["nan"] = raw["nan"]
    if "dtype" in raw:
        if raw["dtype"] not in ("number", "float", "integer", "bool", "any"):
            cc.error(raw, "dtype", "dtype must be number, float, integer, bool or any")
        else:
            kw["dtype"] = raw["dtype"]
    return Compare(**{**{f: getattr(c, f) for f in c.__slots__}, **kw})


def _check_reference_keys(raw: Mapping[str, Any], cc: CompileContext, *, callables: bool) -> set[str] | None:
    """``reference:``/``property:`` must name something of the rubric's reference module."""
    ref_path = cc.reference
    names = None
    if ref_path and os.path.isfile(ref_path):
        try:
            names = {n for n, v in vars(load_reference(ref_path)).items() if callable(v) or not callables}
        except Exception as e:
            cc.error(raw, None, f"the reference module {ref_path} cannot be imported: {type(e).__name__}: {e}")
    what = "function " if callables else ""
    for key in ("reference", "property"):
        v = raw.get(key)
        if v is None:
            continue
        if not ref_path:
            cc.error(raw, key, f"'{key}' needs a top-level 'reference:' file in the rubric")
        elif names is not None and v not in names:
            near = [n for n in names if n.lower() == str(v).lower()]
            cc.error(raw, key, f"the reference module has no {what}'{v}'",
                     f"did you mean '{near[0]}'?" if near else "")
    return names


@register
class FunctionKind:
    name = "function"
    fields = {
        "function": Field((str,), False, "the student's function name"),
        "variable": Field((str,), False, "a module-level value of the student's code (instead of function)"),
        "expect": Field((str, int, float, bool, list, dict), False, "variable mode: the expected value"),
        "cases": Field((list,), False, "inputs: [{args, kwargs, let, expect, repeat}] (function mode)"),
        "reference": Field((str,), False, "reference-module function computing the expected output"),
        "property": Field((str,), False, "reference-module function judging the output: prop(out, *args)"),
        "pick": Field((int,), False, "compare output[pick] (e.g. -1) instead of the whole output"),
        "compare": Field((dict,), False, "{rtol, atol, exact, finite, nan: fail|equal, dtype}"),
        "credit": Field((str,), False, "all (default) or fraction"),
        "seed": Field((int,), False, "extra seed for the random inputs"),
    }

    def compile(self, raw: Mapping[str, Any], cc: CompileContext) -> FunctionParams | None:
        if "variable" in raw:
            return self._compile_variable(raw, cc)
        fn = raw.get("function")
        if not isinstance(fn, str) or not fn.isidentifier():
            cc.error(raw, "function", "function must be a Python identifier (the student's function name)",
                     "or write variable: NAME to read a module-level value")
        if "expect" in raw:
            cc.error(raw, "expect", "a check-level 'expect' is for variable checks; put it in a case")
        ref_funcs = _check_reference_keys(raw, cc, callables=True)
        credit = raw.get("credit", "all")
        if credit not in ("all", "fraction"):
            cc.error(raw, "credit", "credit must be 'all' or 'fraction'")
        cases = []
        raw_cases = raw.get("cases")
        if not isinstance(raw_cases, list) or not raw_cases:
            cc.error(raw, "cases", "cases must be a non-empty list of {args, kwargs, let, expect, repeat}")
            raw_cases = []
        for i, c in enumerate(raw_cases):
            if not isinstance(c, dict):
                cc.error(raw_cases, i, "each case is a mapping {args, kwargs, let, expect, repeat}")
                continue
            for k in set(c) - {"args", "kwargs", "let", "expect", "repeat"}:
                cc.error(c, k, f"unknown case key '{k}'", "allowed: args, kwargs, let, expect, repeat")
            args = c.get("args", [])
            if not isinstance(args, list):
                cc.error(c, "args", "args must be a list")
                args = []
            kwargs = c.get("kwargs", {}) or {}
            let = c.get("let", {}) or {}
            if not isinstance(kwargs, dict):
                cc.error(c, "kwargs", "kwargs must be a mapping")
                kwargs = {}
            if not isinstance(let, dict):
                cc.error(c, "let", "let must be a mapping of variable: argspec")
                let = {}
            for a in args:
                _check_argspec(a, cc, c, "args", ref_funcs)
            for v in list(kwargs.values()) + list(let.values()):
                _check_argspec(v, cc, c, "kwargs" if v in kwargs.values() else "let", ref_funcs)
            rep = c.get("repeat", 1)
            if not isinstance(rep, int) or isinstance(rep, bool) or not 1 <= rep <= 1000:
                cc.error(c, "repeat", "repeat must be a whole number from 1 to 1000")
                rep = 1
            has_expect = "expect" in c
            if not has_expect and not raw.get("reference") and not raw.get("property"):
                cc.error(c, None, "this case has no 'expect' and the check has no 'reference' or 'property'",
                         "add expect: <value>, or reference: <function of the reference module>")
            cases.append(Case(tuple(_freeze(a) for a in args), tuple((k, _freeze(v)) for k, v in kwargs.items()),
                              tuple((k, _freeze(v)) for k, v in let.items()), _freeze(c.get("expect")),
                              has_expect, rep))
        pick = raw.get("pick")
        seed = raw.get("seed", 0)
        return FunctionParams(function=str(fn), cases=tuple(cases), reference=raw.get("reference"),
                              property=raw.get("property"), pick=pick if isinstance(pick, int) else None,
                              compare=_compile_compare(raw.get("compare"), cc, raw),
                              credit=credit if credit in ("all", "fraction") else "all",
                              seed=seed if isinstance(seed, int) else 0)

    def _compile_variable(self, raw: Mapping[str, Any], cc: CompileContext) -> FunctionParams | None:
        name = raw.get("variable")
        if not isinstance(name, str) or not name.isidentifier():
            cc.error(raw, "variable", "variable must be a Python identifier (a module-level name)")
        for k in ("function", "cases", "seed", "credit"):
            if k in raw:
                cc.error(raw, k, f"'{k}' does not apply to a variable check",
                         "write expect: VALUE, reference: NAME or property: NAME")
        _check_reference_keys(raw, cc, callables=False)
        has_expect = "expect" in raw
        if not has_expect and not raw.get("reference") and not raw.get("property"):
            cc.error(raw, None, "a variable check needs expect: VALUE, reference: NAME or property: NAME")
        pick = raw.get("pick")
        return FunctionParams(function=str(name), cases=(), reference=raw.get("reference"),
                              property=raw.get("property"), pick=pick if isinstance(pick, int) else None,
                              compare=_compile_compare(raw.get("compare"), cc, raw), credit="all", seed=0,
                              variable=True, expect=_freeze(raw.get("expect")), has_expect=has_expect)

    def grade(self, check: Any, question: Any, ctx: Any) -> CheckResult:
        try:
            return grade_function(check, question, ctx)
        finally:
            release_session(check, ctx)


class _Frozen(tuple):
    """Hashable stand-in for YAML mappings inside frozen params."""


def _freeze(x: Any) -> Any:
    if isinstance(x, dict):
        return _Frozen((str(k), _freeze(v)) for k, v in x.items())
    if isinstance(x, list):
        return [_freeze(v) for v in x]
    return x


def _as_dict(x: Any) -> dict:
    return dict(x) if isinstance(x, _Frozen) else x


# ---------------------------------------------------------------------------- input generation
def _seed_of(rubric: Any, check: Any) -> list[int]:
    return [int(getattr(rubric, "seed", 0) or 0) & 0xFFFFFFFF, zlib.crc32(check.id.encode()),
            int(check.params.seed) & 0xFFFFFFFF]


def _shape(spec: Any, env: Mapping[str, Any]) -> tuple[int, ...]:
    if spec is None:
        return ()
    return tuple(int(_resolve(s, env)) for s in spec)


def _resolve(x: Any, env: Mapping[str, Any]) -> Any:
    if isinstance(x, str) and x.startswith("$") and x[1:] in env:
        return env[x[1:]]
    return x


def build_arg(spec: Any, rng: np.random.Generator, env: Mapping[str, Any], ref: Any) -> Any:
    if isinstance(spec, list):
        return [build_arg(s, rng, env, ref) for s in spec]
    if isinstance(spec, str):
        return _resolve(spec, env)
    if not isinstance(spec, _Frozen):
        return spec
    d = dict(spec)
    if "array" in d:
        return np.array(d["array"], dtype=d.get("dtype", "float64"))
    if "uniform" in d:
        lo, hi = d["uniform"]
        shp = _shape(d.get("shape"), env)
        return rng.uniform(lo, hi, size=shp) if shp or "shape" in d else float(rng.uniform(lo, hi))
    if "normal" in d:
        m, s = d["normal"]
        shp = _shape(d.get("shape"), env)
        return rng.normal(m, s, size=shp) if shp or "shape" in d else float(rng.normal(m, s))
    if "integer" in d:
        lo, hi = d["integer"]
        if "shape" in d:
            return rng.integers(int(lo), int(hi) + 1, size=_shape(d["shape"], env))
        return int(rng.integers(int(lo), int(hi) + 1))
    if "choice" in d:
        opts = d["choice"]
        return build_arg(opts[int(rng.integers(len(opts)))], rng, env, ref)
    if "distinct" in d:
        lo, hi = d["distinct"]
        gap = float(d.get("gap", 0.0))
        shp = _shape(d.get("shape"), env) or (1,)
        n = int(np.prod(shp))
        for _ in range(10000):
            v = rng.uniform(lo, hi, size=n)
            if n < 2 or np.min(np.diff(np.sort(v))) >= gap:
                return v.reshape(shp)
        raise ValueError("could not draw distinct values with that gap")
    if "tuple" in d:
        return tuple(build_arg(s, rng, env, ref) for s in d["tuple"])
    if "callable" in d:
        src = _VAR.sub(lambda m: repr(env[m.group(1)]) if m.group(1) in env else m.group(0), d["callable"])
        return InstructorCallable(src, d.get("name"))
    if "reference" in d:
        fn = getattr(ref, d["reference"])
        return InstructorCallable(inspect.getsource(fn), fn.__name__)
    raise ValueError(f"bad argument spec {d}")


@dataclass(slots=True)
class BuiltCase:
    label: str
    args: tuple
    kwargs: dict
    ci: int = 0


def build_cases(check: Any, rubric: Any, ref: Any) -> tuple[list[BuiltCase], list[int]]:
    p: FunctionParams = check.params
    seed = _seed_of(rubric, check)
    rng = np.random.default_rng(seed)
    out = []
    for ci, case in enumerate(p.cases):
        for r in range(case.repeat):
            env: dict[str, Any] = {}
            for name, spec in case.let:
                env[name] = build_arg(spec, rng, env, ref)
            args = tuple(build_arg(a, rng, env, ref) for a in case.args)
            kwargs = {k: build_arg(v, rng, env, ref) for k, v in case.kwargs}
            label = f"case {ci + 1}" + (f" draw {r + 1}" if case.repeat > 1 else "")
            out.append(BuiltCase(label, args, kwargs, ci))
    return out, seed


# ------------------------------------------------------------------------------ the job
def _code_checks(question: Any) -> list[Any]:
    return [c for c in question.checks if c.kind == "function"]


def _max_limits(checks: list[Any]) -> Any:
    from dataclasses import replace
    lim = checks[0].limits
    for c in checks[1:]:
        lim = replace(lim, **{f: max(getattr(lim, f), getattr(c.limits, f))
                              for f in ("cpu_s", "wall_s", "memory_mb", "processes", "output_kb")})
    # the cells' per-cell time: the most generous (0 = the default share of cpu_s/wall_s, unbounded here)
    cell = [c.limits.cell_s for c in checks]
    return replace(lim, cell_s=0.0 if 0 in cell else max(cell))


def _refusal(ctx: Any) -> str | None:
    sb = ctx.sandbox
    if sb is None:
        return "student code is not run in this session (no sandbox)"
    if getattr(sb, "refusal", None):
        return sb.refusal
    return None


SESSION_KEY = "sandbox-session"
SANDBOX_KINDS = CODE_KINDS


def _sandbox_checks(ctx: Any) -> list[Any]:
    """The hand-in's checks that may run code, in grading order (hidden ones skipped in self-checks)."""
    from grader.results import Visibility as V
    return [c for q in ctx.rubric.questions for c in q.checks
            if c.kind in SANDBOX_KINDS and not (ctx.public_only and c.visibility is V.HIDDEN)]


def hand_in_session(ctx: Any) -> Any:
    """The hand-in's ONE sandbox run (opened on first use: the student's cells run once, under the
    largest limits of the rubric's code checks; each question then asks for its own)."""
    s = ctx.cache.get(SESSION_KEY)
    if s is None:
        from grader.sandbox import job_from_code
        checks = _sandbox_checks(ctx) or [None]
        lim = _max_limits([c for c in checks if c is not None]) if checks[0] is not None else None
        job = job_from_code(ctx.document.code, [], lim)
        # module-level values the checks read come back with the cells: no round trip each
        reads = [c.params.function for c in checks if c is not None and c.kind == "function" and c.params.variable]
        s = ctx.sandbox.open(job.cells, lim, job.module_name, job.notes, reads=reads)
        ctx.cache[SESSION_KEY] = s
    return s


def session_notes(ctx: Any, limit: int = 3) -> list[str]:
    """What went wrong in the hand-in's cells though grading went on (a raising or a stopped cell):
    said once for the hand-in, also when every check passes."""
    s = ctx.cache.get(SESSION_KEY)
    bad = [c for c in getattr(s, "cells", ()) if c.ok is False]
    notes = []
    for c in bad[:limit]:
        e = c.error or {}
        if e.get("type") == "CellTimeout":
            notes.append(f"{c.origin} ran past the per-cell time limit and was stopped; the next cells still ran")
        else:
            notes.append(f"{_cell_place(c)} raised {e.get('type')}: {e.get('message')}; the next cells still ran")
    if len(bad) > limit:
        notes.append(f"{len(bad) - limit} more cell(s) failed")
    return notes


def release_session(check: Any, ctx: Any) -> None:
    """After the hand-in's last code check, end its sandbox run (and free its worker slot)."""
    s = ctx.cache.get(SESSION_KEY)
    if s is None:
        return
    checks = _sandbox_checks(ctx)
    if not checks or checks[-1] is check or checks[-1].id == check.id:
        s.close()


def question_job(question: Any, ctx: Any) -> dict[str, Any]:
    """Run (once per hand-in and question) the calls of every function check of the question, in
    one child of the hand-in's sandbox run."""
    key = f"code-job:{question.id}"
    if key in ctx.cache:
        return ctx.cache[key]
    from grader.sandbox import Call

    checks = [c for c in _code_checks(question) if _mentions(ctx.document.code, c.params.function)]
    ref = load_reference(ctx.rubric.reference) if ctx.rubric.reference else None
    built: dict[str, tuple[list[BuiltCase], list[int], int]] = {}
    calls = []
    build_errors: dict[str, str] = {}
    for c in checks:
        if c.params.variable:
            built[c.id] = ([BuiltCase("the value", (), {}, 0)], [], len(calls))
            calls.append(Call(c.params.function, get=True))
            continue
        try:
            cases, seed = build_cases(c, ctx.rubric, ref)
        except Exception as e:  # rubric/reference mistake: never the student's fault
            build_errors[c.id] = f"{type(e).__name__}: {e}"
            continue
        built[c.id] = (cases, seed, len(calls))
        calls += [Call(c.params.function, bc.args, bc.kwargs) for bc in cases]
    result = hand_in_session(ctx).run(calls, _max_limits(checks or _code_checks(question)))
    entry = {"built": built, "result": result, "ref": ref, "build_errors": build_errors}
    ctx.cache[key] = entry
    return entry


# ---------------------------------------------------------------------------------- judging
class _Verdict(Exception):
    def __init__(self, status: Status, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _numeric(v: Any, what: str) -> np.ndarray:
    """Exact plain types only (decoded data): ndarray, numpy scalar, number, nested lists of them."""
    if isinstance(v, np.ndarray):
        return v
    if isinstance(v, np.generic):
        return np.asarray(v)
    if type(v) in (int, float, bool):
        return np.asarray(v)
    if type(v) in (list, tuple):
        try:
            a = np.array(v)
        except (ValueError, TypeError):
            raise _Verdict(Status.ERROR, f"{what} is a ragged or mixed list") from None
        if a.dtype.kind not in "biuf":
            raise _Verdict(Status.ERROR, f"{what} is a list that does not hold only numbers")
        return a
    raise _Verdict(Status.ERROR, f"{what} has unusable type {type(v).__name__}")


def compare_values(out: Any, expected: Any, cmp: Compare) -> tuple[bool, str]:
    """Trusted comparison of decoded plain data. Raises _Verdict(ERROR) for unusable values."""
    if isinstance(expected, str) or expected is None or isinstance(expected, dict):
        if type(out) is not type(expected):
            raise _Verdict(Status.ERROR, f"returned {type(out).__name__}, expected {type(expected).__name__}")
        return (out == expected), "values differ"
    exp = np.asarray(expected)
    got = _numeric(out, "the result")
    kinds = {"number": "biuf", "float": "f", "integer": "iu", "bool": "b", "any": "biuf"}[cmp.dtype]
    if cmp.dtype == "number" and exp.dtype.kind == "f":
        kinds = "iuf"
    if got.dtype.kind not in kinds:
        raise _Verdict(Status.ERROR, f"the result has dtype {got.dtype} (wanted {cmp.dtype})")
    if got.shape != exp.shape:
        raise _Verdict(Status.ERROR, f"wrong shape: got {got.shape}, expected {exp.shape}")
    g = got.astype(np.float64) if got.dtype.kind != "b" else got
    e = exp.astype(np.float64) if exp.dtype.kind != "b" else exp
    if g.dtype.kind == "f":
        gn = np.isnan(g)
        en = np.isnan(e) if e.dtype.kind == "f" else np.zeros(e.shape, bool)
        if gn.any():
            if cmp.nan == "fail" or not np.array_equal(gn, en):
                return False, "the result contains NaN"
        if cmp.finite and np.isinf(g).any() and not np.array_equal(np.isinf(g) & (g > 0), np.isinf(e) & (e > 0)):
            return False, "the result contains infinite values"
    if cmp.exact:
        ok = bool(np.array_equal(g, e, equal_nan=cmp.nan == "equal"))
        return ok, "" if ok else "values differ"
    ok = bool(np.allclose(g, e, rtol=cmp.rtol, atol=cmp.atol, equal_nan=cmp.nan == "equal"))
    if ok:
        return True, ""
    with np.errstate(all="ignore"):
        diff = float(np.nanmax(np.abs(g - e))) if g.size else 0.0
    return False, f"values differ (max abs difference {diff:.3g})"


def _where(err: Mapping[str, Any]) -> str:
    w = err.get("where")
    return f" ({w['origin']}, line {w['line']})" if w else ""


def exhausted_message(fn: str, res: Any) -> str:
    """One wording for every 'ran out of time or memory' (which limit hit first can differ between
    two runs of the same runaway code, so the verdict and its words must not depend on it)."""
    lim = getattr(res, "limits", None) or {}
    bits = []
    if lim:
        bits.append(f"time limit {lim['cpu_s']:g} s CPU / {lim['wall_s']:g} s wall-clock, "
                    f"memory limit {lim['memory_mb']} MB")
    text = "it ran out of time or memory" + (f" ({bits[0]})" if bits else "")
    if getattr(res, "in_cells", False):
        pending = [c for c in res.cells if c.ok is None]
        where = f" {pending[0].origin}" if pending else ""
        return f"{fn}: your code did not finish running{where}: {text}"
    return f"{fn} did not finish: {text}"


def _call_failure(fn: str, res: Any, call: Any, cells_note: str, what: str = "function") -> _Verdict:
    """Turn a non-value call outcome into a verdict with a message naming the cause."""
    if call.kind == "missing":
        return _Verdict(Status.MISSING, f"{what} {fn} is not defined" + cells_note)
    if call.kind == "error":
        err = call.error or {}
        if err.get("memory"):
            return _Verdict(Status.TIMEOUT, exhausted_message(fn, res))
        if err.get("exit"):
            return _Verdict(Status.ERROR, f"{fn} called sys.exit() / raised SystemExit{_where(err)}")
        if err.get("type") == "UnusableValue":
            return _Verdict(Status.ERROR, f"{fn} returned an unusable value: {err.get('message')}"
                            if what == "function" else f"{fn} is not plain data: {err.get('message')}")
        if err.get("type") == "NotCallable":
            return _Verdict(Status.ERROR, err.get("message") or f"{fn} is not a function")
        detail = f": {err.get('message')}" if err.get("message") else ""
        return _Verdict(Status.ERROR, f"{fn} raised {err.get('type')}{detail}{_where(err)}")
    if call.kind == "badvalue":
        return _Verdict(Status.ERROR, f"{fn} returned an unusable value ({call.message})")
    # noresult: the job stopped before this call reported
    if res.exhausted:
        return _Verdict(Status.TIMEOUT, exhausted_message(fn, res))
    if res.infra_error:
        return _Verdict(Status.NEEDS_REVIEW, f"{fn}: {res.death()}")
    died = res.death() or "the process ended without a result"
    return _Verdict(Status.ERROR, f"{fn} did not return: {died}")


def _cells_note(res: Any) -> str:
    bad = [c for c in res.cells if c.ok is False]
    if not bad:
        return ""
    c = bad[0]
    e = c.error or {}
    return f" ({_cell_place(c)} failed: {e.get('type')}: {e.get('message')})"


def _cell_place(c: Any) -> str:
    """'final_exam.ipynb, cell 7, line 3': where a failing cell failed."""
    w = (c.error or {}).get("where")
    return f"{c.origin}, line {w['line']}" if w else c.origin


def _judge_property(prop: Any, out: Any, bc: BuiltCase) -> tuple[float, str]:
    try:
        r = prop(out, *bc.args, **bc.kwargs)
    except (TypeError, ValueError, IndexError) as e:
        raise _Verdict(Status.ERROR, f"unusable result: {e}") from None
    if isinstance(r, tuple):
        ok, msg = r
        return (1.0 if ok else 0.0), str(msg)
    if isinstance(r, (bool, np.bool_)):
        return (1.0 if r else 0.0), ""
    return max(0.0, min(1.0, float(r))), ""


def _materialize(x: Any) -> Any:
    if isinstance(x, InstructorCallable):
        return x.materialize()
    if isinstance(x, list):
        return [_materialize(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_materialize(v) for v in x)
    if isinstance(x, np.ndarray):
        return x.copy()
    return x


def _fb(check: Any, status: Status, text: str) -> str:
    pre = check.feedback.get(str(status), "")
    return f"{pre} ({text})" if pre and text else (pre or text)


def _mentions(code: Any, name: str) -> bool:
    """Whether any code cell names ``name`` as an identifier (a function it never names cannot exist)."""
    pattern = re.compile(r"(?<![\w.])" + re.escape(name) + r"(?!\w)")
    return any(pattern.search(cell.source) for cell in code)


def grade_function(check: Any, question: Any, ctx: Any) -> CheckResult:
    p: FunctionParams = check.params
    base = dict(name=check.name, max_score=check.points, visibility=check.visibility)
    refusal = _refusal(ctx)
    if refusal:
        return CheckResult(score=0.0, status=Status.ERROR, message=f"code not run: {refusal}", **base)
    what = "variable" if p.variable else "function"
    if not _mentions(ctx.document.code, p.function):
        # no code names the function at all: nothing to run (saves a sandbox job per question)
        return CheckResult(score=0.0, status=Status.MISSING,
                           message=_fb(check, Status.MISSING, f"{what} {p.function} is not defined"), **base)
    entry = question_job(question, ctx)
    if check.id in entry["build_errors"]:
        return CheckResult(score=0.0, status=Status.NEEDS_REVIEW,
                           message=f"the rubric's inputs could not be built: {entry['build_errors'][check.id]}", **base)
    res = entry["result"]
    cases, seed, offset = entry["built"][check.id]
    ref = entry["ref"]
    hidden = check.visibility is Visibility.HIDDEN
    fraction_sum, first_fail = 0.0, None
    notes = _cells_note(res)
    for k, bc in enumerate(cases):
        call = res.calls[offset + k]
        try:
            if call.kind != "value":
                raise _call_failure(p.function, res, call, notes, what)
            out = call.value
            if p.pick is not None:
                if type(out) not in (list, tuple) and not isinstance(out, np.ndarray):
                    raise _Verdict(Status.ERROR, f"{p.function} returned {type(out).__name__}, not a sequence")
                if not -len(out) <= p.pick < len(out):
                    raise _Verdict(Status.ERROR, f"{p.function} returned a sequence of length {len(out)}")
                out = out[p.pick]
            if p.property:
                frac, msg = _judge_property(getattr(ref, p.property), out, bc)
            elif p.variable:
                if p.has_expect:
                    exp = _plain(p.expect)
                else:
                    exp = getattr(ref, p.reference)
                    exp = exp() if callable(exp) else exp
                    if p.pick is not None:
                        exp = exp[p.pick]
                ok, msg = compare_values(out, exp, p.compare)
                frac = 1.0 if ok else 0.0
            else:
                case = p.cases[bc.ci]
                if case.has_expect:
                    exp = _plain(case.expect)
                else:
                    exp = getattr(ref, p.reference)(*_materialize(bc.args), **_materialize(bc.kwargs))
                    if p.pick is not None:
                        exp = exp[p.pick]
                ok, msg = compare_values(out, exp, p.compare)
                frac = 1.0 if ok else 0.0
            fraction_sum += frac
            if frac < 1.0:
                v = _Verdict(Status.INCORRECT, msg or "wrong result")
                raise v
        except _Verdict as v:
            if first_fail is None:
                first_fail = (bc, v)
    n = len(cases)
    details: dict[str, Any] = {"seed": seed, "cases": n, "passed_share": round(fraction_sum / n, 6) if n else 0.0,
                               what: p.function, "sandbox_tier": res.tier}
    if res.notes:
        details["notes"] = list(res.notes)[:10]
    if res.stdout:
        # object addresses in printed reprs differ per process: results must not depend on the run
        details["stdout"] = re.sub(r" at 0x[0-9a-fA-F]+", "", res.stdout[:2000])
    if first_fail is None:
        return CheckResult(score=float(check.points), status=Status.CORRECT, message=_fb(check, Status.CORRECT, ""),
                           details=details, **base)
    bc, v = first_fail
    status = v.status
    where = f"{bc.label} of {n}" if n > 1 else ""
    text = f"{where}: {v.message}" if where else v.message
    if p.credit == "fraction" and fraction_sum > 0:
        score = round(check.points * fraction_sum / n, 6)
        return CheckResult(score=score, status=Status.PARTIAL,
                           message=_fb(check, Status.PARTIAL, f"{fraction_sum:g} of {n} cases right; {text}"),
                           details=details, **base)
    if hidden and v.status is Status.INCORRECT:
        text = v.message if not where else f"{where}: wrong result"
    return CheckResult(score=0.0, status=status, message=_fb(check, status, text), details=details, **base)


def _plain(x: Any) -> Any:
    if isinstance(x, _Frozen):
        d = dict(x)
        if "array" in d:
            return np.array(d["array"], dtype=d.get("dtype", "float64"))
        return {k: _plain(v) for k, v in d.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


# pytest kind lives in pytest_bridge (registered on import)
from grader.checks import pytest_bridge  # noqa: E402,F401
