"""Safe parsing of user text into SymPy objects, and real-by-default symbols.

The parser never hands the user's text to ``eval``, ``exec``, ``sympify`` or
``parse_expr``. It tokenizes the text, checks it, parses it with :func:`ast.parse` into
a syntax tree, and walks that tree with a whitelist of node kinds, building SymPy objects
itself. Anything outside the whitelist is a :class:`~symml.errors.ParseError` naming the
column and the offending token.

Two limits keep short inputs from exhausting the machine: the nesting depth (parentheses,
calls, unary signs and powers; a flat chain ``a + b - c + ...`` or ``a*b/c*...`` is one
level however long) and the size of the exact numbers SymPy would compute
(:data:`MAX_NUMBER_DIGITS`: ``9**9**9``, ``gamma(10**7)`` or ``exp(10**8*log(2))`` would each
build an integer of millions of digits, so they are a ParseError). A long flat sum is
parsed term by term, so Python's own limit on the depth of syntax trees never applies to it.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import re
import tokenize
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import sympy

from symml.config import config
from symml.errors import ParseError
from symml.matrix_parsing import ShapesLike, parse_matrix

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_NUMBER_DIGITS",
    "NOT_NUMBERS",
    "RELATIONS",
    "assume",
    "euler_columns",
    "parse",
    "symbols",
]

#: Largest number of decimal digits of an exact number (integer or fraction) the parser
#: lets SymPy build; larger powers, products and ``gamma`` values are a ParseError.
MAX_NUMBER_DIGITS = 1000


def symbols(names: str | Iterable[str], **assumptions: Any) -> Any:
    """Create SymPy symbols that are ``real=True`` unless told otherwise.

    Args:
        names: As for :func:`sympy.symbols`: ``"x y"``, ``"x, y"``, ``"x:3"``.
        **assumptions: SymPy assumptions; ``real`` defaults to ``True``.

    Returns:
        A Symbol or a tuple of Symbols, as :func:`sympy.symbols` returns.

    Examples:
        >>> x, y = symbols("x y")
        >>> x.is_real
        True
        >>> symbols("z", positive=True).is_positive
        True
    """
    assumptions.setdefault("real", True)
    if assumptions["real"] is None:
        del assumptions["real"]
    return sympy.symbols(names, **assumptions)


#: ``NAME <relation> 0`` in an assumption (``--assume "sigma>0"``): the SymPy assumption given.
RELATIONS: dict[str, str] = {
    ">": "positive",
    ">=": "nonnegative",
    "<": "negative",
    "<=": "nonpositive",
    "!=": "nonzero",
}
_ASSUMPTION = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|!=|>|<)\s*0\s*\Z")


def assume(expr: Any, spec: str | Iterable[str]) -> Any:
    """``expr`` with each symbol ``spec`` names replaced by a same-named real symbol that
    also has the assumption given (``"sigma>0"``: positive), so that SymPy can use it:
    the Gaussian integral is then ``sqrt(2)*sqrt(pi)*sigma``, not a ``Piecewise`` on
    ``arg(sigma)``. Nothing of ``spec`` is evaluated: each item must read ``NAME>0``,
    ``NAME>=0``, ``NAME<0``, ``NAME<=0`` or ``NAME!=0`` (:data:`RELATIONS`).

    Args:
        expr: A SymPy object (a ``str`` is parsed first).
        spec: Comma separated items (``"sigma>0, lam>=0"``), or a sequence of them.

    Raises:
        ValueError: For an item of another form, or a name that is not a symbol of ``expr``.

    Examples:
        >>> e = assume("exp(-x**2/(2*sigma**2))", "sigma>0")
        >>> [(s.name, s.is_positive) for s in sorted(e.free_symbols, key=str)]
        [('sigma', True), ('x', None)]
        >>> try:
        ...     assume("x", "x>1")
        ... except ValueError as err:
        ...     print(err)
        assume: cannot read 'x>1': write NAME>0, NAME>=0, NAME<0, NAME<=0 or NAME!=0
    """
    e = parse(expr) if isinstance(expr, str) else expr
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    wanted: dict[str, str] = {}
    for item in (i for i in items if i.strip()):
        m = _ASSUMPTION.match(item)
        if m is None:
            forms = [f"NAME{r}0" for r in RELATIONS]
            raise ValueError(
                f"assume: cannot read {item.strip()!r}: write "
                f"{', '.join(forms[:-1])} or {forms[-1]}"
            )
        wanted[m.group(1)] = RELATIONS[m.group(2)]
    own = {s.name: s for s in e.atoms(sympy.Symbol) if not isinstance(s, sympy.Dummy)}
    missing = sorted(set(wanted) - set(own))
    if missing:
        raise ValueError(f"assume: {missing[0]!r} does not occur in {e}")
    return e.xreplace(
        {own[n]: sympy.Symbol(n, real=True, **{how: True}) for n, how in wanted.items()}
    )


def _sigmoid(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


def _relu(x: sympy.Expr) -> sympy.Expr:
    return sympy.Max(0, x)


def _softplus(x: sympy.Expr) -> sympy.Expr:
    return sympy.log(1 + sympy.exp(x))


#: Callable names the parser accepts, with (builder, smallest and largest argument count).
FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int | None]] = {
    "sin": (sympy.sin, 1, 1),
    "cos": (sympy.cos, 1, 1),
    "tan": (sympy.tan, 1, 1),
    "asin": (sympy.asin, 1, 1),
    "acos": (sympy.acos, 1, 1),
    "atan": (sympy.atan, 1, 1),
    "sinh": (sympy.sinh, 1, 1),
    "cosh": (sympy.cosh, 1, 1),
    "tanh": (sympy.tanh, 1, 1),
    "exp": (sympy.exp, 1, 1),
    "log": (sympy.log, 1, 2),
    "ln": (sympy.log, 1, 1),
    "sqrt": (sympy.sqrt, 1, 1),
    "abs": (sympy.Abs, 1, 1),
    "Abs": (sympy.Abs, 1, 1),
    "sign": (sympy.sign, 1, 1),
    "erf": (sympy.erf, 1, 1),
    "gamma": (sympy.gamma, 1, 1),
    "sigmoid": (_sigmoid, 1, 1),
    "relu": (_relu, 1, 1),
    "softplus": (_softplus, 1, 1),
    "Max": (sympy.Max, 1, None),
    "Min": (sympy.Min, 1, None),
    "max": (sympy.Max, 1, None),
    "min": (sympy.Min, 1, None),
    "floor": (sympy.floor, 1, 1),
    "ceiling": (sympy.ceiling, 1, 1),
    "ceil": (sympy.ceiling, 1, 1),
    # the other trigonometric and hyperbolic functions, and their inverses
    "sec": (sympy.sec, 1, 1),
    "csc": (sympy.csc, 1, 1),
    "cot": (sympy.cot, 1, 1),
    "asec": (sympy.asec, 1, 1),
    "acsc": (sympy.acsc, 1, 1),
    "acot": (sympy.acot, 1, 1),
    "atan2": (sympy.atan2, 2, 2),
    "sech": (sympy.sech, 1, 1),
    "csch": (sympy.csch, 1, 1),
    "coth": (sympy.coth, 1, 1),
    "asinh": (sympy.asinh, 1, 1),
    "acosh": (sympy.acosh, 1, 1),
    "atanh": (sympy.atanh, 1, 1),
    "asech": (sympy.asech, 1, 1),
    "acsch": (sympy.acsch, 1, 1),
    "acoth": (sympy.acoth, 1, 1),
    "cbrt": (sympy.cbrt, 1, 1),
    # the special functions antiderivatives are written with (SymPy's names)
    "erfc": (sympy.erfc, 1, 1),
    "erfi": (sympy.erfi, 1, 1),
    "erfinv": (sympy.erfinv, 1, 1),
    "erfcinv": (sympy.erfcinv, 1, 1),
    "Ei": (sympy.Ei, 1, 1),
    "li": (sympy.li, 1, 1),
    "Li": (sympy.Li, 1, 1),
    "Si": (sympy.Si, 1, 1),
    "Ci": (sympy.Ci, 1, 1),
    "Shi": (sympy.Shi, 1, 1),
    "Chi": (sympy.Chi, 1, 1),
    "fresnels": (sympy.fresnels, 1, 1),
    "fresnelc": (sympy.fresnelc, 1, 1),
    "expint": (sympy.expint, 2, 2),
    "polylog": (sympy.polylog, 2, 2),
    "loggamma": (sympy.loggamma, 1, 1),
    "lowergamma": (sympy.lowergamma, 2, 2),
    "uppergamma": (sympy.uppergamma, 2, 2),
    "LambertW": (sympy.LambertW, 1, 2),
    "besselj": (sympy.besselj, 2, 2),
    "bessely": (sympy.bessely, 2, 2),
    "besseli": (sympy.besseli, 2, 2),
    "besselk": (sympy.besselk, 2, 2),
    "airyai": (sympy.airyai, 1, 1),
    "airybi": (sympy.airybi, 1, 1),
    "Heaviside": (sympy.Heaviside, 1, 1),
}

#: Names that mean constants rather than symbols.
CONSTANTS: dict[str, sympy.Expr] = {
    "pi": sympy.pi,
    "e": sympy.E,
    "E": sympy.E,
    "oo": sympy.oo,
    "inf": sympy.oo,
}

#: Names a reader takes for a value that is not a number: refused rather than made symbols
#: (a symbol called ``nan`` would print as ``nan`` and look like a numeric failure).
NOT_NUMBERS: dict[str, str] = {
    "nan": "not a number",
    "NaN": "not a number",
    "zoo": "complex infinity",
}

#: Left-associative operators of the same precedence form one flat chain (one nesting level).
_CHAINS: dict[type, str] = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}
#: Operators split off at the top level of the text, so that ``ast`` never sees a long chain.
_SPLIT_AT: tuple[dict[str, type], ...] = (
    {"+": ast.Add, "-": ast.Sub},
    {"*": ast.Mult, "/": ast.Div},
)
#: How each operator node is written, for error messages that point at the operator.
_OPERATOR_TEXT: dict[type, str] = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Invert: "~",
    ast.Not: "not",
}

_NODE_WORDS: dict[type, str] = {
    ast.Attribute: "attribute access is",
    ast.Subscript: "subscripts are",
    ast.Lambda: "lambda expressions are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "comprehensions are",
    ast.Compare: "comparisons are",
    ast.BoolOp: "boolean operators are",
    ast.IfExp: "conditional expressions are",
    ast.Dict: "dictionaries are",
    ast.Set: "sets are",
    ast.Tuple: "tuples are",
    ast.Starred: "starred arguments are",
    ast.NamedExpr: "assignment expressions are",
    ast.JoinedStr: "strings are",
    ast.Await: "await is",
    ast.Yield: "yield is",
    ast.YieldFrom: "yield is",
    ast.Slice: "slices are",
}

_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
#: Operators that need an operand on both sides (``*`` and ``/`` cannot follow one of them,
#: unlike a sign: ``x**-2``).
_BINARY_ONLY = frozenset({"*", "/", "**", "//", "%", "@"})


class _Source:
    """The user's text, the text given to ``ast``, and a map between their columns."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.shift: list[int] = []  # columns (in the parsed text) where "^" became "**"
        self.parsed = self._translate(text)

    def _translate(self, text: str) -> str:
        out: list[str] = []
        for col, ch in enumerate(text):
            if ch == "^":
                self.shift.append(col + len(self.shift))
                out.append("**")
            else:
                out.append(ch)
        return "".join(out)

    def user_column(self, col0: int) -> int:
        """1-based column in the user's text of 0-based column ``col0`` of the parsed text."""
        return col0 - sum(1 for s in self.shift if s < col0) + 1

    def user_token(self, tok: tokenize.TokenInfo) -> str:
        """The user's text of a token of the parsed text (``^`` where ``**`` was read)."""
        return self.text[self.user_column(tok.start[1]) - 1 : self.user_column(tok.end[1]) - 1]

    def segment(self, node: ast.AST) -> str:
        """The user's text of ``node`` (``^`` as the user wrote it, not ``**``)."""
        start = self.user_column(node.col_offset) - 1  # type: ignore[attr-defined]
        end = self.user_column(node.end_col_offset) - 1  # type: ignore[attr-defined]
        return self.text[start:end]

    def operator_at(self, node: ast.BinOp) -> tuple[int, str]:
        """1-based user column and text of the operator between a BinOp's operands."""
        lo, hi = node.left.end_col_offset or 0, node.right.col_offset
        between = self.parsed[lo:hi]
        skip = len(between) - len(between.lstrip(" )"))
        token = _OPERATOR_TEXT.get(type(node.op)) or between.strip(" ()") or "?"
        return self.user_column((lo or 0) + skip), token

    def error(
        self,
        message: str,
        node: ast.AST | None = None,
        token: str | None = None,
        column: int | None = None,
    ) -> ParseError:
        col = column or 0
        if node is not None and hasattr(node, "col_offset") and column is None:
            col = self.user_column(node.col_offset)  # type: ignore[attr-defined]
        if node is not None and hasattr(node, "col_offset") and token is None:
            token = self.segment(node)[:40]
        return ParseError(
            f"cannot parse {self.text[:80]!r}: {message}",
            text=self.text,
            position=col,
            token=token or "",
        )


