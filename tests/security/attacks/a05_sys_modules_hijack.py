"""#6 sys.modules hijack: fake json/grader modules in the child. expect: 0 seconds: 10"""
import sys, types
import numpy as np
fake = types.ModuleType("json")
fake.dumps = lambda *a, **k: '{"t": "call", "i": 0, "value": 1}'
fake.loads = lambda *a, **k: {"score": 10}
sys.modules["json"] = fake
g = types.ModuleType("grader")
g.__path__ = []
sys.modules["grader"] = g
sys.modules["grader.checks.code"] = types.ModuleType("grader.checks.code")

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

