"""Splitting derivation chains (``a = b = c``) and stripping math delimiters."""
from __future__ import annotations

import re

_TRAIL_RE = re.compile(r"(?:\s|[.,;:]|\\quad|\\qquad|\\[,;:! ]|~|\\\\)+$")
_LEAD_RE = re.compile(r"^(?:\s|\\quad|\\qquad|\\[,;:! ]|~)+")


def strip_delimiters(text: str) -> str:
    """Remove ``$``, ``$$``, ``\\(``, ``\\)``, ``\\[``, ``\\]`` and surrounding space."""
    s = text.strip()
    s = s.replace("$", "")
    s = re.sub(r"\\[()\[\]]", " ", s)
    return s.strip()


def clean_segment(seg: str) -> str:
    """Strip trailing punctuation and spacing macros (and leading spacing)."""
    s = _TRAIL_RE.sub("", seg)
    s = _LEAD_RE.sub("", s)
    return s.strip()


def split_chain(text: str) -> list[str]:
    """Split at top-level ``=`` / ``:=`` / ``\\coloneqq`` (not inside brackets or environments)."""
    s = strip_delimiters(text)
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            name = m.group(1) if m else ""
            tok = "\\" + name
            j = i + len(tok)
            if name in ("left", "right"):
                k = j
                while k < n and s[k] == " ":
                    k += 1
                dm = re.match(r"\\[A-Za-z]+|\\.|.", s[k:]) if k < n else None
                d = dm.group(0) if dm else ""
                depth += 1 if name == "left" else -1
                cur.append(s[i:k + len(d)])
                i = k + len(d)
                continue
            if name == "begin":
                depth += 1
            elif name == "end":
                depth -= 1
            elif name in ("{",):
                depth += 1
            elif name in ("}",):
                depth -= 1
            elif name == "coloneqq" and depth == 0:
                parts.append("".join(cur))
                cur = []
                i = j
                continue
            cur.append(tok)
            i = j
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c == "=" and depth <= 0:
            prev = s[i - 1] if i > 0 else ""
            nxt = s[i + 1] if i + 1 < n else ""
            if (prev and prev in "<>!=") or nxt == "=":
                cur.append(c)
                i += 1
                continue
            if prev == ":":
                cur.pop()
            parts.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    parts.append("".join(cur))
    return [clean_segment(p) for p in parts]
