"""Table of (answer, expected, symbols, mode) -> outcome vectors for the maths subsystem.

Each row: (id, symbols key, mode, expected, answer, outcome, options)
outcome: "eq" (equal), "ne" (not equal), "fail" (the answer is a ParseFailure), "none" (undecidable).
options: transpose_ok, rtol, xfail (reason), skip (reason).
The answer goes through split_chain and its last segment is parsed, like the grader does.
"""
from __future__ import annotations

SYMBOLS = {
    "q1": {"z_0": "real", "z_1": "real"},
    "num": {},
    "q3": {**{f"x_{i}": "real" for i in range(1, 5)}, "k_1": "real", "k_2": "real"},
    "q3seq": {"x": "sequence", "k": "sequence"},
    "q41": {"x": "sequence", "t": {"integer": True, "min": 1, "max": 8}, "h_0": {"value": 0}},
    "q42": {"h": "sequence", "t": {"integer": True, "min": 1, "max": 8}},
    "q5": {"W": "real", "p": {"min": 0.05, "max": 0.95}, "W'": "real"},
    "q72": {"T": {"integer": True, "min": 1, "max": 50}, "k": {"integer": True, "min": 1, "max": 5}},
    "softmax": {"z_0": "real", "z_1": "real", "sigma": {"function": "1/(1+exp(-u))", "args": ["u"]}},
    "ab": {"a": "positive", "b": "positive"},
    "xreal": {"x": "real"},
    "n": {"n": "real"},
    "attn": {"q_i": "real", "k_j": "real", "d_k": "positive"},
    "attnT": {"q_i": "real", "k_j": "real", "d_k": "positive", "T": "positive integer"},
}

K = r"\begin{bmatrix} k_1 & k_2 & 0 & 0 \\ 0 & k_1 & k_2 & 0 \\ 0 & 0 & k_1 & k_2 \end{bmatrix}"
KF = r"\begin{bmatrix} k_2 & k_1 & 0 & 0 \\ 0 & k_2 & k_1 & 0 \\ 0 & 0 & k_2 & k_1 \end{bmatrix}"
XC = r"\begin{bmatrix} x_1 \\ x_2 \\ x_3 \\ x_4 \end{bmatrix}"
XM = r"\begin{bmatrix} x_1 & x_2 \\ x_2 & x_3 \\ x_3 & x_4 \end{bmatrix}"
KC = r"\begin{bmatrix} k_1 \\ k_2 \end{bmatrix}"
OUT = r"\begin{bmatrix} x_1k_1 + x_2k_2 \\ x_2k_1 + x_3k_2 \\ x_3k_1 + x_4k_2 \end{bmatrix}"
SEED3 = (r"aB = \begin{bmatrix} k_1 & k_2 \end{bmatrix} \begin{bmatrix} x_1 & x_2 & x_3 \\ x_2 & x_3 & x_4 "
         r"\end{bmatrix} = \begin{bmatrix} x_1k_1 + x_2k_2 & x_2k_1 + x_3k_2 & x_3k_1 + x_4k_2 \end{bmatrix}")
SEED3_PRODUCT = r"\begin{bmatrix} k_1 & k_2 \end{bmatrix} \begin{bmatrix} x_1 & x_2 & x_3 \\ x_2 & x_3 & x_4 \end{bmatrix}"
T = {"transpose_ok": True}

ROWS: list[tuple] = []


def add(prefix: str, sym: str, mode: str, expected: str, outcome: str, answers, **opts) -> None:
    for k, a in enumerate(answers):
        ROWS.append((f"{prefix}-{k}", sym, mode, expected, a, outcome, opts))


