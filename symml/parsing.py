"""Safe parsing of user text into SymPy objects, and real-by-default symbols.

The parser never hands the user's text to ``eval``, ``exec``, ``sympify`` or
``parse_expr``. It tokenizes the text, checks it, parses it with :func:`ast.parse` into
a syntax tree, and walks that tree with a whitelist of node kinds, building SymPy objects
itself. Anything outside the whitelist is a :class:`~symml.errors.ParseError` naming the
column and the offending token.
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import sympy

from symml.config import config
from symml.errors import ParseError

__all__ = ["FUNCTIONS", "CONSTANTS", "parse", "symbols"]


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
}

#: Names that mean constants rather than symbols.
CONSTANTS: dict[str, sympy.Expr] = {
    "pi": sympy.pi,
    "e": sympy.E,
    "E": sympy.E,
    "oo": sympy.oo,
    "inf": sympy.oo,
}

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
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

    def error(self, message: str, node: ast.AST | None = None, token: str | None = None) -> ParseError:
        col = 0
        if node is not None and hasattr(node, "col_offset"):
            col = self.user_column(node.col_offset)  # type: ignore[attr-defined]
            if token is None:
                seg = ast.get_source_segment(self.parsed, node) or ""
                token = seg[:40]
        return ParseError(f"cannot parse {self.text[:80]!r}: {message}", text=self.text,
                          position=col, token=token or "")


def _check_tokens(src: _Source) -> None:
    """Reject what the tokenizer can see: implicit multiplication, strings, bad characters."""
    try:
        toks = [t for t in tokenize.generate_tokens(io.StringIO(src.parsed).readline)
                if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER,
                                  tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return  # ast.parse reports it with a position
    prev = None
    for tok in toks:
        col = src.user_column(tok.start[1])
        if tok.type == tokenize.STRING:
            raise ParseError(f"cannot parse {src.text[:80]!r}: strings are not allowed",
                             text=src.text, position=col, token=tok.string[:40])
        if tok.type == tokenize.ERRORTOKEN and not tok.string.isspace():
            raise ParseError(f"cannot parse {src.text[:80]!r}: unexpected character",
                             text=src.text, position=col, token=tok.string)
        if prev is not None:
            ends_operand = _is_operand(prev) or prev.string in (")", "]")
            starts_operand = _is_operand(tok) or tok.string == "("
            is_call = prev.type == tokenize.NAME and tok.string == "("
            if ends_operand and starts_operand and not is_call:
                raise ParseError(
                    f"cannot parse {src.text[:80]!r}: implicit multiplication is not supported; "
                    f"write {prev.string}*{tok.string}",
                    text=src.text, position=col, token=tok.string)
        prev = tok


def _is_operand(tok: tokenize.TokenInfo) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string)
    return tok.type == tokenize.NUMBER


class _Builder:
    def __init__(self, src: _Source, known: dict[str, sympy.Symbol]) -> None:
        self.src = src
        self.known = known

    def build(self, node: ast.AST, depth: int = 0) -> Any:
        if depth > config.max_parse_depth:
            raise self.src.error(f"nesting deeper than {config.max_parse_depth} levels", node)
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            what = _NODE_WORDS.get(type(node), type(node).__name__)
            raise self.src.error(f"{what} not allowed", node)
        return method(node, depth + 1)

    def _Expression(self, node: ast.Expression, depth: int) -> Any:
        return self.build(node.body, depth)

    def _Constant(self, node: ast.Constant, depth: int) -> Any:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.src.error(f"the literal {value!r} is not a number", node)
        if isinstance(value, int):
            return sympy.Integer(value)
        seg = ast.get_source_segment(self.src.parsed, node) or repr(value)
        return sympy.Float(seg.replace("_", ""), max(15, len(seg)))

    def _Name(self, node: ast.Name, depth: int) -> Any:
        name = node.id
        if name in self.known:
            return self.known[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.src.error(f"the function {name} must be called, as {name}(x)", node, name)
        if not _NAME_RE.match(name):
            raise self.src.error("names must start with a letter and use only letters, "
                                 "digits and underscores", node, name)
        return sympy.Symbol(name, real=True)

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> Any:
        operand = self.build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.src.error("only unary + and - are allowed", node)

    def _BinOp(self, node: ast.BinOp, depth: int) -> Any:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.src.error("only + - * / ** ^ are allowed", node)
        left = self.build(node.left, depth)
        right = self.build(node.right, depth)
        if isinstance(left, sympy.MatrixBase) or isinstance(right, sympy.MatrixBase):
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, (ast.Add, ast.Sub)) and isinstance(left, sympy.MatrixBase) \
                    and isinstance(right, sympy.MatrixBase):
                if left.shape != right.shape:
                    raise self.src.error(f"matrix shapes {left.shape} and {right.shape} differ", node)
                return op(left, right)
            raise self.src.error("this operation is not defined for matrices", node)
        return op(left, right)

    def _Call(self, node: ast.Call, depth: int) -> Any:
        if not isinstance(node.func, ast.Name):
            raise self.src.error("only calls of named functions are allowed", node.func)
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.src.error(f"unknown function {name!r} (allowed: "
                                 f"{', '.join(sorted(set(FUNCTIONS)))})", node.func, name)
        if node.keywords:
            kw = node.keywords[0]
            raise self.src.error(f"keyword arguments are not allowed in {name}()", kw.value,
                                 kw.arg or "**")
        fn, lo, hi = FUNCTIONS[name]
        n = len(node.args)
        if n < lo or (hi is not None and n > hi):
            want = str(lo) if hi == lo else f"{lo} to {hi}" if hi else f"at least {lo}"
            raise self.src.error(f"{name}() takes {want} argument(s), got {n}", node, name)
        args = [self.build(a, depth) for a in node.args]
        if any(isinstance(a, sympy.MatrixBase) for a in args):
            raise self.src.error(f"{name}() takes scalars, not matrices", node, name)
        return fn(*args)

    def _List(self, node: ast.List, depth: int) -> Any:
        if not node.elts:
            raise self.src.error("empty matrix", node)
        if all(isinstance(e, ast.List) for e in node.elts):
            rows = [[self.build(x, depth) for x in row.elts] for row in node.elts]  # type: ignore[attr-defined]
            widths = {len(r) for r in rows}
            if len(widths) != 1 or 0 in widths:
                raise self.src.error(f"ragged matrix: rows have lengths {[len(r) for r in rows]}",
                                     node)
        elif any(isinstance(e, ast.List) for e in node.elts):
            raise self.src.error("mixes rows and numbers: write [[...], [...]]", node)
        else:
            rows = [[self.build(x, depth)] for x in node.elts]
        if any(isinstance(x, sympy.MatrixBase) for r in rows for x in r):
            raise self.src.error("matrices cannot be nested deeper than two levels", node)
        return sympy.ImmutableMatrix(rows)


@lru_cache(maxsize=1024)
def _parse_cached(text: str, known: tuple[sympy.Symbol, ...]) -> Any:
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, got {type(text).__name__}")
    if len(text) > config.max_parse_length:
        raise ParseError(f"input of {len(text)} characters is longer than the "
                         f"{config.max_parse_length} allowed", text=text[:80], position=1,
                         token=text[:20])
    if "\x00" in text:
        raise ParseError("NUL bytes are not allowed", text=text[:80],
                         position=text.index("\x00") + 1, token="\\x00")
    if not text.strip():
        raise ParseError("empty expression", text=text)
    if text != text.strip() and text.lstrip() != text:
        text = text.strip()
    src = _Source(text.strip())
    if "\n" in src.parsed or "\r" in src.parsed or ";" in src.parsed:
        bad = next(ch for ch in src.parsed if ch in "\n\r;")
        raise ParseError(f"cannot parse {text[:80]!r}: one expression only",
                         text=text, position=src.user_column(src.parsed.index(bad)), token=repr(bad))
    _check_tokens(src)
    try:
        tree = ast.parse(src.parsed, mode="eval")
    except SyntaxError as exc:
        col = src.user_column((exc.offset or 1) - 1)
        token = text[col - 1:col + 9] if 0 < col <= len(text) else ""
        raise ParseError(f"cannot parse {text[:80]!r}: {exc.msg}", text=text, position=col,
                         token=token) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ParseError(f"cannot parse {text[:80]!r}: {type(exc).__name__}: too complex",
                         text=text, position=1, token=text[:20]) from None
    builder = _Builder(src, {s.name: s for s in known})
    try:
        return builder.build(tree)
    except RecursionError:
        raise ParseError(f"cannot parse {text[:80]!r}: too deeply nested", text=text,
                         position=1, token=text[:20]) from None
    except ParseError:
        raise
    except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
        raise ParseError(f"cannot parse {text[:80]!r}: {exc}", text=text, position=1,
                         token=text[:20]) from None


def parse(text: str, wrt: Any = None) -> Any:
    """Parse ``text`` into a SymPy expression (or a Matrix) without ``eval``.

    Accepted: numbers, names, ``+ - * / ** ^`` (``^`` is power), unary minus,
    parentheses, calls of the functions in :data:`FUNCTIONS`, the constants ``pi``,
    ``e``/``E``, ``oo``/``inf``, and matrices written ``[[1, 2], [3, 4]]`` (a flat list
    is a column vector). Unknown names become real symbols.

    Args:
        text: The expression.
        wrt: Symbols (or a sequence of them) to use for names they match, so that a
            symbol with other assumptions is kept as it is.

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
    known: tuple[sympy.Symbol, ...] = ()
    if wrt is not None:
        items = [wrt] if isinstance(wrt, sympy.Symbol) else list(wrt)
        known = tuple(s for s in items if isinstance(s, sympy.Symbol))
    result = _parse_cached(text, known)
    if isinstance(result, sympy.MatrixBase):
        return sympy.Matrix(result)
    return result