def _tokens(src: _Source) -> list[tokenize.TokenInfo] | None:
    """The significant tokens of the parsed text (``None`` when it does not tokenize:
    ``ast.parse`` then reports the problem with its position)."""
    try:
        return [
            t
            for t in tokenize.generate_tokens(io.StringIO(src.parsed).readline)
            if t.type
            not in (
                tokenize.NL,
                tokenize.NEWLINE,
                tokenize.ENDMARKER,
                tokenize.INDENT,
                tokenize.DEDENT,
                tokenize.COMMENT,
            )
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None


def _check_tokens(src: _Source, toks: list[tokenize.TokenInfo] | None) -> None:
    """Reject what the tokenizer can see: implicit multiplication, strings, bad characters,
    malformed numbers."""
    if toks is None:
        return
    prev = None
    # a keyword (``lambda``, ``for``, ``if``) changes what brackets mean: ``(lambda: 1)()``
    # is a call, not a product; ast names the construct
    keywords = _has_keyword(toks)
    for tok in toks:
        col = src.user_column(tok.start[1])
        if tok.type == tokenize.NUMBER:
            _check_literal_size(src, tok, col)
        if tok.type == tokenize.STRING:
            raise ParseError(
                f"cannot parse {src.text[:80]!r}: strings are not allowed",
                text=src.text,
                position=col,
                token=tok.string[:40],
            )
        if tok.type == tokenize.ERRORTOKEN and not tok.string.isspace():
            raise ParseError(
                f"cannot parse {src.text[:80]!r}: unexpected character",
                text=src.text,
                position=col,
                token=tok.string,
            )
        if (
            prev is not None and prev.type == tok.type == tokenize.NUMBER and prev.end == tok.start
        ):  # "0777", "1..2": one number the tokenizer split
            _malformed_number(src, prev, tok)
        if prev is not None:
            ends_operand = _is_operand(prev) or prev.string in (")", "]")
            starts_operand = _is_operand(tok) or tok.string == "("
            is_call = prev.type == tokenize.NAME and tok.string == "("
            if ends_operand and starts_operand and not is_call and not keywords:
                # "sin x" means sin(x): a function's name is not a factor
                meant = (
                    f"{prev.string}({tok.string})"
                    if prev.string in FUNCTIONS
                    else f"{prev.string}*{tok.string}"
                )
                raise ParseError(
                    f"cannot parse {src.text[:80]!r}: implicit multiplication is not supported; "
                    f"write {meant}",
                    text=src.text,
                    position=col,
                    token=tok.string,
                )
            if prev.string in _BINARY_ONLY and tok.string in _BINARY_ONLY:
                first, second = src.user_token(prev), src.user_token(tok)
                raise ParseError(
                    f"cannot parse {src.text[:80]!r}: two operators in a row ({first!r} then "
                    f"{second!r}); write one, e.g. x{first}2",
                    text=src.text,
                    position=col,
                    token=second,
                )
        prev = tok


def _check_literal_size(src: _Source, tok: tokenize.TokenInfo, col: int) -> None:
    """Refuse a number written with more than :data:`MAX_NUMBER_DIGITS` digits (Python's own
    error would suggest ``sys.set_int_max_str_digits()``)."""
    digits = sum(ch.isdigit() for ch in re.split(r"[eEjJ]", tok.string)[0])
    if digits > MAX_NUMBER_DIGITS:
        raise ParseError(
            f"cannot parse {src.text[:80]!r}: a number of {digits} digits "
            f"(at most {MAX_NUMBER_DIGITS} allowed)",
            text=src.text,
            position=col,
            token=tok.string[:20],
        )


def _malformed_number(src: _Source, first: tokenize.TokenInfo, second: tokenize.TokenInfo) -> None:
    col = src.user_column(first.start[1])
    text = first.string + second.string
    if first.string.strip("0") == "" and second.string[:1].isdigit():
        digits = text.lstrip("0") or "0"
        why = f"leading zeros are not allowed in a number: write {digits} (0o{digits} for octal)"
    else:
        why = f"{text!r} is not a number"
    raise ParseError(
        f"cannot parse {src.text[:80]!r}: {why}", text=src.text, position=col, token=text
    )


def _split(
    toks: list[tokenize.TokenInfo], ops: dict[str, type]
) -> list[tuple[type | None, list[tokenize.TokenInfo]]]:
    """Split a token run at its top-level binary operators in ``ops`` (not inside brackets,
    not a unary sign, not the last token): ``[(None, first), (op, next), ...]``."""
    pieces: list[tuple[type | None, list[tokenize.TokenInfo]]] = [(None, [])]
    depth = 0
    prev = None
    for i, tok in enumerate(toks):
        step = _bracket(tok)
        depth += step
        if (
            not step
            and depth == 0
            and tok.string in ops
            and prev is not None
            and i + 1 < len(toks)
            and (_is_operand(prev) or prev.string in (")", "]"))
        ):
            pieces.append((ops[tok.string], []))
            prev = tok
            continue
        pieces[-1][1].append(tok)
        prev = tok
    return pieces


def _parse_span(src: _Source, start: int, end: int) -> ast.expr:
    """``ast.parse`` of ``src.parsed[start:end]``, with the columns of the whole text."""
    code = (
        src.parsed[start:end]
        if start == 0
        else "(" + " " * (start - 1) + src.parsed[start:end] + ")"
    )
    try:
        return ast.parse(code, mode="eval").body
    except SyntaxError as exc:
        col = src.user_column(max(0, min((exc.offset or 1) - 1, len(src.parsed))))
        token = src.text[col - 1 : col + 9] if 0 < col <= len(src.text) else ""
        hint = _keyword_hint(src.parsed[start:end]) if exc.msg == "invalid syntax" else ""
        raise ParseError(
            f"cannot parse {src.text[:80]!r}: {exc.msg}{hint}",
            text=src.text,
            position=col,
            token=token,
        ) from None


def _keyword_hint(code: str) -> str:
    """A Python keyword used as a name (``lambda``, ``in``...) is a syntax error: say so."""
    words = [
        w
        for w in re.findall(r"[A-Za-z_]\w*", code)
        if keyword.iskeyword(w) and w not in ("None", "True", "False")
    ]
    if not words:
        return ""
    name = "lam" if words[0] == "lambda" else f"{words[0]}_"
    return f" ('{words[0]}' is a Python keyword, not a name: write {name})"


def _binop(left: ast.expr, op: ast.operator, right: ast.expr, start: int, end: int) -> ast.BinOp:
    return ast.BinOp(
        left=left, op=op, right=right, lineno=1, end_lineno=1, col_offset=start, end_col_offset=end
    )


def _bracket(tok: tokenize.TokenInfo) -> int:
    """+1 for an opening bracket, -1 for a closing one, 0 for any other token."""
    return (tok.string in ("(", "[", "{")) - (tok.string in (")", "]", "}"))


def _closing(toks: list[tokenize.TokenInfo], i: int) -> int:
    """Index of the bracket that closes the one at ``toks[i]`` (-1 if none)."""
    depth = 0
    for j in range(i, len(toks)):
        depth += _bracket(toks[j])
        if depth == 0:
            return j
    return -1


def _top_level(toks: list[tokenize.TokenInfo], string: str) -> list[int]:
    """Indices of the tokens ``string`` outside brackets."""
    found, depth = [], 0
    for i, tok in enumerate(toks):
        depth += _bracket(tok)
        if depth == 0 and tok.string == string and tok.type == tokenize.OP:
            found.append(i)
    return found


class _TreeBuilder:
    """Builds the syntax tree of sums, products, signs, powers, parentheses and calls from
    the tokens, and leaves every other piece to ``ast.parse``. A flat chain of thousands of
    terms is a wide tree here, never one that meets Python's limit on nested syntax."""

    def __init__(self, src: _Source) -> None:
        self.src = src

    def _nest(self, toks: list[tokenize.TokenInfo], nesting: int) -> int:
        if nesting > config.max_parse_depth:
            raise ParseError(
                f"cannot parse {self.src.text[:80]!r}: nesting deeper than "
                f"{config.max_parse_depth} levels",
                text=self.src.text,
                position=self.src.user_column(toks[0].start[1]),
                token=toks[0].string,
            )
        return nesting + 1

    def expression(self, toks: list[tokenize.TokenInfo], nesting: int = 0) -> ast.expr:
        return self._level(toks, 0, nesting)

    def _level(self, toks: list[tokenize.TokenInfo], level: int, nesting: int) -> ast.expr:
        if level == len(_SPLIT_AT):
            return self._factor(toks, nesting)
        pieces = _split(toks, _SPLIT_AT[level])
        node = self._level(pieces[0][1], level + 1, nesting)
        for op, part in pieces[1:]:  # a - b + c is (a - b) + c; spans include brackets
            right = self._level(part, level + 1, nesting)
            node = _binop(node, op(), right, toks[0].start[1], part[-1].end[1])  # type: ignore[misc]
        return node

    def _factor(self, toks: list[tokenize.TokenInfo], nesting: int) -> ast.expr:
        first = toks[0]
        if first.string in ("+", "-") and len(toks) > 1:  # -x**2 is -(x**2)
            operand = self._factor(toks[1:], self._nest(toks, nesting))
            return ast.UnaryOp(
                op=ast.UAdd() if first.string == "+" else ast.USub(),
                operand=operand,
                lineno=1,
                end_lineno=1,
                col_offset=first.start[1],
                end_col_offset=toks[-1].end[1],
            )
        powers = _top_level(toks, "**")
        if powers and 0 < powers[0] < len(toks) - 1:  # a**b**c is a**(b**c)
            i = powers[0]
            base = self._atom(toks[:i], nesting)
            exponent = self._factor(toks[i + 1 :], self._nest(toks, nesting))
            return _binop(base, ast.Pow(), exponent, first.start[1], toks[-1].end[1])
        return self._atom(toks, nesting)

    def _atom(self, toks: list[tokenize.TokenInfo], nesting: int) -> ast.expr:
        first, last = toks[0], toks[-1]
        if (
            first.string == "("
            and _closing(toks, 0) == len(toks) - 1
            and len(toks) > 2
            and not _top_level(toks[1:-1], ",")
            and not _has_keyword(toks)
        ):
            return self.expression(toks[1:-1], self._nest(toks, nesting))
        if (
            first.type == tokenize.NAME
            and not keyword.iskeyword(first.string)
            and len(toks) > 3
            and toks[1].string == "("
            and _closing(toks, 1) == len(toks) - 1
            and not _has_keyword(toks)
        ):
            inner = toks[2:-1]
            cuts = [-1, *_top_level(inner, ","), len(inner)]
            parts = [inner[a + 1 : b] for a, b in zip(cuts, cuts[1:], strict=False)]
            if all(parts) and not any(
                _top_level(part, "=") or part[0].string in ("*", "**") for part in parts
            ):
                deeper = self._nest(toks, nesting)
                args = [self.expression(part, deeper) for part in parts]
                func = ast.Name(
                    id=first.string,
                    ctx=ast.Load(),
                    lineno=1,
                    end_lineno=1,
                    col_offset=first.start[1],
                    end_col_offset=first.end[1],
                )
                return ast.Call(
                    func=func,
                    args=args,
                    keywords=[],
                    lineno=1,
                    end_lineno=1,
                    col_offset=first.start[1],
                    end_col_offset=last.end[1],
                )
        return _parse_span(self.src, first.start[1], last.end[1])


def _has_keyword(toks: list[tokenize.TokenInfo]) -> bool:
    """Keywords (``for``, ``if``, ``lambda``...) change what brackets mean: leave them to ast."""
    return any(t.type == tokenize.NAME and keyword.iskeyword(t.string) for t in toks)


def _syntax_tree(src: _Source, toks: list[tokenize.TokenInfo] | None) -> ast.expr:
    """The syntax tree of the whole text (``ast.parse`` of all of it when it does not
    tokenize or its brackets do not match: the error then has Python's own position)."""
    if not toks:
        return _parse_span(src, 0, len(src.parsed))
    depth = 0
    for t in toks:
        depth += _bracket(t)
        if depth < 0:
            break
    if depth != 0:
        return _parse_span(src, 0, len(src.parsed))
    return _TreeBuilder(src).expression(toks)


def _is_operand(tok: tokenize.TokenInfo) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string)
    return tok.type == tokenize.NUMBER