# ---- Answer key, question 1 -----------------------------------------------------------------
add("q1-key", "q1", "expression", "z_0 - z_1", "eq", [
    "z_0 - z_1", "z0 - z1", "z_{0} - z_{1}", "z = z_0 - z_1", "$z=z_0-z_1$", "-(z_1 - z_0)",
    "z = -(z_{1} - z_{0})", "-z_1 + z_0", r"\left(z_0 - z_1\right)", "(z_0 - z_1)", "z_0-z_1.",
    r"\boxed{z_0 - z_1}", "z_0 + (-1) z_1", r"\frac{2z_0 - 2z_1}{2}", "2(z_0 - z_1)/2",
    r"-1 \cdot (z_1 - z_0)", r"z_0 - 1\cdot z_1", "-(-z_0 + z_1)", r"\log(\exp(z_0 - z_1))",
    r"\ln\left(e^{z_0 - z_1}\right)", r"$$z = z_{0} - z_{1}$$", r"\(z_0 - z_1\)",
])
add("q1-alt", "q1", "expression", "z_1 - z_0", "eq", [
    "z_1 - z_0", "z1-z0", "-(z_0 - z_1)", "-z_0 + z_1", r"z = z_{1} - z_{0}",
])
add("q1-not", "q1", "expression", "z_0 - z_1", "ne", [
    "z0 + z1", "2(z0 - z1)", "exp(z0 - z1)", "z0 z1", "z_1 - z_0", "z_0", "z_0 - z_1 + 1",
    "(z_0 - z_1)^2", "z_0/z_1", r"\frac{1}{1 + \exp(z_{1} - z_{0})}", r"e^{z_0 - z_1}", "z_0 z_1 - 1",
])
add("q1-fail", "q1", "expression", "z_0 - z_1", "fail", [
    "z", "z_2 - z_0", "zeta", "sigmoid(z_0)", r"\sigma(z_0 - z_1)", "z_0 -", "(z_0 - z_1", "z_0 - z_1)",
])

# ---- 2.1 and 2.2 (exact values) --------------------------------------------------------------
add("q21-key", "num", "value", "2", "eq", [
    "2", "2.0", "4/2", r"\frac{4}{2}", r"\eta = 2", r"$\eta=2$", r"\eta=2.", "2.00", r"\dfrac{4}{2}",
    "η = 2", r"\eta \coloneqq 2", "eta = 2", "8/4", r"\frac{8}{4}", "1+1", "2^1", r"\sqrt{4}",
    r"\eta \frac{1}{2} = 1 \quad \eta = 2",
])
add("q21-not", "num", "value", "2", "ne", [
    "1/2", "1", "0.2", "-2", "2.01", "1.9999", "4", "0", r"\frac{1}{2}", "3", r"\eta = 2.5",
])
add("q21-fail", "num", "value", "2", "fail", ["two", r"eta=rac{4}{2}", r"\eta", "2 \\eta", ""])
add("q22-key", "num", "value", "1/2", "eq", [
    "0.5", r"\frac{1}{2}", r"\tfrac12", "2/4", r"\beta = \frac{2}{4} = \frac{1}{2}", r"$\beta = \frac{1}{2}$",
    "β = 1/2", r"\frac{2}{4}", ".5", "0.50", "1/2", r"\left(\frac{1}{2}\right)", "2^{-1}", "1 - 1/2",
    r"\beta = 0.5", r"\frac{\frac{1}{2}}{1}", r"\frac{1}{2}\,.", r"\frac12 \quad", r"\dfrac12", r"\frac{1}2",
    "2**-1", "1/2.", r"\frac{\beta}{2} = \frac{1}{4} \Rightarrow",
])
add("q22-not", "num", "value", "1/2", "ne", [
    "2", "1", "1/4", "0.49999", "0.51", r"\frac{1}{3}", r"\beta = \frac{2}{4} = \frac{1}{3}", "-1/2", "0.25",
    "0.4999999",
])
add("q22-fail", "num", "value", "1/2", "fail", [r"eta=rac{1}{2}", r"rac{1}{2}", "1/2 beta", r"\frac{1}{}"])
# fix the one row above that is not a failure: "...\Rightarrow" has an unknown command -> fail
ROWS[:] = [r if r[4] != r"\frac{\beta}{2} = \frac{1}{4} \Rightarrow" else (r[0], r[1], r[2], r[3], r[4], "fail", {})
           for r in ROWS]

