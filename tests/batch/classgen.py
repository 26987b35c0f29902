"""Generate a MarkUs "download submissions" zip of a whole class from submissions_example.

Most groups hand in variants of the written answers (code cells dropped, so no sandbox
job runs; digits in some answers changed, some free-text answers rewritten); a few hand in
the full notebook with Part B code, or the .py hand-in. Edge cases: an empty group (only
a folder entry), a group with only a ``.gitkeep``, a notebook that is not valid JSON,
names with spaces and accents, ``.gitkeep`` files beside real hand-ins.
"""

from __future__ import annotations

import copy
import json
import os
import random
import zipfile
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "submissions_example")
NB = "final_exam.ipynb"

EMPTY = "Équipe vide"
GITKEEP_ONLY = "group_gitkeep only"
BROKEN = "Zoë Müller-Ñúñez"
SPECIAL_NAMES = ("Team Rocket 7", "équipe  double espace", "Ångström & Co", "李 小龙", "O'Brien, J.")


@dataclass
class ClassZip:
    path: str
    groups: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)      # expected no_submission
    broken: list[str] = field(default_factory=list)     # expected error (unreadable hand-in)
    with_code: list[str] = field(default_factory=list)  # Part B code runs in the sandbox


def _load(name: str) -> dict:
    with open(os.path.join(EXAMPLES, name, NB), encoding="utf-8") as fh:
        return json.load(fh)


def _mutate_digits(text: str, rng: random.Random) -> str:
    chars = list(text)
    spots = [i for i, c in enumerate(chars) if c.isdigit()]
    for i in rng.sample(spots, k=min(len(spots), rng.choice((1, 1, 2)))):
        chars[i] = str((int(chars[i]) + rng.randint(1, 9)) % 10)
    return "".join(chars)


def _variant(base: dict, rng: random.Random, keep_code: bool) -> dict:
    """A copy of base; each answer kept (mostly), or one of two fixed wrong variants, or emptied.

    The wrong variants are fixed per (answer, variant) so the class has few distinct answers,
    as a real class does (and the math memo keeps the test fast).
    """
    nb = copy.deepcopy(base)
    if not keep_code:
        nb["cells"] = [c for c in nb["cells"] if c["cell_type"] != "code"]
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or i == 0:
            continue
        prev = "".join(cells[i - 1]["source"]).strip()
        if not prev.startswith("### Answer"):
            continue
        src = "".join(cell["source"])
        roll = rng.random()
        if roll < 0.10:
            src = _mutate_digits(src, random.Random(f"{prev}/{src}/{rng.randint(0, 1)}"))
        elif roll < 0.14 and prev in ("### Answer 6", "### Answer 7.1", "### Answer 7.3"):
            src = rng.choice(("I am not sure.", "=SUM(A1:A9) looks like a formula", "Because of the log of zero, "
                              "the values propagate to NaN.\nSecond line, \"quoted\", with, commas"))
        elif roll < 0.16:
            src = ""
        cell["source"] = src
    return nb


def make_class_zip(path: str, n_groups: int = 200, n_code: int = 3, seed: int = 7) -> ClassZip:
    rng = random.Random(seed)
    bases = [_load("full_marks"), _load("seed_student"), _load("template")]
    py_text = open(os.path.join(EXAMPLES, "py_handin", "final_exam.py"), encoding="utf-8").read()
    out = ClassZip(path=path)
    names = [EMPTY, GITKEEP_ONLY, BROKEN, *SPECIAL_NAMES]
    names += [f"group_{i:04d}" for i in range(n_groups - len(names))]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for k, name in enumerate(names):
            out.groups.append(name)
            if name == EMPTY:
                zf.writestr(zipfile.ZipInfo(f"{name}/"), b"")
                out.empty.append(name)
                continue
            if name == GITKEEP_ONLY:
                zf.writestr(f"{name}/data/.gitkeep", b"")
                out.empty.append(name)
                continue
            if name == BROKEN:
                zf.writestr(f"{name}/{NB}", b'{"cells": [ this is not json')
                out.broken.append(name)
                continue
            if k % 17 == 0:
                zf.writestr(f"{name}/data/.gitkeep", b"")
            if k == len(names) - 1:
                zf.writestr(f"{name}/final_exam.py", py_text)
                out.with_code.append(name)
                continue
            keep_code = len(out.with_code) < n_code - 1 and k >= 10 and k % 50 == 10
            base = bases[0] if keep_code else bases[rng.choice((0, 0, 0, 1, 1, 2))]
            nb = _variant(base, rng, keep_code=keep_code)
            if keep_code:
                out.with_code.append(name)
            zf.writestr(f"{name}/{NB}", json.dumps(nb, ensure_ascii=False, indent=1))
    return out


# ---------------------------------------------------------------- helpers shared by tests/batch and tests/cli

RUBRIC = os.path.join(ROOT, "rubrics", "final_exam.yaml")


def written_rubric(path: str) -> str:
    """The final exam's rubric without Part B (no sandbox job per hand-in: fast class-size tests)."""
    import yaml

    with open(RUBRIC, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    doc["questions"] = [q for q in doc["questions"] if not str(q["id"]).startswith("B")]
    doc.pop("reference", None)
    doc["title"] = f"{doc['title']} (written part)"
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False)
    return path


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("GITHUB_STEP_SUMMARY", None)
    env["CI"] = "true"
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_cli(*args: str, cwd: str | None = None, env: dict[str, str] | None = None, timeout: float = 300):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, env=env or cli_env(),
                          capture_output=True, text=True, timeout=timeout)


def strip_times(doc):
    """A results.json-like document without its timing fields."""
    if isinstance(doc, dict):
        return {k: strip_times(v) for k, v in doc.items() if k not in ("duration_s", "wall_s", "execution_time", "time")}
    if isinstance(doc, list):
        return [strip_times(v) for v in doc]
    return doc


def outputs_snapshot(out: str) -> dict[str, object]:
    """Every report in out, parsed where it holds timings, for 'equal to a clean run' checks."""
    import re

    snap: dict[str, object] = {}
    for folder, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if d != ".cache"]
        for f in files:
            path = os.path.join(folder, f)
            rel = os.path.relpath(path, out)
            text = open(path, encoding="utf-8").read()
            if f.endswith(".json"):
                snap[rel] = strip_times(json.loads(text))
            elif f == "junit.xml":
                snap[rel] = re.sub(r' time="[^"]*"', "", text)
            elif f == "summary.html":
                snap[rel] = len(text) > 0      # holds run timings; rendered by its own tests
            else:
                snap[rel] = text
    return snap
