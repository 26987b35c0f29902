"""Instructor tests for Part B, run on the TRUSTED side by the ``pytest`` check kind.

``student.<function>(...)`` runs the student's function in the sandbox and returns plain data.
"""

import numpy as np


def test_softmax_rows_sum_to_one(student, rng):
    z = rng.normal(scale=5.0, size=(4, 6))
    p = student.softmax(z)
    assert isinstance(p, np.ndarray), f"softmax returned {type(p).__name__}, not an array"
    assert p.shape == z.shape, f"softmax changed the shape {z.shape} -> {p.shape}"
    assert np.all(np.isfinite(p)) and np.all(p >= 0), "softmax gave negative or non-finite values"
    assert np.allclose(p.sum(axis=-1), 1.0, rtol=1e-9), "softmax rows do not sum to 1"


def test_softmax_large_logits(student):
    p = student.softmax(np.array([1000.0, 1001.0]))
    assert np.all(np.isfinite(p)), "softmax overflows on large logits [1000, 1001]"
    assert np.allclose(p, [0.26894142, 0.73105858], rtol=1e-6), "softmax([1000, 1001]) is wrong"
