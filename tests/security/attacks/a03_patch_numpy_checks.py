"""#6 monkeypatch numpy checks in the child: no effect on the parent. expect: 0 seconds: 10"""
import numpy as np
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isfinite = lambda *a, **k: np.ones(np.shape(a[0]), bool)
np.testing.assert_allclose = lambda *a, **k: None
try:
    import sympy
    sympy.simplify = lambda *a, **k: 0
except Exception:
    pass

def softmax(z):
    return np.zeros(np.shape(z))


def conv_as_matrix(k, n):
    return np.zeros((n - len(k) + 1, n))


def momentum(grad, x0, lr, beta, steps):
    return [float(x0)] * (steps + 1)


def local_attention(Q, K, V, k):
    return np.zeros((Q.shape[0], V.shape[1]))


def maxpool_qkv(x, k):
    z = np.zeros((len(x), 1))
    return z, z, z

