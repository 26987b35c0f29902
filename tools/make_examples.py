"""Build submissions_example/ from the exam text and the seed hand-in.

    python tools/make_examples.py ../shared/seed/final_exam_student_answers.txt

Writes (a MarkUs-style export, one folder per group):
  template/final_exam.ipynb      the notebook students start from (answers empty)
  seed_student/final_exam.ipynb  the real seed hand-in, text exactly as given
  full_marks/final_exam.ipynb    a fully correct hand-in (written + Part B code)
  py_handin/final_exam.py        a .py hand-in (answer_* variables + functions)
"""

from __future__ import annotations

import os
import re
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "submissions_example")

PROBLEMS = [
    ("1", "Problem 1 (2 points)", "Show that a softmax nonlinearity with two logits is equivalent to a sigmoid nonlinearity: give the sigmoid logit $z$ in terms of the softmax logits $z_0, z_1$.", ["1"]),
    ("2", "Problem 2 (6 points)", "Minimise $y = \\frac{x^2}{4}$ from $x_0 = 1$. (1) The learning rate $\\eta$ so that gradient descent reaches the minimum in one iteration. (2) With momentum and learning rate 1, the momentum hyperparameter $\\beta$ that reaches the minimum in two iterations.", ["2.1", "2.2"]),
    ("3", "Problem 3 (3 points)", "Rewrite the convolution $\\begin{bmatrix} x_1 & x_2 & x_3 & x_4 \\end{bmatrix} * \\begin{bmatrix} k_1 & k_2 \\end{bmatrix}$ (no padding, stride 1) as a matrix-vector product.", ["3"]),
    ("4", "Problem 4 (6 points)", "Linear RNN $h_t = W_x x_t + W_h h_{t-1} + b$ with $W_x = W_h = I$, $b = 0$, no nonlinearity. (1) A closed form of $h_t$ in terms of $x_1, \\ldots, x_t$. (2) A closed form of $\\frac{\\partial h_t}{\\partial W_h}$ in terms of $h_0, \\ldots, h_t$.", ["4.1", "4.2"]),
    ("5", "Problem 5 (2 points)", "Dropout without the $\\frac{1}{1-p}$ rescaling is applied before a dense layer. How must the layer's weights change so that, when dropout is not applied, the expected output is unchanged?", ["5"]),
    ("6", "Problem 6 (2 points)", "Why does $\\mathrm{LogLU}(x) = \\log \\mathrm{ReLU}(x)$ give NaNs in training?", ["6"]),
    ("7", "Problem 7 (9 points)", "Single-head local self-attention (weights zero beyond $k$ steps). (1) Define it. (2) Calls of the comparison function for standard and local self-attention over $T$ steps, and the speed-up. (3) Queries, keys and values so that it approximates max-pooling with window $2k+1$.", ["7.1", "7.2", "7.3"]),
]

INSTRUCTIONS = """# Final exam

Write each answer under its `### Answer N` heading, in markdown with LaTeX math.
**End each answer with the final result in math mode**, e.g. `$\\eta = 2$`.
Part B: implement the functions in the code cells (numpy only).
Self-check before handing in: `grader check rubrics/final_exam.yaml final_exam.ipynb`."""

PLACEHOLDER = "<!-- Write your answer here. End with the final result in math mode. -->"

CODE_STUBS = '''import numpy as np


def softmax(z):
    """Softmax over the last axis; finite for large logits."""
    raise NotImplementedError


def conv_as_matrix(k, n):
    """The (n-m+1) x n matrix M with M @ x == np.correlate(x, k, mode="valid")."""
    raise NotImplementedError


def momentum(grad, x0, lr, beta, steps):
    """Heavy-ball iterates [x_0, x_1, ..., x_steps]."""
    raise NotImplementedError


def local_attention(Q, K, V, k):
    """Local self-attention: row i attends to j in [max(0, i-k), min(T-1, i+k)]."""
    raise NotImplementedError


def maxpool_qkv(x, k):
    """(Q, K, V), each (T, 1), so that local_attention approximates max-pooling."""
    raise NotImplementedError
'''

