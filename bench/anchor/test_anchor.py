"""Instructor tests of the anchor assignment: ``eta == 2`` and ``beta == 0.5`` on module-level values.

WORKAROUND (bench only): grader's code checks can call student functions but cannot read a student's
module-level variable. These tests run ONE sandbox job per hand-in (cached on the hand-in's grading
context, shared by both tests): the student's cells, then an instructor cell defining a getter, then
two calls of it. Only decoded plain data comes back, and the comparison happens here, in the parent,
as any pytest check. It uses the private ``student._ctx``; a ``variable:`` check kind (see
bench/README.md) would replace it.
"""

GETTER = (
    "def __bench_get_vars():\n"
    "    g = globals()\n"
    "    return [[n in g, g.get(n) if type(g.get(n)) in (int, float, str, bool) else None] for n in ('eta', 'beta')]\n"
)


def _values(student):
    from grader.handin.model import CodeCell
    from grader.sandbox import Call, job_from_code

    ctx = student._ctx
    hit = ctx.cache.get("bench-anchor-vars")
    if hit is None:
        cells = tuple(ctx.document.code) + (CodeCell(source=GETTER, origin="instructor getter", file="", cell=None),)
        res = ctx.sandbox.run(job_from_code(cells, [Call("__bench_get_vars")], student._limits))
        out = res.calls[0]
        hit = ctx.cache["bench-anchor-vars"] = (out.value if out.kind == "value" else None,
                                                out.kind, res.death())
    return hit


def _check(student, i, name, expected):
    vals, kind, death = _values(student)
    assert vals is not None, f"no value came back ({kind}{': ' + death if death else ''})"
    defined, value = vals[i]
    assert defined, f"{name} is not defined"
    assert type(value) in (int, float, bool) and value == expected, f"{name} = {value!r}, expected {expected}"


def test_eta(student):
    _check(student, 0, "eta", 2)


def test_beta(student):
    _check(student, 1, "beta", 0.5)
