"""Tokenizer for the restricted maths students write (LaTeX and plain text in one token set)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ParseFailure
from .names import FUNCTIONS, GREEK, GREEK_ALIASES, UNICODE_GREEK

MAX_TEXT = 10_000
MAX_TOKENS = 3_000
MAX_INT_DIGITS = 100


@dataclass(frozen=True)
class Token:
    """kind: num | ident | cmd | op | dots | eof. ``cmd_name`` marks idents written as commands (``\\beta``)."""

    kind: str
    text: str
    pos: int
    from_cmd: bool = False


_SKIP_CMDS = {",", ";", "!", ":", " ", "quad", "qquad", "left", "right", "big", "Big", "bigg", "Bigg",
              "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "bigm", "Bigm",
              "limits", "nolimits", "displaystyle", "textstyle", "middle", "enspace", "thinspace",
              "medspace", "thickspace", "negthinspace", "hspace*"}
_DOTS_CMDS = {"dots", "cdots", "ldots", "dotsb", "dotsc", "dotsm", "dotso"}
_OP_CMDS = {"cdot": "\\cdot", "times": "\\times", "div": "/", "ast": "*", "{": "\\{", "}": "\\}",
            "\\": "\\\\", "prime": "\\prime", "top": "\\top", "intercal": "\\top", "lvert": "|",
            "rvert": "|", "vert": "|", "lbrace": "\\{", "rbrace": "\\}", "lbrack": "[", "rbrack": "]",
            "lparen": "(", "rparen": ")", "coloneqq": "=", "neq": "\\neq", "ne": "\\neq", "le": "\\le",
            "leq": "\\le", "ge": "\\ge", "geq": "\\ge", "approx": "\\approx", "to": "\\to",
            "rightarrow": "\\to", "mid": "|"}
_GREEK_SET = set(GREEK)
_UNICODE_OPS = {"·": "\\cdot", "⋅": "\\cdot", "×": "\\times", "−": "-", "–": "-", "÷": "/", "′": "'",
                "…": "...", "⋯": "...", "∗": "*", "≠": "\\neq", "≤": "\\le", "≥": "\\ge"}
_SUPERSCRIPTS = {"²": "2", "³": "3", "¹": "1", "⁰": "0", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                 "⁹": "9"}
_SUBSCRIPTS = {chr(0x2080 + d): str(d) for d in range(10)}
_NUM_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_IDENT_RE = re.compile(r"[A-Za-z]+[0-9]*")
_CMD_RE = re.compile(r"\\([A-Za-z]+\*?|.)")
_SINGLE_OPS = set("+-*/^_()[]{},|'=&<>!")


def is_latex(text: str) -> bool:
    """Heuristic: LaTeX if the text has a backslash command, ``$``, ``^{`` or ``_{``."""
    return "\\" in text or "$" in text or "^{" in text or "_{" in text


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raises ParseFailure on characters outside the grammar."""
    if len(text) > MAX_TEXT:
        raise ParseFailure(f"answer too long ({len(text)} characters, the limit is {MAX_TEXT})", None)
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if len(out) > MAX_TOKENS:
            raise ParseFailure(f"answer too long (more than {MAX_TOKENS} tokens)", i)
        c = text[i]
        if c.isspace() or c == "~" or c == "$":
            i += 1
            continue
        if c == "\\":
            m = _CMD_RE.match(text, i)
            if not m:
                raise ParseFailure("lone backslash", i)
            name = m.group(1)
            j = m.end()
            if name in _SKIP_CMDS:
                if name in ("left", "right", "middle") or name.startswith(("big", "Big")):
                    # drop an invisible delimiter such as \left. or \right.
                    k = j
                    while k < n and text[k] == " ":
                        k += 1
                    if k < n and text[k] == ".":
                        j = k + 1
                i = j
                continue
            if name in _DOTS_CMDS:
                out.append(Token("dots", "\\dots", i))
            elif name in _OP_CMDS:
                out.append(Token("op", _OP_CMDS[name], i))
            elif name in _GREEK_SET:
                out.append(Token("ident", GREEK_ALIASES.get(name, name), i, True))
            elif name in FUNCTIONS and name != "sqrt":
                out.append(Token("ident", name, i, True))
            else:
                out.append(Token("cmd", "\\" + name, i))
            i = j
            continue
        if c in "0123456789" or (c == "." and i + 1 < n and text[i + 1] in "0123456789"):
            m = _NUM_RE.match(text, i)
            assert m
            s = m.group(0)
            if len(s.split(".")[0]) > MAX_INT_DIGITS:
                raise ParseFailure(f"number too large (more than {MAX_INT_DIGITS} digits)", i)
            out.append(Token("num", s, i))
            i = m.end()
            continue
        if c.isascii() and c.isalpha():
            m = _IDENT_RE.match(text, i)
            assert m
            out.append(Token("ident", m.group(0), i))
            i = m.end()
            continue
        if text.startswith("...", i):
            out.append(Token("dots", "...", i))
            i += 3
            continue
        if text.startswith("**", i):
            out.append(Token("op", "**", i))
            i += 2
            continue
        if text.startswith(":=", i):
            out.append(Token("op", "=", i))
            i += 2
            continue
        if c in UNICODE_GREEK:
            out.append(Token("ident", UNICODE_GREEK[c], i, True))
            i += 1
            continue
        if c in _UNICODE_OPS:
            t = _UNICODE_OPS[c]
            out.append(Token("dots", t, i) if t == "..." else Token("op", t, i))
            i += 1
            continue
        if c in _SUPERSCRIPTS:
            out.append(Token("op", "^", i))
            out.append(Token("num", _SUPERSCRIPTS[c], i))
            i += 1
            continue
        if c in _SUBSCRIPTS:
            j = i
            digits = ""
            while j < n and text[j] in _SUBSCRIPTS:
                digits += _SUBSCRIPTS[text[j]]
                j += 1
            out.append(Token("op", "_", i))
            out.append(Token("num", digits, i))
            i = j
            continue
        if c in _SINGLE_OPS:
            out.append(Token("op", c, i))
            i += 1
            continue
        raise ParseFailure(f"unexpected character {c!r}", i)
    out.append(Token("eof", "", n))
    return out
