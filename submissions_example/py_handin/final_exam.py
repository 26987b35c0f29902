"""Final exam hand-in as a .py file (written answers as answer_* variables)."""

import numpy as np

answer_1 = "z = z_1 - z_0"          # sigmoid models p(y=1)
answer_2_1 = 2
answer_2_2 = "1/2"
answer_3 = r"\begin{bmatrix} x_1 & x_2 \\ x_2 & x_3 \\ x_3 & x_4 \end{bmatrix} \begin{bmatrix} k_1 \\ k_2 \end{bmatrix}"
answer_4_1 = "x_1 + x_2 + ... + x_t"
answer_4_2 = r"\sum_{i=1}^{t} h_{i-1}"
answer_5 = "W - pW"
answer_6 = "log(0) is -inf because ReLU outputs exactly 0 for negative inputs; the gradient 1/ReLU(x) is infinite and inf - inf gives NaN."
answer_7_1 = "Scaled dot-product scores q_i . k_j / sqrt(d) only for |i - j| <= k, softmax over that window, output the weighted sum of the values."
answer_7_2 = "T/(2*k+1)"
answer_7_3 = "Use d = 1, a large constant query c for every position, keys k_j = x_j and values v_j = x_j: as c grows the softmax tends to the argmax, so the output tends to the max of the window."


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
