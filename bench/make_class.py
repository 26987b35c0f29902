#!/usr/bin/env python3
"""A synthetic class of N final-exam hand-ins, laid out as a MarkUs export.

    python bench/make_class.py N OUTDIR [--seed S] [--no-runaway]

OUTDIR/group_0001/final_exam.ipynb (or final_exam.py), ... one folder per group, plus
OUTDIR/../<name>.manifest.json (outside the export) listing each group's kind and the variant picked
for every question (to read the results against).

What is in it (deterministic for a seed; standard library only):
- honest answers in many notations, drawn from a few dozen forms per question, weighted so the
  common forms repeat across the class as in a real one (the grader memoises by normalised answer);
- the key's "must NOT accept" answers, unparseable answers, long derivation chains, free text;
- Part B code: correct solutions in several styles, wrong ones, stubs, code that raises;
- .py hand-ins (about 15 %) with answer_* variables;
- special groups at fixed positions (so N=100 holds each cheap kind once):
    per 100: top-level exception, syntax error, untouched template, empty folder, corrupt .ipynb,
             reads files outside its folder, bounded fork bomb, huge output, os._exit during the
             cells, rigged __eq__, short sleep (0.2 s at top level);
    per 500: an infinite loop inside momentum (CPU limit), a sleep(60) inside local_attention
             (wall limit);
    per 1000: a top-level `while True: pass` (every Part B job of that hand-in hits the limit).
  --no-runaway replaces the three runaway kinds by honest hand-ins.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil

# ----------------------------------------------------------------------------------- notebook parts
INSTRUCTIONS = ("# Final exam\n\nWrite each answer under its `### Answer N` heading, in markdown with LaTeX "
                "math.\n**End each answer with the final result in math mode**, e.g. `$\\eta = 2$`.\n"
                "Part B: implement the functions in the code cells (numpy only).")
PLACEHOLDER = "<!-- Write your answer here. End with the final result in math mode. -->"
PROBLEMS = [
    ("Problem 1 (2 points)", "Give the sigmoid logit $z$ in terms of the softmax logits $z_0, z_1$.", ["1"]),
    ("Problem 2 (6 points)", "Minimise $y = \\frac{x^2}{4}$ from $x_0 = 1$: $\\eta$, then $\\beta$.", ["2.1", "2.2"]),
    ("Problem 3 (3 points)", "Rewrite the convolution as a matrix-vector product.", ["3"]),
    ("Problem 4 (6 points)", "Linear RNN: $h_t$, then $\\frac{\\partial h_t}{\\partial W_h}$.", ["4.1", "4.2"]),
    ("Problem 5 (2 points)", "Dropout without rescaling: how must the weights change?", ["5"]),
    ("Problem 6 (2 points)", "Why does $\\mathrm{LogLU}(x) = \\log \\mathrm{ReLU}(x)$ give NaNs?", ["6"]),
    ("Problem 7 (9 points)", "Local self-attention: define it, count the calls, max-pooling.", ["7.1", "7.2", "7.3"]),
]

KM = "\\begin{bmatrix} k_1 & k_2 & 0 & 0 \\\\ 0 & k_1 & k_2 & 0 \\\\ 0 & 0 & k_1 & k_2 \\end{bmatrix}"
KF = "\\begin{bmatrix} k_2 & k_1 & 0 & 0 \\\\ 0 & k_2 & k_1 & 0 \\\\ 0 & 0 & k_2 & k_1 \\end{bmatrix}"
KW = "\\begin{bmatrix} k_1 & k_2 & 0 & 0 \\\\ 0 & k_1 & k_2 & 0 \\\\ 0 & 0 & k_2 & k_1 \\end{bmatrix}"
XV = "\\begin{bmatrix} x_1 \\\\ x_2 \\\\ x_3 \\\\ x_4 \\end{bmatrix}"
XM = "\\begin{bmatrix} x_1 & x_2 \\\\ x_2 & x_3 \\\\ x_3 & x_4 \\end{bmatrix}"
KV = "\\begin{bmatrix} k_1 \\\\ k_2 \\end{bmatrix}"
OUT_COL = "\\begin{bmatrix} x_1 k_1 + x_2 k_2 \\\\ x_2 k_1 + x_3 k_2 \\\\ x_3 k_1 + x_4 k_2 \\end{bmatrix}"
OUT_ROW = "\\begin{bmatrix} x_1k_1 + x_2k_2 & x_2k_1 + x_3k_2 & x_3k_1 + x_4k_2 \\end{bmatrix}"
XT = "\\begin{bmatrix} x_1 & x_2 & x_3 & x_4 \\end{bmatrix}"
KMT = "\\begin{bmatrix} k_1 & 0 & 0 \\\\ k_2 & k_1 & 0 \\\\ 0 & k_2 & k_1 \\\\ 0 & 0 & k_2 \\end{bmatrix}"

# Each question: list of (weight, label, markdown answer). Labels: ok* (full credit), part* (partial),
# bad* (a key "must NOT accept" or other wrong answer), unp* (unparseable), none (left empty).
# Weights make a few forms common and the rest a long tail, as in a real class.
A: dict[str, list[tuple[int, str, str]]] = {
    "1": [
        (30, "ok", "$$z = z_0 - z_1$$"),
        (14, "ok-chain", "$p(y=0) = \\frac{e^{z_0}}{e^{z_0} + e^{z_1}} = \\frac{1}{1 + e^{-(z_0 - z_1)}}$, so\n\n$$z = z_0 - z_1$$"),
        (16, "ok-y1", "$$z = z_1 - z_0$$"),
        (6, "ok-neg", "$$z = -(z_1 - z_0)$$"),
        (4, "ok-plain", "z = z0 - z1"),
        (3, "ok-braces", "$z = z_{0} - z_{1}$"),
        (3, "ok-reorder", "$$z = -z_1 + z_0$$"),
        (2, "ok-sigma", "$\\sigma(z)$ with $z = -(z_0 - z_1)$ when it models $p(y=1)$: $$z = z_1 - z_0$$"),
        (4, "bad-sum", "$$z = z_0 + z_1$$"),
        (3, "bad-2x", "$$z = 2(z_0 - z_1)$$"),
        (2, "bad-exp", "$$z = \\exp(z_0 - z_1)$$"),
        (2, "bad-prod", "$$z = z_0 z_1$$"),
        (2, "unp", "$$z = z_0 -$$"),
        (1, "unp-words", "the difference of the two logits"),
        (3, "none", ""),
    ],
    "2.1": [
        (35, "ok", "$$\\eta = 2$$"),
        (10, "ok-tight", "$\\eta=2$"),
        (8, "ok-chain", "$\\frac{dy}{dx} = \\frac{x}{2}$, so $x_1 = 1 - \\frac{\\eta}{2} = 0$ gives\n\n$$\\eta = 2$$"),
        (5, "ok-float", "$$\\eta = 2.0$$"),
        (4, "ok-frac", "$$\\eta = \\frac{4}{2}$$"),
        (3, "ok-slash", "$\\eta = 4/2$"),
        (3, "ok-plain", "eta = 2"),
        (2, "ok-unicode", "η = 2"),
        (3, "ok-seed", "$$\\eta \\frac{1}{2} = 1$$ $$\\eta = 2$$"),
        (4, "bad-half", "$$\\eta = \\frac{1}{2}$$"),
        (3, "bad-1", "$$\\eta = 1$$"),
        (2, "bad-0.2", "$\\eta = 0.2$"),
        (2, "unp", "$$\\eta = $$"),
        (1, "unp-words", "two"),
        (2, "none", ""),
    ],
    "2.2": [
        (28, "ok", "$$\\beta = \\frac{1}{2}$$"),
        (10, "ok-dec", "$$\\beta = 0.5$$"),
        (8, "ok-chain", "$$\\beta = \\frac{2}{4} = \\frac{1}{2}$$"),
        (4, "ok-tfrac", "$\\beta = \\tfrac12$"),
        (3, "ok-24", "$\\beta = 2/4$"),
        (4, "ok-seed", "$$\\beta = \\frac{2}{4} = \\frac{1}{2}$$ we must have $eta=rac{1}{2}$"),
        (3, "ok-plain", "beta = 1/2"),
        (2, "ok-deriv", "$x_2 = \\frac{1}{4} - \\frac{\\beta}{2} = 0$, hence $\\beta = \\frac{1}{2}$"),
        (4, "bad-2", "$$\\beta = 2$$"),
        (3, "bad-1", "$$\\beta = 1$$"),
        (3, "bad-quarter", "$$\\beta = \\frac{1}{4}$$"),
        (2, "unp", "$$\\beta = \\frac{1}{$$"),
        (3, "none", ""),
    ],
    "3": [
        (24, "ok-Kx", f"$${KM} {XV}$$"),
        (10, "ok-Kx-eq", f"$${KM} {XV} = {OUT_COL}$$"),
        (8, "ok-Xk", f"$${XM} {KV}$$"),
        (5, "ok-row", f"$$aB = \\begin{{bmatrix}} k_1 & k_2 \\end{{bmatrix}} \\begin{{bmatrix}} x_1 & x_2 & x_3 \\\\ x_2 & x_3 & x_4 \\end{{bmatrix}} = {OUT_ROW}$$"),
        (4, "ok-xT", f"$${XT} {KMT}$$"),
        (6, "part-flip", f"$${KF} {XV}$$"),
        (5, "part-vec", f"$${OUT_ROW}$$"),
        (3, "bad-wrongK", f"$${KW} {XV}$$"),
        (2, "unp", "$$\\begin{bmatrix} k_1 & k_2 \\\\ 0 & k_1 $$"),
        (3, "none", ""),
    ],
    "4.1": [
        (30, "ok", "$$h_t = \\sum_{i=1}^{t} x_i$$"),
        (8, "ok-j", "$$h_t = \\sum_{j=1}^{t} x_j$$"),
        (8, "ok-dots", "$$h_t = x_1 + x_2 + \\dots + x_t$$"),
        (4, "ok-cdots", "$h_t = x_1 + x_2 + \\cdots + x_t$"),
        (4, "ok-chain", "$$h_{t} = x_{t} + x_{t-1} + \\dots + x_{2} + x_{1}$$ $$= \\sum_{i=1}^{t} x_{i}$$"),
        (3, "ok-h0", "$$h_t = h_0 + \\sum_{i=1}^t x_i$$"),
        (2, "ok-plain", "h_t = x_1 + x_2 + ... + x_t"),
        (3, "bad-t-1", "$$h_t = \\sum_{i=1}^{t-1} x_i$$"),
        (3, "bad-txt", "$$h_t = t x_t$$"),
        (2, "bad-from0", "$$h_t = \\sum_{i=0}^{t} x_i$$"),
        (2, "unp", "$$h_t = \\sum_{i=1}^{t} $$"),
        (3, "none", ""),
    ],
    "4.2": [
        (26, "ok", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=0}^{t-1} h_i$$"),
        (8, "ok-shift", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=1}^{t} h_{i-1}$$"),
        (8, "ok-dots", "$$\\frac{dh_t}{dW_h} = h_0 + h_1 + \\dots + h_{t-1}$$"),
        (4, "ok-chain", "$$\\frac{dh_t}{dW_h} = h_{t-1} + \\sum_{i=1}^{t-1} h_{i-1}$$ $$= h_0 + h_1 + \\dots + h_{t-2} + h_{t-1}$$ $$= \\sum_{i=0}^{t-1} h_i$$"),
        (2, "ok-plain", "dh_t/dW_h = h_0 + h_1 + ... + h_{t-1}"),
        (4, "bad-to-t", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=0}^{t} h_i$$"),
        (3, "bad-1-t", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=1}^{t} h_i$$"),
        (3, "bad-last", "$$\\frac{\\partial h_t}{\\partial W_h} = h_{t-1}$$"),
        (2, "unp", "$$\\frac{\\partial h_t}{\\partial W_h} = \\sum_{i=0}^{t-1$$"),
        (4, "none", ""),
    ],
    "5": [
        (26, "ok", "$$W' = (1 - p) W$$"),
        (8, "ok-chain", "$E[h'] = (1-p) h$, so the weights must be scaled by the keep probability:\n\n$$W' = (1 - p) W$$"),
        (8, "ok-sub", "$$W' = W - pW$$"),
        (5, "ok-right", "$$W' = W(1-p)$$"),
        (3, "ok-tilde", "$$\\tilde{W} = (1-p)W$$"),
        (10, "bad-inv", "$$W' = W \\cdot \\frac{1}{1 - p}$$"),
        (5, "bad-frac", "$$W' = \\frac{W}{1-p}$$"),
        (3, "bad-pW", "$$W' = pW$$"),
        (2, "bad-W", "$$W' = W$$"),
        (2, "unp", "$$W' = (1 - p$$"),
        (3, "none", ""),
    ],
    "6": [
        (20, "text", "ReLU(x) is exactly 0 for $x \\le 0$ and $\\log 0 = -\\infty$; the infinite gradient propagates and becomes NaN."),
        (10, "text2", "log of zero is undefined (-inf) and then inf - inf gives nan in the backward pass"),
        (6, "text3", "Because the log blows up."),
        (3, "none", ""),
    ],
    "7.1": [
        (20, "text", "Scaled dot product $\\frac{q_i^T k_j}{\\sqrt{d}}$ only for $|i-j| \\le k$, softmax over that window, output the weighted sum of the values."),
        (8, "text2", "Like attention but each position only looks at a local window of k neighbours on each side; softmax of the scores."),
        (4, "none", ""),
    ],
    "7.2": [
        (26, "ok", "$$\\frac{T^2}{T(2k+1)} = \\frac{T}{2k+1}$$"),
        (10, "ok-short", "$$\\frac{T}{2k+1}$$"),
        (4, "ok-slash", "speed-up $T^2/(T(2k+1))$"),
        (3, "ok-exact", "$$\\frac{T^2}{T(2k+1) - k(k+1)}$$"),
        (2, "ok-plain", "T/(2*k+1)"),
        (4, "bad-inv", "$$\\frac{2k+1}{T}$$"),
        (3, "bad-diff", "$$T - 2k - 1$$"),
        (2, "unp", "$$\\frac{T}{2k+$$"),
        (3, "none", ""),
    ],
    "7.3": [
        (18, "text", "With $d = 1$, let every query be one large constant $q_i = c$, keys $k_j = x_j$, values $v_j = x_j$; as $c \\to \\infty$ the softmax tends to the argmax, so the output tends to the max."),
        (8, "text2", "Use a temperature in the softmax so it becomes a max."),
        (4, "none", ""),
    ],
}
ANSWER_VAR = {q: "answer_" + q.replace(".", "_") for q in A}

# ----------------------------------------------------------------------------------- Part B code
SOFTMAX = {
    "ok": "def softmax(z):\n    z = np.asarray(z, dtype=float)\n    e = np.exp(z - z.max(axis=-1, keepdims=True))\n    return e / e.sum(axis=-1, keepdims=True)\n",
    "ok2": "def softmax(z):\n    z = np.array(z, dtype=np.float64)\n    z = z - np.max(z, axis=-1, keepdims=True)\n    ez = np.exp(z)\n    return ez / np.sum(ez, axis=-1, keepdims=True)\n",
    "naive": "def softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=-1, keepdims=True)\n",
    "wrongaxis": "def softmax(z):\n    z = np.asarray(z, dtype=float)\n    e = np.exp(z - z.max())\n    return e / e.sum()\n",
    "stub": "def softmax(z):\n    raise NotImplementedError\n",
}
CONV = {
    "ok": "def conv_as_matrix(k, n):\n    k = np.asarray(k, dtype=float)\n    m = len(k)\n    M = np.zeros((n - m + 1, n))\n    for i in range(n - m + 1):\n        M[i, i:i + m] = k\n    return M\n",
    "ok2": "def conv_as_matrix(k, n):\n    m = len(k)\n    return np.array([[k[j - i] if 0 <= j - i < m else 0.0 for j in range(n)] for i in range(n - m + 1)])\n",
    "flip": "def conv_as_matrix(k, n):\n    k = np.asarray(k, dtype=float)[::-1]\n    m = len(k)\n    M = np.zeros((n - m + 1, n))\n    for i in range(n - m + 1):\n        M[i, i:i + m] = k\n    return M\n",
    "shape": "def conv_as_matrix(k, n):\n    m = len(k)\n    M = np.zeros((n, n))\n    for i in range(n - m + 1):\n        M[i, i:i + m] = k\n    return M\n",
    "stub": "def conv_as_matrix(k, n):\n    raise NotImplementedError\n",
}
MOMENTUM = {
    "ok": "def momentum(grad, x0, lr, beta, steps):\n    xs, x, v = [x0], x0, 0.0\n    for _ in range(steps):\n        v = beta * v + grad(x)\n        x = x - lr * v\n        xs.append(x)\n    return xs\n",
    "ok2": "def momentum(grad, x0, lr, beta, steps):\n    x = float(x0)\n    v = 0.0\n    out = [x]\n    t = 0\n    while t < steps:\n        v = beta * v + grad(x)\n        x -= lr * v\n        out.append(x)\n        t += 1\n    return out\n",
    "order": "def momentum(grad, x0, lr, beta, steps):\n    xs, x, v = [x0], x0, 0.0\n    for _ in range(steps):\n        x = x - lr * v\n        v = beta * v + grad(x)\n        xs.append(x)\n    return xs\n",
    "noinit": "def momentum(grad, x0, lr, beta, steps):\n    xs, x, v = [], x0, 0.0\n    for _ in range(steps):\n        v = beta * v + grad(x)\n        x = x - lr * v\n        xs.append(x)\n    return xs\n",
    "stub": "def momentum(grad, x0, lr, beta, steps):\n    raise NotImplementedError\n",
    "loop": "def momentum(grad, x0, lr, beta, steps):\n    xs, x, v = [x0], x0, 0.0\n    t = 0\n    while t < steps:\n        v = beta * v + grad(x)\n        x = x - lr * v\n        xs.append(x)\n    return xs\n",
}
LOCAL = {
    "ok": "def local_attention(Q, K, V, k):\n    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))\n    T, d = Q.shape\n    out = np.zeros((T, V.shape[1]))\n    for i in range(T):\n        lo, hi = max(0, i - k), min(T, i + k + 1)\n        s = Q[i] @ K[lo:hi].T / np.sqrt(d)\n        w = np.exp(s - s.max())\n        out[i] = (w / w.sum()) @ V[lo:hi]\n    return out\n",
    "ok2": "def local_attention(Q, K, V, k):\n    T, d = Q.shape\n    S = Q @ K.T / np.sqrt(d)\n    idx = np.arange(T)\n    S = np.where(np.abs(idx[:, None] - idx[None, :]) <= k, S, -np.inf)\n    S = S - S.max(axis=1, keepdims=True)\n    W = np.exp(S)\n    W = W / W.sum(axis=1, keepdims=True)\n    return W @ V\n",
    "noclip": "def local_attention(Q, K, V, k):\n    T, d = Q.shape\n    out = np.zeros((T, V.shape[1]))\n    for i in range(k, T - k):\n        s = Q[i] @ K[i - k:i + k + 1].T / np.sqrt(d)\n        w = np.exp(s - s.max())\n        out[i] = (w / w.sum()) @ V[i - k:i + k + 1]\n    return out\n",
    "noscale": "def local_attention(Q, K, V, k):\n    T, d = Q.shape\n    out = np.zeros((T, V.shape[1]))\n    for i in range(T):\n        lo, hi = max(0, i - k), min(T, i + k + 1)\n        s = Q[i] @ K[lo:hi].T\n        w = np.exp(s - s.max())\n        out[i] = (w / w.sum()) @ V[lo:hi]\n    return out\n",
    "stub": "def local_attention(Q, K, V, k):\n    raise NotImplementedError\n",
    "sleep": "def local_attention(Q, K, V, k):\n    import time\n    time.sleep(60)\n    return Q\n",
}
MAXPOOL = {
    "ok": "def maxpool_qkv(x, k):\n    x = np.asarray(x, dtype=float).reshape(-1, 1)\n    return np.full_like(x, 1e4), x.copy(), x.copy()\n",
    "ok2": "def maxpool_qkv(x, k):\n    x = np.asarray(x, dtype=float)\n    c = 1e5\n    return c * np.ones((len(x), 1)), x[:, None], x[:, None]\n",
    "small": "def maxpool_qkv(x, k):\n    x = np.asarray(x, dtype=float)[:, None]\n    return np.ones_like(x), x, x\n",
    "flat": "def maxpool_qkv(x, k):\n    x = np.asarray(x, dtype=float)\n    return np.full(len(x), 1e4), x, x\n",
    "stub": "def maxpool_qkv(x, k):\n    raise NotImplementedError\n",
}
CODE_W = {  # weights of the Part B variants (runaway ones only as specials)
    "softmax": [(55, "ok"), (15, "ok2"), (15, "naive"), (5, "wrongaxis"), (10, "stub")],
    "conv": [(55, "ok"), (15, "ok2"), (10, "flip"), (8, "shape"), (12, "stub")],
    "momentum": [(55, "ok"), (15, "ok2"), (10, "order"), (8, "noinit"), (12, "stub")],
    "local": [(50, "ok"), (15, "ok2"), (10, "noclip"), (8, "noscale"), (17, "stub")],
    "maxpool": [(50, "ok"), (12, "ok2"), (10, "small"), (8, "flat"), (20, "stub")],
}
CODE_SRC = {"softmax": SOFTMAX, "conv": CONV, "momentum": MOMENTUM, "local": LOCAL, "maxpool": MAXPOOL}

# --------------------------------------------------------------------------------------- specials
SPECIAL_100 = {
    3: "raise_toplevel", 13: "syntax_error", 23: "template", 33: "empty_folder", 43: "corrupt_ipynb",
    53: "read_outside", 63: "fork_bomb", 73: "huge_output", 83: "os_exit", 93: "rigged_eq", 98: "short_sleep",
}
SPECIAL_500 = {37: "loop_in_function", 137: "sleep_in_function"}
SPECIAL_1000 = {537: "toplevel_loop"}
RUNAWAY = {"loop_in_function", "sleep_in_function", "toplevel_loop"}

HOSTILE_PRE = {
    "read_outside": (
        "import glob, os\n_seen = {}\n"
        "for _p in ('/etc/passwd', '../', '../../rubrics/final_exam.yaml', '/work/main/rubrics/final_exam/reference.py',\n"
        "           '/work/shared/exam/answer_key.md', '~/.ssh/id_rsa'):\n"
        "    try:\n        _seen[_p] = os.listdir(os.path.expanduser(_p)) if os.path.isdir(os.path.expanduser(_p)) else open(os.path.expanduser(_p)).read()[:200]\n"
        "    except Exception as _e:\n        _seen[_p] = repr(_e)\n"
        "print(_seen)\n"),
    "fork_bomb": (
        "import os, time\n_kids = 0\nfor _ in range(400):\n    try:\n        if os.fork() == 0:\n"
        "            time.sleep(2)\n            os._exit(0)\n        _kids += 1\n    except OSError:\n        break\n"),
    "huge_output": "import sys\nfor _ in range(3000):\n    sys.stdout.write('x' * 65535 + '\\n')\n",
    "os_exit": None,            # appended after the functions
    "raise_toplevel": None,     # appended after half the functions
    "short_sleep": "import time\ntime.sleep(0.2)\n",
    "toplevel_loop": "while True:\n    pass\n",
}
RIGGED = ("\n\nclass AlwaysEqual:\n    def __eq__(self, other):\n        return True\n    __ne__ = lambda s, o: False\n"
          "    def __array__(self, *a, **k):\n        return np.array([0.26894142, 0.73105858])\n\n\n"
          "def softmax(z):\n    return AlwaysEqual()\n")


def pick(rng: random.Random, table):
    total = sum(w for w, *_ in table)
    x = rng.uniform(0, total)
    for row in table:
        x -= row[0]
        if x <= 0:
            return row
    return table[-1]


def vary(rng: random.Random, text: str) -> str:
    """Surface variation a real class shows (spacing, delimiters, a lead-in sentence): more distinct raw
    strings per question than distinct normalised answers."""
    if not text or rng.random() > 0.3:
        return text
    r = rng.randrange(4)
    if r == 0 and text.startswith("$$") and text.count("$$") == 2:
        return "$" + text[2:-2] + "$"
    if r == 1:
        return text.replace(" = ", "=", 1) if " = " in text else text + " "
    if r == 2:
        return "So the final answer is:\n\n" + text
    return text.replace(" = ", " \\, = \\, ", 1) if " = " in text and "$" in text else "\n" + text


def special_kind(i: int, runaway: bool) -> str | None:
    """i is 0-based; positions repeat every 100 / 500 / 1000 hand-ins."""
    k = SPECIAL_1000.get(i % 1000) or SPECIAL_500.get(i % 500) or SPECIAL_100.get(i % 100)
    if k in RUNAWAY and not runaway:
        return None
    return k


def code_for(rng: random.Random, kind: str | None) -> tuple[list[str], dict[str, str]]:
    """Part B code as a list of cell sources, and the variant picked per function."""
    picked = {f: pick(rng, CODE_W[f])[1] for f in CODE_W}
    if kind == "template":
        picked = {f: "stub" for f in CODE_W}
    if kind == "loop_in_function":
        picked["momentum"] = "loop"
    if kind == "sleep_in_function":
        picked["local"] = "sleep"
    funcs = [CODE_SRC[f][picked[f]] for f in ("softmax", "conv", "momentum", "local", "maxpool")]
    head = "import numpy as np\n"
    if kind in HOSTILE_PRE and HOSTILE_PRE[kind]:
        head += HOSTILE_PRE[kind]
    body = "\n\n".join(funcs)
    if kind == "os_exit":
        body = funcs[0] + "\n\nimport os\nos._exit(0)\n\n" + "\n\n".join(funcs[1:])
    if kind == "raise_toplevel":
        body = "\n\n".join(funcs[:2]) + "\n\nplt.plot(softmax(np.arange(3)))  # NameError: plt\n\n" + "\n\n".join(funcs[2:])
    if kind == "rigged_eq":
        body += RIGGED
        picked["softmax"] = "rigged"
    if kind == "syntax_error":
        body = body.replace("def momentum(grad, x0, lr, beta, steps):", "def momentum(grad, x0, lr, beta, steps)")
    style = rng.random()
    if style < 0.5:             # one code cell
        cells = [head + "\n\n" + body]
    elif style < 0.8:           # one cell per function
        cells = [head] + funcs if kind not in ("os_exit", "raise_toplevel", "rigged_eq", "syntax_error") else [head + "\n\n" + body]
    else:                       # magics and a demo cell, as notebooks have
        cells = ["%matplotlib inline\n" + head + "\n\n" + body, "print(softmax(np.array([1.0, 2.0, 3.0])))\n"]
    return cells, picked


def md(src: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": src}


def code(src: str, i: int) -> dict:
    return {"cell_type": "code", "execution_count": i, "metadata": {}, "outputs": [], "source": src}


def notebook(answers: dict[str, str], cells: list[str]) -> dict:
    out = [md(INSTRUCTIONS)]
    for title, text, ids in PROBLEMS:
        out.append(md(f"## {title}\n\n{text}"))
        for aid in ids:
            out.append(md(f"### Answer {aid}"))
            out.append(md(answers.get(aid) or PLACEHOLDER))
    out.append(md("## Part B: code"))
    out += [code(c, n + 1) for n, c in enumerate(cells)]
    for n, c in enumerate(out):
        c["id"] = f"cell-{n:02d}"
    return {"cells": out, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                      "name": "python3"}, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def py_handin(answers: dict[str, str], cells: list[str]) -> str:
    lines = ['"""Final exam hand-in."""', ""]
    for q, var in ANSWER_VAR.items():
        a = answers.get(q)
        if a:
            a = a.replace("$$", "").replace("$", "").strip()
            lines.append(f"{var} = {a!r}")
    src = "\n".join(lines) + "\n\n"
    return src + "\n\n".join(c.replace("%matplotlib inline\n", "") for c in cells) + "\n"


def make(n: int, outdir: str, seed: int = 1, runaway: bool = True) -> dict:
    rng = random.Random(seed)
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    manifest = {}
    for i in range(n):
        gid = f"group_{i + 1:04d}"
        g = os.path.join(outdir, gid)
        os.makedirs(g)
        kind = special_kind(i, runaway)
        answers, labels = {}, {}
        for q, table in A.items():
            _, label, text = pick(rng, table)
            answers[q], labels[q] = vary(rng, text), label
        if kind == "template":
            answers, labels = {}, {q: "none" for q in A}
        cells, picked = code_for(rng, kind)
        as_py = rng.random() < 0.15 and kind not in ("corrupt_ipynb", "template")
        entry = {"kind": kind or "honest", "format": "py" if as_py else "ipynb", "answers": labels, "code": picked}
        manifest[gid] = entry
        if kind == "empty_folder":
            open(os.path.join(g, ".gitkeep"), "w").close()
            entry["format"] = None
            continue
        if as_py:
            with open(os.path.join(g, "final_exam.py"), "w", encoding="utf-8") as f:
                f.write(py_handin(answers, cells))
            continue
        text = json.dumps(notebook(answers, cells), indent=1, ensure_ascii=False)
        if kind == "corrupt_ipynb":
            text = text[: len(text) // 2]
        with open(os.path.join(g, "final_exam.ipynb"), "w", encoding="utf-8") as f:
            f.write(text)
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-runaway", action="store_true", help="no infinite loops or long sleeps")
    a = ap.parse_args()
    manifest = make(a.n, a.outdir, a.seed, not a.no_runaway)
    mpath = os.path.normpath(a.outdir) + ".manifest.json"
    with open(mpath, "w") as f:
        json.dump(manifest, f, indent=1)
    kinds: dict[str, int] = {}
    for e in manifest.values():
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    distinct = {q: len({e["answers"][q] for e in manifest.values()}) for q in A}
    print(f"wrote {a.n} hand-ins under {a.outdir} (manifest {mpath}); kinds {kinds}; "
          f"distinct answer forms per question {distinct}")


if __name__ == "__main__":
    main()
