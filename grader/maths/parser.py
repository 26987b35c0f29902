"""Recursive-descent parser: tokens -> AST (nodes.py). Names are resolved against ``Symbols`` here;
nothing is evaluated and no sympy object is built (except tiny, guarded index arithmetic for ellipses)."""
from __future__ import annotations

import re

from .errors import ParseFailure
from .lexer import Token, is_latex, tokenize
from .names import FUNCTIONS
from .nodes import (AddN, Big, Bound, Const, Func, Lst, Mat, MulN, Neg, Node, Num, Pow, Seq, Sym,
                    Transpose, UFunc)
from .symbols import Symbols

MAX_DEPTH = 60
MAX_WORD = 40       # longest undeclared word we try to split into declared names
MAX_PIECE = 24      # longest piece considered by the split


def _short(name: str) -> str:
    return name if len(name) <= 30 else name[:27] + "..."
_DOTS = object()
_STYLE_CMDS = {"\\text", "\\mathrm", "\\mathbf", "\\boldsymbol", "\\operatorname", "\\mathit",
               "\\mathsf", "\\bm", "\\textbf", "\\textit", "\\mathnormal", "\\pmb"}
_MATRIX_ENVS = {"bmatrix", "pmatrix", "matrix", "Bmatrix", "smallmatrix", "array"}
_PRIMARY_CMDS = {"\\frac", "\\dfrac", "\\tfrac", "\\cfrac", "\\sqrt", "\\sum", "\\prod", "\\begin",
                 "\\boxed"} | _STYLE_CMDS
_WORD_RE = re.compile(r"^([A-Za-z]+?)(\d+)$")