# ---- 3: matrix-vector products (compare the vector values; transposes allowed) ---------------
add("q3-key", "q3", "matrix", OUT, "eq", [
    f"{K} {XC}", f"{XM} {KC}", SEED3_PRODUCT, SEED3, f"{K} \\cdot {XC}",
    "[[k1, k2, 0, 0], [0, k1, k2, 0], [0, 0, k1, k2]] [[x1], [x2], [x3], [x4]]",
    "[x1, x2, x3, x4] [[k1, 0, 0], [k2, k1, 0], [0, k2, k1], [0, 0, k2]]",
    "[[x1, x2], [x2, x3], [x3, x4]] [k1, k2]^T",
    r"\left[ \begin{array}{cccc} k_1 & k_2 & 0 & 0 \\ 0 & k_1 & k_2 & 0 \\ 0 & 0 & k_1 & k_2 \end{array} \right]"
    + XC,
    r"\begin{pmatrix} k_1 & k_2 & 0 & 0 \\ 0 & k_1 & k_2 & 0 \\ 0 & 0 & k_1 & k_2 \end{pmatrix}"
    r"\begin{pmatrix} x_1 \\ x_2 \\ x_3 \\ x_4 \end{pmatrix}",
    OUT, r"\begin{bmatrix} x_1k_1 + x_2k_2 & x_2k_1 + x_3k_2 & x_3k_1 + x_4k_2 \end{bmatrix}",
    f"y = {K}{XC}", r"\begin{bmatrix} k_1 & k_2 \end{bmatrix} \begin{bmatrix} x_1 & x_2 & x_3 \\ x_2 & x_3 & x_4 \end{bmatrix}.",
], **T)
add("q3-flip", "q3", "matrix", OUT, "ne", [
    f"{KF} {XC}", r"\begin{bmatrix} k_2 & k_1 \end{bmatrix} \begin{bmatrix} x_1 & x_2 & x_3 \\ x_2 & x_3 & x_4 \end{bmatrix}",
    K, XM, r"\begin{bmatrix} x_1k_2 + x_2k_1 \\ x_2k_2 + x_3k_1 \\ x_3k_2 + x_4k_1 \end{bmatrix}",
    "x_1 k_1 + x_2 k_2",
], **T)
add("q3-orient", "q3", "matrix", OUT, "ne", [SEED3_PRODUCT, SEED3])  # row vector without transpose_ok
add("q3-fail", "q3", "matrix", OUT, "fail", [
    r"\begin{bmatrix} x_1 & x_2 & x_3 & x_4 \end{bmatrix} * \begin{bmatrix} k_1 & k_2 \end{bmatrix}",
    f"{K} {K}", r"\begin{vmatrix} k_1 & k_2 \\ x_1 & x_2 \end{vmatrix}",
    r"\begin{bmatrix} k_1 & k_2 \\ x_1 \end{bmatrix}",
], **T)
add("q3-seq", "q3seq", "matrix",
    r"\begin{bmatrix} x_1k_1 + x_2k_2 \\ x_2k_1 + x_3k_2 \\ x_3k_1 + x_4k_2 \end{bmatrix}", "eq",
    [f"{K} {XC}", SEED3_PRODUCT, "[[x1, x2], [x2, x3], [x3, x4]] [[k1], [k2]]"], **T)
add("q3-flipseq", "q3seq", "matrix",
    r"\begin{bmatrix} x_1k_1 + x_2k_2 \\ x_2k_1 + x_3k_2 \\ x_3k_1 + x_4k_2 \end{bmatrix}", "ne", [f"{KF} {XC}"], **T)

