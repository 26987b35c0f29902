"""The registry of check kinds.

A check kind is an object with:

- ``name``: the ``kind:`` value in a rubric;
- ``fields``: the kind's own rubric keys (``Field`` records) beyond the common ones
  (``kind``, ``name``, ``points``, ``visibility``, ``feedback``, ``limits``);
- ``compile(raw, cc) -> params``: turn the raw YAML mapping into frozen params, reporting
  mistakes with ``cc.error(...)`` (never raising on a rubric mistake);
- ``grade(check, question, ctx) -> CheckResult``: grade one hand-in (never raises on a
  student mistake: a bad answer is a result);
- ``examples(check, question) -> iterable of (answer, points, note)``: optional, the
  answers the rubric itself says how to score, used by ``grader validate``.

Built-in kinds register themselves on import of ``grader.checks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Protocol

from grader.errors import Location, Problem

if TYPE_CHECKING:
    from grader.context import GradeContext
    from grader.results import CheckResult
    from grader.rubric.model import CheckSpec, Question


@dataclass(frozen=True, slots=True)
class Field:
    """One rubric key of a check kind."""

    types: tuple[type, ...]
    required: bool = False
    doc: str = ""

    def type_names(self) -> str:
        names = {bool: "true/false", int: "a number", float: "a number", str: "a string",
                 list: "a list", dict: "a mapping"}
        return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in self.types))


@dataclass(slots=True)
class CompileContext:
    """What a kind's ``compile`` may use: the question's symbols and an error sink."""

    path: str
    question_id: str
    symbols: Mapping[str, Any]
    base_dir: str
    locate: Callable[[Any, Any], Location]
    reference: str | None = None      # absolute path of the rubric's reference .py, if any
    problems: list[Problem] = field(default_factory=list)

    def error(self, node: Any, key: Any, message: str, hint: str = "") -> None:
        """Report a mistake at ``node[key]`` (or at ``node`` when key is None)."""
        self.problems.append(Problem(self.locate(node, key), message, hint))


class CheckKind(Protocol):
    name: str
    fields: Mapping[str, Field]

    def compile(self, raw: Mapping[str, Any], cc: CompileContext) -> Any: ...

    def grade(self, check: "CheckSpec", question: "Question", ctx: "GradeContext") -> "CheckResult": ...


_KINDS: dict[str, CheckKind] = {}

# the kinds whose checks run student code in the sandbox
CODE_KINDS = ("function", "pytest")


def register(kind: CheckKind) -> CheckKind:
    """Add a check kind (a class or an instance) to the registry; usable as a decorator."""
    instance = kind() if isinstance(kind, type) else kind
    if instance.name in _KINDS:
        raise ValueError(f"check kind {instance.name!r} registered twice")
    _KINDS[instance.name] = instance
    return kind


def get(name: str) -> CheckKind:
    _load_builtins()
    return _KINDS[name]


def names() -> list[str]:
    _load_builtins()
    return sorted(_KINDS)


def examples(check: "CheckSpec", question: "Question") -> Iterable[tuple[Any, float, str]]:
    kind = get(check.kind)
    fn = getattr(kind, "examples", None)
    return fn(check, question) if fn else ()


def _load_builtins() -> None:
    import grader.checks  # noqa: F401  (registers the built-in kinds)
