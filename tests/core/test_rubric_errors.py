"""Rubric mistakes are reported as path:line:col: message, all at once, before grading."""

import re
import textwrap

import pytest

from grader.cli import main
from grader.errors import RubricError
from grader.rubric.load import load_rubric

LOC = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")


def write(tmp_path, text):
    p = tmp_path / "rubric.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def errors_of(path):
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    return [str(p) for p in info.value.problems]


def test_yaml_syntax_error_is_located(tmp_path, capsys):
    p = write(tmp_path, """\
        title: t
        questions:
          - id: "1"
            points: [2
    """)
    assert main(["validate", str(p)]) == 1
    err = capsys.readouterr().err.splitlines()
    m = LOC.match(err[0])
    assert m and m["path"] == str(p) and "YAML syntax error" in m["msg"]
    assert "Traceback" not in "\n".join(err)


def test_every_mistake_is_reported_at_once_with_locations(tmp_path, capsys):
    p = write(tmp_path, """\
        title: t
        questions:
          - id: "1"
            pionts: 2
            checks:
              - kind: value
                expected: "2"
          - id: "2"
            points: two
            checks:
              - kind: expresion
                expected: x
          - id: "3"
            points: 1
            checks:
              - kind: value
                expected: "1"
                visibilty: hidden
    """)
    assert main(["grade", str(p), str(tmp_path)]) == 1
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if LOC.match(ln)]
    text = "\n".join(lines)
    # misspelt key with a hint, at its own line
    assert re.search(r":4:\d+: unknown key 'pionts' in question 1 \(hint: did you mean 'points'\?\)", text)
    # question 1 then lacks points
    assert re.search(r":3:\d+: question 1 has no 'points'", text)
    # wrong type
    assert re.search(r":9:\d+: 'points' must be a number, got the text 'two'", text)
    # unknown kind with a suggestion
    assert re.search(r":11:\d+: unknown check kind 'expresion' \(hint: did you mean 'expression'\?\)", text)
    assert re.search(r":18:\d+: unknown key 'visibilty'.*did you mean 'visibility'", text)
    assert "nothing was graded" in err
    assert not (tmp_path / "grades").exists()


def test_unreadable_expected_value_is_a_rubric_error(tmp_path):
    p = write(tmp_path, """\
        title: t
        questions:
          - id: "1"
            points: 1
            symbols: {x: real}
            checks:
              - kind: expression
                expected: '\\frac{x}{'
    """)
    errs = errors_of(p)
    assert len(errs) == 1 and ":8:" in errs[0] and "cannot read" in errs[0]


def test_check_points_must_add_up(tmp_path):
    p = write(tmp_path, """\
        title: t
        questions:
          - id: "1"
            points: 3
            checks:
              - {kind: value, expected: "1", points: 1}
              - {kind: value, expected: "2", points: 1}
    """)
    errs = errors_of(p)
    assert any("add up to 2, the question has 3" in e for e in errs)


def test_duplicate_ids_and_keys(tmp_path):
    p = write(tmp_path, """\
        title: t
        title: u
        questions:
          - {id: "1", points: 1}
          - {id: "1", points: 1}
    """)
    errs = errors_of(p)
    assert any(":2:1: duplicate key 'title'" in e for e in errs)
    assert any("question id '1' is used twice" in e for e in errs)


def test_numeric_ids_keep_their_text(tmp_path):
    p = write(tmp_path, """\
        title: t
        questions:
          - {id: 2.10, points: 1}
    """)
    assert load_rubric(p).questions[0].id == "2.10"


def test_the_exam_rubric_loads(exam_rubric):
    ids = [q.id for q in exam_rubric.questions]
    assert ids == ["1", "2.1", "2.2", "3", "4.1", "4.2", "5", "6", "7.1", "7.2", "7.3", "B1", "B2", "B3", "B4", "B5"]
    assert exam_rubric.max_score == 40
    assert sum(q.points for q in exam_rubric.questions if q.part == "A") == 30



def test_validate_runs_the_reference_through_the_code_checks(tmp_path, capsys, root):
    """A reference whose own answer fails its checks is a rubric bug: validate says so."""
    import os
    import shutil

    shutil.copytree(os.path.join(root, "rubrics"), tmp_path / "rubrics")
    ref = tmp_path / "rubrics" / "final_exam" / "reference.py"
    text = ref.read_text(encoding="utf-8")
    broken = text.replace("c = 1e4", "c = 1.0")
    assert broken != text
    ref.write_text(broken, encoding="utf-8")
    assert main(["validate", str(tmp_path / "rubrics" / "final_exam.yaml")]) == 1
    err = capsys.readouterr().err
    assert "question B5" in err and "<reference: reference.py>" in err


def test_preload_and_cell_limit(tmp_path):
    p = write(tmp_path, """\
        title: t
        preload: [sympy, scipy.signal]
        limits: {cell_s: 0.5}
        questions:
          - {id: "1", points: 1}
    """)
    r = load_rubric(p)
    assert r.preload == ("sympy", "scipy.signal") and r.limits.cell_s == 0.5
    p = write(tmp_path, """\
        title: t
        preload: [sympy, "os; rm -rf"]
        limits: {cell_s: 0}
        questions:
          - {id: "1", points: 1}
    """)
    errs = errors_of(p)
    assert any(":2:10: 'os; rm -rf' is not a module name" in e for e in errs), errs
    assert any("limit 'cell_s' must be positive" in e for e in errs), errs
