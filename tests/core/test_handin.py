"""Reading hand-ins: notebooks of any nbformat 4 minor version, .py files, exports, zips."""

import json
import os
import zipfile

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.errors import HandInError
from grader.handin.discover import Empty, UsageError, discover
from grader.handin.notebook import read_notebook
from grader.handin.pyfile import read_pyfile
from grader.handin.read import read_handin


def nb_file(path, cells, minor=5):
    nb = new_notebook(cells=cells)
    nb.nbformat_minor = minor
    if minor < 5:
        for c in nb.cells:
            c.pop("id", None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.mark.parametrize("minor", [0, 2, 4, 5])
def test_sections_by_heading_any_level_and_case(tmp_path, minor):
    p = nb_file(tmp_path / "a.ipynb", [
        new_markdown_cell("## Problem 2\ntext"),
        new_markdown_cell("### answer 2.1"),
        new_markdown_cell("We get $\\eta = 2$"),
        new_code_cell("x = 1"),
        new_markdown_cell("more $\\eta=2$\n#### a sub heading inside\nstill 2.1"),
        new_markdown_cell("## Answer 2.2\n$\\beta = 1/2$"),
        new_markdown_cell("**Answer 3:**\n$x$"),
    ], minor)
    sections, code, notes = read_notebook(str(p))
    assert set(sections) == {"answer 2.1", "answer 2.2", "answer 3"}
    s21 = sections["answer 2.1"].text
    assert "We get" in s21 and "more" in s21 and "still 2.1" in s21 and "beta" not in s21
    assert sections["answer 2.2"].text.strip() == "$\\beta = 1/2$"
    assert sections["answer 3"].text.strip() == "$x$"
    assert [c.source for c in code] == ["x = 1"] and code[0].cell == 3


def test_broken_notebook_json_is_a_handin_error(tmp_path):
    p = tmp_path / "broken.ipynb"
    p.write_text('{"cells": [ {"cell_type": "markdown", ', encoding="utf-8")
    with pytest.raises(HandInError, match="not a valid notebook"):
        read_notebook(str(p))


def test_template_placeholders_are_not_answers(tmp_path):
    p = nb_file(tmp_path / "t.ipynb", [new_markdown_cell("### Answer 1"), new_markdown_cell("<!-- write here -->")])
    sections, _, _ = read_notebook(str(p))
    assert sections["answer 1"].text.strip() == ""


def test_py_answers_are_read_without_running(tmp_path):
    marker = tmp_path / "ran"
    p = tmp_path / "h.py"
    p.write_text(f"import os\nopen({str(marker)!r}, 'w')\nanswer_2_1 = 2\nanswer_2_2 = '1/2'\nanswer_4_1 = 4/2\n"
                 "def softmax(z):\n    return z\n", encoding="utf-8")
    variables, origins, code, notes = read_pyfile(str(p))
    assert variables == {"answer_2_1": 2, "answer_2_2": "1/2", "answer_4_1": "4/2"}
    assert origins["answer_2_2"] == "h.py, line 4"
    assert "def softmax" in code.source and not marker.exists()


def test_py_syntax_error_is_a_note(tmp_path):
    p = tmp_path / "h.py"
    p.write_text("answer_1 = 'z'\ndef f(:\n", encoding="utf-8")
    variables, _, _, notes = read_pyfile(str(p))
    assert variables == {} and "SyntaxError" in notes[0] and "line 2" in notes[0]


def test_markus_export_layout(tmp_path):
    exp = tmp_path / "export"
    nb_file(exp / "group_0001" / "final_exam.ipynb", [new_markdown_cell("### Answer 1\n$z$")])
    nb_file(exp / "Team Rocket é" / "final_exam.ipynb", [new_markdown_cell("### Answer 1\n$z$")])
    (exp / "empty group").mkdir()
    (exp / "only_gitkeep" / "data").mkdir(parents=True)
    (exp / "only_gitkeep" / "data" / ".gitkeep").write_text("")
    (exp / "pyonly").mkdir()
    (exp / "pyonly" / "a1.py").write_text("answer_1 = 'z'\n")
    items = discover([str(exp)])
    by_id = {i.id: i for i in items}
    assert set(by_id) == {"group_0001", "Team Rocket é", "empty group", "only_gitkeep", "pyonly"}
    assert isinstance(by_id["empty group"], Empty) and isinstance(by_id["only_gitkeep"], Empty)
    assert by_id["pyonly"].files[0].endswith("a1.py")


def test_single_files_and_folder_handins(tmp_path):
    f = nb_file(tmp_path / "alice" / "exam.ipynb", [new_markdown_cell("### Answer 1\n$z$")])
    (tmp_path / "bob.py").write_text("answer_1 = 'z'\n")
    items = discover([str(tmp_path / "alice"), str(tmp_path / "bob.py")])
    assert [i.id for i in items] == ["alice", "bob"]
    assert items[0].files == (str(f),)


def test_zip_utf8_names_without_flag_and_no_escape(tmp_path):
    z = tmp_path / "A1_instructor.zip"
    nb = json.dumps(new_notebook(cells=[new_markdown_cell("### Answer 1\n$z$")]))
    with zipfile.ZipFile(z, "w") as zf:
        # MarkUs (rubyzip) writes UTF-8 names without the UTF-8 flag
        info = zipfile.ZipInfo("Équipe 1/final_exam.ipynb")
        zf.writestr(info, nb)
        zf.writestr("group_0002/final_exam.ipynb", nb)
        zf.writestr("../escape.py", "answer_1 = 'x'")
        zf.writestr("group_0003/.gitkeep", "")
    _clear_utf8_flags(z)
    with zipfile.ZipFile(z) as zf:   # the names really lack the flag now: cp437 mojibake by default
        assert "Équipe 1/final_exam.ipynb" not in zf.namelist()
    items = discover([str(z)], workdir=str(tmp_path))
    ids = sorted(i.id for i in items)
    assert ids == ["group_0002", "group_0003", "Équipe 1"]
    assert not (tmp_path / "escape.py").exists()


def test_missing_path_is_usage_error(tmp_path):
    with pytest.raises(UsageError):
        discover([str(tmp_path / "nope")])


def test_read_handin_skips_one_broken_file_keeps_the_other(tmp_path):
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "broken.ipynb").write_text("{not json")
    (tmp_path / "h" / "answers.py").write_text("answer_1 = 'z_0 - z_1'\n")
    item = discover([str(tmp_path / "h")])[0]
    doc = read_handin(item)
    assert doc.variables["answer_1"] == "z_0 - z_1"
    assert any("broken.ipynb" in n for n in doc.notes)


