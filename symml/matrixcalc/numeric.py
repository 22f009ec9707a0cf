r"""Matrix expressions as NumPy functions: the evaluator of results and of the checks.

:func:`matrix_function` prints a SymPy matrix expression (never a user's string) into the
source of a Python function of its matrix and scalar symbols, with one line per distinct
subexpression, and compiles it. The code uses ``@``, element-wise operations and
broadcasting the way a person writes NumPy by hand:

* a vector is a 1-D array (column and row alike), a 1×1 product a scalar;
* ``diag(v) X`` is ``v[:, None] * X`` and ``X diag(v)`` is ``X * v``: no dense diagonal;
* ``1ᵀA`` is ``A.sum(axis=0)``, ``u vᵀ`` is ``numpy.multiply.outer(u, v)``;
* a product of three or more matrices is ``numpy.linalg.multi_dot`` (the cheapest order
  at the sizes it is called with).

The function reads the dimensions from its arguments and checks them: a mismatch is a
``ValueError`` naming the argument. The element-wise functions are the one table
:data:`~symml.matrixcalc.functions.FUNCTIONS`; a backend for JAX or PyTorch (issue 15)
is the same printer with that table's other columns: see :data:`BACKENDS`.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf
from sympy.matrices.expressions.hadamard import HadamardPower, HadamardProduct
from sympy.matrices.expressions.matexpr import MatrixExpr

from symml.errors import NotSupportedError
from symml.matrixcalc.functions import FUNCTIONS, name_functions
from symml.matrixcalc.to_matrix import CommutationMatrix, Vec

__all__ = ["BACKENDS", "MatrixFunction", "arguments", "matrix_function"]

#: The array backends a matrix result compiles to. NumPy now; ``jax`` and ``torch`` are
#: issue 15: the same printer with their module in place of ``numpy``.
BACKENDS = ("numpy",)

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: Helpers every generated module defines (standalone: ``--export`` writes them out).
_PRELUDE = """import numpy


def _matrix(a, name):
    a = numpy.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (a matrix), got shape {a.shape}")
    return a


def _vector(a, name):
    a = numpy.asarray(a, dtype=float)
    if a.ndim == 2 and 1 in a.shape:
        a = a.reshape(-1)
    if a.ndim != 1:
        raise ValueError(f"{name} must be a vector (a 1-D array), got shape {a.shape}")
    return a


def _scalar(a, name):
    a = numpy.asarray(a, dtype=float)
    if a.size != 1:
        raise ValueError(f"{name} must be a scalar, got shape {a.shape}")
    return float(a.reshape(-1)[0])


def _size(sizes, dim, value, name, axis):
    have = sizes.setdefault(dim, value)
    if have != value:
        raise ValueError(
            f"{name} has {value} along axis {axis}, but {dim} = {have} from another argument"
        )


def _logdet(a):
    sign, value = numpy.linalg.slogdet(a)
    return value if sign > 0 else numpy.nan


def _commutation(m, n):
    k = numpy.arange(m * n).reshape(m, n, order="F").ravel()
    return numpy.eye(m * n)[k]


def _col(v):
    return v.reshape(-1, 1) if numpy.ndim(v) == 1 else numpy.atleast_2d(v)


def _row(v):
    return v.reshape(1, -1) if numpy.ndim(v) == 1 else numpy.atleast_2d(v)
