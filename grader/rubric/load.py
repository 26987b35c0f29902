"""Load a rubric YAML file into frozen records, reporting every mistake at once.

``load_rubric(path)`` returns a ``Rubric`` or raises ``RubricError`` whose ``problems`` list
every mistake as ``path:line:col: message (hint: ...)``: YAML syntax, unknown keys (with
"did you mean"), wrong types, missing points, check kinds' own mistakes (an expected value
that does not parse, a reference function that does not exist...).
"""

from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import fields as dc_fields
from typing import Any, Mapping

from grader.checks import registry
from grader.checks.registry import CompileContext, Field
from grader.errors import Location, Problem, RubricError
from grader.results import Visibility
from grader.rubric.model import AnswerSource, CheckSpec, Example, Limits, Question, Rubric
from grader.rubric.yamlnodes import YDict, YList, key_location, load_yaml, locate

NUMBER = (int, float)

TOP_KEYS = {
    "title": Field((str,), True, "the assignment's name, shown in every report"),
    "version": Field((int,), False, "rubric format version (1)"),
    "description": Field((str,), False, "free text for instructors"),
    "reference": Field((str,), False, "reference implementation (.py) for code checks, relative to this file"),
    "seed": Field((int,), False, "seed of every random input and sample point (reproducible grades)"),
    "limits": Field((dict,), False, "sandbox limits for code checks"),
    "preload": Field((list, str), False, "modules hand-ins import, imported once in the sandbox (numpy always is)"),
    "symbols": Field((dict,), False, "math symbols shared by all questions, with assumptions"),
    "questions": Field((list,), True, "the questions, in order"),
}
QUESTION_KEYS = {
    "id": Field((str, int, float), True, "the question's id, e.g. '2.1' or 'B3'"),
    "title": Field((str,), False, "a short title"),
    "points": Field(NUMBER, True, "the question's points"),
    "part": Field((str,), False, "a part name, e.g. 'A'"),
    "answer": Field((dict,), False, "where the answer is found (section, variable, target)"),
    "symbols": Field((dict,), False, "math symbols of this question, with assumptions"),
    "checks": Field((list,), False, "how the answer is checked"),
    "examples": Field((list,), False, "self-test: answers and the score they must get"),
    "description": Field((str,), False, "free text for instructors"),
}
ANSWER_KEYS = {
    "section": Field((str, list), False, "notebook heading(s) of the answer, default 'Answer <id>'"),
    "variable": Field((str,), False, ".py hand-in variable, default 'answer_<id with _>'"),
    "target": Field((str, list), False, "name(s) of the asked quantity, e.g. '\\beta'"),
}
CHECK_KEYS = {
    "kind": Field((str,), True, "the check kind"),
    "name": Field((str,), False, "a short name shown in reports"),
    "points": Field(NUMBER, False, "points of this check (default: the question's)"),
    "visibility": Field((str,), False, "public (students see it when self-checking) or hidden"),
    "feedback": Field((dict,), False, "text per outcome: correct, partial, incorrect, ..."),
    "limits": Field((dict,), False, "sandbox limits for this check"),
}
EXAMPLE_KEYS = {
    "answer": Field((str, int, float, list), True, "an answer as a student would write it"),
    "score": Field(NUMBER, True, "the points it must get"),
    "note": Field((str,), False, "why this example is here"),
}
FEEDBACK_KEYS = ("correct", "partial", "incorrect", "missing", "unparseable", "error", "timeout", "needs_review")
LIMIT_KEYS = {f.name: Field((int, float), False) for f in dc_fields(Limits)}


