"""Helpers shared by tests/security and tests/sandbox (markers, survivors, grading a hand-in)."""

from __future__ import annotations

import glob
import os
import re
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUBRIC = os.path.join(ROOT, "tests", "sandbox", "part_b_checks.yaml")
HONEST = os.path.join(ROOT, "tests", "sandbox", "fixtures", "reference_solution.py")
HONEST_NB = os.path.join(ROOT, "tests", "sandbox", "fixtures", "reference_solution.ipynb")
MARKER_DIRS = ["/tmp", "/var/tmp", "/dev/shm", "/root", ROOT, os.path.join(ROOT, "rubrics"),
               os.path.join(ROOT, "rubrics", "final_exam"), os.path.join(ROOT, "tests"), HERE,
               os.path.join(HERE, "attacks"), os.path.dirname(ROOT)]


def attack_meta(path: str) -> dict:
    text = open(path, encoding="utf-8").read()
    m = re.search(r"expect: (\d+(?:\.\d+)?) seconds: (\d+)", text)
    assert m, f"{path} has no 'expect: N seconds: S' header"
    return {"expect": float(m.group(1)), "seconds": float(m.group(2)), "slow": " slow expect:" in text}


def markers() -> list[str]:
    found = []
    for d in MARKER_DIRS:
        found += glob.glob(os.path.join(d, "PWNED_*"))
        found += glob.glob(os.path.join(d, "grader_persist_*"))
        found += [p for p in glob.glob(os.path.join(d, "*customize.py")) if "PWNED" in _read(p)]
        found += [p for p in glob.glob(os.path.join(d, "numpy.py")) if "PWNED" in _read(p)]
    return sorted(set(found))


def _read(p: str) -> str:
    try:
        return open(p, errors="replace").read(4096)
    except OSError:
        return ""


def survivors(sb) -> list[str]:
    """Processes left by this sandbox's jobs: descendants of its zygote, or its slot uids."""
    zpid = sb.capabilities.get("pid")
    base = sb.capabilities.get("slot_uid_base", -1)
    info = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = open(f"/proc/{d}/status").read()
            uid = int(re.search(r"^Uid:\s+(\d+)", st, re.M).group(1))
            ppid = int(re.search(r"^PPid:\s+(\d+)", st, re.M).group(1))
            state = re.search(r"^State:\s+(\S)", st, re.M).group(1)
        except (OSError, AttributeError):
            continue
        info[int(d)] = (uid, ppid, state)
    left = []
    for pid, (uid, ppid, state) in info.items():
        if pid == zpid or state == "Z":
            continue
        if ppid == zpid and _comm(pid) == "grader-keeper":
            continue      # a slot keeper waiting for its next job (root / no namespaces); its children still count
        p, seen, mine = ppid, 0, False
        while p > 1 and seen < 64:
            if p == zpid:
                mine = True
                break
            p = info.get(p, (0, 0, ""))[1]
            seen += 1
        if mine or base <= uid < base + 64:
            left.append(f"{pid} uid={uid} ppid={ppid}")
    return left


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def wait_no_survivors(sb, timeout: float = 3.0) -> list[str]:
    end = time.monotonic() + timeout
    while True:
        left = survivors(sb)
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.1)


def grade(path: str, rubric, sb):
    from grader.grading import grade_document
    from grader.handin.discover import discover
    from grader.handin.read import read_handin
    (h,) = discover([path])
    return grade_document(rubric, h, read_handin(h), math=None, sandbox=sb)


def scores(result) -> dict:
    return {c.name: (c.score, str(c.status)) for q in result.questions for c in q.checks}
