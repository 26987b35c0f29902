"""The final exam end to end: the seed hand-in scores exactly the key's last column, and
every row of the key's Part A table (answer_key.md) scores what the key says."""

import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUBRIC = os.path.join(ROOT, "rubrics", "final_exam.yaml")
EXAMPLES = os.path.join(ROOT, "submissions_example")

from grader.cli import main
from grader.context import GradeContext
from grader.handin.model import Document, HandIn
from grader.results import Status

# (question, answer as a student writes it, points the key gives)
KEY_TABLE = [
    # 1: z = z0 - z1 (p(y=0)); z1 - z0 accepted; any equivalent form
    ("1", "$z = z_0 - z_1$", 2), ("1", "$z = z_1 - z_0$", 2), ("1", "$z = -(z_1 - z_0)$", 2),
    ("1", "z0 - z1", 2), ("1", "$z = z_0 + z_1$", 0), ("1", "$z = 2(z_0 - z_1)$", 0),
    ("1", "$z = \\exp(z_0 - z_1)$", 0), ("1", "$z = z_0 z_1$", 0),
    # 2.1: eta = 2
    ("2.1", "$\\eta = 2$", 3), ("2.1", "$\\eta = 2.0$", 3), ("2.1", "$\\eta = 4/2$", 3),
    ("2.1", "$\\eta = \\frac{4}{2}$", 3), ("2.1", "$\\eta = 1/2$", 0), ("2.1", "$\\eta = 1$", 0),
    ("2.1", "$\\eta = 0.2$", 0),
    # 2.2: beta = 1/2
    ("2.2", "$\\beta = 1/2$", 3), ("2.2", "$\\beta = 0.5$", 3), ("2.2", "$\\beta = \\frac{1}{2}$", 3),
    ("2.2", "$\\beta = \\tfrac12$", 3), ("2.2", "$\\beta = 2/4$", 3), ("2.2", "$\\beta = 2$", 0),
    ("2.2", "$\\beta = 1$", 0), ("2.2", "$\\beta = 1/4$", 0),
    # 3: K x, X k, transposes; flipped kernel 2; only the output vector 1; a differing product 0
    ("3", "$$\\begin{bmatrix} k_1 & k_2 & 0 & 0 \\\\ 0 & k_1 & k_2 & 0 \\\\ 0 & 0 & k_1 & k_2 \\end{bmatrix}"
          "\\begin{bmatrix} x_1 \\\\ x_2 \\\\ x_3 \\\\ x_4 \\end{bmatrix}$$", 3),
    ("3", "$$\\begin{bmatrix} x_1 & x_2 \\\\ x_2 & x_3 \\\\ x_3 & x_4 \\end{bmatrix}"
          "\\begin{bmatrix} k_1 \\\\ k_2 \\end{bmatrix}$$", 3),
    ("3", "$$\\begin{bmatrix} k_1 & k_2 \\end{bmatrix}"
          "\\begin{bmatrix} x_1 & x_2 & x_3 \\\\ x_2 & x_3 & x_4 \\end{bmatrix}$$", 3),
    ("3", "$$\\begin{bmatrix} x_1 & x_2 & x_3 & x_4 \\end{bmatrix}"
          "\\begin{bmatrix} k_1 & 0 & 0 \\\\ k_2 & k_1 & 0 \\\\ 0 & k_2 & k_1 \\\\ 0 & 0 & k_2 \\end{bmatrix}$$", 3),
    ("3", "$$\\begin{bmatrix} k_2 & k_1 & 0 & 0 \\\\ 0 & k_2 & k_1 & 0 \\\\ 0 & 0 & k_2 & k_1 \\end{bmatrix}"
          "\\begin{bmatrix} x_1 \\\\ x_2 \\\\ x_3 \\\\ x_4 \\end{bmatrix}$$", 2),
    ("3", "$$\\begin{bmatrix} x_1k_1 + x_2k_2 \\\\ x_2k_1 + x_3k_2 \\\\ x_3k_1 + x_4k_2 \\end{bmatrix}$$", 1),
    ("3", "$$\\begin{bmatrix} k_1 & k_2 & 0 & 0 \\\\ 0 & k_1 & k_2 & 0 \\\\ 0 & 0 & k_2 & k_1 \\end{bmatrix}"
          "\\begin{bmatrix} x_1 \\\\ x_2 \\\\ x_3 \\\\ x_4 \\end{bmatrix}$$", 0),
    # 4.1
    ("4.1", "$$h_t = \\sum_{i=1}^{t} x_i$$", 3), ("4.1", "$$h_t = x_1 + x_2 + \\dots + x_t$$", 3),
    ("4.1", "$$h_t = h_0 + \\sum_{i=1}^t x_i$$", 3), ("4.1", "$$h_t = \\sum_{k=1}^{t} x_k$$", 3),
    ("4.1", "$$h_t = \\sum_{i=1}^{t-1} x_i$$", 0), ("4.1", "$$h_t = t x_t$$", 0),
    ("4.1", "$$h_t = \\sum_{i=0}^{t} x_i$$", 0),
    # 4.2
    ("4.2", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=0}^{t-1} h_i$$", 3),
    ("4.2", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=1}^{t} h_{i-1}$$", 3),
    ("4.2", "$$\\frac{\\partial h_t}{\\partial W_h} = h_0 + h_1 + \\dots + h_{t-1}$$", 3),
    ("4.2", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=0}^{t} h_i$$", 0),
    ("4.2", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=1}^{t} h_i$$", 0),
    ("4.2", "$$\\frac{\\partial h_t}{\\partial W_h} = h_{t-1}$$", 0),
    # 5
    ("5", "$$W' = (1-p) W$$", 2), ("5", "$$W' = W - pW$$", 2), ("5", "$$W' = W(1-p)$$", 2),
    ("5", "$$W' = \\frac{W}{1-p}$$", 0), ("5", "$$W' = pW$$", 0), ("5", "$$W' = W$$", 0),
    # 7.2
    ("7.2", "$$\\frac{T}{2k+1}$$", 3), ("7.2", "$$\\frac{T^2}{T(2k+1)}$$", 3),
    ("7.2", "$$\\frac{T^2}{T(2k+1) - k(k+1)}$$", 3),
    ("7.2", "$$\\frac{2k+1}{T}$$", 0), ("7.2", "$$T - 2k - 1$$", 0),
]