def _unicode_name_message(name: str) -> str:
    """Greek and other Unicode letters are not names: say how to spell them."""
    spelled = []
    for ch in name:
        words = unicodedata.name(ch, "").split()
        if ch.isascii():
            spelled.append(ch)
        elif len(words) >= 3 and words[0] == "GREEK" and words[2] == "LETTER":
            letter = _GREEK_SPELLING.get(words[-1].lower(), words[-1].lower())
            spelled.append(letter.capitalize() if words[1] == "CAPITAL" else letter)
        else:
            return (
                f"non-ASCII names such as {name!r} are not supported: use ASCII letters, "
                "digits and underscores"
            )
    return (
        f"Greek and other Unicode names are not supported: spell {name!r} as {''.join(spelled)!r}"
    )


#: Spellings of Greek letters whose Unicode name is not a usable identifier.
_GREEK_SPELLING: dict[str, str] = {"lamda": "lam"}


def _log10_abs(value: sympy.Rational) -> float:
    """log10 |value| of an exact rational (huge ones too), ``-inf`` for zero."""
    p, q = abs(int(value.p)), int(value.q)
    return (math.log10(p) if p else -math.inf) - math.log10(q)


def _rational_digits(value: Any) -> float:
    """Decimal digits of an exact rational's numerator and denominator (0 otherwise)."""
    if not isinstance(value, sympy.Rational):
        return 0.0
    p, q = abs(int(value.p)), int(value.q)
    return (math.log10(p) if p > 1 else 0.0) + (math.log10(q) if q > 1 else 0.0)


