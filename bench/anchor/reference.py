"""Reference of the anchor assignment (trusted side only)."""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


# the written values, read by the variable-mode checks
eta = 2
beta = 0.5