SOLUTION_CODE = '''import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def conv_as_matrix(k, n):
    k = np.asarray(k, dtype=float)
    m = len(k)
    M = np.zeros((n - m + 1, n))
    for i in range(n - m + 1):
        M[i, i:i + m] = k
    return M


def momentum(grad, x0, lr, beta, steps):
    xs, x, v = [x0], x0, 0.0
    for _ in range(steps):
        v = beta * v + grad(x)
        x = x - lr * v
        xs.append(x)
    return xs


def local_attention(Q, K, V, k):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    T, d = Q.shape
    out = np.zeros((T, V.shape[1]))
    for i in range(T):
        lo, hi = max(0, i - k), min(T, i + k + 1)
        s = Q[i] @ K[lo:hi].T / np.sqrt(d)
        w = np.exp(s - s.max())
        out[i] = (w / w.sum()) @ V[lo:hi]
    return out


def maxpool_qkv(x, k):
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    return np.full_like(x, 1e4), x.copy(), x.copy()
'''

CORRECT = {
    "1": "For softmax, $p(y=0) = \\frac{e^{z_0}}{e^{z_0} + e^{z_1}} = \\frac{1}{1 + e^{-(z_0 - z_1)}} = \\sigma(z_0 - z_1)$, so with the sigmoid modelling $p(y=0)$:\n\n$$z = z_0 - z_1$$",
    "2.1": "$\\frac{dy}{dx} = \\frac{x}{2}$, so $x_1 = 1 - \\frac{\\eta}{2} = 0$ gives\n\n$$\\eta = 2$$",
    "2.2": "$v_1 = \\frac{1}{2}$, $x_1 = \\frac{1}{2}$, $v_2 = \\frac{\\beta}{2} + \\frac{1}{4}$, and $x_2 = \\frac{1}{4} - \\frac{\\beta}{2} = 0$:\n\n$$\\beta = \\frac{1}{2}$$",
    "3": "$$\\begin{bmatrix} k_1 & k_2 & 0 & 0 \\\\ 0 & k_1 & k_2 & 0 \\\\ 0 & 0 & k_1 & k_2 \\end{bmatrix} \\begin{bmatrix} x_1 \\\\ x_2 \\\\ x_3 \\\\ x_4 \\end{bmatrix} = \\begin{bmatrix} x_1 k_1 + x_2 k_2 \\\\ x_2 k_1 + x_3 k_2 \\\\ x_3 k_1 + x_4 k_2 \\end{bmatrix}$$",
    "4.1": "$h_t = x_t + h_{t-1}$ and $h_0 = 0$, so\n\n$$h_t = \\sum_{i=1}^{t} x_i$$",
    "4.2": "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=0}^{t-1} h_i$$",
    "5": "$E[h'] = (1-p) h$, so the weights must be scaled by the keep probability:\n\n$$W' = (1 - p) W$$",
    "6": "ReLU(x) is exactly 0 for $x \\le 0$ and $\\log 0 = -\\infty$; the $-\\infty$ and the infinite gradient $1/\\mathrm{ReLU}(x)$ propagate through the network ($0 \\cdot \\infty$, $\\infty - \\infty$) and become NaN.",
    "7.1": "Queries, keys and values are computed as usual. The comparison is the scaled dot product $a_{ij} = \\frac{q_i^T k_j}{\\sqrt{d}}$, computed only for $|i - j| \\le k$. The reduction is a softmax over that window, $w_{ij} = \\frac{\\exp(a_{ij})}{\\sum_{|i-l| \\le k} \\exp(a_{il})}$, and the output is $o_i = \\sum_{|i-j| \\le k} w_{ij} v_j$.",
    "7.2": "Standard self-attention calls the comparison $T^2$ times, local self-attention $T(2k+1)$ times (ignoring the ends), so the speed-up is\n\n$$\\frac{T^2}{T(2k+1)} = \\frac{T}{2k+1}$$",
    "7.3": "With $d = 1$, let every query be one large constant $q_i = c$ and let the keys and values be the inputs, $k_j = x_j$, $v_j = x_j$. Then $a_{ij} = c x_j$ and as $c \\to \\infty$ the window's softmax tends to the argmax, so the output tends to the maximum of the window.",
}