def _sum_digits(terms: list[Any]) -> float:
    """Digits of the exact sum of ``terms``: the denominators multiply, numerators add."""
    rationals = [t for t in terms if isinstance(t, sympy.Rational)]
    if not rationals:
        return 0.0
    dens = sum(math.log10(int(t.q)) for t in rationals)
    return dens + max(_rational_digits(t) for t in rationals) + math.log10(len(rationals))


def _power_digits(base: Any, exponent: Any) -> float:
    """Digits of the exact numbers SymPy computes for ``base**exponent``: a rational
    exponent is applied to every rational factor of the base and to every rational power
    of a rational (``(2*x)**n`` is ``2**n * x**n``, ``sqrt(2)**n`` is ``2**(n/2)``); other
    numbers stay unevaluated powers (``pi**3000``, ``(1 + sqrt(2))**3000``); ``E**a`` is
    ``exp(a)``."""
    if base is sympy.E:
        return _exp_digits(exponent)
    if not isinstance(exponent, sympy.Rational) or exponent == 0:
        return 0.0
    per_unit = 0.0
    for factor in sympy.Mul.make_args(base):
        if isinstance(factor, sympy.Rational):
            per_unit += _rational_digits(factor)
        elif factor.is_Pow and factor.base.is_Rational and factor.exp.is_Rational:
            per_unit += abs(float(factor.exp)) * _rational_digits(factor.base)
    if per_unit == 0:
        return 0.0
    return 10 ** min(300.0, _log10_abs(exponent) + math.log10(per_unit))


