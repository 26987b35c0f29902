"""Written math answers: kinds ``value``, ``expression``, ``matrix``, ``set``, ``matrix_product``.

Each reads the question's located answer (a notebook section or a .py variable), picks the
final statement (``grader.answers.extract``), parses it without eval and compares it with
the rubric's expected value (``grader.maths``). Parsing and comparing run in a bounded
worker process (``MathService``); a timeout is ``needs_review``, an unreadable answer
``unparseable`` (never ``incorrect``).

Rubric keys (all kinds): ``expected`` (required), ``accept`` (more answers: a string, or
``{value, points, feedback}`` for partial credit), ``reject`` (known wrong answers:
``{value, feedback}``; they score 0 with their own feedback and prove the rubric),
``rtol``/``atol``. ``matrix``/``matrix_product``: ``transpose_ok``. ``matrix_product``:
``value_only_points``/``value_only_feedback`` (the right vector without a product).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterable

from grader.answers.extract import Statement
from grader.answers.locate import locate_once
from grader.checks.registry import CompileContext, Field, register
from grader.results import CheckResult, Status, Visibility

NUMBER = (int, float)


@dataclass(frozen=True, slots=True)
class Alternative:
    value: Any                     # MathValue
    text: str
    points: float | None           # None: the check's full points
    feedback: str = ""


@dataclass(frozen=True, slots=True)
class WrittenParams:
    mode: str                      # value | expression | matrix | set | product
    expected: Any                  # MathValue
    expected_text: str
    accept: tuple[Alternative, ...]
    reject: tuple[Alternative, ...]
    symbols: Any                   # grader.maths.Symbols
    rtol: float
    atol: float
    transpose_ok: bool
    value_only_points: float | None = None
    value_only_feedback: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the worker decided, as plain data (the parent writes the messages)."""

    status: Status
    points: float
    read: str | None = None        # the value as understood, e.g. "1/2"
    statement: Statement | None = None
    reason: str = ""               # why incorrect / unparseable / undecided
    feedback: str = ""             # a matched alternative's feedback
    fallback: str = ""             # a note when an earlier statement was read instead
    details: tuple[tuple[str, Any], ...] = ()


class WrittenKind:
    mode = "expression"
    fields = {
        "expected": Field((str, int, float, list), True, "the correct answer, as LaTeX or plain math"),
        "accept": Field((list,), False, "other answers that earn credit: text, or {value, points, feedback}"),
        "reject": Field((list,), False, "known wrong answers: text, or {value, feedback}"),
        "rtol": Field(NUMBER, False, "relative tolerance of numeric comparison (default 1e-9)"),
        "atol": Field(NUMBER, False, "absolute tolerance (default 1e-12)"),
    }

    def __init__(self, name: str, mode: str, extra: dict[str, Field] | None = None):
        self.name, self.mode = name, mode
        self.fields = {**WrittenKind.fields, **(extra or {})}

    # -- rubric side ------------------------------------------------------------------
    def compile(self, raw: Any, cc: CompileContext) -> WrittenParams | None:
        from grader.maths import ParseFailure, parse_math

        if cc.symbols is None:
            from grader.maths import Symbols
            cc.symbols = Symbols.from_decls({})

        def parse(node: Any, key: Any, text: Any) -> Any:
            text = _text(text)
            try:
                return parse_math(text, cc.symbols)
            except ParseFailure as exc:
                cc.error(node, key, f"cannot read {text!r}: {exc}",
                         "write it as a student would (LaTeX or plain math) and declare its symbols")
            return None

        expected = parse(raw, "expected", raw.get("expected"))
        accept = tuple(self._alternatives(raw, "accept", cc, parse))
        reject = tuple(self._alternatives(raw, "reject", cc, parse))
        vop = raw.get("value_only_points")
        return WrittenParams(
            mode=self.mode, expected=expected, expected_text=_text(raw.get("expected")),
            accept=accept, reject=reject, symbols=cc.symbols,
            rtol=float(raw.get("rtol", 1e-9)), atol=float(raw.get("atol", 1e-12)),
            transpose_ok=bool(raw.get("transpose_ok", self.mode == "product")),
            value_only_points=float(vop) if isinstance(vop, NUMBER) else None,
            value_only_feedback=str(raw.get("value_only_feedback") or ""),
        )

    def _alternatives(self, raw: Any, key: str, cc: CompileContext, parse: Any) -> Iterable[Alternative]:
        items = raw.get(key) or []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                unknown = set(item) - {"value", "points", "feedback"}
                if unknown or "value" not in item:
                    cc.error(items, i, f"each '{key}' entry is a text or {{value, points, feedback}}",
                             f"unknown keys: {', '.join(map(str, unknown))}" if unknown else "add 'value'")
                    continue
                value, points, feedback = item["value"], item.get("points"), str(item.get("feedback") or "")
                if points is not None and (not isinstance(points, NUMBER) or isinstance(points, bool)):
                    cc.error(item, "points", "points must be a number")
                    continue
                if key == "reject" and points:
                    cc.error(item, "points", "a rejected answer scores 0; move it to 'accept' to give credit")
                    continue
            else:
                value, points, feedback = item, None, ""
            parsed = parse(items, i, value)
            if parsed is not None:
                yield Alternative(parsed, _text(value), 0.0 if key == "reject" else
                                  (float(points) if points is not None else None), feedback)

    def examples(self, check: Any, question: Any) -> Iterable[tuple[Any, float, str]]:
        p: WrittenParams = check.params
        if p.mode == "product":
            # expected/accept are the VALUES of products: written bare they earn only value_only_points
            yield p.expected_text, p.value_only_points or 0.0, "expected value without a product"
            return
        yield p.expected_text, check.points, "expected"
        for alt in p.accept:
            yield alt.text, check.points if alt.points is None else alt.points, "accept"
        for alt in p.reject:
            yield alt.text, 0.0, "reject"

    # -- grading side -----------------------------------------------------------------
    def grade(self, check: Any, question: Any, ctx: Any) -> CheckResult:
        located = locate_once(ctx, question)
        base = dict(name=check.name, max_score=check.points, visibility=check.visibility)
        if located is None or located.empty:
            where = " / ".join(question.answer.sections)
            why = f"the {where} section is empty" if located is not None else \
                f"no answer found (no '{where}' heading, no {question.answer.variable} variable)"
            return CheckResult(score=0.0, status=Status.MISSING, message=_fb(check, Status.MISSING, why), **base)
        cands = located.candidates(question.answer.targets)
        if not cands:
            what = " or ".join(question.answer.targets) or "a result"
            return CheckResult(score=0.0, status=Status.NEEDS_REVIEW, answer=located.text[:500],
                               message=f"{located.origin}: found no math statement of {what}; a person must read it",
                               **base)
        outcome = ctx.math.evaluate(check, cands)
        return to_result(check, outcome, located.origin, reveal=not ctx.public_only)


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value) if value is not None else ""


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fb(check: Any, status: Status, default: str) -> str:
    extra = check.feedback.get(str(status))
    return f"{default}. {extra}" if extra else default


