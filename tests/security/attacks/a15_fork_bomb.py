"""#12 fork bomb (bounded: 400 forks), children live 30 s. slow expect: 10 seconds: 30"""
import os, time
import numpy as np
_kids = 0
for _ in range(400):
    try:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        _kids += 1
    except OSError:
        break
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def conv_as_matrix(k, n):
    m = len(k)
    M = np.zeros((n - m + 1, n))
    for i in range(n - m + 1):
        M[i, i:i + m] = k
    return M


def momentum(grad, x0, lr, beta, steps):
    x, v = x0, 0.0
    xs = [x]
    for _ in range(steps):
        v = beta * v + grad(x)
        x = x - lr * v
        xs.append(x)
    return xs


def local_attention(Q, K, V, k):
    T, d = Q.shape
    out = np.zeros((T, V.shape[1]))
    for i in range(T):
        lo, hi = max(0, i - k), min(T - 1, i + k) + 1
        s = Q[i] @ K[lo:hi].T / np.sqrt(d)
        w = np.exp(s - s.max())
        out[i] = (w / w.sum()) @ V[lo:hi]
    return out


def maxpool_qkv(x, k):
    x = np.asarray(x, dtype=float)
    return np.full((len(x), 1), 1e4), x[:, None], x[:, None]
