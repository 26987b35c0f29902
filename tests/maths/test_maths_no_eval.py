"""Source grep: no eval/exec/sympify/parse_expr/parse_latex/lambdify on student text.

Every sympy entry point that evaluates text (sympify, parse_expr, parse_latex, lambdify) is banned in
the whole ``grader`` package. ``eval(``/``exec(`` are banned everywhere except the modules whose job is to run
instructor/student *code* (``grader/sandbox``, ``grader/checks/pytest_bridge.py``), never maths answers.
"""
from __future__ import annotations

import io
import pathlib
import re
import tokenize

import grader

PKG = pathlib.Path(grader.__file__).resolve().parent
SYMPY_BANNED = re.compile(r"\b(sympify|parse_expr|parse_latex|lambdify)\s*\(")
EVAL_BANNED = re.compile(r"(?<![\w.])(eval|exec)\s*\(")
EVAL_ALLOWED = ("sandbox/", "checks/pytest_bridge.py")


def _code_without_comments(path: pathlib.Path) -> str:
    src = path.read_text(encoding="utf-8")
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.COMMENT:
            continue
        out.append(tok.string)
        out.append(" ")
    return "".join(out)


def _sources():
    files = sorted(PKG.rglob("*.py"))
    assert files and any(p.parent.name == "maths" for p in files)
    return files


def test_no_sympy_text_evaluation_anywhere_in_grader():
    bad = [f"{p.relative_to(PKG)}: {m.group(0)}" for p in _sources()
           for m in SYMPY_BANNED.finditer(_code_without_comments(p))]
    assert not bad, bad


def test_no_eval_or_exec_outside_the_sandbox():
    bad = []
    for p in _sources():
        rel = p.relative_to(PKG)
        if rel.as_posix().startswith(EVAL_ALLOWED):
            continue
        bad += [f"{rel}: {m.group(0)}" for m in EVAL_BANNED.finditer(_code_without_comments(p))]
    assert not bad, bad


def test_maths_package_has_no_eval_at_all():
    maths = PKG / "maths"
    for p in maths.rglob("*.py"):
        code = _code_without_comments(p)
        assert not EVAL_BANNED.search(code), p
        assert not SYMPY_BANNED.search(code), p
        assert "__import__" not in code and "compile(" not in code, p


def test_grep_catches_a_planted_call(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("# eval( in a comment is fine\ny = sympify(text)\nz = eval(s)\n", encoding="utf-8")
    code = _code_without_comments(f)
    assert SYMPY_BANNED.search(code) and EVAL_BANNED.search(code)
    f.write_text("# sympify(text) and eval(s) only in comments\nx = 1\n", encoding="utf-8")
    code = _code_without_comments(f)
    assert not SYMPY_BANNED.search(code) and not EVAL_BANNED.search(code)
