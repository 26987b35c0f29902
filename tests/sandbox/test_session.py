"""One sandbox run per hand-in: cells once, one child per question, isolation, determinism, variables."""

from __future__ import annotations

import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "security"))
from sbxhelpers import HONEST, grade, scores, wait_no_survivors  # noqa: E402


@pytest.fixture(scope="module", params=["detected", "no-namespaces"])
def sb(request):
    from grader.sandbox import Sandbox
    with Sandbox.start(workers=2, namespaces=request.param == "detected") as box:
        yield box


def _delta(sb, before):
    return {k: sb.counters.get(k, 0) - before.get(k, 0) for k in set(sb.counters) | set(before)}


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


HONEST_SRC = open(HONEST).read()


def test_one_run_per_handin(sb, rubric):
    before = dict(sb.counters)
    r = grade(HONEST, rubric, sb)
    assert r.score == 10.0, scores(r)
    d = _delta(sb, before)
    # one keeper, one worker running the cells once; a child per question (B1-B5) + the pytest call
    assert d.get("keepers") == 1 and d.get("sessions") == 1, d
    assert d.get("question_children") == 6, d
    assert not d.get("jobs"), d
    assert not wait_no_survivors(sb)


@pytest.mark.parametrize("poison", [
    "import os\n    os._exit(0)",
    "while True:\n        pass",
    "xs = [0.0]\n    while True:\n        xs.append(xs[-1] + 1.0)",
    "import os\n    os.fork(); os.fork()\n    while True:\n        pass",
], ids=["os_exit", "loop", "memory", "fork_loop"])
def test_question_isolation(sb, rubric, tmp_path, poison):
    """B2's child dies or runs away: B1, B3, B4, B5 are graded as alone."""
    src = HONEST_SRC.replace("def conv_as_matrix(k, n):\n", f"def conv_as_matrix(k, n):\n    {poison}\n", 1)
    assert src != HONEST_SRC
    t0 = time.monotonic()
    r = grade(_write(tmp_path, "h.py", src), rubric, sb)
    took = time.monotonic() - t0
    s = scores(r)
    by_q = {q.id: q for q in r.questions}
    assert by_q["B2"].score == 0
    assert r.score == 8.0, s
    assert all(c.status.value == "correct" for q in r.questions if q.id != "B2" for c in q.checks), s
    st = by_q["B2"].checks[0].status.value
    assert st == ("error" if "_exit" in poison else "timeout"), by_q["B2"].checks[0].message
    assert took < 4.0 + 3.0, took          # one question's wall limit (4 s), not one per question
    assert not wait_no_survivors(sb)


def test_a_runaway_cell_is_stopped_and_the_rest_still_counts(sb, rubric, tmp_path):
    """As nbgrader's per-cell timeout: a looping top-level cell is interrupted, the functions
    it did not prevent from being defined are graded (no wrong zero)."""
    src = HONEST_SRC + "\nwhile True:\n    pass\n"
    t0 = time.monotonic()
    r = grade(_write(tmp_path, "loop.py", src), rubric, sb)
    assert time.monotonic() - t0 < 4.0 + 2.0
    assert r.score == 10.0, [(q.id, q.feedback) for q in r.questions]
    # full marks, and still the hand-in says which cell was stopped
    assert "loop.py ran past the per-cell time limit and was stopped" in r.message, r.message
    assert not wait_no_survivors(sb)


def test_cells_timeout_charged_once(sb, rubric, tmp_path):
    # a loop that swallows the per-cell interruption runs until the cells' own limit ends it
    src = HONEST_SRC + "\nwhile True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\n"
    before = dict(sb.counters)
    t0 = time.monotonic()
    r = grade(_write(tmp_path, "loop.py", src), rubric, sb)
    took = time.monotonic() - t0
    assert r.score == 0
    msgs = {c.message for q in r.questions for c in q.checks}
    assert {c.status.value for q in r.questions for c in q.checks} == {"timeout"}
    assert all("did not finish running" in m and "loop.py" in m for m in msgs), msgs
    assert took < 4.0 + 2.0, took          # the cells' 2 s CPU (4 s wall) once, not 6 times
    d = _delta(sb, before)
    assert d.get("sessions") == 1 and not d.get("question_children"), d


