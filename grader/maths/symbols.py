"""Rubric symbol declarations (``Symbols``): names, assumptions, sampling ranges, values, functions."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy

from .names import canon_name

_KINDS = {
    "real": dict(),
    "positive": dict(positive=True),
    "nonnegative": dict(nonnegative=True),
    "negative": dict(negative=True),
    "integer": dict(integer=True),
    "positive integer": dict(integer=True, positive=True),
    "nonnegative integer": dict(integer=True, nonnegative=True),
}
_FLAG_KEYS = ("integer", "positive", "nonnegative", "negative", "real")
_ALLOWED_KEYS = set(_FLAG_KEYS) | {"min", "max", "value", "function", "args", "sequence", "type"}


@dataclass(frozen=True)
class SymbolDecl:
    """One declared name. ``kind`` is "symbol", "sequence", "value" or "function"."""

    name: str
    kind: str = "symbol"
    integer: bool = False
    positive: bool = False
    nonnegative: bool = False
    negative: bool = False
    lo: float | None = None
    hi: float | None = None
    value: str | None = None          # for kind "value": trusted text of the given value
    args: tuple[str, ...] = ()        # for kind "function"
    body: str | None = None           # for kind "function"

    def assumptions(self) -> dict[str, bool]:
        a: dict[str, bool] = {"real": True}
        if self.integer:
            a["integer"] = True
        if self.positive or (self.lo is not None and self.lo > 0):
            a["positive"] = True
        elif self.nonnegative or (self.lo is not None and self.lo >= 0):
            a["nonnegative"] = True
        if self.negative or (self.hi is not None and self.hi < 0):
            a["negative"] = True
        return a

    def sample_range(self) -> tuple[float, float]:
        """Sampling interval of a real symbol, from the explicit range or the assumptions."""
        if self.positive:
            lo, hi = 0.2, 3.0
        elif self.nonnegative:
            lo, hi = 0.0, 3.0
        elif self.negative:
            lo, hi = -3.0, -0.2
        else:
            lo, hi = -3.0, 3.0
        return (self.lo if self.lo is not None else lo, self.hi if self.hi is not None else hi)


def _decl_from(name: str, spec: Any) -> SymbolDecl:
    if spec is None:
        return SymbolDecl(name)
    if isinstance(spec, str):
        key = " ".join(spec.strip().lower().split())
        if key == "sequence":
            return SymbolDecl(name, kind="sequence")
        if key not in _KINDS:
            raise ValueError(f"symbol {name!r}: unknown declaration {spec!r} (expected one of "
                             f"{', '.join(sorted(_KINDS))}, sequence)")
        return SymbolDecl(name, **_KINDS[key])
    if not isinstance(spec, Mapping):
        raise ValueError(f"symbol {name!r}: declaration must be a string or a mapping, not {type(spec).__name__}")
    unknown = set(spec) - _ALLOWED_KEYS
    if unknown:
        raise ValueError(f"symbol {name!r}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    flags: dict[str, Any] = {}
    for k in ("integer", "positive", "nonnegative", "negative"):
        if k in spec:
            if not isinstance(spec[k], bool):
                raise ValueError(f"symbol {name!r}: {k} must be true or false")
            flags[k] = spec[k]
    kind = "symbol"
    typ = spec.get("type")
    if typ is not None:
        d = _decl_from(name, typ)
        kind = d.kind
        for k in ("integer", "positive", "nonnegative", "negative"):
            flags.setdefault(k, getattr(d, k))
    if spec.get("sequence"):
        kind = "sequence"
    lo = hi = None
    for k in ("min", "max"):
        if k in spec:
            v = spec[k]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"symbol {name!r}: {k} must be a number")
            if k == "min":
                lo = float(v)
            else:
                hi = float(v)
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"symbol {name!r}: min {lo} is greater than max {hi}")
    if flags.get("positive") and flags.get("negative"):
        raise ValueError(f"symbol {name!r}: cannot be both positive and negative")
    value = None
    if "value" in spec:
        v = spec["value"]
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError(f"symbol {name!r}: value must be a number or a math string")
        value = str(v)
        kind = "value"
    args: tuple[str, ...] = ()
    body = None
    if "function" in spec:
        body = spec["function"]
        if not isinstance(body, str) or not body.strip():
            raise ValueError(f"symbol {name!r}: function must be a non-empty math string")
        a = spec.get("args")
        if not isinstance(a, (list, tuple)) or not a or not all(isinstance(x, str) for x in a):
            raise ValueError(f"symbol {name!r}: a function needs args: [names]")
        args = tuple(canon_name(x) for x in a)
        kind = "function"
    elif "args" in spec:
        raise ValueError(f"symbol {name!r}: args without function")
    return SymbolDecl(name, kind=kind, lo=lo, hi=hi, value=value, args=args, body=body, **flags)


@dataclass(frozen=True)
class Symbols:
    """An immutable, hashable, picklable set of declarations keyed by canonical name."""

    decls: tuple[SymbolDecl, ...] = ()
    _index: dict = field(default=None, compare=False, hash=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {d.name: d for d in self.decls})

    @classmethod
    def from_decls(cls, decls: Mapping[str, Any] | None) -> "Symbols":
        """Build from the rubric's YAML mapping; raises ValueError on a bad declaration."""
        if decls is None:
            return cls(())
        if not isinstance(decls, Mapping):
            raise ValueError("symbols must be a mapping of name -> declaration")
        out: dict[str, SymbolDecl] = {}
        for raw, spec in decls.items():
            if not isinstance(raw, str):
                raise ValueError(f"symbol name must be a string, not {raw!r}")
            name = canon_name(raw)
            if name in out:
                raise ValueError(f"symbol {raw!r} declared twice (as {name!r})")
            out[name] = _decl_from(name, spec)
        return cls(tuple(sorted(out.values(), key=lambda d: d.name)))

    def merge(self, other: "Symbols") -> "Symbols":
        """Union; ``other`` wins on a name declared in both."""
        d = dict(self._index)
        d.update(other._index)
        return Symbols(tuple(sorted(d.values(), key=lambda x: x.name)))

    def get(self, name: str) -> SymbolDecl | None:
        return self._index.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def names(self) -> tuple[str, ...]:
        return tuple(self._index)

    def is_sequence(self, name: str) -> bool:
        d = self._index.get(name)
        return d is not None and d.kind == "sequence"

    def symbol(self, name: str) -> sympy.Symbol:
        """The sympy Symbol of a declared (non-sequence, non-function) name."""
        d = self._index[name]
        return sympy.Symbol(name, **d.assumptions())

    def base(self, name: str) -> sympy.IndexedBase:
        """The IndexedBase of a declared sequence."""
        d = self._index[name]
        return sympy.IndexedBase(name, **d.assumptions())

    def __getstate__(self):
        return {"decls": self.decls}

    def __setstate__(self, state) -> None:
        object.__setattr__(self, "decls", state["decls"])
        object.__setattr__(self, "_index", {d.name: d for d in self.decls})
