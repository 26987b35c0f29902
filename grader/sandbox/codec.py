"""Trusted-side encoding of inputs and strict decoding of what a job sends back.

Only plain data crosses the boundary: JSON scalars, lists, ``{"__tuple__": [...]}``,
``{"__dict__": {...}}``, ``{"__float__": "nan"|"inf"|"-inf"}`` and numpy arrays as
``{"__nd__": base64 raw little-endian bytes, "dtype": "<f8", "shape": [...], "scalar": bool}``
with dtype kinds b/i/u/f only. Nothing is ever unpickled or evaluated; anything off-schema
raises `BadValue` (the check then fails closed).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

import numpy as np

MAX_DEPTH = 64
MAX_ELEMENTS = 5_000_000
ALLOWED_DTYPES = {"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8"}


class BadValue(ValueError):
    """The child sent something outside the schema."""


class Callable_:
    """An instructor callable passed to a student function: source text, never a value."""

    __slots__ = ("source", "name")

    def __init__(self, source: str, name: str | None = None):
        self.source, self.name = source, name

    def materialize(self):
        """The same callable on the trusted side (instructor source only)."""
        ns: dict[str, Any] = {"np": np, "numpy": np, "math": math}
        try:
            return eval(compile(self.source, "<instructor callable>", "eval"), ns)
        except SyntaxError:
            exec(compile(self.source, "<instructor callable>", "exec"), ns)
            return ns[self.name or "f"]

    def __repr__(self) -> str:
        return f"callable({self.source!r})"


def encode(x: Any) -> Any:
    """Parent -> child inputs (trusted values)."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, Callable_):
        return {"__callable__": x.source, "name": x.name}
    if isinstance(x, (np.ndarray, np.generic)):
        a = np.ascontiguousarray(x)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"cannot send dtype {a.dtype}")
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        return {"__nd__": base64.b64encode(a.tobytes()).decode(), "dtype": a.dtype.str,
                "shape": list(a.shape), "scalar": isinstance(x, np.generic)}
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        return x if math.isfinite(x) else {"__float__": repr(float(x))}
    if isinstance(x, tuple):
        return {"__tuple__": [encode(v) for v in x]}
    if isinstance(x, list):
        return [encode(v) for v in x]
    if isinstance(x, dict):
        return {"__dict__": {str(k): encode(v) for k, v in x.items()}}
    raise TypeError(f"cannot send {type(x).__name__}")


def _reject_constant(name: str) -> Any:
    raise BadValue(f"non-JSON constant {name}")


def loads(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError, UnicodeDecodeError) as e:
        raise BadValue(f"malformed message ({type(e).__name__})") from None


def decode(x: Any, depth: int = 0, budget: list[int] | None = None) -> Any:
    """Child -> parent values, by exact JSON type, with depth and size caps."""
    if budget is None:
        budget = [MAX_ELEMENTS]
    if depth > MAX_DEPTH:
        raise BadValue("value nested too deeply")
    budget[0] -= 1
    if budget[0] < 0:
        raise BadValue("value too large")
    t = type(x)
    if x is None or t in (bool, str):
        return x
    if t is int:
        if not -(1 << 63) <= x < (1 << 63):
            raise BadValue("integer out of range")
        return x
    if t is float:
        return x
    if t is list:
        return [decode(v, depth + 1, budget) for v in x]
    if t is not dict or len(x) == 0:
        raise BadValue("unexpected value")
    if "__nd__" in x:
        if set(x) - {"__nd__", "dtype", "shape", "scalar"}:
            raise BadValue("bad array record")
        dt, shape, raw = x.get("dtype"), x.get("shape"), x.get("__nd__")
        if dt not in ALLOWED_DTYPES or type(raw) is not str or type(shape) is not list:
            raise BadValue(f"array dtype {dt!r} not allowed")
        if len(shape) > 32 or any(type(s) is not int or s < 0 for s in shape):
            raise BadValue("bad array shape")
        n = math.prod(shape)
        budget[0] -= n
        if budget[0] < 0:
            raise BadValue("value too large")
        try:
            buf = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise BadValue("bad array bytes") from None
        dtype = np.dtype(dt)
        if len(buf) != n * dtype.itemsize:
            raise BadValue("array bytes do not match its shape")
        a = np.frombuffer(buf, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
        if x.get("scalar") is True:
            if a.ndim != 0:
                raise BadValue("bad scalar")
            return a[()]
        return a
    if len(x) != 1:
        raise BadValue("unexpected mapping")
    (k, v), = x.items()
    if k == "__float__":
        if v not in ("nan", "inf", "-inf"):
            raise BadValue("bad float")
        return float(v)
    if k == "__tuple__" and type(v) is list:
        return tuple(decode(e, depth + 1, budget) for e in v)
    if k == "__dict__" and type(v) is dict:
        return {str(kk): decode(vv, depth + 1, budget) for kk, vv in v.items()}
    raise BadValue("unexpected mapping")