_GREEK = frozenset("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
                   "pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
                   "Phi Psi Omega".split())


def _shown(stmt: Statement | None, read: str | None) -> str:
    if stmt is not None and stmt.head is not None:
        head = stmt.head.strip()
        simple = re.sub(r"\\([A-Za-z]+)|[{}]", r"\1", head)   # \beta -> beta, h_{t} -> h_t
        commands = re.findall(r"\\([A-Za-z]+)", head)
        if all(c in _GREEK for c in commands) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_']*", simple):
            head = simple
        return f"{head} = {read}"
    return read or ""


def to_result(check: Any, o: Outcome, origin: str, reveal: bool) -> CheckResult:
    """Turn a worker Outcome into the CheckResult with its student-facing message."""
    p: WrittenParams = check.params
    answer = _clip(o.statement.text, 4000) if o.statement is not None else None
    where = f" from {origin}"
    status = o.status
    if status is Status.CORRECT:
        msg = f"read {_shown(o.statement, o.read)}{where}; correct"
    elif status is Status.PARTIAL:
        msg = f"read {_shown(o.statement, o.read)}{where}; partial credit"
    elif status is Status.INCORRECT:
        msg = f"read {_shown(o.statement, o.read)}{where}; incorrect"
        if o.reason:
            msg += f" ({o.reason})"
        if reveal and check.visibility is Visibility.PUBLIC and p.mode == "value" and not o.feedback:
            msg += f"; expected {p.expected_text}"
    elif status is Status.UNPARSEABLE:
        msg = f"could not read the answer{where}: {o.reason}"
    elif status is Status.NEEDS_REVIEW:
        msg = f"read {_shown(o.statement, o.read) or 'the answer'}{where}; a person must decide ({o.reason})"
    else:
        msg = o.reason or str(status)
    if o.fallback:
        msg += f" [{o.fallback}]"
    if o.feedback:
        msg += f". {o.feedback}"
    elif check.feedback.get(str(status)):
        msg += f". {check.feedback[str(status)]}"
    return CheckResult(name=check.name, score=o.points, max_score=check.points, status=status,
                       visibility=check.visibility, message=msg, answer=answer,
                       details=dict(o.details))


# -- the worker side: pure functions of (params, candidates) ----------------------------

