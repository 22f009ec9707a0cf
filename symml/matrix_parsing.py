r"""Matrix expressions in NumPy's notation, shape-checked, without ``eval``.

:func:`matrices` declares matrix and scalar symbols from a shape spec (``"X:n,m w:m y:n
lam"``); :func:`parse_matrix` (what ``symml.parse(text, shapes=...)`` calls) reads
``sum(log(1 + exp(-y * (X @ w))))`` into a SymPy matrix expression of them: ``@`` is the
matrix product, ``* / **`` are element-wise between equal shapes (scaling where one side
is a scalar), ``.T`` transposes, and the element-wise functions, ``sum tr det logdet inv
diag norm ones eye`` are the ones of :data:`ELEMENTWISE` and :data:`MATRIX_FUNCTIONS`.
Every shape is checked as the tree is built; a mismatch is a
:class:`~symml.errors.ParseError` naming both operands and their shapes. A 1×1 result is
a scalar (``Trace`` of the 1×1 product, which prints as the product itself).

The text goes to :func:`ast.parse` only; the tree is walked with a whitelist of node kinds
(names, numbers, ``+ - * / ** @``, unary signs, calls of the functions named here, and the
attribute ``.T``), so nothing of the user's text is ever evaluated.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, TypeAlias

import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf
from sympy.matrices.expressions.hadamard import HadamardPower, HadamardProduct
from sympy.matrices.expressions.matexpr import MatrixExpr

from symml.config import config
from symml.errors import ParseError

__all__ = [
    "ELEMENTWISE",
    "MATRIX_FUNCTIONS",
    "ShapesLike",
    "SymmetricMatrixSymbol",
    "as_scalar",
    "dimension",
    "matrices",
    "parse_matrix",
]

#: What ``shapes=`` takes: a spec string (``"X:n,m w:m lam"``) or a dict from names to
#: shapes (``{"X": ("n", "m"), "w": "m", "lam": ()}``) or to SymPy symbols.
ShapesLike: TypeAlias = "str | Mapping[str, Any]"

#: The dummy variable of every element-wise function (prints as ``_u``).
U = sympy.Dummy("u")


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + sympy.exp(-x))


def _softplus(x: Any) -> Any:
    return sympy.log(1 + sympy.exp(x))


def _relu(x: Any) -> Any:
    return sympy.Max(0, x)


#: Element-wise functions: name → the scalar function (applied entry by entry to a matrix).
ELEMENTWISE: dict[str, Callable[[Any], Any]] = {
    "exp": sympy.exp,
    "log": sympy.log,
    "tanh": sympy.tanh,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
    "relu": _relu,
    "abs": sympy.Abs,
    "sqrt": sympy.sqrt,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "sign": sympy.sign,
    "step": sympy.Heaviside,
}

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


class SymmetricMatrixSymbol(sympy.MatrixSymbol):
    """A square matrix symbol declared symmetric (``"S:n,n:sym"``): ``S.T`` is ``S``.

    Examples:
        >>> n = dimension("n")
        >>> S = SymmetricMatrixSymbol("S", n, n)
        >>> S.T
        S
    """

    def _eval_transpose(self) -> Any:
        return self


@lru_cache(maxsize=256)
def dimension(name: str | int) -> Any:
    """The dimension called ``name``: a positive integer Symbol (shared by name), or an
    Integer for a number.

    Examples:
        >>> dimension("n").is_positive, dimension("n") is dimension("n"), dimension(3)
        (True, True, 3)
    """
    if isinstance(name, int) or (isinstance(name, str) and name.strip().isdigit()):
        size = int(name)
        if size < 1:
            raise ValueError(f"a dimension must be positive, got {name!r}")
        return sympy.Integer(size)
    if not isinstance(name, str) or not _NAME.match(name.strip()):
        raise ValueError(f"a dimension is a name or a positive integer, got {name!r}")
    return sympy.Symbol(name.strip(), integer=True, positive=True)


def _symbol(name: str, dims: tuple[Any, ...], symmetric: bool, item: str) -> Any:
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise ValueError(f"shapes: {item!r}: {name!r} is not a name")
    if name in ELEMENTWISE or name in MATRIX_FUNCTIONS:
        raise ValueError(f"shapes: {item!r}: {name!r} is a function name")
    if not dims:
        if symmetric:
            raise ValueError(f"shapes: {item!r}: only a square matrix can be symmetric")
        return sympy.Symbol(name, real=True)
    if len(dims) > 2:
        raise ValueError(f"shapes: {item!r}: at most two dimensions (a matrix)")
    rows, cols = (dims[0], sympy.Integer(1)) if len(dims) == 1 else dims
    if symmetric:
        if rows != cols:
            raise ValueError(f"shapes: {item!r}: a symmetric matrix must be square")
        return SymmetricMatrixSymbol(name, rows, cols)
    return sympy.MatrixSymbol(name, rows, cols)


def _spec_item(item: str) -> Any:
    name, _, rest = item.partition(":")
    shape, _, flag = rest.partition(":")
    if flag not in ("", "sym"):
        raise ValueError(f"shapes: {item!r}: unknown flag {flag!r} (only ':sym')")
    dims = tuple(dimension(d) for d in shape.split(",")) if shape else ()
    return _symbol(name, dims, flag == "sym", item)


def matrices(spec: str) -> tuple[Any, ...]:
    """Matrix and scalar symbols declared by a shape spec, in spec order.

    ``"X:n,m"`` is an n×m ``MatrixSymbol``, ``"w:m"`` an m×1 column vector, ``"A:3,3"``
    a 3×3 matrix, ``"S:n,n:sym"`` a symmetric one, ``"lam"`` a real scalar Symbol.
    Dimension names become positive integer Symbols, shared by name.

    Raises:
        ValueError: For a malformed item, naming it.

    Examples:
        >>> X, w, lam = matrices("X:n,m w:m lam")
        >>> X.shape, w.shape, lam.is_real
        ((n, m), (m, 1), True)
    """
    if not isinstance(spec, str):
        raise TypeError(f"matrices() takes a spec string, got {type(spec).__name__}")
    items = spec.replace(";", " ").split()
    if not items:
        raise ValueError("shapes: the spec declares nothing")
    out = tuple(_spec_item(item) for item in items)
    names = [s.name for s in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"shapes: {', '.join(twice)} declared twice")
    return out


def _dict_item(name: str, shape: Any) -> Any:
    if isinstance(shape, (sympy.MatrixSymbol, sympy.Symbol)):
        return shape
    if shape is None or shape == ():
        return _symbol(name, (), False, name)
    dims = (shape,) if isinstance(shape, (str, int, sympy.Basic)) else tuple(shape)
    as_dims = tuple(d if isinstance(d, sympy.Basic) else dimension(d) for d in dims)
    return _symbol(name, as_dims, False, name)


def _declared(shapes: Any) -> dict[str, Any]:
    if isinstance(shapes, str):
        return {s.name: s for s in matrices(shapes)}
    if isinstance(shapes, Mapping):
        return {str(k): _dict_item(str(k), v) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return {s.name: s for s in shapes}
    raise TypeError(f"shapes must be a spec string or a dict, got {type(shapes).__name__}")


# --- values: a SymPy object and its shape -----------------------------------------------


def _shape(e: Any) -> tuple[Any, Any] | None:
    """(rows, cols) of a matrix expression, ``None`` for a scalar."""
    return tuple(e.shape) if isinstance(e, MatrixExpr) else None  # type: ignore[return-value]


def _shown(shape: tuple[Any, Any] | None) -> str:
    return "a scalar" if shape is None else f"{shape[0]}×{shape[1]}"


def as_scalar(e: Any) -> Any:
    """A 1×1 matrix expression as a scalar (its trace); anything else unchanged.

    Examples:
        >>> w, = matrices("w:m")
        >>> as_scalar(w.T * w)
        Trace(w.T*w)
    """
    if isinstance(e, MatrixExpr) and e.shape == (1, 1):
        return sympy.Trace(e)
    return e


def _ones_like(e: Any) -> Any:
    return sympy.OneMatrix(*e.shape)


class _Reader:
    """Builds the SymPy expression of a syntax tree, checking shapes as it goes."""

    def __init__(self, text: str, names: dict[str, Any]) -> None:
        self.text = text
        self.names = names
        self.dims = {
            d.name: d
            for s in names.values()
            for d in getattr(s, "shape", ())
            if isinstance(d, sympy.Symbol)
        }

    def error(self, message: str, node: ast.AST) -> ParseError:
        col = getattr(node, "col_offset", -1) + 1
        return ParseError(
            f"cannot parse {self.text[:80]!r}: {message}",
            text=self.text,
            position=col,
            token=self.segment(node)[:40],
        )

    def segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ""

    def build(self, node: ast.AST, depth: int = 0) -> Any:
        if depth > config.max_parse_depth:
            raise self.error(f"nesting deeper than {config.max_parse_depth} levels", node)
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise self.error(f"{type(node).__name__} is not allowed in a matrix expression", node)
        return handler(self, node, depth + 1)

    def constant(self, node: ast.Constant, depth: int) -> Any:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"the literal {value!r} is not a number", node)
        if isinstance(value, int):
            return sympy.Integer(value)
        return sympy.Float(self.segment(node).replace("_", "") or repr(value), 15)

    def name(self, node: ast.Name, depth: int) -> Any:
        if node.id in self.names:
            return self.names[node.id]
        if node.id in ELEMENTWISE or node.id in MATRIX_FUNCTIONS:
            raise self.error(f"the function {node.id} must be called, as {node.id}(A)", node)
        if node.id == "pi":
            return sympy.pi
        if not node.id.isascii() or not _NAME.match(node.id):
            raise self.error("names are ASCII letters, digits and underscores", node)
        return sympy.Symbol(node.id, real=True)  # an undeclared name is a real scalar

    def attribute(self, node: ast.Attribute, depth: int) -> Any:
        if node.attr != "T":
            raise self.error(f"only the attribute .T is allowed, not .{node.attr}", node)
        value = self.build(node.value, depth)
        if not isinstance(value, MatrixExpr):
            return value
        # (M - U V)ᵀ stays one transpose (SymPy's .T would expand it into Mᵀ - Vᵀ Uᵀ)
        flipped = value.T if isinstance(value, sympy.MatrixSymbol) else sympy.Transpose(value)
        return as_scalar(flipped)

    def unary(self, node: ast.UnaryOp, depth: int) -> Any:
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise self.error("only unary + and - are allowed", node)
        value = self.build(node.operand, depth)
        return -value if isinstance(node.op, ast.USub) else value

    def binary(self, node: ast.BinOp, depth: int) -> Any:
        op = _BINARY.get(type(node.op))
        if op is None:
            raise self.error("only + - * / ** @ are allowed", node)
        left, right = self.build(node.left, depth), self.build(node.right, depth)
        return as_scalar(op(self, node, left, right))

    def mismatch(self, node: ast.BinOp, what: str, left: Any, right: Any) -> ParseError:
        a, b = self.segment(node.left), self.segment(node.right)
        return self.error(
            f"{what}: {a} is {_shown(_shape(left))} but {b} is {_shown(_shape(right))}", node
        )

    def add(self, node: ast.BinOp, left: Any, right: Any, sign: int = 1) -> Any:
        ls, rs = _shape(left), _shape(right)
        if ls is None and rs is None:
            return left + sign * right
        if ls is None:
            left = left * _ones_like(right)
        elif rs is None:
            right = right * _ones_like(left)
        elif ls != rs:
            raise self.mismatch(node, "cannot add matrices of different shapes", left, right)
        return sympy.MatAdd(left, sign * right)

    def sub(self, node: ast.BinOp, left: Any, right: Any) -> Any:
        return self.add(node, left, right, -1)

    def mul(self, node: ast.BinOp, left: Any, right: Any) -> Any:
        ls, rs = _shape(left), _shape(right)
        if ls is None or rs is None:
            return left * right
        if ls != rs:
            raise self.mismatch(
                node,
                "* is element-wise and needs equal shapes (use @ for the matrix product)",
                left,
                right,
            )
        return HadamardProduct(left, right)

    def div(self, node: ast.BinOp, left: Any, right: Any) -> Any:
        if _shape(right) is None:
            return left / right if _shape(left) is None else sympy.MatMul(1 / right, left)
        return self.mul(node, left, HadamardPower(right, -1))

    def power(self, node: ast.BinOp, left: Any, right: Any) -> Any:
        if _shape(right) is not None:
            raise self.error("an exponent must be a scalar", node.right)
        if _shape(left) is None:
            return left**right
        return HadamardPower(left, right)

    def matmul(self, node: ast.BinOp, left: Any, right: Any) -> Any:
        ls, rs = _shape(left), _shape(right)
        if ls is None or rs is None:
            if (ls or rs or (0, 0))[0 if ls is None else 1] == 1:  # a 1×1 product met a vector
                return sympy.MatMul(left, right)
            raise self.mismatch(node, "@ needs two matrices (use * to scale)", left, right)
        if ls[1] != rs[0]:
            raise self.mismatch(node, "shapes do not match for @", left, right)
        return sympy.MatMul(left, right)

    def call(self, node: ast.Call, depth: int) -> Any:
        if not isinstance(node.func, ast.Name):
            raise self.error("only calls of named functions are allowed", node)
        name = node.func.id
        if node.keywords:
            raise self.error(f"keyword arguments are not allowed in {name}()", node)
        if name in ELEMENTWISE:
            if len(node.args) != 1:
                raise self.error(f"{name}() takes one argument", node)
            value = self.build(node.args[0], depth)
            fn = ELEMENTWISE[name]
            if _shape(value) is None:
                return fn(value)
            return ElementwiseApplyFunction(sympy.Lambda(U, fn(U)), value)
        if name not in MATRIX_FUNCTIONS:
            known = ", ".join(sorted([*ELEMENTWISE, *MATRIX_FUNCTIONS]))
            raise self.error(f"unknown function {name!r} (allowed: {known})", node)
        builder, counts = MATRIX_FUNCTIONS[name]
        if len(node.args) not in counts:
            raise self.error(f"{name}() takes {' or '.join(map(str, counts))} argument(s)", node)
        args = [self.build(a, depth) for a in node.args]
        return as_scalar(builder(self, node, *args))

    # --- the matrix functions -------------------------------------------------------------

    def square(self, node: ast.Call, value: Any, name: str) -> Any:
        shape = _shape(value)
        if shape is None or shape[0] != shape[1]:
            raise self.error(
                f"{name}() needs a square matrix, but {self.segment(node.args[0])} is "
                f"{_shown(shape)}",
                node,
            )
        return value

    def f_sum(self, node: ast.Call, value: Any) -> Any:
        shape = _shape(value)
        if shape is None:
            return value
        return sympy.OneMatrix(1, shape[0]) * value * sympy.OneMatrix(shape[1], 1)

    def f_tr(self, node: ast.Call, value: Any) -> Any:
        if _shape(value) is None:  # the trace of a 1×1 product is the product
            return value
        return sympy.Trace(self.square(node, value, "tr"))

    def f_det(self, node: ast.Call, value: Any) -> Any:
        return sympy.Determinant(self.square(node, value, "det"))

    def f_logdet(self, node: ast.Call, value: Any) -> Any:
        return sympy.log(sympy.Determinant(self.square(node, value, "logdet")))

    def f_inv(self, node: ast.Call, value: Any) -> Any:
        return sympy.Inverse(self.square(node, value, "inv"))

    def f_diag(self, node: ast.Call, value: Any) -> Any:
        shape = _shape(value)
        if shape is not None and 1 in shape and shape != (1, 1):
            return DiagMatrix(value if shape[1] == 1 else value.T)
        return DiagonalOf(self.square(node, value, "diag"))

    def f_norm(self, node: ast.Call, value: Any) -> Any:
        shape = _shape(value)
        if shape is None:
            return sympy.Abs(value)
        flipped = value.T if isinstance(value, sympy.MatrixSymbol) else sympy.Transpose(value)
        if shape[1] == 1:  # MatMul, not *: that would expand the transpose of a sum
            return sympy.sqrt(as_scalar(sympy.MatMul(flipped, value)))
        if shape[0] == 1:
            return sympy.sqrt(as_scalar(sympy.MatMul(value, flipped)))
        return sympy.sqrt(sympy.Trace(sympy.MatMul(flipped, value)))

    def dim(self, node: ast.Call, value: Any) -> Any:
        if isinstance(value, sympy.Integer) and value > 0:
            return value
        if isinstance(value, sympy.Symbol) and value.name in self.dims:
            return self.dims[value.name]
        raise self.error(
            f"a size must be a positive integer or a dimension name "
            f"({', '.join(sorted(self.dims)) or 'none declared'})",
            node,
        )

    def f_ones(self, node: ast.Call, rows: Any, cols: Any = None) -> Any:
        width = sympy.S.One if cols is None else self.dim(node, cols)
        return sympy.OneMatrix(self.dim(node, rows), width)

    def f_eye(self, node: ast.Call, size: Any) -> Any:
        return sympy.Identity(self.dim(node, size))


#: Matrix functions: name → (builder, allowed argument counts).
MATRIX_FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = {
    "sum": (_Reader.f_sum, (1,)),
    "tr": (_Reader.f_tr, (1,)),
    "det": (_Reader.f_det, (1,)),
    "logdet": (_Reader.f_logdet, (1,)),
    "inv": (_Reader.f_inv, (1,)),
    "diag": (_Reader.f_diag, (1,)),
    "norm": (_Reader.f_norm, (1,)),
    "ones": (_Reader.f_ones, (1, 2)),
    "eye": (_Reader.f_eye, (1,)),
}

_BINARY: dict[type, Callable[[_Reader, ast.BinOp, Any, Any], Any]] = {
    ast.Add: _Reader.add,
    ast.Sub: _Reader.sub,
    ast.Mult: _Reader.mul,
    ast.Div: _Reader.div,
    ast.Pow: _Reader.power,
    ast.MatMult: _Reader.matmul,
}

_HANDLERS: dict[type, Callable[[_Reader, Any, int], Any]] = {
    ast.Constant: _Reader.constant,
    ast.Name: _Reader.name,
    ast.Attribute: _Reader.attribute,
    ast.UnaryOp: _Reader.unary,
    ast.BinOp: _Reader.binary,
    ast.Call: _Reader.call,
}


@lru_cache(maxsize=512)
def _parse_cached(text: str, names: tuple[tuple[str, Any], ...]) -> Any:
    if len(text) > config.max_parse_length:
        raise ParseError(
            f"input of {len(text)} characters is longer than the {config.max_parse_length} allowed",
            text=text[:80],
        )
    if not text.strip():
        raise ParseError("empty expression", text=text)
    source = text.strip().replace("^", "**")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise ParseError(
            f"cannot parse {text[:80]!r}: {exc.msg}", text=text, position=exc.offset or 0
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError(f"cannot parse {text[:80]!r}: too complex", text=text) from None
    try:
        return _Reader(source, dict(names)).build(tree)
    except RecursionError:
        raise ParseError(f"cannot parse {text[:80]!r}: too deeply nested", text=text) from None
    except ParseError:
        raise
    except (TypeError, ValueError, sympy.ShapeError) as exc:
        raise ParseError(f"cannot parse {text[:80]!r}: {exc}", text=text) from None


def parse_matrix(text: str, shapes: ShapesLike) -> Any:
    """Parse a matrix expression in NumPy's notation (what ``parse(text, shapes=...)`` does).

    Args:
        text: The expression, e.g. ``"sum(log(1 + exp(-y * (X @ w))))"``.
        shapes: A spec string (``"X:n,m w:m y:n lam"``, see :func:`matrices`) or a dict
            from names to shapes or to SymPy symbols.

    Returns:
        A SymPy matrix expression, or a scalar expression for a 1×1 result.

    Raises:
        ParseError: For anything outside the notation or a shape mismatch (naming both
            operands and their shapes).

    Examples:
        >>> parse_matrix("X.T @ (sigmoid(X @ w) - y)", "X:n,m w:m y:n").shape
        (m, 1)
        >>> parse_matrix("w.T @ w + lam", "w:m lam")
        lam + Trace(w.T*w)
        >>> try:
        ...     parse_matrix("X @ y", "X:n,m y:n")
        ... except ValueError as e:
        ...     print(str(e).split(": ", 1)[1])
        shapes do not match for @: X is n×m but y is n×1 at column 1 (token 'X @ y')
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, got {type(text).__name__}")
    names = _declared(shapes)
    return _parse_cached(text, tuple(sorted(names.items())))