# ---- 4.1 -------------------------------------------------------------------------------------
E41 = r"\sum_{i=1}^{t} x_i"
add("q41-key", "q41", "expression", E41, "eq", [
    r"\sum_{i=1}^{t} x_{i}", r"x_1 + x_2 + \dots + x_t", r"h_0 + \sum_{i=1}^t x_i", r"\sum_{j=1}^{t} x_j",
    r"\sum_{k=1}^{t} x_k", r"$$= \sum_{i=1}^{t} x_{i}$$", r"h_t = \sum_{i=1}^{t} x_i",
    r"x_{t} + x_{t-1} + x_{t-2} + x_{t-3} + \dots + x_{2} + x_{1}", r"x_t + x_{t-1} + \dots + x_1",
    r"x_1 + \dots + x_t", "x_1 + x_2 + ... + x_t", r"x_1 + x_2 + \cdots + x_t", r"x_1 + x_2 + \ldots + x_t",
    r"\sum_{i=0}^{t-1} x_{i+1}", r"\sum_{i=1}^{t-1} x_i + x_t", r"x_t + \sum_{i=1}^{t-1} x_i",
    r"\sum_{i=2}^{t} x_i + x_1", r"\sum\limits_{i=1}^{t} x_i", r"\sum_{i = 1}^{t} x_{i}", r"\sum_{i=1}^{t} (x_i)",
    r"\sum_{i=1}^{t} 1 \cdot x_i", r"\sum_{n=1}^{t}x_n", r"h_0 + x_1 + x_2 + \dots + x_t",
    r"x_1 + x_2 + \dots + x_{t-1} + x_t",
])
add("q41-not", "q41", "expression", E41, "ne", [
    r"\sum_{i=1}^{t-1} x_i", "t x_t", r"\sum_{i=0}^{t} x_i", r"\sum_{i=1}^{t} x_{i-1}", "x_t",
    r"\sum_{i=1}^{t} i x_i", r"\sum_{i=1}^{t+1} x_i", r"2\sum_{i=1}^{t} x_i", r"x_1 + x_2 + \dots + x_{t-1}",
    r"x_0 + x_1 + \dots + x_t", r"\sum_{i=1}^{t} x_t",
])
add("q41-fail", "q41", "expression", E41, "fail", [
    r"\sum x_i", "x", r"\sum_{i=1}^{t} y_i", r"\sum_{i} x_i", r"x_1 + \dots", r"x_1 \cdot x_2 \cdots x_t",
    r"2x_1 + 2x_2 + \dots + 2x_t",
])

# ---- 4.2 -------------------------------------------------------------------------------------
E42 = r"\sum_{i=0}^{t-1} h_i"
add("q42-key", "q42", "expression", E42, "eq", [
    r"\sum_{i=1}^{t} h_{i-1}", r"h_0 + h_1 + \dots + h_{t-1}", r"h_0 + h_1 + \dots + h_{t-2} + h_{t-1}",
    r"h_{t-1} + \sum_{i=1}^{t-1} h_{i-1}", r"\sum_{j=0}^{t-1} h_j", r"h_{t-1} + h_{t-2} + \dots + h_0",
    r"\sum_{k=0}^{t-1} h_{k}", r"$$= \sum_{i=0}^{t-1} h_i$$", r"\frac{dh_t}{dW_h} = \sum_{i=0}^{t-1} h_i",
    r"= h_{t-1} + \sum_{i=1}^{t-1} h_{i-1}", r"\sum_{i=0}^{t-1}h_{i}", r"\sum_{i=2}^{t+1} h_{i-2}",
])
add("q42-not", "q42", "expression", E42, "ne", [
    r"\sum_{i=0}^{t} h_i", r"\sum_{i=1}^{t} h_i", "h_{t-1}", r"\sum_{i=0}^{t-2} h_i", "t h_{t-1}",
    r"h_0 + h_1 + \dots + h_t", r"h_1 + h_2 + \dots + h_{t-1}",
])