def test_runaway_verdict_does_not_depend_on_which_limit_hits(sb):
    """A list growing forever ends by memory or by CPU depending on the machine: same verdict."""
    from grader.checks.code import _call_failure
    from grader.rubric.model import Limits
    from grader.sandbox import Call, Cell
    code = ("def by_memory():\n    xs = []\n    while True:\n        xs.append(bytearray(1 << 20))\n"
            "def by_cpu():\n    while True:\n        pass\n"
            "def by_list():\n    xs = [0.0]\n    while True:\n        xs.append(xs[-1] + 1.0)\n")
    lim = Limits(cpu_s=1, wall_s=3, memory_mb=200)
    s = sb.open([Cell(code, "r.py")], lim)
    try:
        out = {}
        for fn in ("by_memory", "by_cpu", "by_list"):
            res = s.run([Call(fn)], lim)
            v = _call_failure("f", res, res.calls[0], "")
            out[fn] = (v.status.value, v.message)
            assert res.exhausted or res.calls[0].error.get("memory"), (fn, res)
        assert len(set(out.values())) == 1, out
        assert out["by_cpu"][0] == "timeout" and "ran out of time or memory" in out["by_cpu"][1]
        r = s.run([Call("by_memory"), Call("by_memory")], lim)   # reported twice: the reserve is back
        assert [c.error.get("memory") for c in r.calls] == [True, True], r.calls
    finally:
        s.close()
    assert not wait_no_survivors(sb)


def test_pytest_messages_have_no_addresses():
    from grader.checks.pytest_bridge import _stable
    assert _stable("assert <function all at 0x7f3a2b1c> is x") == "assert <function all> is x"


VAR_RUBRIC = """title: variables
reference: ref.py
limits: {cpu_s: 2, wall_s: 4, memory_mb: 512, processes: 16, output_kb: 64}
questions:
  - id: V
    points: 6
    checks:
      - {kind: function, name: eta, points: 1, variable: eta, expect: 2}
      - {kind: function, name: beta, points: 1, variable: beta, reference: beta_value, compare: {rtol: 0, atol: 1.0e-12}}
      - {kind: function, name: w, points: 1, variable: w, reference: make_w}
      - {kind: function, name: gone, points: 1, variable: gone, expect: 1}
      - {kind: function, name: fn, points: 1, variable: f, expect: 1}
      - {kind: function, name: last, points: 1, variable: w, pick: -1, expect: 3.0}
"""


def test_variable_mode(sb, tmp_path):
    from grader.grading import grade_document
    from grader.handin.discover import discover
    from grader.handin.read import read_handin
    from grader.rubric.load import load_rubric
    import grader.checks.code  # noqa: F401
    (tmp_path / "ref.py").write_text("import numpy as np\nbeta_value = 0.5\n"
                                     "def make_w():\n    return np.array([1.0, 2.0, 3.0])\n")
    (tmp_path / "r.yaml").write_text(VAR_RUBRIC)
    rubric = load_rubric(str(tmp_path / "r.yaml"))
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "h.py").write_text("import numpy as np\neta = 4 / 2\nbeta = 0.5\nw = np.arange(1, 4) * 1.0\n"
                              "def f():\n    return 1\n# gone\n")
    (h,) = discover([str(sub / "h.py")])
    before = dict(sb.counters)
    r = grade_document(rubric, h, read_handin(h), math=None, sandbox=sb)
    got = {c.name: (c.status.value, c.message) for q in r.questions for c in q.checks}
    assert [got[k][0] for k in ("eta", "beta", "w", "gone", "fn", "last")] == \
        ["correct", "correct", "correct", "missing", "error", "correct"], got
    assert "variable gone is not defined" in got["gone"][1]
    assert "not plain data" in got["fn"][1]
    d = _delta(sb, before)
    # value reads come back with the cells: no question phase (no round trip), no child
    assert d.get("sessions") == 1 and not d.get("questions"), d
    assert not d.get("question_children"), d


def test_variable_rubric_mistakes(tmp_path):
    from grader.errors import RubricError
    from grader.rubric.load import load_rubric
    import grader.checks.code  # noqa: F401
    (tmp_path / "ref.py").write_text("x = 1\n")
    (tmp_path / "r.yaml").write_text("""title: t
reference: ref.py
questions:
  - id: V
    points: 1
    checks:
      - {kind: function, variable: eta, cases: [{args: [1]}]}
      - {kind: function, variable: beta}
      - {kind: function, variable: gamma, reference: nope}
""")
    with pytest.raises(RubricError) as e:
        load_rubric(str(tmp_path / "r.yaml"))
    text = str(e.value)
    assert "does not apply to a variable check" in text and "needs expect" in text and "no 'nope'" in text