def evaluate(params: WrittenParams, points: float, cands: tuple[Statement, ...], seed: int) -> Outcome:
    """Parse and compare. Runs in a MathPool worker; never raises on student input."""
    if params.mode == "product":
        return _evaluate_product(params, points, cands, seed)
    from grader.maths import ParseFailure, parse_math

    failures: list[tuple[Statement, str]] = []
    for stmt in cands:
        try:
            value = parse_math(stmt.value, params.symbols)
        except ParseFailure as exc:
            failures.append((stmt, str(exc)))
            continue
        outcome = _judge(params, points, value, stmt, seed)
        if failures:
            first, why = failures[0]
            if outcome.status not in (Status.CORRECT,):
                # never grade an earlier derivation step as wrong when the final line is unreadable
                return Outcome(Status.UNPARSEABLE, 0.0, None, first, f"{why} (in '{_clip(first.value)}')")
            note = f"the last statement '{_clip(first.text)}' could not be read ({why}); read the one before it"
            return Outcome(outcome.status, outcome.points, outcome.read, stmt, outcome.reason, outcome.feedback,
                           note, outcome.details)
        return outcome
    first, why = failures[0]
    return Outcome(Status.UNPARSEABLE, 0.0, None, first, f"{why} (in '{_clip(first.value)}')")


def _judge(params: WrittenParams, points: float, value: Any, stmt: Statement, seed: int) -> Outcome:
    from grader.maths import compare, describe

    read = describe(value)
    mode = {"value": "value", "expression": "expression", "matrix": "matrix", "set": "set"}[params.mode]
    verdict = compare(value, params.expected, params.symbols, mode=mode, rtol=params.rtol, atol=params.atol,
                      seed=seed, transpose_ok=params.transpose_ok)
    details = (("strategy", verdict.strategy), ("seed", verdict.seed))
    if verdict.equal:
        return Outcome(Status.CORRECT, points, read, stmt, details=details)
    undecided = verdict.equal is None
    for alt in params.accept + params.reject:
        v = compare(value, alt.value, params.symbols, mode=mode, rtol=params.rtol, atol=params.atol,
                    seed=seed, transpose_ok=params.transpose_ok)
        if v.equal:
            got = points if alt.points is None else min(points, alt.points)
            status = Status.CORRECT if got >= points else Status.PARTIAL if got > 0 else Status.INCORRECT
            return Outcome(status, got, read, stmt, "" if got else "a known wrong answer", alt.feedback,
                           details=(("strategy", v.strategy), ("seed", v.seed), ("matched", alt.text)))
        undecided = undecided or v.equal is None
    if undecided:
        return Outcome(Status.NEEDS_REVIEW, 0.0, read, stmt, verdict.reason or "equivalence undecided",
                       details=details)
    return Outcome(Status.INCORRECT, 0.0, read, stmt, verdict.reason, details=details)


def _evaluate_product(params: WrittenParams, points: float, cands: tuple[Statement, ...], seed: int) -> Outcome:
    """matrix_product: find an explicit product of matrices, evaluate it, compare its value."""
    from grader.maths import ParseFailure, compare, describe, parse_math

    failures: list[str] = []
    vectors: list[tuple[Any, Statement]] = []
    for stmt in cands:
        for seg in reversed(stmt.segments):
            try:
                value = parse_math(seg, params.symbols)
            except ParseFailure as exc:
                failures.append(f"{exc} (in '{_clip(seg)}')")
                continue
            if value.kind == "product":
                sub = replace(params, mode="matrix")
                out = _judge(sub, points, value, stmt, seed)
                return Outcome(out.status, out.points, out.read, stmt, out.reason, out.feedback,
                               details=out.details)
            if value.kind == "matrix":
                vectors.append((value, stmt))
    for value, stmt in vectors:
        v = compare(value, params.expected, params.symbols, mode="matrix", rtol=params.rtol, atol=params.atol,
                    seed=seed, transpose_ok=True)
        if v.equal:
            got = params.value_only_points or 0.0
            status = Status.PARTIAL if 0 < got < points else Status.CORRECT if got >= points else Status.INCORRECT
            return Outcome(status, got, describe(value), stmt, "the right result, but not written as a "
                           "matrix-vector product", params.value_only_feedback,
                           details=(("strategy", v.strategy), ("seed", v.seed)))
    if vectors:
        value, stmt = vectors[0]
        return Outcome(Status.INCORRECT, 0.0, describe(value), stmt,
                       "no matrix-vector product found, and this result is not the convolution's")
    if failures:
        return Outcome(Status.UNPARSEABLE, 0.0, None, cands[0], failures[0])
    return Outcome(Status.NEEDS_REVIEW, 0.0, None, cands[0], "no matrix product found")


TRANSPOSE = {"transpose_ok": Field((bool,), False, "accept the transposed matrix / a row for a column vector")}
register(WrittenKind("value", "value"))
register(WrittenKind("expression", "expression"))
register(WrittenKind("matrix", "matrix", TRANSPOSE))
register(WrittenKind("set", "set"))
register(WrittenKind("matrix_product", "product", {
    **TRANSPOSE,
    "value_only_points": Field(NUMBER, False, "points for the right result vector written without a product"),
    "value_only_feedback": Field((str,), False, "feedback for that case"),
}))
