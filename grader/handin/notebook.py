"""Read a notebook (.ipynb, any nbformat 4 minor version, or 3 converted) as plain data.

Markdown answer sections are found by their headings (``## Answer 2.1``, ``### answer 2.1``,
a line ``**Answer 2.1**``, a heading cell followed by answer cells); code cells are kept in
order with their cell numbers for the sandbox. Nothing is executed here.
"""

from __future__ import annotations

import json
import os
import re

from grader.errors import HandInError
from grader.handin.model import CodeCell, Section, read_text

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# a line that is only "Answer 2.1", possibly bold/italic, possibly with a colon
_MARKER = re.compile(r"^\s*[*_]{0,3}\s*((?:answer|solution)\s+[A-Za-z]?\d+(?:\.\d+)*[a-z]?)\s*[:.]?\s*[*_]{0,3}\s*:?\s*$", re.I)


def heading_key(text: str) -> str:
    """Normal form of a heading: 'Answer 2.1' == '**answer 2.1:**' == 'ANSWER  2.1'."""
    text = re.sub(r"[*_`:]+", " ", text)
    text = re.sub(r"\s*\(.*?\)\s*$", "", text)          # "Answer 3 (3 points)"
    return re.sub(r"\s+", " ", text).strip().lower()


def read_notebook(path: str) -> tuple[dict[str, Section], tuple[CodeCell, ...], tuple[str, ...]]:
    name = os.path.basename(path)
    raw = read_text(path, MAX_NOTEBOOK_BYTES)
    nb = _plain_v4(raw)
    if nb is None:   # nbformat 3, or something odd: nbformat converts it or says what is wrong
        import nbformat   # imported only then (~0.2 s with its schemas)

        try:
            nb = nbformat.reads(raw, as_version=4)
        except (json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
            raise HandInError(f"{name} is not a valid notebook (its JSON is broken: {exc})") from None
        except Exception as exc:  # nbformat raises assorted errors for malformed notebooks
            raise HandInError(f"{name} is not a valid notebook ({type(exc).__name__}: {exc})") from None

    notes: list[str] = []
    code: list[CodeCell] = []
    # the markdown as a list of (line, cell index, heading level or 0, heading key)
    lines: list[tuple[str, int, int, str]] = []
    for index, cell in enumerate(nb.get("cells", [])):
        ctype = cell.get("cell_type")
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        if not isinstance(source, str):
            notes.append(f"{name}: cell {index + 1} has no readable source; skipped")
            continue
        if ctype == "code":
            code.append(CodeCell(source=source, origin=f"{name}, cell {index + 1}", file=name, cell=index))
            lines.append(("", index, -1, ""))   # a code cell between markdown cells
        elif ctype in ("markdown", "raw"):
            source = _COMMENT.sub("", source)   # template placeholders are HTML comments
            for ln in source.splitlines():
                h = _HEADING.match(ln)
                m = _MARKER.match(ln)
                if h:
                    lines.append((ln, index, len(h.group(1)), heading_key(h.group(2))))
                elif m:
                    lines.append((ln, index, 7, heading_key(m.group(1))))   # a bare marker line
                else:
                    lines.append((ln, index, 0, ""))
            lines.append(("", index, 0, ""))    # cells are separated by a blank line
    return _sections(lines, name), tuple(code), tuple(notes)


def _plain_v4(raw: str) -> dict | None:
    """An nbformat 4 notebook as plain JSON (all we read are its cells: type and source), or None
    for anything else. Like nbformat, schema deviations elsewhere in the file do not matter."""
    try:
        nb = json.loads(raw)
    except ValueError:
        return None
    if (isinstance(nb, dict) and nb.get("nbformat") == 4 and isinstance(nb.get("cells"), list)
            and all(isinstance(c, dict) for c in nb["cells"])):
        return nb
    return None


def _sections(lines: list[tuple[str, int, int, str]], name: str) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    i = 0
    while i < len(lines):
        text, cell, level, key = lines[i]
        if level > 0 and key.startswith(("answer", "solution")):
            body: list[str] = []
            j = i + 1
            while j < len(lines):
                t, _, lv, k = lines[j]
                if lv > 0 and (lv <= level or k.startswith(("answer", "solution", "problem", "question"))):
                    break
                if lv != -1:
                    body.append(t)
                j += 1
            key = re.sub(r"^solution", "answer", key)
            if key in sections:   # the same heading twice: keep both, later text last
                prev = sections[key]
                sections[key] = Section(heading=prev.heading, text=prev.text + "\n\n" + "\n".join(body),
                                        origin=prev.origin)
            else:
                heading = text.strip().lstrip("#").strip()
                sections[key] = Section(heading=heading, text="\n".join(body).strip("\n"),
                                        origin=f"{name}, cell {cell + 1}")
            i = j
            continue
        i += 1
    return sections