def test_rubric_cell_limit_interrupts_a_cell_early(tmp_path):
    """`limits: {cell_s: ...}`: a looping cell is stopped after cell_s, not after 60 % of cpu_s."""
    from grader.rubric.model import Limits
    from grader.sandbox import Call, Cell, Sandbox
    with Sandbox.start(workers=1) as box:
        lim = Limits(cpu_s=20, wall_s=20, cell_s=0.3)
        t0 = time.monotonic()
        s = box.open([Cell("while True:\n    pass\n", "a.py"), Cell("x = 41 + 1\n", "b.py")], lim)
        try:
            r = s.run([Call("x", get=True)], lim)
        finally:
            s.close()
        took = time.monotonic() - t0
    assert r.cells[0].ok is False and "stopped" in r.cells[0].error["message"], r.cells[0]
    assert r.cells[1].ok is True
    assert r.calls[0].kind == "value" and r.calls[0].value == 42
    assert took < 6.0, took       # 60 % of cpu_s would be 12 s


def test_preload_imports_once_in_the_fork_server():
    """Modules the rubric names under `preload` are already imported when a hand-in runs; others are not."""
    from grader.sandbox import Call, Cell, Sandbox
    src = Cell("import sys\nloaded = sorted(m for m in ('wave', 'sympy') if m in sys.modules)\n", "c.py")
    with Sandbox.start(workers=1) as box:
        s = box.open([src])
        try:
            before = s.run([Call("loaded", get=True)]).calls[0].value
        finally:
            s.close()
        box.preload(["wave", "no_such_module_xyz", "sympy"])    # a missing module is skipped
        s = box.open([src])
        try:
            after = s.run([Call("loaded", get=True)]).calls[0].value
        finally:
            s.close()
    assert before == [] and after == ["sympy", "wave"], (before, after)


def test_a_slot_keeper_serves_job_after_job_each_in_fresh_namespaces():
    """As root the keeper of a worker slot stays for the run, yet every job starts in new namespaces
    (its worker is PID 1 again; an abstract socket left by the previous job is gone)."""
    from grader.sandbox import Call, Cell, Job, Sandbox
    probe = ("import os, socket\npid = os.getpid()\n"
             "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
             "try:\n    s.connect('\\0grader-slot-test')\n    seen = 'connected'\nexcept OSError:\n    seen = 'nothing'\n"
             "t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\nt.bind('\\0grader-slot-test')\nt.listen(1)\n"
             "if os.fork() == 0:\n    import time\n    time.sleep(30)\n")
    with Sandbox.start(workers=1) as box:
        if box.tier != "A" or not box.capabilities.get("root"):
            pytest.skip("slot keepers with per-job namespaces: tier A as root")
        zpid = box.capabilities["pid"]
        got, keepers = [], set()
        for _ in range(3):
            r = box.run(Job((Cell(probe, "p.py"),), (Call("pid", get=True), Call("seen", get=True))))
            got.append((r.calls[0].value, r.calls[1].value))
            with open(f"/proc/{zpid}/task/{zpid}/children") as f:
                keepers |= set(f.read().split())
        assert got == [(1, "nothing")] * 3, got
        assert len(keepers) == 1, keepers          # the same keeper served the three jobs
        assert not wait_no_survivors(box)          # the sleeping child of every job was swept


def test_prefetched_reads_equal_question_reads(sb):
    """A value read back with the cells is exactly what a read question returns afterwards, and a
    read of a name the session did not prefetch still works (one question, no child)."""
    from grader.sandbox import Call, Cell
    cells = [Cell("import numpy as np\neta = 2\nw = np.arange(3) * 0.5\nf = lambda: 1\n", "c.py")]
    s = sb.open(cells, reads=["eta", "w", "f", "gone"])
    try:
        pre = s.run([Call("eta", get=True), Call("w", get=True), Call("f", get=True), Call("gone", get=True)])
        asked = s.questions
        late = s.run([Call("eta", get=True), Call("w", get=True), Call("f", get=True), Call("gone", get=True),
                      Call("not_prefetched", get=True)])
    finally:
        s.close()
    assert asked == 0 and s.questions == 1
    kinds = [c.kind for c in pre.calls]
    assert kinds == [c.kind for c in late.calls[:4]] == ["value", "value", "error", "missing"], kinds
    assert pre.calls[2].error == late.calls[2].error          # "not plain data", in both paths
    assert pre.calls[0].value == late.calls[0].value == 2
    assert list(pre.calls[1].value) == list(late.calls[1].value) == [0.0, 0.5, 1.0]
    assert late.calls[4].kind == "missing" and pre.done and pre.exit_code == 0
