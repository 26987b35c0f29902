"""Acceptance of the sandbox + code check kinds on Part B (reference, empty and broken hand-ins)."""

from __future__ import annotations

import os
import statistics
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "security"))
from sbxhelpers import grade, scores  # noqa: E402

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


@pytest.fixture(scope="module")
def sb():
    from grader.sandbox import Sandbox
    with Sandbox.start(workers=2) as box:
        yield box


def test_reference_scores_full(sb, rubric):
    for f in ("reference_solution.py", "reference_solution.ipynb"):
        r = grade(os.path.join(FIX, f), rubric, sb)
        assert r.score == 10.0, scores(r)
        seeds = [c.details["seed"] for q in r.questions for c in q.checks]
        assert all(seeds)


def test_no_code_is_missing(sb, rubric):
    r = grade(os.path.join(FIX, "no_code.py"), rubric, sb)
    assert r.score == 0
    assert {s for _, s in scores(r).values()} == {"missing"}


def test_broken_functions_name_the_cause(sb, rubric):
    r = grade(os.path.join(FIX, "broken.py"), rubric, sb)
    assert r.score == 0
    msg = {q.id: (q.checks[0].status.value, q.checks[0].message) for q in r.questions}
    assert msg["B1"][0] == "error" and "ValueError" in msg["B1"][1] and "broken.py, line 7" in msg["B1"][1]
    assert msg["B2"][0] == "timeout" and "time limit" in msg["B2"][1]   # CPU, or wall under load
    assert msg["B3"][0] == "timeout" and "wall-clock" in msg["B3"][1]
    assert msg["B4"][0] == "error" and "str" in msg["B4"][1]
    assert msg["B5"][0] == "error" and "sys.exit" in msg["B5"][1]


def test_notebook_cells_magics_and_errors(sb):
    from grader.sandbox import Call, Job, job_from_code
    from grader.handin.model import CodeCell
    cells = [CodeCell(source="%matplotlib inline\nx = 1", origin="nb.ipynb, cell 1", file="nb.ipynb", cell=1),
             CodeCell(source="def f():\n    return 1 / 0", origin="nb.ipynb, cell 2", file="nb.ipynb", cell=2),
             CodeCell(source="y = undefined_name", origin="nb.ipynb, cell 3", file="nb.ipynb", cell=3),
             CodeCell(source="%%bash\necho hi", origin="nb.ipynb, cell 4", file="nb.ipynb", cell=4),
             CodeCell(source="z = x + 1", origin="nb.ipynb, cell 5", file="nb.ipynb", cell=5)]
    job = job_from_code(cells, [Call("f"), Call("nope")])
    assert any("magic" in n for n in job.notes)
    r = sb.run(job)
    assert [c.ok for c in r.cells] == [True, True, False, True, True]
    assert r.cells[2].error["type"] == "NameError" and r.cells[2].error["where"]["origin"] == "nb.ipynb, cell 3"
    assert r.calls[0].kind == "error" and r.calls[0].error["type"] == "ZeroDivisionError"
    assert r.calls[0].error["where"] == {"origin": "nb.ipynb, cell 2", "line": 2}
    assert "zygote" not in r.calls[0].error["traceback"]
    assert r.calls[1].kind == "missing"


def test_overhead(sb, capsys):
    """Per-job overhead of the fork server (reported; generous bound for a noisy 2-core VM)."""
    from grader.sandbox import Call, Cell, Job
    job = Job((Cell("def f(x):\n    return x + 1", "f.py"),), (Call("f", (1,)),))
    times = []
    for _ in range(30):
        t = time.perf_counter()
        r = sb.run(job)
        times.append(time.perf_counter() - t)
        assert r.calls[0].value == 2
    med = statistics.median(times) * 1000
    with capsys.disabled():
        print(f"\n[sandbox tier {sb.tier}] per-job wall median {med:.1f} ms")
    assert med < 150


def test_rubric_mistakes_are_reported(tmp_path):
    from grader.errors import RubricError
    from grader.rubric.load import load_rubric
    import grader.checks.code  # noqa: F401
    ref = os.path.abspath(os.path.join(FIX, "..", "..", "..", "rubrics", "final_exam", "reference.py"))
    (tmp_path / "r.yaml").write_text(f"""title: t
reference: {ref}
questions:
  - id: B1
    points: 1
    checks:
      - kind: function
        function: softmax
        reference: sofmax
        cases:
          - args: [{{uniform: [0, 1], shap: [3]}}]
          - args: [1]
            repeat: 0
      - kind: pytest
        test: nowhere.py::test_x
""")
    with pytest.raises(RubricError) as e:
        load_rubric(str(tmp_path / "r.yaml"))
    text = str(e.value)
    assert "no function 'sofmax'" in text and "shap" in text and "repeat" in text and "test file not found" in text
