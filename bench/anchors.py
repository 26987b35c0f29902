#!/usr/bin/env python3
"""The anchor assignment of ../shared/bench-anchors (softmax, eta, beta; 3 checks, 1 point each),
copied from its make_data.py so CI needs nothing from ../shared at run time.

    python bench/anchors.py N OUT     writes OUT/subs-N/<student>/ps1.ipynb (one folder per student,
                                      as grader reads a class), OUT/expected-N.json,
                                      OUT/nbgrader-course/ (source + config) and
                                      OUT/nbgrader-answers-N/<student>.json

Variant pattern (by index i mod 40, identical to make_data.py, so expected-N.json matches it):
  0-19 correct, 20-35 one or several wrong, 36-37 NameError for eta/beta, 38 raises at top level,
  39 `while True: pass` in the eta cell (expected null: runaway, not scored).
Standard library only.
"""
import argparse
import glob
import json
import os
import shutil

REF_INPUT = "[1.0, 2.0, 3.0]"
REF_OUTPUT = "[0.09003057, 0.24472847, 0.66524096]"

SOFTMAX_STYLES = [
    "def softmax(z):\n    z = np.asarray(z, dtype=float)\n    e = np.exp(z - z.max())\n    return e / e.sum()\n",
    "def softmax(z):\n    e = np.exp(z)\n    return e / np.sum(e)\n",
    "def softmax(z):\n    out = []\n    m = max(z)\n    for v in z:\n        out.append(np.exp(v - m))\n    s = sum(out)\n    return np.array([o / s for o in out])\n",
    "softmax = lambda z: np.exp(z - np.max(z)) / np.exp(z - np.max(z)).sum()\n",
]
SOFTMAX_WRONG = [
    "def softmax(z):\n    return np.exp(z)\n",                       # not normalised
    "def softmax(z):\n    return z / np.sum(z)\n",                    # linear normalisation
    "def softmax(z):\n    e = np.exp(z)\n    return e / e.max()\n",   # wrong denominator
    "def softmax(z):\n    return np.exp(z - z.max())\n",              # shift only
]
ETA_OK = ["eta = 2\n", "eta = 1 + 1\n", "eta = int(2.0)\n", "eta = 2\n"]
BETA_OK = ["beta = 0.5\n", "beta = 1 / 2\n", "beta = 0.5\n", "beta = 2 ** -1\n"]


