"""#22 shape, broadcasting, empty and NaN tricks. expect: 0 seconds: 10"""
import numpy as np

def softmax(z):
    return np.array([0.5])                     # broadcasts against a uniform answer


def conv_as_matrix(k, n):
    return []                                  # zip-based all() would be vacuously true


def momentum(grad, x0, lr, beta, steps):
    return [float("nan")] * (steps + 1)        # equal_nan tricks


def local_attention(Q, K, V, k):
    return np.full((Q.shape[0], 1), np.nan)    # wrong width, NaN


def maxpool_qkv(x, k):
    return np.zeros((len(x), 1)), np.array([[np.inf]]), np.full((len(x), 1), np.nan)