def grade_answer(rubric, math, qid, text, as_markdown=True):
    q = rubric.question(qid)
    if as_markdown:
        from grader.handin.model import Section

        doc = Document(sections={f"answer {qid}": Section(heading=f"Answer {qid}", text=text, origin="test")})
    else:
        doc = Document(variables={q.answer.variable: text}, variable_origins={q.answer.variable: "test"})
    ctx = GradeContext(handin=HandIn(id="t", path="t", root=".", files=()), document=doc, rubric=rubric, math=math)
    from grader.grading import _grade_question

    return _grade_question(q, ctx)


@pytest.mark.parametrize("qid,answer,points", KEY_TABLE, ids=[f"{r[0]}:{r[1][:40]}" for r in KEY_TABLE])
def test_key_table_row(exam_rubric, math_service, qid, answer, points):
    result = grade_answer(exam_rubric, math_service, qid, answer)
    assert result.score == points, result.feedback
    expected_status = Status.CORRECT if points == result.max_score else Status.PARTIAL if points else Status.INCORRECT
    assert result.status is expected_status, result.feedback


@pytest.mark.parametrize("qid,answer,points", [r for r in KEY_TABLE if r[0] in ("2.2", "5", "7.2")])
def test_key_table_row_as_py_variable(exam_rubric, math_service, qid, answer, points):
    result = grade_answer(exam_rubric, math_service, qid, answer, as_markdown=False)
    assert result.score == points, result.feedback


@pytest.mark.parametrize("qid", ["6", "7.1", "7.3"])
def test_free_text_is_pending_review_with_a_suggestion(exam_rubric, math_service, qid):
    text = ("log(0) is -inf since ReLU is 0, and the gradient is infinite so NaN appears; "
            "scaled dot product with sqrt(d), softmax over a window |i-j| <= k; constant query, keys k_j = x_j, argmax")
    r = grade_answer(exam_rubric, math_service, qid, text)
    assert r.status is Status.NEEDS_REVIEW and r.score == 0 and r.pending_review == r.max_score
    assert r.checks[0].suggested_score is not None and r.checks[0].suggested_score > 0