def variant(i, runaway=True):
    """Return (softmax_src, eta_src, beta_src, expected_score or None)."""
    k = i % 40
    if k == 39 and not runaway:     # --no-runaway: a correct submission instead of the loop
        k = 0
    imp = "import numpy as np\n"
    if k < 20:
        return imp + SOFTMAX_STYLES[k % 4], ETA_OK[(k // 4) % 4], BETA_OK[(k // 5) % 4], 3
    if k < 24:
        return imp + SOFTMAX_WRONG[k - 20], ETA_OK[0], BETA_OK[0], 2
    if k < 28:
        eta = ["eta = 3\n", "eta = '2'\n", "eta = 2.5\n", "# TODO eta\n"][k - 24]
        return imp + SOFTMAX_STYLES[0], eta, BETA_OK[0], 2
    if k < 32:
        beta = ["beta = 0.05\n", "beta = 1 / 3\n", "beta = '0.5'\n", "# TODO beta\n"][k - 28]
        return imp + SOFTMAX_STYLES[1], ETA_OK[0], beta, 2
    if k == 32:
        return imp + SOFTMAX_WRONG[0], "eta = 3\n", "beta = 0.25\n", 0
    if k == 33:
        return imp + "# TODO softmax\n", "# TODO\n", "# TODO\n", 0
    if k == 34:
        return imp + SOFTMAX_WRONG[1], "eta = 2\n", "beta = 5\n", 1
    if k == 35:
        return imp + "softmax = None\n", "eta = -2\n", "beta = 0.5\n", 1
    if k < 38:
        return imp + SOFTMAX_STYLES[k % 4], "# eta: not done\n", "# beta: not done\n", 1
    if k == 38:
        return (imp + "raise RuntimeError('student bug: forgot to finish')\n" + SOFTMAX_STYLES[0],
                ETA_OK[0], BETA_OK[0], 2)
    # k == 39: runaway cell
    return imp + SOFTMAX_STYLES[0], "while True:\n    pass\neta = 2\n", BETA_OK[0], None


def nb(cells):
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def code(src, meta=None, cid=None):
    c = {"cell_type": "code", "execution_count": None, "metadata": meta or {}, "outputs": [],
         "source": src}
    if cid:
        c["id"] = cid
    return c


def md(src, cid=None):
    c = {"cell_type": "markdown", "metadata": {}, "source": src}
    if cid:
        c["id"] = cid
    return c


TEST_SOFTMAX = ("import numpy as np\n"
                f"assert np.allclose(softmax(np.array({REF_INPUT})), {REF_OUTPUT})\n")
TEST_ETA = "assert eta == 2\n"
TEST_BETA = "assert beta == 0.5\n"


def nbg_meta(grade_id, solution=False, grade=False, points=0):
    m = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
         "solution": solution, "task": False}
    if grade:
        m["points"] = points
    return {"nbgrader": m}


def nbgrader_source():
    sol_soft = ("import numpy as np\n\ndef softmax(z):\n    ### BEGIN SOLUTION\n"
                "    z = np.asarray(z, dtype=float)\n    e = np.exp(z - z.max())\n"
                "    return e / e.sum()\n    ### END SOLUTION\n")
    return nb([
        md("# ps1\nDefine `softmax(z)`, `eta` and `beta`.", "intro"),
        code(sol_soft, nbg_meta("softmax_answer", solution=True), "softmax_answer"),
        code(TEST_SOFTMAX, nbg_meta("test_softmax", grade=True, points=1), "test_softmax"),
        code("### BEGIN SOLUTION\neta = 2\n### END SOLUTION\n",
             nbg_meta("eta_answer", solution=True), "eta_answer"),
        code(TEST_ETA, nbg_meta("test_eta", grade=True, points=1), "test_eta"),
        code("### BEGIN SOLUTION\nbeta = 0.5\n### END SOLUTION\n",
             nbg_meta("beta_answer", solution=True), "beta_answer"),
        code(TEST_BETA, nbg_meta("test_beta", grade=True, points=1), "test_beta"),
    ])


def plain_submission(i, runaway=True):
    s, e, b, _ = variant(i, runaway)
    return nb([md("# ps1", "intro"), code(s, cid="softmax_answer"), code(e, cid="eta_answer"),
               code(b, cid="beta_answer")])




def write_class(n, out, runaway=True):
    """Plain notebooks (one folder per student), expected scores, nbgrader course and answers.
    runaway=False: the loop variant made correct, files tagged N-nr (subs-N-nr, expected-N-nr.json,
    nbgrader-answers-N-nr)."""
    os.makedirs(out, exist_ok=True)
    tag = f"{n}" if runaway else f"{n}-nr"
    exp = {f"student{i:04d}": variant(i, runaway)[3] for i in range(n)}
    with open(os.path.join(out, f"expected-{tag}.json"), "w") as f:
        json.dump(exp, f, indent=1)
    sub = os.path.join(out, f"subs-{tag}")
    shutil.rmtree(sub, ignore_errors=True)
    for i in range(n):
        d = os.path.join(sub, f"student{i:04d}")
        os.makedirs(d)
        with open(os.path.join(d, "ps1.ipynb"), "w") as f:
            json.dump(plain_submission(i, runaway), f, indent=1)
    course = os.path.join(out, "nbgrader-course")
    os.makedirs(os.path.join(course, "source", "ps1"), exist_ok=True)
    with open(os.path.join(course, "source", "ps1", "ps1.ipynb"), "w") as f:
        json.dump(nbgrader_source(), f, indent=1)
    with open(os.path.join(course, "nbgrader_config.py"), "w") as f:
        f.write("c = get_config()\n"
                "c.CourseDirectory.course_id = 'anchors'\n"
                "c.Execute.timeout = int(__import__('os').environ.get('NBG_CELL_TIMEOUT', '5'))\n")
    d = os.path.join(out, f"nbgrader-answers-{tag}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for i in range(n):
        s, e, b, _ = variant(i, runaway)
        with open(os.path.join(d, f"student{i:04d}.json"), "w") as f:
            json.dump({"softmax_answer": s, "eta_answer": e, "beta_answer": b}, f)
    return sub, os.path.join(out, f"expected-{tag}.json")


def prepare_nbgrader(course, answers):
    """Fill nbgrader's release notebook with each student's answers (as prepare_nbgrader.py)."""
    with open(os.path.join(course, "release", "ps1", "ps1.ipynb")) as f:
        release = json.load(f)
    shutil.rmtree(os.path.join(course, "submitted"), ignore_errors=True)
    for path in sorted(glob.glob(os.path.join(answers, "*.json"))):
        student = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            ans = json.load(f)
        nbj = json.loads(json.dumps(release))
        for cell in nbj["cells"]:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in ans:
                cell["source"] = ans[gid]
        d = os.path.join(course, "submitted", student, "ps1")
        os.makedirs(d)
        with open(os.path.join(d, "ps1.ipynb"), "w") as f:
            json.dump(nbj, f, indent=1)
        with open(os.path.join(d, "timestamp.txt"), "w") as f:
            f.write("2026-01-01 00:00:00.000000 UTC")


def verify(expected, got):
    """(ok_count, total, mismatches, runaway) of scores {student: float|None} against expected."""
    bad, runaway = [], []
    for s, e in sorted(expected.items()):
        g = got.get(s)
        if e is None:
            runaway.append(f"{s}: got {g}")
        elif g is None or abs(g - e) > 1e-9:
            bad.append(f"{s}: expected {e} got {g}")
    return len(expected) - len(bad) - len(runaway), len(expected), bad, runaway


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--no-runaway", action="store_true")
    a = ap.parse_args()
    sub, exp = write_class(a.n, a.out, not a.no_runaway)
    print(f"wrote {a.n} notebooks under {sub}; expected scores {exp}")


if __name__ == "__main__":
    main()