def _exp_digits(arg: Any) -> float:
    """Digits of ``exp(arg)`` where SymPy turns it into a power: ``exp(n*log(2))`` is ``2**n``."""
    total = 0.0
    for term in sympy.Add.make_args(arg):
        if term.is_number and term.has(sympy.log):
            total += abs(float(sympy.re(term).evalf(5))) / math.log(10)
    return total


def _gamma_digits(arg: Any) -> float:
    """Digits of ``gamma(arg)``, which SymPy evaluates exactly at integers and half-integers."""
    if not isinstance(arg, sympy.Rational) or arg <= 0:
        return 0.0
    if _log10_abs(arg) > 15:
        return math.inf
    return math.lgamma(float(arg)) / math.log(10)


def _order_digits(order: Any, *rest: Any) -> float:
    """Digits of the exact numbers SymPy builds for a function of an integer or half-integer
    order (``polylog(n, 1)`` is ``zeta(n)``, ``lowergamma(n, x)`` a sum of n terms with
    factorials): about those of ``gamma(|n| + 1)``."""
    if not isinstance(order, sympy.Rational) or order.q > 2:
        return 0.0
    return _gamma_digits(abs(order) + 1)


#: Functions that SymPy evaluates into exact numbers, with the digits they would have.
_CALL_DIGITS: dict[str, Callable[..., float]] = {
    "exp": _exp_digits,
    "gamma": _gamma_digits,
    "loggamma": _gamma_digits,
    "polylog": _order_digits,
    "expint": _order_digits,
    "lowergamma": _order_digits,
    "uppergamma": _order_digits,
    "besselj": _order_digits,
    "bessely": _order_digits,
    "besseli": _order_digits,
    "besselk": _order_digits,
}


