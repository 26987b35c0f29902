"""Run untrusted student code in a separate, resource-limited, confined process.

Public API (used by the core and by the code check kinds)::

    sb = Sandbox.start(trust_submissions=False, namespaces=True, workers=2)
    sb.tier, sb.describe(), sb.refusal
    result = sb.run(Job(cells=(Cell(src, origin),), calls=(Call("softmax", (x,)),), limits=limits))
    sb.close()        # or: with Sandbox.start() as sb: ...

See docs/security.md for the tiers and layers.
"""

from grader.sandbox.codec import BadValue, Callable_ as InstructorCallable
from grader.sandbox.session import (Call, CallOutcome, Cell, CellOutcome, Job, JobResult, Sandbox, Session,
                                    SandboxRefused, job_from_code, strip_magics)

__all__ = ["Sandbox", "Session", "SandboxRefused", "Job", "Cell", "Call", "JobResult", "CallOutcome", "CellOutcome",
           "InstructorCallable", "BadValue", "job_from_code", "strip_magics"]