"""


def _kind(e: Any) -> str:
    """How a value is held: ``"mat"`` (2-D), ``"col"``/``"row"`` (1-D) or ``"scalar"``."""
    if not isinstance(e, MatrixExpr):
        return "scalar"
    rows, cols = e.shape
    if rows == 1 and cols == 1:
        return "scalar"
    if cols == 1:
        return "col"
    if rows == 1:
        return "row"
    return "mat"


def arguments(expr: Any) -> tuple[Any, ...]:
    """The matrix and scalar symbols of ``expr`` (not its dimensions), sorted by name."""
    mats = expr.atoms(sympy.MatrixSymbol) if isinstance(expr, sympy.Basic) else set()
    dims = {d for shape in _shapes(expr) for size in shape for d in size.free_symbols}
    scalars = {
        s
        for s in getattr(expr, "free_symbols", set())
        if isinstance(s, sympy.Symbol)
        and s not in dims
        and not isinstance(s, sympy.Dummy)
        and not (s.is_integer and s.is_positive)  # a dimension
    }
    return tuple(sorted(mats | scalars, key=lambda s: s.name))


def _shapes(expr: Any) -> list[tuple[Any, Any]]:
    return [e.shape for e in sympy.preorder_traversal(expr) if isinstance(e, MatrixExpr)]


class _Coder:
    """Prints one expression as lines of NumPy, sharing repeated subexpressions."""

    def __init__(self, names: dict[Any, str], dims: dict[Any, str]) -> None:
        self.names = dict(names)
        self.dims = dims
        self.lines: list[str] = []
        self.count = 0
        self.ones_size: dict[str, str] = {}

    def temp(self, code: str) -> str:
        name = f"_t{self.count}"
        self.count += 1
        self.lines.append(f"    {name} = {code}")
        return name

    def __call__(self, e: Any) -> str:
        got = self.names.get(e)
        if got is not None:
            return got
        code = self.build(e)
        if not _IDENT.match(code) and not _is_literal(code):
            code = self.temp(code)
        self.names[e] = code
        return code

    def build(self, e: Any) -> str:
        for cls in type(e).__mro__:
            rule = _MATRIX_RULES.get(cls)
            if rule is not None:
                return rule(self, e)
        if isinstance(e, MatrixExpr):
            raise NotSupportedError(f"no NumPy code for the matrix operation {type(e).__name__}")
        return self.scalar(e)

    # --- scalars -----------------------------------------------------------------------------

    def scalar(self, e: Any) -> str:
        if e.is_Number:
            return repr(float(e))
        if e in self.dims:
            return self.dims[e]
        if e is sympy.pi:
            return "numpy.pi"
        if e is sympy.E:
            return "numpy.e"
        if e.is_Add:
            return "(" + " + ".join(self(a) for a in e.args) + ")"
        if e.is_Mul:
            return "(" + " * ".join(self(a) for a in e.args) + ")"
        if e.is_Pow:
            base, p = e.args
            if p == sympy.S.Half:
                return f"numpy.sqrt({self(base)})"
            return f"({self(base)} ** {self(p)})"
        if isinstance(e, sympy.log) and isinstance(e.args[0], sympy.Determinant):
            return f"_logdet({self(e.args[0].arg)})"
        named = name_functions(e)
        if type(named) in FUNCTIONS and all(a.is_number for a in named.args[1:]):
            return FUNCTIONS[type(named)][0].format(self(named.args[0]))
        if named.is_Pow or named.is_Mul or named.is_Add:
            return self.scalar(named)
        raise NotSupportedError(f"no NumPy code for {e}")

    # --- matrices ----------------------------------------------------------------------------

    def symbol(self, e: Any) -> str:
        raise NotSupportedError(f"{e} is not an argument of this function")

    def matmul(self, e: Any) -> str:
        scalars = [a for a in e.args if not isinstance(a, MatrixExpr)]
        mats = [a for a in e.args if isinstance(a, MatrixExpr)]
        core = self.chain(mats)
        if scalars:
            return f"({' * '.join(self(s) for s in scalars)}) * {core}"
        return core

    def chain(self, mats: list[Any]) -> str:
        """A product of matrices: a diagonal factor scales the rows of its right neighbour
        (``Xᵀ diag(d) X`` is ``X.T @ (d[:, None] * X)``; the columns of its left one when it
        comes last), ones vectors at the ends are sums, then ``@`` or ``multi_dot``."""
        items: list[tuple[str, str]] = []  # (code, kind)
        pending_diag: list[str] = []  # diag(v) waiting for its right neighbour
        for m in mats:
            if isinstance(m, sympy.Identity):
                continue
            if isinstance(m, DiagMatrix):
                pending_diag.append(self(m.args[0]))
                continue
            kind = _kind(m)
            if isinstance(m, sympy.OneMatrix) and kind in ("row", "col"):
                code = _ONES_ROW if kind == "row" else _ONES_COL
                length = m.shape[1] if kind == "row" else m.shape[0]
                self.ones_size[code] = self.dim(length)
                if pending_diag:  # diag(v) 1 is v
                    code, pending_diag = " * ".join(pending_diag), []
            else:
                code = self(m)
            for v in reversed(pending_diag):
                code = self.scale_rows(code, kind, v)
            pending_diag = []
            items.append((code, kind))
        if pending_diag and items:
            code, kind = items.pop()
            for v in pending_diag:
                code = self.scale_cols(code, kind, v)
            items.append((code, kind))
        elif pending_diag:
            items.append(("numpy.diag(" + " * ".join(pending_diag) + ")", "mat"))
        if not items:  # a product of identities
            return self(mats[0])
        return self.product(items)

    def scale_rows(self, code: str, kind: str, v: str) -> str:
        return f"({v}[:, None] * {code})" if kind == "mat" else f"({v} * {code})"

    def scale_cols(self, code: str, kind: str, v: str) -> str:
        return f"({code} * {v})"

    def product(self, items: list[tuple[str, str]]) -> str:
        if not items:
            raise NotSupportedError("an empty matrix product")
        # ones vectors at the ends are sums
        if len(items) > 1 and items[0][0] == _ONES_ROW:
            code = self.product(items[1:])
            kind = _product_kind([k for _, k in items[1:]])
            return f"{code}.sum(axis=0)" if kind == "mat" else f"{code}.sum()"
        if len(items) > 1 and items[-1][0] == _ONES_COL:
            code = self.product(items[:-1])
            kind = _product_kind([k for _, k in items[:-1]])
            return f"{code}.sum(axis=-1)" if kind == "mat" else f"{code}.sum()"
        items = [(self.real_ones(c), k) for c, k in items]
        if len(items) == 1:
            return items[0][0]
        if len(items) == 2:
            (a, ka), (b, kb) = items
            if ka == "col" and kb == "row":
                return f"numpy.multiply.outer({a}, {b})"
            if "scalar" in (ka, kb):
                return f"({a} * {b})"
            return f"({a} @ {b})"
        kinds = [k for _, k in items]
        if "scalar" in kinds or any(
            k1 == "col" and k2 == "row" for k1, k2 in zip(kinds, kinds[1:], strict=False)
        ):
            out = items[0]
            for nxt in items[1:]:
                out = (self.temp(self.product([out, nxt])), _product_kind([out[1], nxt[1]]))
            return out[0]
        return f"numpy.linalg.multi_dot([{', '.join(c for c, _ in items)}])"

    def real_ones(self, code: str) -> str:
        return f"numpy.ones({self.ones_size[code]})" if code in (_ONES_ROW, _ONES_COL) else code

    def matadd(self, e: Any) -> str:
        return "(" + " + ".join(self.term(a) for a in e.args) + ")"

    def term(self, a: Any) -> str:
        """A summand, with c·ones broadcast as the scalar c."""
        if isinstance(a, sympy.OneMatrix):
            return "1.0"
        if isinstance(a, sympy.MatMul):
            mats = [m for m in a.args if isinstance(m, MatrixExpr)]
            if len(mats) == 1 and isinstance(mats[0], sympy.OneMatrix):
                return "(" + " * ".join(self(s) for s in a.args if s is not mats[0]) + ")"
        return self(a)

    def ones(self, e: Any) -> str:
        rows, cols = e.shape
        kind = _kind(e)
        if kind == "scalar":
            return "1.0"
        if kind in ("row", "col"):
            return f"numpy.ones({self.dim(cols if kind == 'row' else rows)})"
        return f"numpy.ones(({self.dim(rows)}, {self.dim(cols)}))"

    def dim(self, d: Any) -> str:
        return self.dims[d] if d in self.dims else str(int(d))

    def identity(self, e: Any) -> str:
        return f"numpy.eye({self.dim(e.shape[0])})"

    def zeros(self, e: Any) -> str:
        kind = _kind(e)
        if kind == "scalar":
            return "0.0"
        if kind in ("col", "row"):
            return f"numpy.zeros({self.dim(max(e.shape, key=lambda d: d != 1))})"
        return f"numpy.zeros(({self.dim(e.shape[0])}, {self.dim(e.shape[1])}))"

    def transpose(self, e: Any) -> str:
        inner = self(e.arg)
        return f"{inner}.T" if _kind(e) == "mat" else inner

    def inverse(self, e: Any) -> str:
        return f"numpy.linalg.inv({self(e.arg)})"

    def matpow(self, e: Any) -> str:
        base, p = e.args
        return f"numpy.linalg.matrix_power({self(base)}, {int(p)})"

    def trace(self, e: Any) -> str:
        if _kind(e.arg) == "scalar":
            return self(e.arg)
        return f"numpy.trace({self(e.arg)})"

    def determinant(self, e: Any) -> str:
        return f"numpy.linalg.det({self(e.arg)})"

    def hadamard(self, e: Any) -> str:
        return "(" + " * ".join(self.term(a) for a in e.args) + ")"

    def hadamard_power(self, e: Any) -> str:
        base, p = e.args
        return f"({self(base)} ** {self(p)})"

    def applyfunc(self, e: Any) -> str:
        x = sympy.Dummy("x")
        body = name_functions(sympy.sympify(e.function(x)))
        sub = _Coder({**self.names, x: self(e.expr)}, self.dims)
        sub.count = self.count
        code = sub(body)
        self.lines += sub.lines
        self.count = sub.count
        return code

    def diag_matrix(self, e: Any) -> str:
        return f"numpy.diag({self(e.args[0])})"

    def diagonal_of(self, e: Any) -> str:
        return f"numpy.diagonal({self(e.args[0])}).copy()"

    def kron(self, e: Any) -> str:
        parts = [self.as_2d(a) for a in e.args]
        out = parts[0]
        for p in parts[1:]:
            out = f"numpy.kron({out}, {p})"
        return out

    def as_2d(self, a: Any) -> str:
        kind = _kind(a)
        code = self(a)
        return {
            "col": f"_col({code})",
            "row": f"_row({code})",
            "scalar": f"numpy.array([[{code}]])",
        }.get(kind, code)

    def vec(self, e: Any) -> str:
        return f"{self(e.arg)}.reshape(-1, order='F')"

    def commutation(self, e: Any) -> str:
        m, n = e.args
        return f"_commutation({self.dim(m)}, {self.dim(n)})"


def _product_kind(kinds: list[str]) -> str:
    rows = "mat" if kinds[0] in ("mat", "col") else "one"
    cols = "mat" if kinds[-1] in ("mat", "row") else "one"
    return {("mat", "mat"): "mat", ("mat", "one"): "col", ("one", "mat"): "row"}.get(
        (rows, cols), "scalar"
    )


_ONES_ROW, _ONES_COL = "<ones row>", "<ones col>"


def _is_literal(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True


_MATRIX_RULES: dict[type, Callable[[_Coder, Any], str]] = {
    sympy.MatrixSymbol: _Coder.symbol,
    sympy.MatMul: _Coder.matmul,
    sympy.MatAdd: _Coder.matadd,
    sympy.OneMatrix: _Coder.ones,
    sympy.Identity: _Coder.identity,
    sympy.ZeroMatrix: _Coder.zeros,
    sympy.Transpose: _Coder.transpose,
    sympy.Inverse: _Coder.inverse,
    sympy.MatPow: _Coder.matpow,
    sympy.Trace: _Coder.trace,
    sympy.Determinant: _Coder.determinant,
    HadamardProduct: _Coder.hadamard,
    HadamardPower: _Coder.hadamard_power,
    ElementwiseApplyFunction: _Coder.applyfunc,
    DiagMatrix: _Coder.diag_matrix,
    DiagonalOf: _Coder.diagonal_of,
    sympy.KroneckerProduct: _Coder.kron,
    Vec: _Coder.vec,
    CommutationMatrix: _Coder.commutation,
}


def _arg_name(s: Any, taken: set[str]) -> str:
    name = s.name
    if (
        not _IDENT.match(name)
        or keyword.iskeyword(name)
        or name in ("numpy",)
        or name.startswith("_")
    ):
        name = f"arg{len(taken)}"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _entry(args: tuple[Any, ...], names: list[str]) -> tuple[list[str], dict[Any, str]]:
    """The lines that read and check the arguments, and the code of each dimension."""
    lines = ["    _sizes = {}"]
    dims: dict[Any, str] = {}
    for s, name in zip(args, names, strict=True):
        if not isinstance(s, sympy.MatrixSymbol):
            lines.append(f"    {name} = _scalar({name}, {name!r})")
            continue
        rows, cols = s.shape
        kind = _kind(s)
        if kind == "mat":
            lines.append(f"    {name} = _matrix({name}, {s.name!r})")
            axes = [(0, rows), (1, cols)]
        elif kind == "scalar":
            lines.append(f"    {name} = _scalar({name}, {s.name!r})")
            axes = []
        else:
            lines.append(f"    {name} = _vector({name}, {s.name!r})")
            axes = [(0, rows if kind == "col" else cols)]
        for axis, d in axes:
            key = str(d)
            lines.append(f"    _size(_sizes, {key!r}, {name}.shape[{axis}], {s.name!r}, {axis})")
            if d.is_Symbol:
                dims.setdefault(d, f"_sizes[{key!r}]")
    return lines, dims


class MatrixFunction:
    """A compiled matrix expression: call it with arrays, by keyword or in ``wrt`` order.

    Attributes:
        expr: The SymPy matrix expression.
        wrt: Its matrix and scalar symbols, sorted by name (the positional order).
        source: The generated Python source.
    """

    def __init__(self, expr: Any, wrt: tuple[Any, ...] | None = None, name: str = "f") -> None:
        self.expr = expr
        self.wrt = tuple(wrt) if wrt is not None else arguments(expr)
        missing = set(arguments(expr)) - set(self.wrt)
        if missing:
            raise ValueError(f"wrt lacks {', '.join(sorted(s.name for s in missing))}")
        taken: set[str] = set()
        self.names = [_arg_name(s, taken) for s in self.wrt]
        self.source = self._generate(name)
        namespace: dict[str, Any] = {}
        exec(
            compile(self.source, f"<symml-matrix {name}>", "exec"), namespace
        )  # printed from a SymPy tree, names sanitised
        self._fn = namespace[name]

    def _generate(self, name: str) -> str:
        entry, dims = _entry(self.wrt, self.names)
        coder = _Coder({s: n for s, n in zip(self.wrt, self.names, strict=True)}, dims)
        result = coder(self.expr)
        body = [*entry, *coder.lines, f"    return {result}"]
        head = f"def {name}({', '.join(self.names)}):"
        return _PRELUDE + "\n\n" + head + "\n" + "\n".join(body) + "\n"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) > len(self.wrt):
            raise TypeError(f"takes {len(self.wrt)} arguments ({self.names}), got {len(args)}")
        values = dict(zip(self.names, args, strict=False))
        by_name = {s.name: n for s, n in zip(self.wrt, self.names, strict=True)}
        for key, value in kwargs.items():
            if key not in by_name:
                raise TypeError(f"unknown argument {key!r} (takes {', '.join(by_name)})")
            if by_name[key] in values:
                raise TypeError(f"argument {key!r} given twice")
            values[by_name[key]] = value
        missing = [n for n in self.names if n not in values]
        if missing:
            raise TypeError(f"missing argument(s): {', '.join(missing)}")
        return self._fn(**values)

    def save(self, path: str | Path, name: str = "f") -> Path:
        """Write the function as a standalone module (NumPy only) to ``path``."""
        path = Path(path)
        source = self._generate(name)
        header = f'"""Generated by symml from the matrix expression {self.expr}."""\n\n'
        path.write_text(header + source, encoding="utf-8")
        return path

    def __repr__(self) -> str:
        return f"MatrixFunction({self.expr}, wrt=({', '.join(s.name for s in self.wrt)}))"


def matrix_function(expr: Any, wrt: tuple[Any, ...] | None = None) -> MatrixFunction:
    """The NumPy function of a matrix expression (arguments: ``wrt``, default its symbols
    sorted by name).

    Examples:
        >>> import numpy
        >>> n, m = sympy.symbols("n m", positive=True, integer=True)
        >>> X, w = sympy.MatrixSymbol("X", n, m), sympy.MatrixSymbol("w", m, 1)
        >>> f = matrix_function(X.T * (X * w))
        >>> f(X=numpy.eye(3, 2), w=numpy.array([1.0, 2.0]))
        array([1., 2.])
    """
    return MatrixFunction(expr, wrt)