class Parser:
    """One parse of one segment. Use :func:`parse_ast`."""

    def __init__(self, tokens: list[Token], symbols: Symbols, latex: bool, scope: tuple[str, ...] = ()):
        self.toks = tokens
        self.i = 0
        self.symbols = symbols
        self.latex = latex
        self.scope: list[str] = list(scope)
        self.depth = 0
        self.abs_depth = 0

    # -- token helpers -------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def at(self, kind: str, text: str | None = None) -> bool:
        t = self.toks[self.i]
        return t.kind == kind and (text is None or t.text == text)

    def at_op(self, *texts: str) -> bool:
        t = self.toks[self.i]
        return t.kind == "op" and t.text in texts

    def next(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect_op(self, text: str, what: str = "") -> Token:
        if not self.at_op(text):
            self.fail(f"expected '{text}'{what}")
        return self.next()

    def fail(self, msg: str, tok: Token | None = None):
        t = tok or self.tok
        if t.kind == "eof" and "end" not in msg:
            msg = f"{msg} (reached the end)"
        raise ParseFailure(msg, t.pos)

    def split_token(self, keep: int) -> Token:
        """Consume the first ``keep`` characters of the current token (TeX reads one character)."""
        t = self.tok
        head = Token(t.kind, t.text[:keep], t.pos, t.from_cmd)
        rest = t.text[keep:]
        rkind = "num" if rest[:1].isdigit() else t.kind
        self.toks[self.i] = Token(rkind, rest, t.pos + keep)
        return head

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"expression nested too deeply (more than {MAX_DEPTH} levels): size limit")

    def leave(self) -> None:
        self.depth -= 1

    # -- grammar -------------------------------------------------------------------------------
    def parse_top(self) -> Node:
        if self.at("eof"):
            self.fail("empty answer")
        items = [self.parse_sum()]
        while self.at_op(","):
            self.next()
            if self.at("eof"):
                break
            items.append(self.parse_sum())
        if self.at_op("="):
            self.fail("an equation ('='): split the chain first")
        if not self.at("eof"):
            t = self.tok
            self.fail(f"unexpected '{t.text}'")
        return items[0] if len(items) == 1 else Lst(tuple(items))

    def parse_sum(self) -> Node:
        self.enter()
        terms: list = []
        terms.append((1, self.parse_term()))
        while True:
            if self.at_op("+", "-"):
                sign = 1 if self.next().text == "+" else -1
                if self.at("dots"):
                    self.next()
                    terms.append(_DOTS)
                    if self.at_op("+"):
                        self.next()
                    elif self.at_op("-"):
                        self.fail("cannot read an ellipsis followed by '-'")
                    terms.append((1, self.parse_term()))
                    continue
                terms.append((sign, self.parse_term()))
            elif self.at("dots") and terms and terms[-1] is not _DOTS:
                self.next()
                terms.append(_DOTS)
                if self.at_op("+"):
                    self.next()
                if self.at_op(",") or self.at("eof") or self.at_op(")", "]", "}", "\\}", "&", "\\\\"):
                    self.fail("an ellipsis must stand between two terms of a sum")
                terms.append((1, self.parse_term()))
            else:
                break
        self.leave()
        if any(t is _DOTS for t in terms):
            terms = self.resolve_ellipsis(terms)
        if len(terms) == 1 and terms[0][0] == 1:
            return terms[0][1]
        return AddN(tuple(terms))

    def parse_term(self) -> Node:
        start = self.tok
        items: list[tuple[str, Node]] = [("*", self.parse_signed())]
        while True:
            if self.at_op("*", "\\cdot", "\\times", "/"):
                t = self.next().text
                op = "/" if t == "/" else ("star" if (t == "*" and self.latex) else "*")
                items.append((op, self.parse_signed()))
            else:
                break
        return items[0][1] if len(items) == 1 else MulN(tuple(items), start.pos)

    def parse_signed(self) -> Node:
        if self.at_op("-"):
            self.next()
            self.enter()
            node = Neg(self.parse_signed())
            self.leave()
            return node
        if self.at_op("+"):
            self.next()
            return self.parse_signed()
        return self.parse_implicit()

    def starts_primary(self) -> bool:
        t = self.tok
        if t.kind in ("num", "ident"):
            return True
        if t.kind == "op":
            if t.text in ("(", "[", "{", "\\{"):
                return True
            if t.text == "|":
                return self.abs_depth == 0
            return False
        if t.kind == "cmd":
            return t.text in _PRIMARY_CMDS
        return False

    def parse_implicit(self) -> Node:
        start = self.tok
        first = self.parse_power()
        items: list[tuple[str, Node]] = [("*", first)]
        prev = start
        while self.starts_primary():
            t = self.tok
            if t.kind == "num" and prev.kind == "num" and len(items) == 1 and isinstance(first, Num):
                self.fail("two numbers in a row")
            prev = t
            items.append(("*", self.parse_power()))
        return first if len(items) == 1 else MulN(tuple(items), start.pos)

    def parse_power(self) -> Node:
        start = self.tok
        base = self.parse_primary()
        while self.at_op("'"):
            self.next()
            base = self.apply_prime(base, start)
        if self.at_op("^"):
            self.next()
            return self.finish_power(base, start)
        if self.at_op("**"):
            self.next()
            self.enter()
            if self.at_op("-", "+"):
                sign = self.next().text
                exp = self.parse_power()
                exp = Neg(exp) if sign == "-" else exp
            else:
                exp = self.parse_power()
            self.leave()
            return Pow(base, exp, start.pos)
        return base

    def finish_power(self, base: Node, start: Token) -> Node:
        kind, exp = self.parse_exponent()
        if kind == "prime":
            return self.apply_prime(base, start)
        if kind == "transpose":
            return Transpose(base)
        return Pow(base, exp, start.pos)

    def parse_exponent(self) -> tuple[str, Node | None]:
        """After '^': returns ("prime", None), ("transpose", None) or ("pow", node)."""
        self.enter()
        try:
            t = self.tok
            if t.kind == "op" and t.text == "{":
                j = self.i + 1
                inner = self.toks[j]
                closing = self.toks[j + 1] if j + 1 < len(self.toks) else inner
                if closing.kind == "op" and closing.text == "}":
                    if inner.kind == "op" and inner.text in ("\\prime", "'"):
                        self.i = j + 2
                        return "prime", None
                    if inner.kind == "op" and inner.text == "\\top":
                        self.i = j + 2
                        return "transpose", None
                    if inner.kind == "ident" and inner.text == "T" and "T" not in self.symbols:
                        self.i = j + 2
                        return "transpose", None
                self.next()
                node = self.parse_group_body("}")
                return "pow", node
            if t.kind == "op" and t.text in ("\\prime", "'"):
                self.next()
                return "prime", None
            if t.kind == "op" and t.text == "\\top":
                self.next()
                return "transpose", None
            if t.kind == "ident" and t.text == "T" and "T" not in self.symbols:
                self.next()
                return "transpose", None
            if t.kind == "op" and t.text in ("-", "+"):
                self.next()
                kind, node = self.parse_exponent()
                if kind != "pow":
                    self.fail("cannot read this exponent")
                return "pow", (Neg(node) if t.text == "-" else node)
            if t.kind == "ident" and not t.from_cmd and len(t.text) > 1 and self.latex:
                head = self.split_token(1)
                return "pow", self.resolve_ident(head, allow_sub=False)
            if t.kind in ("num", "ident", "cmd") or (t.kind == "op" and t.text in ("(", "[", "|")):
                return "pow", self.parse_power_operand()
            self.fail("missing exponent after '^'")
        finally:
            self.leave()
        raise AssertionError

    def parse_power_operand(self) -> Node:
        node = self.parse_primary()
        if self.at_op("^", "**"):
            start = self.tok
            self.next()
            return self.finish_power(node, start)
        return node

    def apply_prime(self, node: Node, tok: Token) -> Node:
        if isinstance(node, Sym):
            name = node.name + "'"
            if name in self.symbols:
                return Sym(name)
            raise ParseFailure(f"unknown name '{name}'", tok.pos)
        raise ParseFailure("a prime (') only follows a name", tok.pos)

    def parse_group_body(self, close: str) -> Node:
        """Parse ``expr`` (or a comma list) up to the closing token, which is consumed."""
        self.enter()
        items = [self.parse_sum()]
        while self.at_op(","):
            self.next()
            items.append(self.parse_sum())
        if not self.at_op(close):
            if self.at("eof"):
                self.fail(f"missing '{close}'")
            self.fail(f"unexpected '{self.tok.text}' (expected '{close}')")
        self.next()
        self.leave()
        return items[0] if len(items) == 1 else Lst(tuple(items))

    def macro_arg(self) -> Node:
        """One TeX argument: {group}, a single digit, a single letter, or a command."""
        t = self.tok
        if t.kind == "op" and t.text == "{":
            self.next()
            return self.parse_group_body("}")
        if t.kind == "num":
            if len(t.text) > 1:
                head = self.split_token(1)
                return Num(head.text)
            self.next()
            return Num(t.text)
        if t.kind == "ident":
            if len(t.text) > 1 and not t.from_cmd:
                head = self.split_token(1)
                return self.resolve_ident(head, allow_sub=False)
            return self.parse_primary()
        if t.kind == "cmd":
            return self.parse_primary()
        self.fail("missing argument")
        raise AssertionError

    def parse_primary(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.next()
            return Num(t.text)
        if t.kind == "ident":
            self.next()
            return self.resolve_ident(t)
        if t.kind == "dots":
            self.fail("an ellipsis must stand between two terms of a sum")
        if t.kind == "op":
            if t.text == "(":
                self.next()
                return self.parse_group_body(")")
            if t.text == "{":
                self.next()
                return self.parse_group_body("}")
            if t.text == "\\{":
                self.next()
                node = self.parse_group_body("\\}")
                return node if isinstance(node, Lst) else Lst((node,))
            if t.text == "[":
                self.next()
                return self.parse_brackets()
            if t.text == "|":
                self.next()
                self.abs_depth += 1
                self.enter()
                inner = self.parse_sum()
                self.leave()
                self.abs_depth -= 1
                self.expect_op("|", " to close |...|")
                return Func("Abs", (inner,))
            self.fail(f"unexpected '{t.text}'")
        if t.kind == "cmd":
            return self.parse_command()
        self.fail("unexpected end of the answer")
        raise AssertionError

    def _bracket_item(self) -> Node:
        """One item of [a, b] / [[a], [b]]: a bracketed single item becomes a 1x1 row."""
        i0 = self.i
        node = self.parse_sum()
        if self.toks[i0].kind == "op" and self.toks[i0].text == "[" and not isinstance(node, Mat):
            depth = 0
            for j in range(i0, self.i):
                t = self.toks[j]
                if t.kind == "op" and t.text == "[":
                    depth += 1
                elif t.kind == "op" and t.text == "]":
                    depth -= 1
                    if depth == 0:
                        if j == self.i - 1:
                            return Mat(((node,),))
                        break
        return node

    def parse_brackets(self) -> Node:
        items = [self._bracket_item()]
        while self.at_op(","):
            self.next()
            items.append(self._bracket_item())
        self.expect_op("]", " to close '['")
        if len(items) == 1:
            return items[0]
        if all(isinstance(x, Mat) and len(x.rows) == 1 for x in items):
            width = len(items[0].rows[0])  # type: ignore[union-attr]
            if any(len(x.rows[0]) != width for x in items):  # type: ignore[union-attr]
                self.fail("rows of different lengths")
            return Mat(tuple(x.rows[0] for x in items))  # type: ignore[union-attr]
        if any(isinstance(x, (Mat, Lst)) for x in items):
            self.fail("cannot mix numbers and rows in a matrix")
        return Mat((tuple(items),))

    def parse_command(self) -> Node:
        t = self.next()
        name = t.text
        if name in ("\\frac", "\\dfrac", "\\tfrac", "\\cfrac"):
            self.enter()
            num = self.macro_arg()
            den = self.macro_arg()
            self.leave()
            return MulN((("*", num), ("/", den)), t.pos)
        if name == "\\sqrt":
            self.enter()
            index = None
            if self.at_op("["):
                self.next()
                index = self.parse_sum()
                self.expect_op("]")
            arg = self.macro_arg()
            self.leave()
            return Func("sqrt", (arg,)) if index is None else Func("root", (arg, index))
        if name in ("\\sum", "\\prod"):
            return self.parse_big("sum" if name == "\\sum" else "prod", t)
        if name == "\\begin":
            return self.parse_env(t)
        if name == "\\boxed":
            return self.macro_arg()
        if name in _STYLE_CMDS:
            if not self.at_op("{"):
                self.fail(f"expected '{{' after {name}")
            j = self.i
            if (self.toks[j + 1].kind == "ident" and self.toks[j + 2].kind == "op"
                    and self.toks[j + 2].text == "}"):
                # \mathrm{exp}, \mathbf{W}: the word itself, so it can take arguments/subscripts
                inner = self.toks[j + 1]
                del self.toks[j + 2]
                del self.toks[j]
                self.i = j
                self.toks[j] = Token("ident", inner.text, inner.pos, inner.from_cmd)
                return self.parse_primary()
            self.next()
            return self.parse_group_body("}")
        if name == "\\end":
            self.fail("unexpected \\end")
        self.fail(f"unknown command '{name}'", t)
        raise AssertionError

    def parse_env(self, t: Token) -> Node:
        self.expect_op("{")
        if not self.at("ident"):
            self.fail("expected an environment name")
        env = self.next().text
        self.expect_op("}")
        if env in ("vmatrix", "Vmatrix"):
            self.fail(f"determinant bars ({env}) are not supported")
        if env not in _MATRIX_ENVS:
            self.fail(f"unsupported environment '{env}'")
        if env == "array":
            self.expect_op("{")
            while not self.at_op("}"):
                if self.at("eof"):
                    self.fail("missing '}' after the array column spec")
                self.next()
            self.next()
        rows: list[tuple[Node, ...]] = []
        row: list[Node] = []
        self.enter()
        while True:
            if self.at("cmd", "\\end"):
                break
            if self.at("eof"):
                self.fail(f"missing \\end{{{env}}}")
            if self.at_op("\\\\") and not row:
                self.fail("empty matrix row")
            row.append(self.parse_sum())
            if self.at_op("&"):
                self.next()
                continue
            if self.at_op("\\\\"):
                self.next()
                rows.append(tuple(row))
                row = []
                continue
            if not self.at("cmd", "\\end"):
                self.fail(f"unexpected '{self.tok.text}' in a matrix")
        self.leave()
        if row:
            rows.append(tuple(row))
        self.next()
        self.expect_op("{")
        if not self.at("ident", env):
            self.fail(f"expected \\end{{{env}}}")
        self.next()
        self.expect_op("}")
        if not rows:
            self.fail("empty matrix", t)
        width = len(rows[0])
        if any(len(r) != width for r in rows):
            self.fail("matrix rows of different lengths", t)
        if len(rows) * width > 400:
            self.fail("matrix too large (more than 400 entries): size limit", t)
        return Mat(tuple(rows))

    def parse_big(self, kind: str, t: Token) -> Node:
        var = lo = hi = None
        for _ in range(2):
            if self.at_op("_") and var is None:
                self.next()
                if not self.at_op("{"):
                    self.fail("a sum needs bounds like \\sum_{i=1}^{n}")
                self.next()
                if not self.at("ident"):
                    self.fail("expected the index name")
                vt = self.next()
                var = vt.text
                if not re.fullmatch(r"[A-Za-z]+", var) or self.symbols.is_sequence(var):
                    self.fail(f"bad summation index '{var}'", vt)
                if not self.at_op("="):
                    self.fail("a sum needs bounds like \\sum_{i=1}^{n}")
                self.next()
                lo = self.parse_group_body("}")
            elif self.at_op("^") and hi is None:
                self.next()
                if self.at_op("{"):
                    self.next()
                    hi = self.parse_group_body("}")
                else:
                    hi = self.macro_arg()
        if var is None or lo is None or hi is None:
            self.fail("a sum needs bounds like \\sum_{i=1}^{n}", t)
        self.scope.append(var)  # type: ignore[arg-type]
        self.enter()
        body = self.parse_term()
        self.leave()
        self.scope.pop()
        return Big(kind, var, lo, hi, body)  # type: ignore[arg-type]

    # -- names ---------------------------------------------------------------------------------
    def single_atom(self, w: str):
        """Resolve one word to an atom tuple, or None."""
        if w in self.scope:
            return ("bound", w)
        d = self.symbols.get(w)
        if d is not None:
            if d.kind == "sequence":
                return ("seq", w)
            if d.kind == "function":
                return ("ufunc", w)
            return ("sym", w)
        m = _WORD_RE.match(w)
        if m:
            letters, digits = m.group(1), m.group(2)
            n = f"{letters}_{digits}"
            if n in self.symbols and not self.symbols.is_sequence(n):
                return ("sym", n, letters, Num(str(int(digits))))
            if self.symbols.is_sequence(letters):
                return ("seqelem", letters, Num(str(int(digits))))
        if w in FUNCTIONS:
            return ("func", w)
        if w == "e":
            return ("const", "E")
        if w == "pi":
            return ("const", "pi")
        return None

    def split_word(self, w: str):
        """Split an undeclared word into declared names (fewest pieces), e.g. pW -> p, W."""
        n = len(w)
        if n > MAX_WORD:
            return None
        best: list = [None] * (n + 1)
        best[0] = []
        for end in range(1, n + 1):
            for start in range(end - 1, max(-1, end - 1 - MAX_PIECE), -1):
                if best[start] is None:
                    continue
                a = self.single_atom(w[start:end])
                if a is None or a[0] in ("func", "const", "ufunc"):
                    continue
                cand = best[start] + [a]
                if best[end] is None or len(cand) < len(best[end]):
                    best[end] = cand
        return best[n]

    def resolve_ident(self, t: Token, allow_sub: bool = True) -> Node:
        word = t.text
        if allow_sub and self.at_op("_"):
            return self.resolve_subscripted(t)
        a = self.single_atom(word)
        if a is not None:
            return self.atom_node(a, t)
        pieces = None if t.from_cmd else self.split_word(word)
        if not pieces or len(pieces) < 2:
            raise ParseFailure(f"unknown name '{_short(word)}'", t.pos)
        nodes = [self.atom_node(p, t) for p in pieces]
        return MulN(tuple(("*", x) for x in nodes), t.pos)

    def atom_node(self, a, t: Token) -> Node:
        kind = a[0]
        if kind == "bound":
            return Bound(a[1])
        if kind == "sym":
            return Sym(a[1], *(a[2:] if len(a) > 2 else ()))
        if kind == "seqelem":
            return Seq(a[1], a[2])
        if kind == "seq":
            raise ParseFailure(f"'{a[1]}' is a sequence: write an element such as {a[1]}_i", t.pos)
        if kind == "const":
            return Const(a[1])
        if kind in ("func", "ufunc"):
            return self.parse_call(a, t)
        raise AssertionError(a)

    def parse_call(self, a, t: Token) -> Node:
        name = a[1]
        power = None
        if self.at_op("^") and a[0] == "func":
            self.next()
            kind, power = self.parse_exponent()
            if kind != "pow":
                self.fail("cannot read this exponent")
        self.enter()
        if self.at_op("("):
            self.next()
            g = self.parse_group_body(")")
            args = g.items if isinstance(g, Lst) else (g,)
        elif self.at_op("{"):
            self.next()
            g = self.parse_group_body("}")
            args = g.items if isinstance(g, Lst) else (g,)
        elif self.starts_primary():
            args = (self.parse_power(),)
        else:
            self.fail(f"missing argument of {name}")
        self.leave()
        if a[0] == "func":
            fname, arity = FUNCTIONS[name]
            if arity != -1 and len(args) != arity:
                raise ParseFailure(f"{name} takes {arity} argument(s), got {len(args)}", t.pos)
            node: Node = Func(fname, tuple(args))
        else:
            d = self.symbols.get(name)
            if d is None or len(args) != len(d.args):
                raise ParseFailure(f"{name} takes {len(d.args) if d else 0} argument(s), got {len(args)}", t.pos)
            node = UFunc(name, tuple(args))
        return Pow(node, power, t.pos) if power is not None else node

    def read_subscript(self, base: str) -> tuple[list[Token], str]:
        """After '_': the subscript tokens and their text (braces and spaces removed)."""
        self.expect_op("_")
        t = self.tok
        if t.kind == "op" and t.text == "{":
            self.next()
            depth = 1
            toks: list[Token] = []
            while True:
                u = self.tok
                if u.kind == "eof":
                    self.fail("missing '}' in a subscript")
                if u.kind == "op" and u.text == "{":
                    depth += 1
                elif u.kind == "op" and u.text == "}":
                    depth -= 1
                    if depth == 0:
                        self.next()
                        break
                toks.append(self.next())
            if not toks:
                self.fail("empty subscript")
        elif t.kind == "num":
            toks = [self.next()]
        elif t.kind == "ident":
            if len(t.text) > 1 and not t.from_cmd and f"{base}_{t.text}" not in self.symbols:
                toks = [self.split_token(1)]
            else:
                toks = [self.next()]
        else:
            self.fail("cannot read this subscript")
        text = "".join(x.text for x in toks if not (x.kind == "op" and x.text in "{}"))
        return toks, text

    def parse_index(self, toks: list[Token]) -> Node:
        sub = Parser(list(toks) + [Token("eof", "", toks[-1].pos + len(toks[-1].text))],
                     self.symbols, self.latex, tuple(self.scope))
        sub.depth = self.depth
        return sub.parse_top()

    def resolve_subscripted(self, t: Token) -> Node:
        word = t.text
        toks, text = self.read_subscript(word)
        # choose the base: the whole word, else its longest declared suffix (pW_1 -> p * W_1)
        for cut in range(0, len(word)):
            base, prefix = word[cut:], word[:cut]
            name = f"{base}_{text}"
            is_seq = self.symbols.is_sequence(base)
            declared = name in self.symbols and not self.symbols.is_sequence(name)
            if not (is_seq or declared):
                continue
            if prefix:
                pieces = self.split_word(prefix) if self.single_atom(prefix) is None else [self.single_atom(prefix)]
                if not pieces:
                    continue
            if is_seq and (not declared or any(x.kind == "ident" and x.text in self.scope for x in toks)):
                elem: Node = Seq(base, self.parse_index(toks))
            else:
                try:
                    index = self.parse_index(toks)
                except ParseFailure:
                    index = None
                elem = Sym(name, base, index)
            if not prefix:
                return elem
            front = [self.atom_node(p, t) for p in pieces]
            return MulN(tuple(("*", x) for x in front + [elem]), t.pos)
        raise ParseFailure(f"unknown name '{_short(word + '_' + text)}'", t.pos)

    # -- ellipsis sums -------------------------------------------------------------------------
    def resolve_ellipsis(self, terms: list) -> list:
        from .build import index_expr  # small, guarded index arithmetic
        k = [i for i, x in enumerate(terms) if x is _DOTS]
        if len(k) != 1:
            self.fail("only one ellipsis per sum is supported")
        d = k[0]
        left, right = terms[:d], terms[d + 1:]

        def elem(x):
            sign, node = x
            if sign < 0:
                return None
            if isinstance(node, Seq):
                return node.base, node.index
            if isinstance(node, Sym) and node.base is not None and node.index is not None:
                return node.base, node.index
            return None

        def idx(node):
            return index_expr(node, self.symbols)

        a, b = elem(left[-1]), elem(right[0])
        if a is None or b is None or a[0] != b[0]:
            self.fail("cannot read the ellipsis: it needs terms like x_1 + x_2 + \\dots + x_n")
        base = a[0]
        ia, ib = idx(a[1]), idx(b[1])
        prev = elem(left[-2]) if len(left) >= 2 else None
        if prev is not None and prev[0] == base:
            step = ia - idx(prev[1])
            if step not in (1, -1):
                self.fail("cannot read the ellipsis: the indices do not step by 1")
        else:
            diff = ib - ia
            if diff.is_number:
                if diff == 0:
                    self.fail("cannot read the ellipsis: the same term on both sides")
                step = 1 if diff > 0 else -1
            elif not ia.free_symbols and ib.free_symbols:
                step = 1
            elif ia.free_symbols and not ib.free_symbols:
                step = -1
            else:
                step = 1
        j = len(left) - 1
        while j >= 1:
            e = elem(left[j - 1])
            if e is None or e[0] != base or idx(elem(left[j])[1]) - idx(e[1]) != step:
                break
            j -= 1
        start_node = elem(left[j])[1]
        start = idx(start_node)
        span = (ib - start) * step
        if span.is_number and span < 0:
            self.fail("cannot read the ellipsis: the last term comes before the first")
        lo_node, hi_node = (start_node, b[1]) if step == 1 else (b[1], start_node)
        if self.symbols.is_sequence(base):
            var = next(v for v in ("i", "j", "m", "n", "r", "s", "q", "l")
                       if v not in self.symbols and v not in self.scope)
            node: Node = Big("sum", var, lo_node, hi_node, Seq(base, Bound(var)))
        else:
            lo, hi = idx(lo_node), idx(hi_node)
            if not (lo.is_Integer and hi.is_Integer) or hi - lo > 200:
                self.fail(f"cannot read the ellipsis: declare '{base}' as a sequence")
            parts = []
            for n in range(int(lo), int(hi) + 1):
                name = f"{base}_{n}"
                if name not in self.symbols:
                    self.fail(f"unknown name '{name}' (implied by the ellipsis)")
                parts.append((1, Sym(name, base, Num(str(n)))))
            node = AddN(tuple(parts))
        return left[:j] + [(1, node)] + right[1:]


def parse_ast(text: str, symbols: Symbols) -> Node:
    """Tokenize and parse one segment to an AST (raises ParseFailure)."""
    toks = tokenize(text)
    return Parser(toks, symbols, is_latex(text)).parse_top()
