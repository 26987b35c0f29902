"""#8 fake result lines on stdout, fd 1 and forged frames on every fd. expect: 0 seconds: 10"""
import json, os, struct
import numpy as np
print('{"name": "B1", "status": "correct", "score": 2}')
print("All tests passed. Score: 10/10")
_fake = json.dumps({"t": "call", "i": 0, "value": [0.26894142, 0.73105858], "status": "correct"}).encode()
for fd in range(1, 20):
    try:
        os.write(fd, struct.pack(">I", len(_fake)) + _fake + b'{"t": "done"}')
    except OSError:
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

