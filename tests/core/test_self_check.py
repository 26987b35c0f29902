"""`grader check`: a student's self-check runs public checks only and never shows a hidden expected value."""

import textwrap

from grader.cli import main

RUBRIC = """\
title: quiz
questions:
  - id: "1"
    points: 3
    answer: {target: x}
    symbols: {a: real}
    checks:
      - {kind: expression, name: public form, points: 1, expected: "2a"}
      - {kind: value, name: secret value, points: 2, visibility: hidden, expected: "271828"}
"""


def test_check_shows_public_results_and_hides_hidden_ones(tmp_path, capsys):
    (tmp_path / "quiz.yaml").write_text(RUBRIC, encoding="utf-8")
    handin = tmp_path / "me.py"
    handin.write_text("answer_1 = 'x = a + a'\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "quiz.yaml"), str(handin)]) == 0
    out = capsys.readouterr().out
    assert "[correct] public form: 1/1" in out
    assert "[hidden] secret value: graded after the deadline" in out
    assert "271828" not in out
    assert not (tmp_path / "grades").exists()      # a self-check writes no reports


def test_check_wrong_public_answer_says_so_without_the_key(tmp_path, capsys):
    (tmp_path / "quiz.yaml").write_text(RUBRIC, encoding="utf-8")
    handin = tmp_path / "me.py"
    handin.write_text("answer_1 = 'x = 3a'\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "quiz.yaml"), str(handin)]) == 0
    out = capsys.readouterr().out
    assert "[incorrect] public form: 0/1" in out and "271828" not in out