def test_unreadable_answer_is_unparseable_never_incorrect(exam_rubric, math_service):
    r = grade_answer(exam_rubric, math_service, "2.2", "we must have $eta=rac{1}{2}$ or $\\beta = \\frac{1}{$")
    assert r.status in (Status.UNPARSEABLE, Status.NEEDS_REVIEW) and r.score == 0


def test_seed_mangled_last_line_falls_back(exam_rubric, math_service):
    text = "$$\\beta = \\frac{2}{4} = \\frac{1}{2}$$\n\nTherefore we must have $eta=rac{1}{2}$"
    r = grade_answer(exam_rubric, math_service, "2.2", text)
    assert r.status is Status.CORRECT and r.answer == "\\beta = \\frac{2}{4} = \\frac{1}{2}"


SEED_EXPECTED = {
    "1": (2, "correct"), "2.1": (3, "correct"), "2.2": (3, "correct"), "3": (3, "correct"),
    "4.1": (3, "correct"), "4.2": (3, "correct"), "5": (0, "incorrect"), "6": (0, "needs_review"),
    "7.1": (0, "needs_review"), "7.2": (3, "correct"), "7.3": (0, "needs_review"),
    "B1": (0, "missing"), "B2": (0, "missing"), "B3": (0, "missing"), "B4": (0, "missing"), "B5": (0, "missing"),
}


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("grades")
    assert main(["grade", RUBRIC, EXAMPLES, "--out", str(out), "--quiet"]) == 0
    return out, json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_seed_scores_exactly_the_key(example_run):
    _, results = example_run
    seed = next(s for s in results["submissions"] if s["id"] == "seed_student")
    assert (seed["score"], seed["pending_review"], seed["max_score"]) == (20.0, 8.0, 40.0)
    got = {q["id"]: (q["score"], q["status"]) for q in seed["questions"]}
    assert got == SEED_EXPECTED
    q5 = next(q for q in seed["questions"] if q["id"] == "5")
    assert "1/(1-p)" in q5["feedback"] and "(1 - p)" in q5["feedback"]   # names the wrong factor
    q22 = next(q for q in seed["questions"] if q["id"] == "2.2")
    assert q22["answer"] == "\\beta = \\frac{2}{4} = \\frac{1}{2}" and "beta = 1/2" in q22["feedback"]


def test_results_json_follows_the_contract(example_run):
    out, results = example_run
    assert set(results["rubric"]) >= {"title", "path", "sha256", "max_score"}
    assert results["rubric"]["max_score"] == 40
    ids = ["1", "2.1", "2.2", "3", "4.1", "4.2", "5", "6", "7.1", "7.2", "7.3", "B1", "B2", "B3", "B4", "B5"]
    statuses = {"correct", "partial", "incorrect", "missing", "unparseable", "error", "timeout", "needs_review"}
    for sub in results["submissions"]:
        assert sub["status"] in ("graded", "no_submission", "error")
        assert sub["score"] + sub["pending_review"] <= sub["max_score"] + 1e-9
        assert [q["id"] for q in sub["questions"]] == ids
        for q in sub["questions"]:
            assert q["status"] in statuses
            for c in q["checks"]:
                assert set(c) >= {"name", "score", "max_score", "status", "visibility", "message"}
        assert os.path.exists(out / "feedback" / f"{sub['id']}.md")
    header = (out / "grades.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,status,score,pending_review,max," + ",".join(ids)


def test_template_scores_zero(example_run):
    _, results = example_run
    t = next(s for s in results["submissions"] if s["id"] == "template")
    assert t["score"] == 0 and t["pending_review"] == 0
    assert all(q["status"] in ("missing", "error") for q in t["questions"])


def test_full_marks_handins(example_run):
    _, results = example_run
    for sid in ("full_marks", "py_handin"):
        s = next(x for x in results["submissions"] if x["id"] == sid)
        part_a_auto = [q for q in s["questions"] if q["id"] not in ("6", "7.1", "7.3")]
        assert all(q["status"] == "correct" for q in part_a_auto if not q["id"].startswith("B")), sid
        assert s["pending_review"] == 8.0
        assert s["score"] == 32.0, [(q["id"], q["feedback"]) for q in s["questions"] if q["status"] != "correct"]
        assert s["sandbox_tier"]