class _Builder:
    def __init__(self, src: _Source, known: dict[str, sympy.Symbol]) -> None:
        self.src = src
        self.known = known

    def build(self, node: ast.AST, depth: int = 0) -> Any:
        if depth > config.max_parse_depth:
            raise self.src.error(f"nesting deeper than {config.max_parse_depth} levels", node)
        method = _HANDLERS.get(type(node))
        if method is None:
            what = _NODE_WORDS.get(type(node), type(node).__name__)
            raise self.src.error(f"{what} not allowed", node)
        return method(self, node, depth + 1)

    def _Constant(self, node: ast.Constant, depth: int) -> Any:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.src.error(f"the literal {value!r} is not a number", node)
        if isinstance(value, int):
            number = sympy.Integer(value)
            self._check_size(node, _rational_digits(number), "the number")
            return number
        seg = ast.get_source_segment(self.src.parsed, node) or repr(value)
        return sympy.Float(seg.replace("_", ""), max(15, len(seg)))

    def _Name(self, node: ast.Name, depth: int) -> Any:
        name = node.id
        if name in self.known:
            return self.known[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in NOT_NUMBERS:
            raise self.src.error(
                f"{name} ({NOT_NUMBERS[name]}) is not a value symml takes; "
                f"write a number, oo or -oo (or pick another name for a "
                f"variable)",
                node,
                name,
            )
        if name in FUNCTIONS:
            raise self.src.error(f"the function {name} must be called, as {name}(x)", node, name)
        if not name.isascii():
            raise self.src.error(_unicode_name_message(name), node, name)
        if not _NAME_RE.match(name):
            raise self.src.error(
                "names must start with a letter and use only letters, digits and underscores",
                node,
                name,
            )
        return sympy.Symbol(name, real=True)

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> Any:
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise self.src.error(
                "only unary + and - are allowed", node, _OPERATOR_TEXT.get(type(node.op))
            )
        operand = self.build(node.operand, depth)
        return -operand if isinstance(node.op, ast.USub) else operand

    def _BinOp(self, node: ast.BinOp, depth: int) -> Any:
        chain = _CHAINS.get(type(node.op))
        if chain is None:
            if not isinstance(node.op, ast.Pow):
                column, token = self.src.operator_at(node)
                raise self.src.error("only + - * / ** ^ are allowed", node, token, column)
            base, exponent = self.build(node.left, depth), self.build(node.right, depth)
            if isinstance(base, sympy.MatrixBase) or isinstance(exponent, sympy.MatrixBase):
                raise self.src.error("this operation is not defined for matrices", node)
            self._check_size(node, _power_digits(base, exponent), "the power")
            return base**exponent
        # a + b - c + ... is one flat chain (one nesting level), however long: walk its left
        # spine without recursion and combine the operands at once (pairwise is quadratic)
        spine = []
        left: ast.expr = node
        while isinstance(left, ast.BinOp) and _CHAINS.get(type(left.op)) == chain:
            spine.append(left)
            left = left.left
        spine.reverse()
        values = [self.build(left, depth)] + [self.build(n.right, depth) for n in spine]
        if any(isinstance(v, sympy.MatrixBase) for v in values):
            result = values[0]
            for n, value in zip(spine, values[1:], strict=True):
                result = self._matrix_op(n, result, value)
            return result
        if chain == "sum":
            terms = [values[0]] + [
                v if isinstance(n.op, ast.Add) else -v
                for n, v in zip(spine, values[1:], strict=True)
            ]
            self._check_size(node, _sum_digits(terms), "the sum")
            return sympy.Add(*terms)
        factors = [values[0]] + [
            v if isinstance(n.op, ast.Mult) else sympy.Pow(v, -1)
            for n, v in zip(spine, values[1:], strict=True)
        ]
        self._check_size(node, sum(_rational_digits(f) for f in factors), "the product")
        return sympy.Mul(*factors)

    def _matrix_op(self, node: ast.BinOp, left: Any, right: Any) -> Any:
        if isinstance(node.op, ast.Mult):
            return left * right
        if (
            isinstance(node.op, (ast.Add, ast.Sub))
            and isinstance(left, sympy.MatrixBase)
            and isinstance(right, sympy.MatrixBase)
        ):
            if left.shape != right.shape:
                raise self.src.error(f"matrix shapes {left.shape} and {right.shape} differ", node)
            return left + right if isinstance(node.op, ast.Add) else left - right
        raise self.src.error("this operation is not defined for matrices", node)

    def _check_size(self, node: ast.AST, digits: float, what: str) -> None:
        if digits > MAX_NUMBER_DIGITS:
            shown = f"about {digits:.3g}" if digits < 1e300 else "astronomically many"
            raise self.src.error(
                f"{what} would be an exact number of {shown} digits "
                f"(at most {MAX_NUMBER_DIGITS} allowed)",
                node,
            )

    def _Call(self, node: ast.Call, depth: int) -> Any:
        if not isinstance(node.func, ast.Name):
            what = _NODE_WORDS.get(type(node.func), "")  # (lambda: 1)(): say it is a lambda
            message = f"{what} not allowed" if what else "only calls of named functions are allowed"
            raise self.src.error(message, node.func)
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.src.error(
                f"unknown function {name!r} (allowed: {', '.join(sorted(set(FUNCTIONS)))})",
                node.func,
                name,
            )
        if node.keywords:
            kw = node.keywords[0]
            raise self.src.error(
                f"keyword arguments are not allowed in {name}()", kw.value, kw.arg or "**"
            )
        fn, lo, hi = FUNCTIONS[name]
        n = len(node.args)
        if n < lo or (hi is not None and n > hi):
            want = str(lo) if hi == lo else f"{lo} to {hi}" if hi else f"at least {lo}"
            raise self.src.error(f"{name}() takes {want} argument(s), got {n}", node, name)
        args = [self.build(a, depth) for a in node.args]
        if any(isinstance(a, sympy.MatrixBase) for a in args):
            raise self.src.error(f"{name}() takes scalars, not matrices", node, name)
        size = _CALL_DIGITS.get(name)
        if size is not None:
            self._check_size(node, size(*args), f"{name}()")
        return fn(*args)

    def _List(self, node: ast.List, depth: int) -> Any:
        if not node.elts:
            raise self.src.error("empty matrix", node)
        if all(isinstance(e, ast.List) for e in node.elts):
            rows = [[self.build(x, depth) for x in row.elts] for row in node.elts]  # type: ignore[attr-defined]
            widths = {len(r) for r in rows}
            if len(widths) != 1 or 0 in widths:
                raise self.src.error(
                    f"ragged matrix: rows have lengths {[len(r) for r in rows]}", node
                )
        elif any(isinstance(e, ast.List) for e in node.elts):
            raise self.src.error("mixes rows and numbers: write [[...], [...]]", node)
        else:
            rows = [[self.build(x, depth)] for x in node.elts]
        if any(isinstance(x, sympy.MatrixBase) for r in rows for x in r):
            raise self.src.error("matrices cannot be nested deeper than two levels", node)
        return sympy.ImmutableMatrix(rows)


#: The node kinds the builder accepts, and the method that builds each (a table, not a
#: ``getattr`` lookup by name).
_HANDLERS: dict[type, Callable[[_Builder, Any, int], Any]] = {
    ast.Constant: _Builder._Constant,
    ast.Name: _Builder._Name,
    ast.UnaryOp: _Builder._UnaryOp,
    ast.BinOp: _Builder._BinOp,
    ast.Call: _Builder._Call,
    ast.List: _Builder._List,
}


@lru_cache(maxsize=1024)
def _parse_cached(text: str, known: tuple[sympy.Symbol, ...]) -> Any:
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, got {type(text).__name__}")
    if len(text) > config.max_parse_length:
        raise ParseError(
            f"input of {len(text)} characters is longer than the {config.max_parse_length} allowed",
            text=text[:80],
            position=1,
            token=text[:20],
        )
    if "\x00" in text:
        raise ParseError(
            "NUL bytes are not allowed",
            text=text[:80],
            position=text.index("\x00") + 1,
            token="\\x00",
        )
    if not text.strip():
        raise ParseError("empty expression", text=text)
    if text != text.strip() and text.lstrip() != text:
        text = text.strip()
    src = _Source(text.strip())
    if "\n" in src.parsed or "\r" in src.parsed or ";" in src.parsed:
        bad = next(ch for ch in src.parsed if ch in "\n\r;")
        raise ParseError(
            f"cannot parse {text[:80]!r}: one expression only",
            text=text,
            position=src.user_column(src.parsed.index(bad)),
            token=repr(bad),
        )
    toks = _tokens(src)
    _check_tokens(src, toks)
    try:
        tree = _syntax_tree(src, toks)
    except (RecursionError, MemoryError, ValueError) as exc:
        if isinstance(exc, ParseError):
            raise
        raise ParseError(
            f"cannot parse {text[:80]!r}: {type(exc).__name__}: too complex",
            text=text,
            position=1,
            token=text[:20],
        ) from None
    builder = _Builder(src, {s.name: s for s in known})
    try:
        return builder.build(tree)
    except RecursionError:
        raise ParseError(
            f"cannot parse {text[:80]!r}: too deeply nested", text=text, position=1, token=text[:20]
        ) from None
    except ParseError:
        raise
    except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
        raise ParseError(
            f"cannot parse {text[:80]!r}: {exc}", text=text, position=1, token=text[:20]
        ) from None


#: Tokens beside which a lone ``e`` is more likely a variable than Euler's number: a matrix
#: entry of its own (``[a, e]``) or a factor (``a*e``, ``e*i``).
_VARIABLE_NEIGHBOURS = frozenset({"[", ",", "]", "*"})


def euler_columns(text: str) -> list[int]:
    """The 1-based columns where :func:`parse` reads ``e`` as Euler's number although a
    variable is likely there: a bare matrix entry or a factor of a product (not ``e**x``,
    ``e^x`` or ``log(e)``). The CLI prints a note for each.

    Examples:
        >>> euler_columns("[[a, b], [d, e]]")
        [14]
        >>> euler_columns("a*e*i - e**x + log(e)")
        [3]
    """
    src = _Source(text)
    toks = _tokens(src) or []
    columns = []
    for k, tok in enumerate(toks):
        if tok.type != tokenize.NAME or tok.string != "e":
            continue
        before = toks[k - 1].string if k else ""
        after = toks[k + 1].string if k + 1 < len(toks) else ""
        if "**" in (before, after):
            continue
        if before in _VARIABLE_NEIGHBOURS or after in _VARIABLE_NEIGHBOURS:
            columns.append(src.user_column(tok.start[1]))
    return columns


def parse(text: str, wrt: Any = None, *, shapes: ShapesLike | None = None) -> Any:
    """Parse ``text`` into a SymPy expression (or a Matrix) without ``eval``.

    Accepted: numbers, names, ``+ - * / ** ^`` (``^`` is power), unary minus,
    parentheses, calls of the functions in :data:`FUNCTIONS`, the constants ``pi``,
    ``e``/``E``, ``oo``/``inf``, and matrices written ``[[1, 2], [3, 4]]`` (a flat list
    is a column vector). Unknown names become real symbols.

    Args:
        text: The expression.
        wrt: Symbols (or a sequence of them) to use for names they match, so that a
            symbol with other assumptions is kept as it is.
        shapes: A shape spec (``"X:n,m w:m y:n lam"``) or a dict of shapes: the text is
            then a matrix expression in NumPy's notation (``@``, element-wise ``* / **``,
            ``.T``, ``sum tr det logdet inv diag norm ones eye``), read by
            :func:`symml.matrix_parsing.parse_matrix`.

    Returns:
        A SymPy expression, or a ``sympy.Matrix`` for a matrix literal.

    Raises:
        ParseError: For anything outside the whitelist, with ``.position`` (the 1-based
            column) and the offending token in the message.

    Examples:
        >>> parse("x^2*sin(x)")
        x**2*sin(x)
        >>> parse("[[1, 2], [3, 4]]")
        Matrix([
        [1, 2],
        [3, 4]])
        >>> try:
        ...     parse("2x")
        ... except ValueError as e:
        ...     print(e.position, "2*x" in str(e))
        2 True
    """
    if isinstance(text, bytes):
        raise TypeError("parse() takes a str, not bytes")
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, got {type(text).__name__}")
    if shapes is not None:
        return parse_matrix(text, shapes)
    known: tuple[sympy.Symbol, ...] = ()
    if wrt is not None:
        items = [wrt] if isinstance(wrt, sympy.Symbol) else list(wrt)
        known = tuple(s for s in items if isinstance(s, sympy.Symbol))
    result = _parse_cached(text, known)
    if isinstance(result, sympy.MatrixBase):
        return sympy.Matrix(result)
    return result
