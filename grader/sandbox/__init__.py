"""Run untrusted student code in a separate, resource-limited, confined process.

Public API (used by the core and by the code check kinds)::

    sb = Sandbox.start(trust_submissions=False, namespaces=True, workers=2)
    sb.tier, sb.describe(), sb.refusal
    result = sb.run(Job(cells=(Cell(src, origin),), calls=(Call("softmax", (x,)),), limits=limits))
    sb.close()        # or: with Sandbox.start() as sb: ...

See docs/security.md for the tiers and layers.
"""

from __future__ import annotations

import importlib
from typing import Any

# resolved on first use, so that `grader.sandbox.spawn` (no numpy) can start the zygote before the
# grader itself imports numpy
_FROM = {"BadValue": ("codec", "BadValue"), "InstructorCallable": ("codec", "Callable_")}
_SESSION = ("Call", "CallOutcome", "Cell", "CellOutcome", "Job", "JobResult", "Sandbox", "Session",
            "SandboxRefused", "job_from_code", "strip_magics")


def __getattr__(name: str) -> Any:
    module, attr = _FROM.get(name, ("session", name) if name in _SESSION else (None, None))
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value
    return value


__all__ = ["Sandbox", "Session", "SandboxRefused", "Job", "Cell", "Call", "JobResult", "CallOutcome", "CellOutcome",
           "InstructorCallable", "BadValue", "job_from_code", "strip_magics"]