def _clear_utf8_flags(path):
    """Rewrite a zip as rubyzip does: UTF-8 names without general-purpose bit 11."""
    import struct

    data = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i != -1:
            flags = struct.unpack_from("<H", data, i + off)[0]
            struct.pack_into("<H", data, i + off, flags & ~0x800)
            i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))


def test_markus_repo_checkouts_read_only_the_assignment_folder(tmp_path):
    repos = tmp_path / "checkouts"
    for group in ("group_0001", "Team Rocket"):
        nb_file(repos / group / "A2" / "final_exam.ipynb", [new_markdown_cell("### Answer 1\n$z$")])
        (repos / group / "A1").mkdir()
        (repos / group / "A1" / "old.py").write_text("answer_1 = 'old'\n")
        (repos / group / "markus-hooks").mkdir()
        (repos / group / "markus-hooks" / "pre-commit.py").write_text("print('hook')\n")
    (repos / "no_a2" / "A1").mkdir(parents=True)
    (repos / "no_a2" / "A1" / "x.py").write_text("answer_1 = 'x'\n")
    items = {i.id: i for i in discover([str(repos)], folder="A2")}
    assert set(items) == {"group_0001", "Team Rocket", "no_a2"}
    assert isinstance(items["no_a2"], Empty)
    assert [os.path.relpath(f, repos) for f in items["Team Rocket"].files] == [os.path.join("Team Rocket", "A2", "final_exam.ipynb")]
    # one group's checkout given directly
    (single,) = discover([str(repos / "group_0001")], folder="A2")
    assert single.id == "group_0001" and single.files[0].endswith(os.path.join("A2", "final_exam.ipynb"))
    with pytest.raises(UsageError):
        discover([str(repos)], folder="../etc")


def test_group_list_adds_members_and_reports_absent_groups(tmp_path):
    import json

    from grader.cli import main

    exp = tmp_path / "export"
    (exp / "group_0001").mkdir(parents=True)
    (exp / "group_0001" / "final_exam.py").write_text("answer_2_1 = 2\n")
    (tmp_path / "A1_group_list.csv").write_text("group_0001,c5bennet,c8shosta\nTeam Rocket,jessie01,james02\n",
                                               encoding="utf-8")
    rubric = os.path.join(os.path.dirname(__file__), "..", "..", "rubrics", "final_exam.yaml")
    out = tmp_path / "out"
    assert main(["grade", rubric, str(exp), "--out", str(out), "--quiet",
                 "--group-list", str(tmp_path / "A1_group_list.csv")]) == 0
    subs = {s["id"]: s for s in json.loads((out / "results.json").read_text())["submissions"]}
    assert subs["group_0001"]["members"] == ["c5bennet", "c8shosta"]
    assert subs["group_0001"]["question" + "s"][1]["status"] == "correct"
    assert subs["Team Rocket"]["status"] == "no_submission" and subs["Team Rocket"]["members"] == ["jessie01", "james02"]