# ---- 5 ---------------------------------------------------------------------------------------
E5 = "(1-p) W"
add("q5-key", "q5", "expression", E5, "eq", [
    "W - pW", "W(1-p)", "(1-p)W", "W' = (1-p) W", r"W \cdot (1 - p)", r"W \times (1-p)", "W*(1-p)",
    "-W(p-1)", "W - p W", r"W - p \cdot W", r"(1 - p) \cdot W", r"\left(1-p\right)W",
    r"W^{\prime} = W(1-p)", "W - Wp", "W(1 - p).", r"W^\prime = (1-p)\,W", r"\frac{W(1-p)^2}{1-p}",
])
add("q5-not", "q5", "expression", E5, "ne", [
    "W/(1-p)", "pW", "W", r"W \cdot \frac{1}{1 - p}", "W' = W / (1-p)", "W(1+p)", "(1-p)^2 W", "p W - W",
    "W p", r"\frac{W}{p}",
])
add("q5-fail", "q5", "expression", E5, "fail", ["w(1-p)", "W(1-q)", r"W \odot (1-p)", "W^{\\prime\\prime}"])

# ---- 7.2 -------------------------------------------------------------------------------------
E72 = "T/(2k+1)"
add("q72-key", "q72", "expression", E72, "eq", [
    r"\frac{T^2}{T(2k+1)}", r"\frac{T^2}{T(2k+1)} = \frac{T}{2k+1}", "T/(2k+1)", r"\frac{T}{2k+1}",
    "T(2k+1)^{-1}", r"\frac{T}{1 + 2k}", "T^2/(T(2k+1))", r"\frac{T}{2 k + 1}", r"\frac{1}{2k+1} T",
    r"T \cdot \frac{1}{2k+1}", "T**2/(T*(2*k+1))", r"\dfrac{T^{2}}{T\left(2k+1\right)}",
])
add("q72-not", "q72", "expression", E72, "ne", [
    "(2k+1)/T", "T - 2k - 1", "T/(2k)", "T/(2k-1)", "T^2/(2k+1)", r"\frac{T}{k}",
    r"T^2/(T(2k+1) - k(k+1))",
])
add("q72-exact", "q72", "expression", r"T^2/(T(2k+1) - k(k+1))", "eq", [
    r"\frac{T^2}{T(2k+1) - k(k+1)}", r"\frac{T^2}{2kT + T - k^2 - k}", r"T^2/(T(2k+1) - k^2 - k)",
])

