"""Shared helpers of the linear-algebra modules: matrix coercion, exact tidying, LaTeX of
entries and matrices too large to show."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeAlias

import numpy as np
import sympy

from symml.derivation import (
    Derivation,
    ExprLike,
    Step,
    as_expr,
    as_matrix,
    free_symbols,
    sorted_symbols,
    tex,
)

#: What an operation takes wherever a matrix (or a vector) is expected: nested lists, a
#: SymPy Matrix, a NumPy array, a string ``"[[2,1],[1,2]]"`` or a Derivation of a matrix.
MatrixLike: TypeAlias = "sympy.MatrixBase | np.ndarray | ExprLike"
#: An expression or a matrix (a SymPy Matrix is not a ``sympy.Basic``).
SymPyObject: TypeAlias = "sympy.Basic | sympy.MatrixBase"
#: The parameters of a matrix, sorted by name: the argument order of its numeric forms.
Params: TypeAlias = tuple[sympy.Symbol, ...]

#: Largest entry (in operations) that :func:`_tidy` simplifies; larger ones are kept as they are.
TIDY_MAX_OPS = 60
#: Expressions with more operations than this are summarized, not printed, in steps.
BIG_OPS = 400
#: Matrices with more nodes than this are summarized, not printed, in steps (rendering a
#: huge closed form as LaTeX takes seconds, outside any time limit).
BIG_MATRIX_OPS = 2000
#: How steps separate the items of one line.
_COMMA = r",\ "


def _matrix(A: MatrixLike, fn: str, what: str = "A") -> sympy.ImmutableMatrix:
    """``A`` as a finite ImmutableMatrix, refusing a scalar; errors name ``fn`` and ``what``."""
    if isinstance(A, Derivation):
        A = A.result
    if isinstance(A, sympy.Basic) and not isinstance(A, sympy.MatrixBase):
        raise ValueError(f"{fn}: {what} must be a matrix, got the scalar {A}")
    return _finite_matrix(A, f"{fn}: {what}")


#: Entries no matrix may hold: with them no factorization, norm or eigenvalue means anything.
_INFINITIES = (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan)


def _finite_matrix(A: MatrixLike, what: str) -> sympy.ImmutableMatrix:
    """:func:`~symml.derivation.as_matrix`, refusing (``ValueError`` naming ``what``, the
    entry and where it is) an infinite or ``nan`` entry, or a float beyond double precision
    (``1e309``: every numeric route would see ``inf``)."""
    M = as_matrix(A, what=what)

    def bad(e: sympy.Basic) -> bool:
        return e.has(*_INFINITIES) or any(abs(x) > sys.float_info.max for x in e.atoms(sympy.Float))

    if bad(M):
        i, j = next((i, j) for i in range(M.rows) for j in range(M.cols) if bad(M[i, j]))
        raise ValueError(f"{what} has a non-finite entry {M[i, j]} at row {i + 1}, column {j + 1}")
    return M


def _square(A: MatrixLike, fn: str) -> sympy.ImmutableMatrix:
    M = _matrix(A, fn)
    if M.rows != M.cols:
        raise ValueError(f"{fn}: A must be square, got a {M.rows}x{M.cols} matrix {_short(M)}")
    return M


def _short(M: object) -> str:
    """``M`` as text for an error message, cut at 60 characters."""
    text = sympy.sstr(M.tolist() if isinstance(M, sympy.MatrixBase) else M)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_float(M: SymPyObject) -> bool:
    """Whether ``M`` has a floating-point entry."""
    return bool(M.has(sympy.Float))


def _is_zero(e: sympy.Expr | complex) -> bool:
    """Exact zero test (floats: relative to nothing, so exactly 0.0)."""
    e = sympy.sympify(e)
    z = e.is_zero
    if z is not None:
        return bool(z)
    if e.free_symbols:
        return sympy.simplify(e) == 0
    return abs(complex(sympy.N(e, 30))) < 1e-25


def _tidy(e: sympy.Expr | complex) -> sympy.Expr:
    """A cheap exact simplification of one entry."""
    e = sympy.sympify(e)
    if e.is_Atom or e.has(sympy.Float) or _is_big(e, TIDY_MAX_OPS):
        return e
    if e.free_symbols:
        return sympy.cancel(e) if not e.has(sympy.Pow) else sympy.radsimp(sympy.cancel(e))
    if e.has(sympy.I):  # 1 - I*(1/2 - I/2) -> 1/2 - I/2
        e = sympy.expand(e)
    return sympy.radsimp(e) if e.has(sympy.Pow) else e


def _is_big(e: SymPyObject | list[SymPyObject], limit: int = BIG_OPS) -> bool:
    """Whether the expression tree (or matrix) has more than ``limit`` nodes; stops counting
    there, so it is cheap even on huge closed forms (unlike ``count_ops``)."""
    items = list(e) if isinstance(e, sympy.MatrixBase) else [e]
    count = 0
    for item in items:
        for _ in sympy.preorder_traversal(item):
            count += 1
            if count > limit:
                return True
    return False


def _tex_big(e: SymPyObject | list[SymPyObject], limit: int = BIG_OPS) -> str:
    """LaTeX of ``e``, or a note of its size when it is too large to read in a derivation."""
    return tex(e) if not _is_big(e, limit) else r"\text{(closed form too large to show)}"


def _numeric_only(what: str, method: str, params: Params) -> str:
    """The plain line of a result whose values have no closed form and whose matrix has
    parameters: numeric values exist only once they are numbers (no Python hint: the CLI
    prints this line too).

    Examples:
        >>> a, b = sympy.symbols("a b")
        >>> _numeric_only("eigenvalues", "numeric (timeout)", (a, b))
        'eigenvalues: numeric only (numeric (timeout)): they depend on a, b, numbers for them give values'
    """
    names = ", ".join(p.name for p in params)
    return f"{what}: numeric only ({method}): they depend on {names}, numbers for them give values"


def _tex_or(M: sympy.MatrixBase, name: str, max_ops: int = 1000) -> str:
    """LaTeX of ``M``, or just ``name`` when it is too large to read (already shown)."""
    return name if _is_big(M, max_ops) else tex(M)


def _paren(e: sympy.Expr) -> str:
    """LaTeX of ``e``, parenthesized when it is a sum or negative."""
    e = sympy.sympify(e)
    return rf"\left({tex(e)}\right)" if e.is_Add or e.could_extract_minus_sign() else tex(e)


def _tidy_matrix(M: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    """``M`` with :func:`_tidy` applied to each entry."""
    return sympy.ImmutableMatrix(M.shape[0], M.shape[1], [_tidy(e) for e in M])


def _dot(u: sympy.MatrixBase, v: sympy.MatrixBase) -> sympy.Expr:
    """The inner product ``uᴴ v`` (no conjugate for real entries, to keep ``sqrt`` forms)."""
    conj: Callable[[sympy.Expr], sympy.Expr] = sympy.conjugate if u.has(sympy.I) else (lambda a: a)
    total = sum(conj(a) * b for a, b in zip(u, v, strict=True))
    return total if _is_big(total, 4 * TIDY_MAX_OPS) else sympy.expand(total)


def _params(*items: SymPyObject) -> Params:
    """The free symbols of ``items``, sorted by name."""
    return sorted_symbols(free_symbols(list(items)))


def _tex_matrix(M: sympy.MatrixBase) -> str:
    """LaTeX of the matrix ``M``, or a note of its shape when it is too large to read."""
    if not _is_big(M, BIG_MATRIX_OPS):
        return tex(M)
    return rf"\text{{(a {M.rows}x{M.cols} matrix, too large to show)}}"


def _matrix_step(title: str, name: str, M: sympy.MatrixBase) -> Step:
    """The step ``name = M`` (``M`` summarized when too large to show)."""
    return Step.equation(title, name, _tex_matrix(M))


def _is_symmetric(M: sympy.MatrixBase) -> bool:
    """Whether ``M`` is square and equal to its transpose (exact test)."""
    return M.rows == M.cols and all(
        _is_zero(M[i, j] - M[j, i]) for i in range(M.rows) for j in range(i + 1, M.cols)
    )


def _lam_symbol(A: sympy.MatrixBase, lam: sympy.Symbol | str | None) -> sympy.Symbol:
    """The variable of a characteristic polynomial: ``lam`` (default ``lambda``), which must
    not occur in ``A``."""
    if lam is None:
        lam = sympy.Symbol("lambda")
    elif isinstance(lam, str):
        lam = sympy.Symbol(lam)
    if not isinstance(lam, sympy.Symbol):
        raise TypeError(f"lam must be a Symbol or a name, got {lam!r}")
    if lam in A.free_symbols or lam.name in {s.name for s in free_symbols(A)}:
        raise ValueError(f"lam: {lam} already occurs in the matrix; pass another lam=")
    return lam


def _constant_array(M: sympy.MatrixBase) -> np.ndarray:
    """A constant matrix as a float array (complex only when some entry is)."""
    A = np.array(M.evalf(), dtype=complex)
    return A if np.any(A.imag) else A.real


def _sym_number(x: complex) -> sympy.Expr:
    """A float (or complex float) as a SymPy number; a negligible imaginary part is dropped."""
    x = complex(x)
    if abs(x.imag) <= 1e-12 * max(1.0, abs(x)):
        return sympy.Float(x.real)
    return sympy.Float(x.real) + sympy.I * sympy.Float(x.imag)


def _sym_vector(v: np.ndarray) -> sympy.ImmutableMatrix:
    """A NumPy vector as a SymPy column of floats."""
    return sympy.ImmutableMatrix([_sym_number(x) for x in v])


def _adjoint_name(M: sympy.MatrixBase) -> str:
    """``"H"`` (conjugate transpose) for a complex matrix, else ``"T"``."""
    return "H" if M.has(sympy.I) else "T"


def _vectors(vectors: MatrixLike, fn: str) -> list[sympy.ImmutableMatrix]:
    """``vectors`` (a sequence of vectors, a Matrix's columns or a string listing them as
    rows) as columns of one length."""
    if isinstance(vectors, Derivation):
        vectors = vectors.result
    if isinstance(vectors, str):
        vectors = as_expr(vectors, what=f"{fn}: vectors")[0]
        if isinstance(vectors, sympy.MatrixBase):
            vectors = vectors.tolist()  # a string lists the vectors as rows
    if isinstance(vectors, sympy.MatrixBase):
        vectors = [vectors[:, j] for j in range(vectors.cols)]
    if hasattr(vectors, "tolist") and not isinstance(vectors, sympy.Basic):
        vectors = vectors.tolist()
    if not isinstance(vectors, (list, tuple)) or not vectors:
        raise ValueError(f"{fn}: vectors must be a non-empty sequence of vectors, got {vectors!r}")
    out = [_column(v, f"{fn}: vector {i + 1}") for i, v in enumerate(vectors)]
    sizes = {v.rows for v in out}
    if len(sizes) != 1:
        raise ValueError(f"{fn}: the vectors have different lengths {[v.rows for v in out]}")
    return out


def _column(v: MatrixLike, what: str) -> sympy.ImmutableMatrix:
    """A vector (a row is transposed) as a column."""
    if isinstance(v, sympy.Basic) and not isinstance(v, sympy.MatrixBase):
        raise ValueError(f"{what} must be a vector, got the scalar {v}")
    M = _finite_matrix(v, what)
    if M.cols != 1:
        if M.rows != 1:
            raise ValueError(f"{what} must be a vector, got a {M.rows}x{M.cols} matrix")
        M = M.T
    return sympy.ImmutableMatrix(M)


def _is_negligible(u: sympy.MatrixBase, v: sympy.MatrixBase) -> bool:
    """Whether ``u`` (what is left of ``v`` after projections) is zero."""
    if _is_float(u) or _is_float(v):
        nu = float(sympy.sqrt(abs(_dot(u, u))).evalf()) if not u.free_symbols else None
        nv = float(sympy.sqrt(abs(_dot(v, v))).evalf()) if not v.free_symbols else 1.0
        if nu is not None:
            return nu <= 1e-10 * max(1.0, nv)
    return all(_is_zero(x) for x in u)
