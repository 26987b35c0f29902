"""Reference behaviour of Part B of the final exam (instructor's; TRUSTED side only).

Loaded by the grader in the parent process from the rubric's ``reference:``; never sent to a
sandboxed job. The ``check_*`` functions are property checks the rubric names with ``property:``:
they get the student's (decoded, plain-data) output first, then the inputs of the case.
"""

import numpy as np


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
    x, v = x0, 0.0
    xs = [x]
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
        lo, hi = max(0, i - k), min(T - 1, i + k) + 1
        s = Q[i] @ K[lo:hi].T / np.sqrt(d)
        w = np.exp(s - s.max())
        out[i] = (w / w.sum()) @ V[lo:hi]
    return out


def maxpool_qkv(x, k):
    x = np.asarray(x, dtype=float)
    c = 1e4
    return np.full((len(x), 1), c), x[:, None].copy(), x[:, None].copy()


def maxpool(x, k):
    T = len(x)
    return np.array([x[max(0, i - k):min(T - 1, i + k) + 1].max() for i in range(T)])


# ------------------------------------------------------------------------------ property checks
def _array(a, name, ndim=None):
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "iuf":
        raise TypeError(f"{name} is {type(a).__name__}, not a numeric numpy array")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} has shape {a.shape}, expected {ndim} dimensions")
    return a.astype(float)


def check_conv_matrix(M, k, n, trials=5):
    """M @ x == np.correlate(x, k, 'valid') for random x (the matrix is then unique)."""
    m = len(k)
    M = _array(M, "the matrix", 2)
    if M.shape != (n - m + 1, n):
        raise ValueError(f"wrong shape: got {M.shape}, expected {(n - m + 1, n)}")
    if not np.isfinite(M).all():
        return False, "the matrix has non-finite entries"
    rng = np.random.default_rng(1234)
    for _ in range(trials):
        x = rng.normal(size=n)
        if not np.allclose(M @ x, np.correlate(x, k, mode="valid"), rtol=1e-9, atol=1e-12):
            return False, "M @ x differs from np.correlate(x, k, 'valid')"
    return True, ""


def check_unclipped_rows(out, Q, K, V, k):
    """local_attention matches the reference on rows whose window is not clipped."""
    out = _array(out, "the result", 2)
    T = Q.shape[0]
    if out.shape != (T, V.shape[1]):
        raise ValueError(f"wrong shape: got {out.shape}, expected {(T, V.shape[1])}")
    ref = local_attention(Q, K, V, k)
    rows = slice(k, T - k)
    if not np.isfinite(out[rows]).all():
        return False, "non-finite values"
    if np.allclose(out[rows], ref[rows], rtol=1e-6, atol=1e-9):
        return True, ""
    return False, "rows with a full window differ from the reference"


def check_maxpool_qkv(qkv, x, k, tol=1e-3):
    """The REFERENCE local_attention on the student's (Q, K, V) is within tol of max-pooling."""
    if type(qkv) not in (tuple, list) or len(qkv) != 3:
        raise TypeError("maxpool_qkv must return a tuple (Q, K, V)")
    T = len(x)
    Q, K, V = (_array(a, n, 2) for a, n in zip(qkv, "QKV"))
    for a, n in zip((Q, K, V), "QKV"):
        if a.shape != (T, 1):
            raise ValueError(f"{n} has shape {a.shape}, expected {(T, 1)}")
    if not all(np.isfinite(a).all() for a in (Q, K, V)):
        return False, "Q, K or V has non-finite values"
    with np.errstate(all="ignore"):
        got = local_attention(Q, K, V, k)[:, 0]
    want = maxpool(x, k)
    if np.isfinite(got).all() and np.max(np.abs(got - want)) <= tol:
        return True, ""
    return False, "local attention on (Q, K, V) is not within 1e-3 of max-pooling"