# ---- research vectors V01-V37 (math-answers.md section 7) -------------------------------------
R = [
    ("V01", "num", "value", "1/2", "0.5", "eq", {}),
    ("V02", "num", "value", "1/2", r"$\beta = \frac{2}{4} = \frac{1}{2}$", "eq", {}),
    ("V03", "num", "value", "1/2", r"\beta = \frac{2}{4} = \frac{1}{3}", "ne", {}),
    ("V04", "num", "value", "1/2", "0.49999", "ne", {}),
    ("V05", "num", "value", "2", r"$\eta=2$", "eq", {}),
    ("V06", "num", "value", "2", r"\eta = 2.0", "eq", {}),
    ("V07", "q1", "expression", "z_0 - z_1", "z0 - z1", "eq", {}),
    ("V08", "q1", "expression", "z_0 - z_1", r"z = -(z_{1} - z_{0})", "eq", {}),
    ("V09", "q1", "expression", "z_0 - z_1", "z_1 - z_0", "ne", {}),
    ("V10", "q72", "expression", "T/(2*k+1)", r"\frac{T^2}{T(2k+1)}", "eq", {}),
    ("V11", "q72", "expression", "T/(2*k+1)", r"\frac{T^2}{T(2k+1)} = \frac{T}{2k+1}", "eq", {}),
    ("V12", "q5", "expression", "W*(1-p)", "W - pW", "eq", {}),
    ("V13", "q5", "expression", "W/(1-p)", r"W' = W \cdot \frac{1}{1 - p}", "eq", {}),
    ("V14", "q5", "expression", "W/(1-p)", "W(1-p)", "ne", {}),
    ("V15", "q41", "expression", E41, r"$$= \sum_{i=1}^{t} x_{i}$$", "eq", {}),
    ("V16", "q41", "expression", E41, r"\sum_{j=1}^{t} x_j", "eq", {}),
    ("V17", "q42", "expression", E42, r"h_0 + h_1 + \dots + h_{t-1}", "eq", {}),
    ("V18", "q41", "expression", E41, r"\sum_{i=0}^{t} x_i", "ne", {}),
    ("V19", "q3", "matrix", r"\begin{bmatrix} x_1 & x_2 & x_3 \\ x_2 & x_3 & x_4 \end{bmatrix}",
     r"\begin{bmatrix} x_1 & x_2 & x_3 \\ x_2 & x_3 & x_4 \end{bmatrix}", "eq", {}),
    ("V20", "q3", "matrix", r"\begin{bmatrix} x_1 & x_2 & x_3 \\ x_2 & x_3 & x_4 \end{bmatrix}",
     r"\begin{bmatrix} x_1 & x_2 \\ x_2 & x_3 \\ x_3 & x_4 \end{bmatrix}", "ne", {}),
    ("V21", "softmax", "expression", "exp(z_1)/(exp(z_0) + exp(z_1))", r"\frac{1}{1 + \exp(z_{0} - z_{1})}", "eq", {}),
    ("V22", "softmax", "expression", "exp(z_1)/(exp(z_0) + exp(z_1))", r"\sigma(z_1 - z_0)", "eq", {}),
    ("V23", "softmax", "expression", "exp(z_1)/(exp(z_0) + exp(z_1))", r"\frac{1}{1 + \exp(z_{1} - z_{0})}", "ne", {}),
    ("V24", "ab", "expression", "log(a*b)", "log(a) + log(b)", "eq", {}),
    ("V25", "xreal", "expression", "sqrt(x**2)", "x", "ne", {}),
    ("V26", "num", "value", "1/3", "0.3333", "eq", {"rtol": 1e-3}),
    ("V27", "num", "set", "2, 3", "3, 2", "eq", {}),
    ("V28", "num", "set", "2, 3", "{2, 3, 3}", "ne", {}),
    ("V29", "xreal", "equation", "2*x + 1 = 0", "x = -1/2", "eq", {"skip": "equation mode not implemented"}),
    ("V30", "n", "expression", "exp(sin(n))*(1 + sin(n)**10)**5", "exp(sin(n))*(1+sin(n)^2)^125", "ne", {}),
    ("V31", "xreal", "expression", "-32*sin(64*x)/sqrt(cos(64*x))", "-32 tan(64x) sqrt(cos(64x))", "eq", {}),
    ("V32", "xreal", "expression", "x", "__import__('os').system('echo pwned')", "fail", {}),
    ("V33", "xreal", "expression", "x", "9**9**9**9", "fail", {}),
    ("V34", "xreal", "expression", "x", "", "fail", {}),
    ("V35", "xreal", "text", "overfit", "The model overfits; add L2 regularisation.", "eq",
     {"skip": "free-text keyword groups are graded outside grader.maths"}),
    # V36: ^T is a transpose when T is not a declared name (a scalar's transpose is itself) ...
    ("V36", "attn", "expression", "q_i*k_j/sqrt(d_k)", r"\frac{k_j^T q_i}{\sqrt{d_k}}", "eq", {}),
    # ... but when the rubric also declares T (7.2 does), k_j^T reads as a power: the research's known gap.
    ("V36-T", "attnT", "expression", "q_i*k_j/sqrt(d_k)", r"\frac{k_j^T q_i}{\sqrt{d_k}}", "eq",
     {"xfail": "KNOWN GAP: with T declared, ^T is a power; vectors need vector-aware rubrics"}),
    ("V37", "xreal", "expression", "x", "9^{9^{9^{9}}}", "fail", {}),
]
ROWS.extend(R)

