"""Find the final answer in a written answer, as a careful TA reads it.

A section of markdown is cut into math *statements*: each math span (``$..$``, ``$$..$$``,
``\\(..\\)``, ``\\[..\\]``, rows of ``aligned``/``align`` environments) is one statement, and
a span that starts with ``=`` continues the statement before it (a derivation chain written
one line per step). Each statement is split at its top-level ``=`` into segments; the first
segment of a chain is its *head* (the quantity it states), the last is its value.

``candidates(stmts, targets)`` orders the statements a grader should read, best first:
``\\boxed{}`` ones, then the last statements whose head names the target (``\\beta`` for
question 2.2), skipping statements about other quantities; with no target, the last
statements. The checks try them in order and say in the feedback which one they read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# $$..$$ first, then \[..\], \(..\), $..$ (not \$); the inline form stops at a newline pair
_SPAN = re.compile(
    r"\$\$(?P<d1>.+?)\$\$"
    r"|\\\[(?P<d2>.+?)\\\]"
    r"|\\\((?P<i1>.+?)\\\)"
    r"|(?<![\\$])\$(?P<i2>[^$]+?)(?<!\\)\$(?!\$)",
    re.S,
)
_ENV_ROWS = re.compile(r"\\begin\{(aligned|align\*?|gathered|gather\*?|split|eqnarray\*?)\}(.*?)\\end\{\1\}", re.S)
_BOXED = re.compile(r"\\boxed\s*\{")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


@dataclass(frozen=True, slots=True)
class Statement:
    segments: tuple[str, ...]      # split at top-level '='; len > 1 means segments[0] is the head
    text: str                      # the math as written (continuation lines joined with a space)
    line: int                      # 1-based line of the section where it starts
    display: bool                  # display math ($$, \[, environments) rather than inline
    boxed: bool = False

    @property
    def head(self) -> str | None:
        return self.segments[0] if len(self.segments) > 1 else None

    @property
    def value(self) -> str:
        return self.segments[-1]


def _split(text: str) -> list[str]:
    from grader.maths import split_chain

    return split_chain(text)


def _boxed_content(text: str) -> str | None:
    m = None
    for m in _BOXED.finditer(text):
        pass
    if m is None:
        return None
    depth, start = 1, m.end()
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
    return None


def _spans(markdown: str) -> list[tuple[str, int, bool]]:
    """(math text, line, display) for every math span, in order."""
    markdown = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), markdown)  # code blocks are not math
    out: list[tuple[str, int, bool]] = []
    for m in _SPAN.finditer(markdown):
        line = markdown.count("\n", 0, m.start()) + 1
        display = m.group("d1") is not None or m.group("d2") is not None
        body = next(g for g in (m.group("d1"), m.group("d2"), m.group("i1"), m.group("i2")) if g is not None)
        env = _ENV_ROWS.search(body)
        if env:
            for row in re.split(r"\\\\", env.group(2)):
                row = row.replace("&", " ").strip()
                if row:
                    out.append((row, line, True))
            continue
        out.append((body.strip(), line, display))
    return out


def statements(markdown: str) -> list[Statement]:
    """The math statements of a markdown section, continuation lines merged into chains."""
    spans = _spans(markdown)
    if not spans:
        # no math delimiters at all: read the section's non-empty lines as plain text
        spans = [(ln.strip(), i + 1, False) for i, ln in enumerate(markdown.splitlines())
                 if ln.strip() and not ln.lstrip().startswith("#")]
    result: list[Statement] = []
    for text, line, display in spans:
        if not text:
            continue
        segments = [s.strip() for s in _split(text)]
        boxed = _boxed_content(text) is not None
        if segments and segments[0] == "" and len(segments) > 1 and result:
            prev = result[-1]
            result[-1] = Statement(prev.segments + tuple(segments[1:]), f"{prev.text} {text}", prev.line,
                                   prev.display or display, prev.boxed or boxed)
            continue
        segments = [s for s in segments if s != ""] or [text]
        result.append(Statement(tuple(segments), text, line, display, boxed))
    return result


def normalise_name(latex: str) -> str:
    """A loose normal form of a quantity's name, for matching heads against targets."""
    s = latex.replace("\\left", "").replace("\\right", "").replace("\\partial", "d")
    s = re.sub(r"\\(mathrm|mathbf|boldsymbol|text|operatorname|mathit|bm)\b", "", s)
    s = re.sub(r"\\(prime)\b", "'", s)
    s = re.sub(r"[\s{}$\\,;!]", "", s).replace("^'", "'").replace("**", "^")
    greek = {"β": "beta", "η": "eta", "α": "alpha", "γ": "gamma", "θ": "theta", "λ": "lambda", "σ": "sigma"}
    for k, v in greek.items():
        s = s.replace(k, v)
    return s.lower()


def candidates(stmts: list[Statement], targets: tuple[str, ...]) -> list[Statement]:
    """Statements to read, best first (see the module docstring)."""
    boxed = [s for s in stmts if s.boxed]
    if boxed:
        picked = []
        for s in reversed(boxed):
            inner = _boxed_content(s.text) or s.text
            segs = tuple(x.strip() for x in _split(inner) if x.strip()) or (inner,)
            picked.append(Statement(segs, s.text, s.line, s.display, True))
        return picked
    if targets:
        wanted = {normalise_name(t) for t in targets}
        about = [s for s in stmts if s.head is not None and normalise_name(s.head) in wanted]
        if about:
            return list(reversed(about))
        # nobody states the target by name: read plain values (no head) that are not about another quantity
        plain = [s for s in stmts if s.head is None and normalise_name(s.text) not in wanted]
        return list(reversed(plain))
    chains = [s for s in stmts if s.head is not None or s.display]
    return list(reversed(chains or stmts))