def _type_ok(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


class _Loader:
    def __init__(self, path: str, compile_checks: bool = True):
        self.path = path
        self.compile_checks = compile_checks
        self.problems: list[Problem] = []

    def error(self, node: Any, key: Any, message: str, hint: str = "") -> None:
        self.problems.append(Problem(locate(node, key), message, hint))

    def keys(self, node: Any, allowed: Mapping[str, Field], where: str) -> bool:
        """Check a mapping's keys and value types. Returns False if it is not a mapping."""
        if not isinstance(node, YDict):
            loc = getattr(node, "loc", None) or Location(self.path)
            self.problems.append(Problem(loc, f"{where} must be a mapping (key: value lines)"))
            return False
        for key, value in node.items():
            if key not in allowed:
                close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "allowed keys: " + ", ".join(allowed)
                self.problems.append(Problem(key_location(node, key), f"unknown key '{key}' in {where}", hint))
                continue
            spec = allowed[key]
            if value is None and not spec.required:
                continue
            if not _type_ok(value, spec.types):
                self.error(node, key, f"'{key}' must be {spec.type_names()}, got {_describe(value)}",
                           spec.doc)
        for key, spec in allowed.items():
            if spec.required and node.get(key) is None:
                self.problems.append(Problem(node.loc, f"{where} has no '{key}'", spec.doc))
        return True

    def limits(self, node: Any, base: Limits) -> Limits:
        if not isinstance(node, YDict) or not self.keys(node, LIMIT_KEYS, "limits"):
            return base
        values = {k: v for k, v in node.items() if k in LIMIT_KEYS and _type_ok(v, NUMBER)}
        for k, v in values.items():
            if v <= 0:
                self.error(node, k, f"limit '{k}' must be positive")
        return Limits(**{**{f.name: getattr(base, f.name) for f in dc_fields(Limits)}, **values})

    def symbols(self, node: Any, inherited: Any) -> Any:
        if not isinstance(node, YDict) or not self.compile_checks:
            return inherited
        from grader.maths import Symbols

        try:
            own = Symbols.from_decls(dict(node))
        except ValueError as exc:
            # point at the offending symbol when the message names it
            key = next((k for k in node if f"'{k}'" in str(exc) or str(exc).startswith(str(k))), None)
            self.error(node, key, f"bad symbol declaration: {exc}",
                       "e.g. 'x: real', 't: {integer: true, min: 1, max: 8}', 'x: sequence'")
            return inherited
        return inherited.merge(own) if inherited is not None else own


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (YDict, dict)):
        return "a mapping"
    if isinstance(value, (YList, list)):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{value!r}"


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def load_rubric(path: str | os.PathLike[str], *, compile_checks: bool = True) -> Rubric:
    """Read, validate and compile a rubric; raise RubricError listing every problem.

    ``compile_checks=False`` reads the structure only (ids, titles, points, check names),
    without the check kinds' own compilation (no expected value is parsed, no symbol
    declared): for re-writing reports from cached results of this very rubric.
    """
    path = os.fspath(path)
    try:
        data = open(path, "rb").read()
    except OSError as exc:
        raise RubricError([Problem(Location(path), f"cannot read the rubric: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RubricError([Problem(Location(path), f"the rubric is not UTF-8 text ({exc.reason})")]) from None
    root, problems = load_yaml(text, path)
    ld = _Loader(path, compile_checks)
    ld.problems.extend(problems)
    if root is None:
        raise RubricError(ld.problems)
    if not ld.keys(root, TOP_KEYS, "the rubric"):
        raise RubricError(ld.problems)

    base_dir = os.path.dirname(os.path.abspath(path))
    limits = ld.limits(root.get("limits"), Limits())
    rubric_symbols = ld.symbols(root.get("symbols"), None)
    reference = root.get("reference")
    reference_path = None
    if isinstance(reference, str):
        reference_path = os.path.normpath(os.path.join(base_dir, reference))
        if not os.path.isfile(reference_path):
            ld.error(root, "reference", f"reference file not found: {reference_path}",
                     "the path is relative to the rubric file")

    questions: list[Question] = []
    seen_ids: dict[str, Location] = {}
    raw_questions = root.get("questions")
    if isinstance(raw_questions, YList):
        if not raw_questions:
            ld.error(root, "questions", "the rubric has no questions")
        for index, qnode in enumerate(raw_questions):
            q = _question(ld, qnode, rubric_symbols, limits, base_dir, f"question {index + 1}", reference_path)
            if q is None:
                continue
            if q.id in seen_ids:
                ld.error(qnode, "id", f"question id '{q.id}' is used twice",
                         f"first used at line {seen_ids[q.id].line}")
            seen_ids[q.id] = q.location
            questions.append(q)

    preload = _strings(root.get("preload"))
    for name in preload:
        if not all(part.isidentifier() for part in name.split(".")):
            ld.error(root, "preload", f"'{name}' is not a module name", "e.g. preload: [sympy, scipy.signal]")
    if ld.problems:
        raise RubricError(ld.problems)
    seed = root.get("seed")
    return Rubric(
        title=root["title"],
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        questions=tuple(questions),
        limits=limits,
        seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else 0,
        reference=reference_path,
        base_dir=base_dir,
        preload=preload,
    )


def _question(ld: _Loader, node: Any, rubric_symbols: Any, limits: Limits, base_dir: str,
              where: str, reference: str | None) -> Question | None:
    if not ld.keys(node, QUESTION_KEYS, where):
        return None
    if "id" not in node or node["id"] is None:
        return None
    qid = str(node.raw.get("id", node["id"])).strip()
    where = f"question {qid}"
    points = node.get("points")
    if not _type_ok(points, NUMBER):
        points = 0.0
    elif points < 0:
        ld.error(node, "points", "points must not be negative")

    answer_node = node.get("answer")
    sections: tuple[str, ...] = (f"Answer {qid}",)
    variable = "answer_" + qid.replace(".", "_").lower()
    targets: tuple[str, ...] = ()
    if answer_node is not None and ld.keys(answer_node, ANSWER_KEYS, f"{where} answer"):
        sections = _strings(answer_node.get("section")) or sections
        if isinstance(answer_node.get("variable"), str):
            variable = answer_node["variable"]
        targets = _strings(answer_node.get("target"))
    symbols = ld.symbols(node.get("symbols"), rubric_symbols)

    cc = CompileContext(path=ld.path, question_id=qid, symbols=symbols, base_dir=base_dir, locate=locate,
                        reference=reference)
    checks: list[CheckSpec] = []
    raw_checks = node.get("checks")
    if isinstance(raw_checks, YList):
        for index, cnode in enumerate(raw_checks):
            check = _check(ld, cc, cnode, qid, index, limits, len(raw_checks), float(points))
            if check is not None:
                checks.append(check)
    ld.problems.extend(cc.problems)
    if checks:
        total = sum(c.points for c in checks)
        if abs(total - float(points)) > 1e-9:
            ld.error(node, "points", f"the checks' points add up to {total:g}, the question has {float(points):g}",
                     "make them equal: the question's points are what the checks can give")

    examples: list[Example] = []
    raw_examples = node.get("examples")
    if isinstance(raw_examples, YList):
        for index, enode in enumerate(raw_examples):
            if not ld.keys(enode, EXAMPLE_KEYS, f"{where} example {index + 1}"):
                continue
            score = enode.get("score")
            if _type_ok(score, NUMBER) and not 0 <= score <= float(points):
                ld.error(enode, "score", f"example score {score:g} is outside 0..{float(points):g}")
            if "answer" in enode and _type_ok(score, NUMBER):
                examples.append(Example(answer=enode["answer"], score=float(score), location=enode.loc,
                                        note=str(enode.get("note") or "")))

    return Question(
        id=qid,
        title=str(node.get("title") or ""),
        points=float(points),
        answer=AnswerSource(sections=sections, variable=variable, targets=targets),
        checks=tuple(checks),
        examples=tuple(examples),
        location=node.loc,
        symbols=symbols,
        part=str(node.get("part") or ""),
    )


def _check(ld: _Loader, cc: CompileContext, node: Any, qid: str, index: int, limits: Limits,
           n_checks: int, question_points: float) -> CheckSpec | None:
    where = f"question {qid} check {index + 1}"
    if not isinstance(node, YDict):
        ld.error(node, None, f"{where} must be a mapping with a 'kind'")
        return None
    kind_name = node.get("kind")
    if not isinstance(kind_name, str):
        ld.problems.append(Problem(node.loc, f"{where} has no 'kind'", "kinds: " + ", ".join(registry.names())))
        return None
    try:
        kind = registry.get(kind_name)
    except KeyError:
        close = difflib.get_close_matches(kind_name, registry.names(), n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else "kinds: " + ", ".join(registry.names())
        ld.error(node, "kind", f"unknown check kind '{kind_name}'", hint)
        return None
    allowed = {**CHECK_KEYS, **kind.fields}
    ld.keys(node, allowed, f"{where} ({kind_name})")
    points = node.get("points")
    if not _type_ok(points, NUMBER):
        if n_checks > 1:
            ld.problems.append(Problem(node.loc, f"{where} has no 'points'",
                                       "with several checks each needs its own points"))
        points = question_points if n_checks == 1 else 0.0
    elif points < 0:
        ld.error(node, "points", "points must not be negative")
    visibility = node.get("visibility") or "public"
    if visibility not in ("public", "hidden"):
        ld.error(node, "visibility", f"visibility must be 'public' or 'hidden', got {visibility!r}")
        visibility = "public"
    feedback_node = node.get("feedback")
    feedback: dict[str, str] = {}
    if isinstance(feedback_node, YDict):
        ld.keys(feedback_node, {k: Field((str,)) for k in FEEDBACK_KEYS}, f"{where} feedback")
        feedback = {k: v for k, v in feedback_node.items() if isinstance(v, str)}
    check_limits = ld.limits(node.get("limits"), limits) if node.get("limits") is not None else limits
    raw = YDict({k: v for k, v in node.items() if k not in CHECK_KEYS})
    raw.loc, raw.key_locs, raw.value_locs, raw.raw = node.loc, node.key_locs, node.value_locs, node.raw
    n_before = len(cc.problems)
    params = kind.compile(raw, cc) if ld.compile_checks else None
    if len(cc.problems) > n_before:
        return None
    return CheckSpec(
        kind=kind_name,
        name=str(node.get("name") or kind_name),
        points=float(points),
        visibility=Visibility(visibility),
        feedback=feedback,
        params=params,
        location=node.loc,
        limits=check_limits,
        id=f"{qid}/{index + 1}",
    )