PY_HANDIN = '''"""Final exam hand-in as a .py file (written answers as answer_* variables)."""

import numpy as np

answer_1 = "z = z_1 - z_0"          # sigmoid models p(y=1)
answer_2_1 = 2
answer_2_2 = "1/2"
answer_3 = r"\\begin{bmatrix} x_1 & x_2 \\\\ x_2 & x_3 \\\\ x_3 & x_4 \\end{bmatrix} \\begin{bmatrix} k_1 \\\\ k_2 \\end{bmatrix}"
answer_4_1 = "x_1 + x_2 + ... + x_t"
answer_4_2 = r"\\sum_{i=1}^{t} h_{i-1}"
answer_5 = "W - pW"
answer_6 = "log(0) is -inf because ReLU outputs exactly 0 for negative inputs; the gradient 1/ReLU(x) is infinite and inf - inf gives NaN."
answer_7_1 = "Scaled dot-product scores q_i . k_j / sqrt(d) only for |i - j| <= k, softmax over that window, output the weighted sum of the values."
answer_7_2 = "T/(2*k+1)"
answer_7_3 = "Use d = 1, a large constant query c for every position, keys k_j = x_j and values v_j = x_j: as c grows the softmax tends to the argmax, so the output tends to the max of the window."

''' + SOLUTION_CODE.replace("import numpy as np\n\n\n", "\n")


def notebook(answers: dict[str, str] | None, code: str, raw_problem_cells: list | None = None):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(new_markdown_cell(INSTRUCTIONS))
    for num, title, text, answer_ids in PROBLEMS:
        nb.cells.append(new_markdown_cell(f"## {title}\n\n{text}"))
        for aid in answer_ids:
            nb.cells.append(new_markdown_cell(f"### Answer {aid}"))
            body = answers.get(aid) if answers else None
            nb.cells.append(new_markdown_cell(body if body else PLACEHOLDER))
    nb.cells.append(new_markdown_cell("## Part B: code"))
    nb.cells.append(new_code_cell(code))
    return nb


def seed_notebook(seed_text: str):
    """The seed hand-in, cut into cells at its 'Problem N' and 'Answer N' lines, text as given."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    blocks: list[tuple[str, list[str]]] = [("# ", [])]
    for line in seed_text.splitlines():
        if re.match(r"^Problem \d+ \(\d+ points?\)\s*$", line):
            blocks.append(("## ", [line]))
        elif re.match(r"^Answer \d+(\.\d+)?\s*$", line):
            blocks.append(("### ", [line]))
        else:
            blocks[-1][1].append(line)
    for prefix, lines in blocks:
        if not lines:
            continue
        first, rest = lines[0], "\n".join(lines[1:]).strip("\n")
        if prefix == "# ":
            nb.cells.append(new_markdown_cell("# " + "\n".join(lines).strip()))
            continue
        nb.cells.append(new_markdown_cell(prefix + first.strip()))
        if rest:
            nb.cells.append(new_markdown_cell(rest))
    return nb


def main(seed_path: str) -> None:
    with open(seed_path, encoding="utf-8") as fh:
        seed = fh.read()
    for folder, nb in [
        ("template", notebook(None, CODE_STUBS)),
        ("seed_student", seed_notebook(seed)),
        ("full_marks", notebook(CORRECT, SOLUTION_CODE)),
    ]:
        os.makedirs(os.path.join(OUT, folder), exist_ok=True)
        nbformat.validate(nb)
        nbformat.write(nb, os.path.join(OUT, folder, "final_exam.ipynb"))
    os.makedirs(os.path.join(OUT, "py_handin"), exist_ok=True)
    with open(os.path.join(OUT, "py_handin", "final_exam.py"), "w", encoding="utf-8") as fh:
        fh.write(PY_HANDIN)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/seed/final_exam_student_answers.txt")