# ---- sets and lists --------------------------------------------------------------------------
add("set", "num", "set", "2, 3", "eq", [r"\{2, 3\}", "{3, 2}", "3, 2", r"\{3,2\}", "[2, 3]"])
add("set-not", "num", "set", "2, 3", "ne", [r"\{2\}", "2", "2, 4", "{2, 3, 4}", "2, 2"])

# ---- notation habits -------------------------------------------------------------------------
add("habit", "q1", "expression", "z_0 - z_1", "eq", [
    r"z_{0}\,-\,z_{1}", r"z_0 \; - \; z_1", r"z_0 ~-~ z_1", r"\mathrm{z}_0 - z_1", r"z_0 - z_1 \quad",
    r"\big(z_0 - z_1\big)", r"\Bigl(z_0 - z_1\Bigr)", "z₀ - z₁".replace("₀", "_0").replace("₁", "_1"),
])
add("unicode", "q1", "expression", "z_0 - z_1", "eq", ["z₀ − z₁", "z₀ - z₁", "−(z₁ − z₀)"])
add("top", "q3", "matrix", r"\begin{bmatrix} x_1 & x_2 \end{bmatrix}", "eq", [
    r"\begin{bmatrix} x_1 \\ x_2 \end{bmatrix}^\top", r"\begin{bmatrix} x_1 \\ x_2 \end{bmatrix}^{\top}",
    r"\begin{bmatrix} x_1 \\ x_2 \end{bmatrix}^T", "[[x1], [x2]]^T"])
add("greek", "softmax", "expression", "1/(1+exp(-(z_1 - z_0)))", "eq", [
    r"\sigma(z_1 - z_0)", "sigma(z_1 - z_0)", "σ(z_1 - z_0)", r"\frac{e^{z_1}}{e^{z_0} + e^{z_1}}",
    r"\frac{\exp(z_1)}{\exp(z_0) + \exp(z_1)}", r"\frac{1}{1 + e^{-(z_1 - z_0)}}", r"\frac{1}{e^{z_0 - z_1} + 1}",
])
add("num-hab", "num", "value", "1/2", "eq", [r"\frac{1}{2}", "0.5000", "5/10", r"\frac{5}{10}", "50/100", "1/2 + 0"])
add("num-e", "num", "value", "e", "eq", ["e", r"\exp(1)", "e^1", r"\exp{1}"])
add("num-pi", "num", "value", "pi", "eq", [r"\pi", "π", "pi", r"\frac{2\pi}{2}"])
add("num-misc", "num", "value", "2", "eq", [r"\sqrt[3]{8}", r"|-2|", r"\max(1, 2)", r"\min(2, 3)", "2^{10}/512"])

# ---- hostile inputs (must fail fast, never execute) -------------------------------------------
HOSTILE = [
    "x" * 100_000, "(" * 5000 + "x" + ")" * 5000, "(" * 5000 + ")" * 5000, "{" * 3000 + "x" + "}" * 3000,
    "9^{9^{9^{9}}}", "10^{10^{10}}", "9**9**9**9", "2^{2^{2^{2^{2^{2}}}}}", "x^{10^{10}}",
    "__import__('os').system('x')", "().__class__.__base__.__subclasses__()", "lambda: 1",
    "open('MARKER', 'w').write('pwned')", "factorial(10**8)", "10!", "1" * 150,
    r"\sum_{i=1}^{10^9} i", r"\frac{1}{" * 2000 + "1" + "}" * 2000, "x_" * 3000, "-" * 9000 + "x",
    "a" * 9999, r"\input{/etc/passwd}", "$(rm -rf /)", "`ls`", "x; import os", "exp(exp(exp(exp(10000))))",
]
for k, h in enumerate(HOSTILE):
    ROWS.append((f"hostile-{k}", "xreal", "expression", "x", h, "fail", {}))
