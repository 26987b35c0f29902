"""#15 network exfiltration (loopback listener of the test, DNS, UDP). expect: 0 seconds: 10"""
import socket
import numpy as np
def _mark(tag):
    import os
    for d in ("/tmp", "/var/tmp", "/dev/shm", "/root", "/work/main", "/work/main/rubrics", "/work/main/rubrics/final_exam", os.path.expanduser("~"), ".."):
        try:
            open(os.path.join(d, "PWNED_" + tag), "w").write("x")
        except Exception:
            pass
_net = False
for fam, addr in ((socket.AF_INET, ("127.0.0.1", 47123)), (socket.AF_INET6, ("::1", 47123))):
    try:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(1)
        s.connect(addr)
        s.sendall(b"PWNED_a18")
        _net = True
    except Exception:
        pass
try:
    socket.getaddrinfo("deadbeef.example.com", 80)
    _net = True
except Exception:
    pass
if _net:
    _mark("a18")
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
