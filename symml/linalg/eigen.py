r"""Linear algebra with steps: eigen-decompositions, factorizations and their numeric forms.

Each operation is exact where its input is exact (integers, rationals, radicals, symbols)
and shows the steps a student would write: the characteristic polynomial and its roots,
each eigenspace as a null space, the row operations of an LU factorization, the
projections of Gram–Schmidt. Results are frozen dataclasses with ``.latex()``,
``.verify()`` (reconstruction and agreement with ``numpy.linalg`` at random parameter
values) and ``.to_numpy()`` where a numeric form makes sense.

SymPy can take minutes on the eigenvalues of a symbolic 4×4; :func:`eig` runs the
characteristic polynomial, its roots and the null spaces under ``timeout`` and then falls
back to ``numpy.linalg`` of the compiled matrix, saying so in ``method``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from symml.deadline import Deadline, resolve_timeout, run_limited
from symml.derivation import (
    Derivation,
    Step,
    Verification,
    _align,
    _tex_text,
    as_expr,
    as_matrix,
    as_rng,
    free_symbols,
    sorted_symbols,
    tex,
)
from symml.errors import DerivationTimeout

__all__ = [
    "LU",
    "PCA",
    "QR",
    "SVD",
    "Eigen",
    "Spectral",
    "SpectrumFunction",
    "charpoly",
    "check_derivation",
    "det",
    "eig",
    "gram_schmidt",
    "inverse",
    "lu",
    "norm",
    "pca",
    "projection",
    "qr",
    "spectral",
    "svd",
]

#: Relative size below which a floating-point pivot or vector counts as zero.
FLOAT_ZERO = 1e-12
#: Largest entry (in operations) that :func:`_tidy` simplifies; larger ones are kept as they are.
TIDY_MAX_OPS = 60
#: Expressions with more operations than this are summarized, not printed, in steps.
BIG_OPS = 400
#: Matrices with more nodes than this are summarized, not printed, in steps (rendering a
#: huge closed form as LaTeX takes seconds, outside any time limit).
BIG_MATRIX_OPS = 2000
#: A closed-form eigenvalue is used at a point only when it is within this much (times the
#: Frobenius norm of the matrix there) of ``numpy.linalg``; else numpy's value is returned.
CLOSED_FORM_RTOL = 1e-9
#: Singular values below this (times the matrix norm) count as zero in numeric rank tests.
RANK_RTOL = 1e-8
#: Largest matrix whose cofactor expansion / adjugate is shown as a step.
SHOW_COFACTORS_MAX = 4


# --- helpers ---------------------------------------------------------------------------------


def _render(steps: tuple[Step, ...], final: str, show: bool) -> str:
    """An ``aligned`` block of the steps ending in ``final`` (or ``final`` alone)."""
    if not show or not steps:
        return final
    lines = [_align(s.latex) + rf" && \text{{{_tex_text(s.title)}}}" for s in steps]
    if steps[-1].latex != final:
        lines.append(_align(final))
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def _matrix(A: Any, fn: str, what: str = "A") -> sympy.ImmutableMatrix:
    if isinstance(A, Derivation):
        A = A.result
    if isinstance(A, sympy.Basic) and not isinstance(A, sympy.MatrixBase):
        raise ValueError(f"{fn}: {what} must be a matrix, got the scalar {A}")
    return _finite_matrix(A, f"{fn}: {what}")


#: Entries no matrix may hold: with them no factorization, norm or eigenvalue means anything.
_INFINITIES = (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan)


def _finite_matrix(A: Any, what: str) -> sympy.ImmutableMatrix:
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


def _square(A: Any, fn: str) -> sympy.ImmutableMatrix:
    M = _matrix(A, fn)
    if M.rows != M.cols:
        raise ValueError(f"{fn}: A must be square, got a {M.rows}x{M.cols} matrix {_short(M)}")
    return M


def _short(M: Any) -> str:
    text = sympy.sstr(M.tolist() if isinstance(M, sympy.MatrixBase) else M)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_float(M: Any) -> bool:
    return bool(M.has(sympy.Float))


def _is_zero(e: Any) -> bool:
    """Exact zero test (floats: relative to nothing, so exactly 0.0)."""
    e = sympy.sympify(e)
    z = e.is_zero
    if z is not None:
        return bool(z)
    if e.free_symbols:
        return sympy.simplify(e) == 0
    return abs(complex(sympy.N(e, 30))) < 1e-25


def _tidy(e: Any) -> Any:
    """A cheap exact simplification of one entry."""
    e = sympy.sympify(e)
    if e.is_Atom or e.has(sympy.Float) or _is_big(e, TIDY_MAX_OPS):
        return e
    if e.free_symbols:
        return sympy.cancel(e) if not e.has(sympy.Pow) else sympy.radsimp(sympy.cancel(e))
    if e.has(sympy.I):  # 1 - I*(1/2 - I/2) -> 1/2 - I/2
        e = sympy.expand(e)
    return sympy.radsimp(e) if e.has(sympy.Pow) else e


def _is_big(e: Any, limit: int = BIG_OPS) -> bool:
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


def _tex_big(e: Any, limit: int = BIG_OPS) -> str:
    """LaTeX of ``e``, or a note of its size when it is too large to read in a derivation."""
    return tex(e) if not _is_big(e, limit) else r"\text{(closed form too large to show)}"


def _tex_or(M: Any, name: str, max_ops: int = 1000) -> str:
    """LaTeX of ``M``, or just ``name`` when it is too large to read (already shown)."""
    return name if _is_big(M, max_ops) else tex(M)


def _paren(e: Any) -> str:
    """LaTeX of ``e``, parenthesized when it is a sum or negative."""
    e = sympy.sympify(e)
    return rf"\left({tex(e)}\right)" if e.is_Add or e.could_extract_minus_sign() else tex(e)


def _tidy_matrix(M: Any) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(M.shape[0], M.shape[1], [_tidy(e) for e in M])


def _dot(u: Any, v: Any) -> Any:
    """The inner product ``uᴴ v`` (no conjugate for real entries, to keep ``sqrt`` forms)."""
    conj = sympy.conjugate if u.has(sympy.I) else (lambda a: a)
    total = sum(conj(a) * b for a, b in zip(u, v, strict=True))
    return total if _is_big(total, 4 * TIDY_MAX_OPS) else sympy.expand(total)


def _params(*items: Any) -> tuple[sympy.Symbol, ...]:
    return sorted_symbols(free_symbols(list(items)))


def _derivation(
    result: Any,
    wrt: tuple[sympy.Symbol, ...],
    steps: list[Step],
    lhs: str,
    operation: str,
    source: dict[str, Any],
) -> Derivation:
    return Derivation(result, wrt, tuple(steps), lhs, operation=operation, source=source)


def _tex_matrix(M: Any) -> str:
    """LaTeX of the matrix ``M``, or a note of its shape when it is too large to read."""
    if not _is_big(M, BIG_MATRIX_OPS):
        return tex(M)
    return rf"\text{{(a {M.rows}x{M.cols} matrix, too large to show)}}"


def _matrix_step(title: str, name: str, M: Any) -> Step:
    return Step(title, f"{name} = {_tex_matrix(M)}")


def _numeric_matrix(M: sympy.MatrixBase, params: tuple[sympy.Symbol, ...]) -> Callable[..., Any]:
    """``params -> (..., m, n)`` array of ``M`` (complex only when the entries are)."""
    from symml.compile import to_numpy

    fn = to_numpy(sympy.ImmutableMatrix(M), params)
    shape = M.shape

    def call(*args: Any) -> np.ndarray:
        out = np.asarray(fn(*args))
        if out.shape[-2:] != shape:  # a column vector comes back as (..., m)
            out = out.reshape(out.shape[:-1] + shape)
        return out

    return call


def _where_finite(solve: Callable[[np.ndarray], Any], A: np.ndarray) -> Any:
    """``solve(A)`` (a ``numpy.linalg`` routine on a stack of matrices ``(..., m, n)``,
    returning an array or a tuple of arrays), with ``nan`` outputs for each matrix that has
    a non-finite entry (a ``nan`` parameter, or one outside an entry's real domain): LAPACK
    would raise for the whole stack, or (``eigvalsh`` reads one triangle) return numbers.

    Examples:
        >>> _where_finite(np.linalg.eigvalsh, np.array([[[2.0, 0], [0, 1]], [[np.nan, 1], [1, 0]]]))
        array([[ 1.,  2.],
               [nan, nan]])
    """
    bad = ~np.all(np.isfinite(A), axis=(-2, -1))
    if not bad.any():
        return solve(A)
    out = solve(np.where(bad[..., None, None], 0, A))

    def blank(x: np.ndarray) -> np.ndarray:
        x = np.array(x, dtype=np.result_type(x, np.float64))
        x[bad] = np.nan
        return x

    return tuple(blank(x) for x in out) if isinstance(out, tuple) else blank(out)


def _evalf_roots(e: Any) -> Any:
    """``e`` with every ``CRootOf`` replaced by its 30-digit value."""
    e = sympy.sympify(e)
    roots = e.atoms(sympy.CRootOf) if isinstance(e, sympy.Basic) else set()
    return e.xreplace({r: r.evalf(30) for r in roots}) if roots else e


def _complex_args(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with its arguments cast to complex first."""
    return lambda *a: fn(*(np.asarray(x, dtype=complex) for x in a))


#: The NumPy functions of closed forms, taking complex arguments even where an argument is a
#: constant (``sqrt(-4 c³ + d²)`` of the cubic formula is ``nan`` in real arithmetic).
_COMPLEX_NUMPY = {
    name: _complex_args(getattr(np, name))
    for name in (
        "sqrt",
        "exp",
        "log",
        "cos",
        "sin",
        "tan",
        "arccos",
        "arcsin",
        "arctan",
        "cosh",
        "sinh",
        "tanh",
        "arccosh",
        "arcsinh",
        "arctanh",
    )
}


#: Digits for evaluating constant closed forms (mpmath): enough that cancellation in them
#: (σ₂ of [[1e10, 3], [1, 2]] is a difference of numbers near 1e20) leaves 15 good ones.
CONSTANT_DIGITS = 40


@lru_cache(maxsize=128)
def _complex_fn(exprs: tuple[Any, ...], params: tuple[sympy.Symbol, ...]) -> Callable[..., Any]:
    """``params -> (..., len(exprs))`` complex array: closed forms in complex arithmetic (so a
    square root of a negative number, a constant one too, is imaginary rather than ``nan``).
    Root objects (``CRootOf``, which NumPy cannot evaluate) enter as 30-digit numbers.
    Without parameters the values are computed by mpmath at :data:`CONSTANT_DIGITS` digits
    and rounded once, so cancellation in a closed form does not cost its digits.

    Cached: the checks evaluate the same factors at every random point (:func:`_eval`)."""
    exprs = tuple(_evalf_roots(e) for e in exprs)
    if not params:
        import mpmath

        g = sympy.lambdify((), list(exprs), modules="mpmath", cse=True)

        def constant() -> np.ndarray:
            with mpmath.workdps(CONSTANT_DIGITS):
                return np.array([complex(v) for v in g()], dtype=complex)

        return constant
    f = sympy.lambdify(params, list(exprs), modules=[_COMPLEX_NUMPY, "numpy"], cse=True)

    def call(*args: Any) -> np.ndarray:
        cargs = [np.asarray(a, dtype=complex) for a in args]
        with np.errstate(all="ignore"):
            outs = [np.asarray(o, dtype=complex) for o in f(*cargs)]
        outs = np.broadcast_arrays(*outs, *cargs) if cargs else outs
        return np.stack(outs[: len(exprs)], axis=-1)

    return call


def _all_real(w: np.ndarray) -> bool:
    """Whether every imaginary part is negligible (relative to each point's largest value)."""
    if w.size == 0:
        return True
    with np.errstate(invalid="ignore"):  # nan values (an undefined point) count as real
        scale = np.maximum(1.0, np.abs(w).max(axis=-1, keepdims=True))
        return not np.any(np.abs(w.imag) > 1e-10 * scale)


def _sorted(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the values :func:`_order` returns, the permutation along the last axis it applied)."""
    w = np.asarray(w, dtype=complex)
    if _all_real(w):
        idx = np.argsort(-w.real, axis=-1, kind="stable")
        return np.take_along_axis(w.real, idx, axis=-1), idx
    idx = np.lexsort((-np.round(w.imag, 9), -np.round(w.real, 9)), axis=-1)
    return np.take_along_axis(w, idx, axis=-1), idx


def _order(w: np.ndarray) -> np.ndarray:
    """Eigenvalues along the last axis, sorted descending (by real part, then imaginary);
    real dtype when every imaginary part is negligible.

    Examples:
        >>> _order(np.array([1.0, 3.0 + 1e-17j, 2.0]))
        array([3., 2., 1.])
        >>> _order(np.array([1j, 2.0, 1 - 1j]))
        array([2.+0.j, 1.-1.j, 0.+1.j])
    """
    return _sorted(w)[0]


def _order_pairs(w: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``(..., n)`` as :func:`_order` sorts them, with the columns of the
    eigenvector matrices ``V`` ``(..., n, n)`` permuted alike (one sort for both)."""
    values, idx = _sorted(w)
    return values, np.take_along_axis(np.asarray(V), idx[..., None, :], axis=-1)


def _is_symmetric(M: sympy.MatrixBase) -> bool:
    return M.rows == M.cols and all(
        _is_zero(M[i, j] - M[j, i]) for i in range(M.rows) for j in range(i + 1, M.cols)
    )


def _points(
    params: tuple[sympy.Symbol, ...], fn: Callable[..., Any], points: int, rng: np.random.Generator
) -> np.ndarray:
    """Random parameter points where ``fn`` is finite (complex values are fine here:
    eigenvalues and factors of real matrices may be complex)."""
    from symml.verify import random_points

    if not params:
        return np.zeros((1, 0))
    return random_points(lambda *a: np.abs(fn(*a)), len(params), points, rng)


def _verification(
    worst: float, rtol: float, method: str, points: int, details: str
) -> Verification:
    return Verification(
        passed=bool(worst <= rtol),
        max_error=float(worst),
        method=method,
        points=points,
        details=details,
    )


def _rel(a: Any, b: Any) -> float:
    from symml.verify import relative_error

    return relative_error(a, b)


def _backward(X: Any, A: Any) -> float:
    """``‖X − A‖ / max(1, ‖A‖)`` (Frobenius; ``inf`` if anything is not finite): how far a
    computed matrix or spectrum ``X`` is from ``A`` relative to the size of ``A``. This is
    what floating point can promise; entry by entry (:func:`_rel`), an entry 1 beside 1e12
    carries an absolute error of about 1e-4 and a correct factorization would fail.

    Examples:
        >>> _backward([[1e12, 1.0001], [1, 1e12]], [[1e12, 1], [1, 1e12]]) < 1e-15
        True
    """
    X, A = np.asarray(X, dtype=complex), np.asarray(A, dtype=complex)
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(A))):
        return float("inf")
    return float(np.linalg.norm(X - A)) / max(1.0, float(np.linalg.norm(A)))


# --- eigen-decomposition ---------------------------------------------------------------------


@dataclass(frozen=True)
class SpectrumFunction:
    """A numeric callable ``params -> eigenvalues (..., n)`` (or singular values).

    Attributes:
        wrt: The parameters, sorted by name (the argument order).
        kind: How values are computed: ``"closed form"`` or the ``numpy.linalg`` routine.
    """

    wrt: tuple[sympy.Symbol, ...]
    kind: str
    fn: Callable[..., Any] = field(repr=False, compare=False)

    def __call__(self, *args: Any) -> np.ndarray:
        if len(args) != len(self.wrt):
            names = ", ".join(s.name for s in self.wrt) or "no arguments"
            raise TypeError(
                f"this function takes {len(self.wrt)} argument(s) ({names}), got {len(args)}"
            )
        return self.fn(*args)


@dataclass(frozen=True)
class Eigen:
    r"""The eigen-decomposition of a square matrix, with its steps.

    Attributes:
        values: Eigenvalues repeated by algebraic multiplicity; numeric ones sorted
            descending (complex ones by real part, then imaginary part). Empty when only
            the numeric callable exists (a symbolic matrix whose roots timed out).
        vectors: Eigenvector columns, aligned with ``values`` when diagonalizable (else
            the eigenspace bases, in the order of the distinct values).
        multiplicities: ``{value: (algebraic, geometric)}``.
        is_diagonalizable: Whether ``A = P D P⁻¹``; ``None`` when unknown.
        P: Eigenvector matrix (``None`` when defective or unknown).
        D: Diagonal matrix of eigenvalues (``None`` when defective or unknown).
        charpoly: ``det(λI − A)`` as an expression in ``lam`` (``None`` if it timed out).
        matrix: The input matrix.
        eigenspaces: ``{value: (basis vectors...)}``.
        lam: The variable of the characteristic polynomial.
        steps: The derivation.
        method: ``"symbolic"``, ``"numeric (timeout)"``, ``"numeric (no closed form)"``,
            ``"numeric (float input)"``, ``"symbolic eigenvalues, numeric eigenvectors
            (timeout)"`` (a constant matrix whose exact null spaces ran out of time: numeric
            null spaces at the exact eigenvalues) or ``"symbolic eigenvalues, no
            eigenvectors (timeout)"`` (the same for a matrix with parameters).

    Examples:
        >>> e = eig([[2, 1], [1, 2]])
        >>> e.values
        (3, 1)
        >>> e.vectors
        (Matrix([
        [1],
        [1]]), Matrix([
        [-1],
        [ 1]]))
        >>> e.plain()
        '[3, 1]'
    """

    values: tuple[Any, ...]
    vectors: tuple[sympy.ImmutableMatrix, ...]
    multiplicities: dict[Any, tuple[int, int]] = field(compare=False)
    is_diagonalizable: bool | None
    P: sympy.ImmutableMatrix | None
    D: sympy.ImmutableMatrix | None
    charpoly: Any
    matrix: sympy.ImmutableMatrix
    eigenspaces: dict[Any, tuple[sympy.ImmutableMatrix, ...]] = field(compare=False, repr=False)
    lam: sympy.Symbol
    steps: tuple[Step, ...] = field(repr=False)
    method: str = "symbolic"

    @property
    def params(self) -> tuple[sympy.Symbol, ...]:
        """The matrix's parameters, sorted by name (the argument order of :meth:`to_numpy`)."""
        return _params(self.matrix)

    @property
    def closed_form(self) -> bool:
        """Whether exact eigenvalues were found (then :meth:`to_numpy` evaluates them)."""
        return len(self.values) == self.matrix.rows and not any(
            v.has(sympy.Float) for v in self.values
        )

    def latex(self, *, steps: bool = True) -> str:
        if self.values:
            final = rf"\lambda = {tex(list(self.values))}"
        else:
            final = r"\lambda = \operatorname{eig}\left(" + tex(self.matrix) + r"\right)"
        if self.method != "symbolic":
            final += rf" \quad (\text{{{_tex_text(self.method)}}})"
        return _render(self.steps, final, steps)

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def plain(self) -> str:
        """The eigenvalues on one line (the CLI's last line)."""
        if not self.values:
            return f"eigenvalues: numeric only, {self.method}; use .to_numpy()"
        text = sympy.sstr(list(self.values))
        return text if self.method == "symbolic" else f"{text}  ({self.method})"

    def to_numpy(self, *, vectors: bool = False) -> SpectrumFunction:
        """A callable ``params -> eigenvalues (..., n)``, broadcast over parameter arrays.

        The closed forms are evaluated in complex arithmetic when they were found, else
        ``numpy.linalg.eigvalsh``/``eigvals`` of the compiled matrix. A closed form is
        checked at every point against ``numpy.linalg`` of the compiled matrix: where it is
        not finite or disagrees (SymPy's cubic and quartic formulas are ``nan`` or wrong at
        degenerate parameter values, e.g. a multiple of the identity), numpy's values are
        returned there instead. Values are sorted descending per point (complex ones by
        real part, then imaginary part); the dtype is complex only where some value is.

        Args:
            vectors: Return ``(values, vectors)`` from ``numpy.linalg.eigh``/``eig`` of the
                compiled matrix instead (vectors as columns, ``(..., n, n)``), the values
                sorted as without ``vectors`` and the columns alike.

        Examples:
            >>> f = eig("[[a, b], [b, a]]").to_numpy()
            >>> f(2.0, 1.0)
            array([3., 1.])
            >>> f([2.0, 0.0], 1.0).shape
            (2, 2)
        """
        params = self.params
        symmetric = _is_symmetric(self.matrix)
        if vectors:
            return SpectrumFunction(
                params,
                "numpy.linalg.eigh" if symmetric else "numpy.linalg.eig",
                _numeric_eig_vectors(self.matrix, params, symmetric),
            )
        if self.closed_form:
            return SpectrumFunction(
                params,
                "closed form",
                _checked_closed_form(self.values, self.matrix, params, symmetric),
            )
        return SpectrumFunction(
            params,
            "numpy.linalg.eigvalsh" if symmetric else "numpy.linalg.eigvals",
            _numeric_eigvals(self.matrix, params, symmetric),
        )

    def verify(self, *, points: int = 5, rng: Any = None, rtol: float = 1e-6) -> Verification:
        """Check every claim at random parameter values against the matrix itself: the
        eigenvalues (exact and :meth:`to_numpy`'s) by ``σ_min(A − λI) ≈ 0`` and the power
        sums ``Σ λᵏ = tr Aᵏ`` (so with their algebraic multiplicities), ``A v = λ v`` for
        every vector, each geometric multiplicity as the numeric nullity of ``A − λI``,
        ``is_diagonalizable`` and ``A = P D P⁻¹``, and ``charpoly`` against
        ``det(zI − A)``. A failed check is named in ``details``.

        Examples:
            >>> bool(eig([[0, -1], [1, 0]]).verify())
            True
        """
        return _check_eigen(self, points, as_rng(rng), rtol)


def _eigvals_of(A: np.ndarray, symmetric: bool) -> np.ndarray:
    """Eigenvalues of the matrices ``A`` (..., n, n), sorted as :func:`_order` does (``nan``
    for a matrix with a non-finite entry)."""
    if symmetric and not np.iscomplexobj(A):
        return _where_finite(lambda B: np.linalg.eigvalsh(B)[..., ::-1], A)
    return _where_finite(lambda B: _order(np.linalg.eigvals(B)), A)


def _numeric_eigvals(
    M: sympy.MatrixBase, params: tuple[sympy.Symbol, ...], symmetric: bool
) -> Callable[..., Any]:
    mat = _numeric_matrix(M, params)
    return lambda *args: _eigvals_of(mat(*args), symmetric)


def _checked_closed_form(
    values: tuple[Any, ...], M: sympy.MatrixBase, params: tuple[sympy.Symbol, ...], symmetric: bool
) -> Callable[..., Any]:
    """``params -> eigenvalues``: the closed forms where they agree with ``numpy.linalg`` of
    the compiled matrix (within :data:`CLOSED_FORM_RTOL` of its norm), numpy's elsewhere.

    Examples:
        >>> a = sympy.Symbol("a")
        >>> f = _checked_closed_form((a, a), sympy.Matrix([[a, 0], [0, a]]), (a,), True)
        >>> f(np.array([2.0, -1.0]))
        array([[ 2.,  2.],
               [-1., -1.]])
    """
    closed = _complex_fn(tuple(values), params)
    mat = _numeric_matrix(M, params)

    def call(*args: Any) -> np.ndarray:
        A = mat(*args)
        reference = _eigvals_of(A, symmetric)
        with np.errstate(all="ignore"):
            got = np.broadcast_to(_order(closed(*args)), reference.shape)
            error = np.abs(got - reference).max(axis=-1)
            scale = np.linalg.norm(A.reshape(A.shape[:-2] + (-1,)), axis=-1)
            good = np.isfinite(error) & (error <= CLOSED_FORM_RTOL * scale)
        return _order(np.where(good[..., None], got, reference))

    return call


def _numeric_eig_vectors(
    M: sympy.MatrixBase, params: tuple[sympy.Symbol, ...], symmetric: bool
) -> Callable[..., Any]:
    mat = _numeric_matrix(M, params)

    def solve(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if symmetric and not np.iscomplexobj(A):
            w, V = np.linalg.eigh(A)
            return w[..., ::-1], V[..., ::-1]
        return _order_pairs(*np.linalg.eig(A))

    return lambda *args: _where_finite(solve, mat(*args))


def _charpoly_expr(A: sympy.MatrixBase, lam: sympy.Symbol) -> Any:
    return A.charpoly(lam).as_expr()


def _roots(p: Any, lam: sympy.Symbol) -> dict[Any, int]:
    return sympy.roots(sympy.Poly(p, lam), multiple=False)


def _null_spaces(
    A: sympy.MatrixBase, roots: dict[Any, int], values: list[Any], p: Any, lam: sympy.Symbol
) -> list[list[sympy.ImmutableMatrix]]:
    """A basis of each eigenspace: for a simple irrational eigenvalue a column of the
    adjugate (exact polynomial arithmetic for a rational matrix, a numeric non-zero test
    otherwise), else the null space of ``A − λI``.

    The adjugate also serves constant irrational or complex matrices, whose simplified null
    spaces can run for minutes on nested radicals (``[[1, 2i], [3, 4]]``).
    """
    n = A.rows
    rational = all(x.is_Rational for x in A)
    generic = not A.free_symbols or n >= 3
    adj = None
    out = []
    for v in values:
        if (rational or generic) and roots[v] == 1 and not v.is_Rational:
            adj = (A - lam * sympy.eye(n)).adjugate() if adj is None else adj
            pick = _adjugate_vector if rational else _generic_adjugate_vector
            vec = pick(adj, p, lam, v)
            if vec is not None:
                out.append([vec])
                continue
        basis = (A - v * sympy.eye(n)).nullspace(simplify=True)
        out.append([_tidy_matrix(b) for b in basis])
    return out


def _generic_adjugate_vector(
    adj: sympy.MatrixBase, p: Any, lam: sympy.Symbol, v: Any
) -> sympy.ImmutableMatrix | None:
    """As :func:`_adjugate_vector` for a matrix with parameters (or irrational constant
    entries): the first column that is non-zero at a generic (fixed, irrational-free)
    parameter point, so the vector is valid for all parameters except a measure-zero set
    (as SymPy's own null spaces are). For a constant matrix the test is at 30 digits."""
    params = sorted_symbols(free_symbols(adj) - {lam})
    at = {s: sympy.Rational(2 * i + 3, 7 + i) for i, s in enumerate(params)}
    lam_at = sympy.N(v.subs(at), 30)
    for j in range(adj.cols):
        column = [sympy.expand(e) for e in adj[:, j]]
        values = [abs(complex(sympy.N(e.subs(at).subs(lam, lam_at), 30))) for e in column]
        if max(values) > 1e-12 * max(1.0, *values):
            return sympy.ImmutableMatrix([sympy.collect(e, lam).subs(lam, v) for e in column])
    return None


def _adjugate_vector(
    adj: sympy.MatrixBase, p: Any, lam: sympy.Symbol, v: Any
) -> sympy.ImmutableMatrix | None:
    """An eigenvector for the simple eigenvalue ``v``: a column of adj(A − λI) at λ = v.

    (A − vI) adj(A − vI) = det(A − vI) I = 0, and adj has rank one at a simple eigenvalue.
    A column is non-zero at ``v`` exactly when it is non-zero modulo the minimal polynomial
    ``q`` of ``v`` (the irreducible factor of ``p`` that ``v`` is a root of).
    """
    factors = [q for q, _ in sympy.factor_list(p, lam)[1]]
    q = min(factors, key=lambda f: abs(complex(sympy.N(f.subs(lam, v), 50))))
    for j in range(adj.cols):
        column = [sympy.rem(e, q, lam) for e in adj[:, j]]
        if any(c != 0 for c in column):
            return sympy.ImmutableMatrix([sympy.collect(c, lam).subs(lam, v) for c in column])
    return None


def _lam_symbol(A: sympy.MatrixBase, lam: Any) -> sympy.Symbol:
    if lam is None:
        lam = sympy.Symbol("lambda")
    elif isinstance(lam, str):
        lam = sympy.Symbol(lam)
    if not isinstance(lam, sympy.Symbol):
        raise TypeError(f"lam must be a Symbol or a name, got {lam!r}")
    if lam in A.free_symbols or lam.name in {s.name for s in free_symbols(A)}:
        raise ValueError(f"lam: {lam} already occurs in the matrix; pass another lam=")
    return lam


def _sort_exact(roots: dict[Any, int]) -> list[Any]:
    values = list(roots)
    if any(v.free_symbols for v in values):
        return values

    def key(v: Any) -> tuple[float, float]:
        c = complex(sympy.N(v, 30))
        return (-round(c.real, 12), -round(c.imag, 12))

    return sorted(values, key=key)


def eig(A: Any, timeout: float | None = None, *, lam: Any = None) -> Eigen:
    r"""Eigenvalues, eigenvectors and (when it exists) the diagonalization ``A = P D P⁻¹``.

    The steps: the characteristic polynomial ``det(A − λI)``, its roots with their
    multiplicities, each eigenspace as the null space of ``A − λI``, then ``P`` and ``D``
    (or the statement that ``A`` is defective). Complex eigenvalues are exact
    (``±i`` for a quarter turn).

    Args:
        A: A square matrix: nested lists, a SymPy Matrix, or a string ``"[[2,1],[1,2]]"``.
        timeout: Seconds for the symbolic work (characteristic polynomial, roots, null
            spaces together); default ``config.timeout``. On expiry the result falls back
            to ``numpy.linalg`` (``method`` says which path was taken).
        lam: The variable of the characteristic polynomial (default ``lambda``).

    Raises:
        ValueError: For a non-square or ragged matrix.

    Examples:
        >>> e = eig([[1, 1], [0, 1]])
        >>> e.is_diagonalizable, e.multiplicities, e.P
        (False, {1: (2, 1)}, None)
        >>> eig([[0, -1], [1, 0]]).values
        (I, -I)
    """
    M = _square(A, "eig")
    return _eig(M, Deadline(resolve_timeout(timeout)), _lam_symbol(M, lam))


def _eig(M: sympy.ImmutableMatrix, limit: Deadline, lam: sympy.Symbol) -> Eigen:
    """:func:`eig` of a checked square matrix within the budget ``limit`` (shared with the
    caller: :func:`spectral` and :func:`svd` continue with what is left)."""
    steps: list[Step] = [_matrix_step("matrix", "A", M)]
    if _is_float(M) and not M.free_symbols:
        return _numeric_eigen(M, lam, steps, None, "numeric (float input)")
    try:
        p = run_limited(
            _charpoly_expr, M, lam, timeout=limit.left(), what="the characteristic polynomial"
        )
    except DerivationTimeout:
        return _numeric_eigen(M, lam, steps, None, "numeric (timeout)", limit.timeout)
    n = M.rows
    det_form = sympy.expand((-1) ** n * p)
    steps.append(
        Step(
            "characteristic polynomial",
            rf"\det(A - {tex(lam)} I) = {_tex_big(det_form, BIG_MATRIX_OPS)}",
        )
    )
    try:
        roots = run_limited(_roots, p, lam, timeout=limit.left(), what="the eigenvalues")
    except DerivationTimeout:
        return _numeric_eigen(M, lam, steps, p, "numeric (timeout)", limit.timeout)
    if sum(roots.values()) != n:
        return _numeric_eigen(M, lam, steps, p, "numeric (no closed form)")
    factored = sympy.factor(det_form) if not M.free_symbols else det_form
    if factored != det_form:
        steps.append(Step("factor", rf"\det(A - {tex(lam)} I) = {tex(factored)}"))
    distinct = _sort_exact(roots)
    steps.append(
        Step(
            "eigenvalues",
            ",\\ ".join(
                rf"{tex(lam)}_{{{i + 1}}} = {_tex_big(v)}"
                + (rf"\ (\times {roots[v]})" if roots[v] > 1 else "")
                for i, v in enumerate(distinct)
            ),
        )
    )
    values = tuple(v for v in distinct for _ in range(roots[v]))
    try:
        spaces = run_limited(
            _null_spaces, M, roots, distinct, p, lam, timeout=limit.left(), what="the eigenvectors"
        )
    except DerivationTimeout:
        spaces = None
    if spaces is None or any(not s for s in spaces):
        why = "timeout" if spaces is None else "null space not found"
        if not M.free_symbols:
            steps.append(
                Step(
                    "eigenvectors",
                    rf"\text{{exact null spaces not found ({why}): "
                    rf"numeric null spaces of }} A - {tex(lam)} I \text{{ at the exact "
                    rf"eigenvalues}}",
                )
            )
            return _finish_eigen(
                M,
                lam,
                p,
                roots,
                distinct,
                _numeric_spaces(M, roots, distinct),
                steps,
                f"symbolic eigenvalues, numeric eigenvectors ({why})",
            )
        method = f"symbolic eigenvalues, no eigenvectors ({why})"
        steps.append(Step("eigenvectors", rf"\text{{not found: {why}}}"))
        simple = all(roots[v] == 1 for v in distinct)  # n distinct eigenvalues: diagonalizable
        mult = {v: (roots[v], 1 if simple else 0) for v in distinct}
        return Eigen(
            values,
            (),
            mult,
            True if simple else None,
            None,
            None,
            p,
            M,
            {},
            lam,
            tuple(steps),
            method,
        )
    return _finish_eigen(M, lam, p, roots, distinct, spaces, steps)


def _finish_eigen(
    M: sympy.ImmutableMatrix,
    lam: sympy.Symbol,
    p: Any,
    roots: dict[Any, int],
    distinct: list[Any],
    spaces: list[list[sympy.ImmutableMatrix]],
    steps: list[Step],
    method: str = "symbolic",
) -> Eigen:
    mult = {v: (roots[v], len(s)) for v, s in zip(distinct, spaces, strict=True)}
    eigenspaces = {v: tuple(s) for v, s in zip(distinct, spaces, strict=True)}
    for i, (v, basis) in enumerate(eigenspaces.items(), start=1):
        alg, geo = mult[v]
        shown = rf"{tex(lam)}_{{{i}}}" if _is_big(v) else _paren(v)
        steps.append(
            Step(
                f"eigenspace (algebraic {alg}, geometric {geo})",
                rf"\operatorname{{null}}(A - {shown} I) = \operatorname{{span}}"
                rf"\left\{{{_COMMA.join(_tex_big(b) for b in basis)}\right\}}",
            )
        )
    diagonalizable = all(a == g for a, g in mult.values())
    values = tuple(v for v in distinct for _ in range(roots[v]))
    vectors = tuple(b for v in distinct for b in eigenspaces[v])
    P = D = None
    if diagonalizable:
        P = sympy.ImmutableMatrix.hstack(*vectors)
        D = sympy.ImmutableMatrix(sympy.diag(*values))
        steps.append(
            Step("diagonalize", rf"A = P D P^{{-1}},\ P = {_tex_big(P)},\ D = {_tex_big(D)}")
        )
    else:
        short = [v for v in distinct if mult[v][1] < mult[v][0]]
        steps.append(
            Step(
                "defective",
                ",\\ ".join(
                    rf"{tex(lam)} = {_tex_big(v)}:\ \text{{geometric {mult[v][1]} < algebraic {mult[v][0]}}}"
                    for v in short
                )
                + r"\ \Rightarrow\ \text{A is not diagonalizable}",
            )
        )
    return Eigen(
        values, vectors, mult, diagonalizable, P, D, p, M, eigenspaces, lam, tuple(steps), method
    )


def _numeric_eigen(
    M: sympy.ImmutableMatrix,
    lam: sympy.Symbol,
    steps: list[Step],
    p: Any,
    method: str,
    timeout: float | None = None,
) -> Eigen:
    """The numeric fallback: ``numpy.linalg`` now for a constant matrix, else at call time."""
    why = f"after {timeout:g} s" if timeout is not None and "timeout" in method else ""
    if M.free_symbols:
        steps.append(
            Step(
                f"fallback: {method}",
                rf"\text{{no closed form {why}; eigenvalues from numpy.linalg of the "
                rf"compiled matrix}}",
            )
        )
        return Eigen((), (), {}, None, None, None, p, M, {}, lam, tuple(steps), method)
    A = _constant_array(M)
    hermitian = not np.iscomplexobj(A) and _is_symmetric(M)
    if hermitian:
        w, V = np.linalg.eigh(A)
        w, V = w[::-1], V[:, ::-1]
    else:
        w, V = _order_pairs(*np.linalg.eig(A))
    values, vectors, mult, spaces = [], [], {}, {}
    for idx in _group(np.asarray(w)):
        value = _sym_number(np.mean(np.asarray(w)[idx]))
        if len(idx) == 1 or hermitian:  # numpy's vectors span the eigenspace
            basis = [V[:, i] for i in idx]
        else:  # a repeated eigenvalue: an orthonormal basis of the numeric null space
            basis = list(_null_vectors(A, complex(value), len(idx)))
        mult[value] = (len(idx), len(basis))
        spaces[value] = tuple(_sym_vector(b) for b in basis)
        values += [value] * len(idx)
        vectors += list(spaces[value])
    diagonalizable = all(a == g for a, g in mult.values())
    P = sympy.ImmutableMatrix.hstack(*vectors) if diagonalizable else None
    D = sympy.ImmutableMatrix(sympy.diag(*values)) if diagonalizable else None
    steps.append(
        Step(
            f"fallback: {method}",
            rf"{tex(lam)} = {tex(values)}\quad "
            rf"\text{{(numpy.linalg{', ' + why if why else ''})}}",
        )
    )
    return Eigen(
        tuple(values),
        tuple(vectors),
        mult,
        diagonalizable,
        P,
        D,
        p,
        M,
        spaces,
        lam,
        tuple(steps),
        method,
    )


def _constant_array(M: sympy.MatrixBase) -> np.ndarray:
    """A constant matrix as a float array (complex only when some entry is)."""
    A = np.array(M.evalf(), dtype=complex)
    return A if np.any(A.imag) else A.real


def _null_vectors(A: np.ndarray, value: complex, most: int) -> np.ndarray:
    """An orthonormal basis (rows) of the numeric null space of ``A − value·I``: the right
    singular vectors whose singular values are below :data:`RANK_RTOL` times the norm of
    ``A`` (at least one, at most ``most``)."""
    _, s, vh = np.linalg.svd(A - value * np.eye(len(A)))
    return vh[len(A) - min(max(_zero_count(s, A), 1), most) :].conj()


def _zero_count(s: np.ndarray, A: np.ndarray) -> int:
    """How many singular values ``s`` (of ``A`` shifted) are below :data:`RANK_RTOL` times
    the norm of ``A``: the numeric nullity."""
    return int(np.sum(s <= RANK_RTOL * max(1.0, float(np.linalg.norm(A)))))


def _numeric_spaces(
    M: sympy.ImmutableMatrix, roots: dict[Any, int], values: list[Any]
) -> list[list[sympy.ImmutableMatrix]]:
    """Numeric eigenspace bases of a constant matrix at its exact (distinct) eigenvalues."""
    A = _constant_array(M)
    return [
        [_sym_vector(b) for b in _null_vectors(A, complex(sympy.N(v, 30)), roots[v])]
        for v in values
    ]


def _group(w: np.ndarray, tol: float = 1e-6) -> list[list[int]]:
    groups: list[list[int]] = []
    for i, x in enumerate(w):
        for g in groups:
            if abs(w[g[0]] - x) <= tol * max(1.0, abs(x)):
                g.append(i)
                break
        else:
            groups.append([i])
    return groups


def _sym_number(x: complex) -> Any:
    x = complex(x)
    if abs(x.imag) <= 1e-12 * max(1.0, abs(x)):
        return sympy.Float(x.real)
    return sympy.Float(x.real) + sympy.I * sympy.Float(x.imag)


def _sym_vector(v: np.ndarray) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix([_sym_number(x) for x in v])


def _spectrum_error(A: np.ndarray, lams: Any) -> float:
    """How far ``lams`` is from the spectrum of ``A``, without calling an eigen-solver: the
    backward error ``σ_min(A − λI) / ‖A‖`` of each value, and the power sums
    ``Σ λᵏ = tr Aᵏ`` (k = 1..n, relative to ``n ‖A‖ᵏ``), which fix the values together with
    their algebraic multiplicities."""
    n = len(A)
    lams = np.asarray(lams, dtype=complex).ravel()
    if lams.size != n or not np.all(np.isfinite(lams)):
        return float("inf")
    scale = max(1.0, float(np.linalg.norm(A)))
    eye = np.eye(n)
    backward = max(float(np.linalg.svd(A - lam * eye, compute_uv=False)[-1]) for lam in lams)
    power, Ak = 0.0, eye.astype(complex)
    for k in range(1, n + 1):
        Ak = Ak @ A
        power = max(power, abs(np.sum(lams**k) - np.trace(Ak)) / (n * scale**k))
    return max(backward / scale, float(power))


def _nullity(A: np.ndarray, lam: complex) -> int:
    """The numeric dimension of the null space of ``A − λI``."""
    return _zero_count(np.linalg.svd(A - lam * np.eye(len(A)), compute_uv=False), A)


def _eigen_structure(e: Eigen) -> list[str]:
    """What is inconsistent among values, multiplicities, eigenspaces, P, D and
    ``is_diagonalizable`` (the same at every parameter value)."""
    n = e.matrix.rows
    bad = []
    mult = e.multiplicities
    if e.values and len(e.values) != n:
        bad.append(f"{len(e.values)} eigenvalues for a {n}x{n} matrix")
    if mult:
        if sum(a for a, _ in mult.values()) != n:
            bad.append("algebraic multiplicities do not add up to n")
        if e.values and any(e.values.count(v) != a for v, (a, _) in mult.items()):
            bad.append("values are not repeated by their algebraic multiplicities")
        if any(not 0 <= g <= a for a, g in mult.values()):
            bad.append("a geometric multiplicity exceeds the algebraic one")
    for v, basis in e.eigenspaces.items():
        if len(basis) != mult.get(v, (0, -1))[1]:
            bad.append(
                f"the eigenspace of {v} has {len(basis)} vectors, geometric "
                f"multiplicity {mult.get(v)}"
            )
    if e.eigenspaces and e.is_diagonalizable is not None:
        full = all(a == g for a, g in mult.values())
        if e.is_diagonalizable != full:
            bad.append(f"is_diagonalizable={e.is_diagonalizable} but the multiplicities say {full}")
        if e.is_diagonalizable and (e.P is None or e.D is None):
            bad.append("diagonalizable without P, D")
        if not e.is_diagonalizable and e.P is not None:
            bad.append("P given for a defective matrix")
    return bad


def _eigenpair_residual(A: np.ndarray, lams: np.ndarray, bases: list[np.ndarray]) -> float:
    """The largest ``‖A v − λ v‖ / (max(1, ‖A‖) ‖v‖)`` over the basis vectors (columns of
    ``bases[i]``) of each eigenvalue ``lams[i]``; ``inf`` for a zero or non-finite vector."""
    scale = max(1.0, float(np.linalg.norm(A)))
    worst = 0.0
    for lam, B in zip(lams, bases, strict=True):
        sizes = np.linalg.norm(B, axis=0)
        if not np.all(np.isfinite(B)) or np.any(sizes == 0):
            return float("inf")
        worst = max(worst, float(np.max(np.linalg.norm(A @ B - lam * B, axis=0) / (scale * sizes))))
    return worst


def _geometric_errors(
    A: np.ndarray, lams: np.ndarray, bases: list[np.ndarray], e: Eigen
) -> list[str]:
    """Each claimed geometric multiplicity against the basis rank and the numeric nullity
    of ``A − λI``. Eigenvalues closer than the nullity's tolerance (1e12 ± 1) share their
    small singular values, so the nullity is compared with the sum of the claims of all
    eigenvalues that close, not with one claim."""
    scale = max(1.0, float(np.linalg.norm(A)))
    claims = [e.multiplicities[v][1] for v in e.eigenspaces]
    out = []
    for v, lam, B, geo in zip(e.eigenspaces, lams, bases, claims, strict=True):
        sizes = np.linalg.norm(B, axis=0)
        rank = np.linalg.matrix_rank(B / np.where(sizes > 0, sizes, 1.0), tol=RANK_RTOL * len(A))
        close = sum(
            g
            for other, g in zip(lams, claims, strict=True)
            if abs(other - lam) <= RANK_RTOL * scale
        )
        nullity = _nullity(A, lam)
        if rank != geo or nullity != close:
            out.append(
                f"geometric multiplicity of {v}: {geo} claimed (eigenvalues within "
                f"the tolerance: {close}), null space {nullity}, basis rank {rank}"
            )
    return out


def _diagonalization_error(A: np.ndarray, P: np.ndarray, D: np.ndarray) -> float:
    """``A = P D P⁻¹`` checked without inverting ``P`` (whose condition number would
    multiply the float error): ``‖A P − P D‖ / (max(1, ‖A‖) ‖P‖)`` with the columns of ``P``
    normalized, and ``inf`` if they are numerically dependent (``P`` singular)."""
    sizes = np.linalg.norm(P, axis=0)
    if not (np.all(np.isfinite(P)) and np.all(np.isfinite(D))) or np.any(sizes == 0):
        return float("inf")
    P = P / sizes
    if np.linalg.matrix_rank(P) < len(A):
        return float("inf")
    scale = max(1.0, float(np.linalg.norm(A)))
    return float(np.linalg.norm(A @ P - P * D)) / (scale * float(np.linalg.norm(P)))


def _check_eigen(e: Eigen, points: int, rng: np.random.Generator, rtol: float) -> Verification:
    """Everything an :class:`Eigen` claims, at random parameter values, against the matrix
    itself (no eigen-solver): the eigenvalues (exact ones and :meth:`Eigen.to_numpy`'s) by
    :func:`_spectrum_error`, ``A v = λ v`` for every vector, each geometric multiplicity as
    the numeric nullity of ``A − λI`` and the rank of its basis, ``P D P⁻¹ = A``, and the
    characteristic polynomial against ``det(zI − A)``."""
    params, n = e.params, e.matrix.rows
    mat = _numeric_matrix(e.matrix, params)
    values_fn = e.to_numpy()
    X = _points(params, lambda *a: values_fn(*a), points, rng)
    wrong = _eigen_structure(e)  # claims that fail outright (not a tolerance)
    failures: list[str] = []
    exact = _complex_fn(tuple(e.values), params) if e.values else None
    spaces = list(e.eigenspaces.items())
    space_fn = (
        _complex_fn(
            tuple(v for v, _ in spaces) + tuple(x for _, basis in spaces for b in basis for x in b),
            params,
        )
        if spaces
        else None
    )
    coeffs = sympy.Poly(e.charpoly, e.lam).all_coeffs() if e.charpoly is not None else None
    poly_fn = _complex_fn(tuple(coeffs), params) if coeffs is not None else None
    pd_fns = (
        None
        if e.P is None
        else (_complex_fn(tuple(e.P), params), _complex_fn(tuple(e.D.diagonal()), params))
    )
    worst = 0.0
    with np.errstate(all="ignore"):
        for x in X:
            A = mat(*x).astype(complex)
            scale = max(1.0, float(np.linalg.norm(A)))
            checks = {"to_numpy() eigenvalues": _spectrum_error(A, values_fn(*x))}
            if exact is not None:
                checks["exact eigenvalues"] = _spectrum_error(A, exact(*x))
            if poly_fn is not None:
                c = poly_fn(*x)
                checks["charpoly"] = max(
                    _rel(np.polyval(c, z), np.linalg.det(z * np.eye(n) - A))
                    for z in (scale * (0.6 + 0.7j), scale * (-1.1 + 0.2j))
                )
            if space_fn is not None:
                flat = space_fn(*x)
                lams, rest = flat[: len(spaces)], flat[len(spaces) :]
                bases = []
                for _, basis in spaces:
                    bases.append(rest[: n * len(basis)].reshape(len(basis), n).T)
                    rest = rest[n * len(basis) :]
                checks["A v = λ v"] = _eigenpair_residual(A, lams, bases)
                wrong += [f"{msg} at {x}" for msg in _geometric_errors(A, lams, bases, e)]
            if pd_fns is not None:
                P, D = pd_fns[0](*x).reshape(n, n), pd_fns[1](*x)
                checks["P D P⁻¹ = A"] = _diagonalization_error(A, P, D)
            for name, err in checks.items():
                if not err <= rtol:
                    failures.append(f"{name}: error {err:.2e} at {x}")
            worst = max(worst, *checks.values())
    if wrong:
        worst = float("inf")
    failures = wrong + failures
    details = (
        "eigenvalues (σ_min(A − λI) and Σλᵏ = tr Aᵏ), A v = λ v, geometric "
        "multiplicities, P D P⁻¹ = A and the characteristic polynomial at random "
        "parameters"
    )
    if failures:
        details += "; failed: " + "; ".join(dict.fromkeys(failures))
    return _verification(worst, rtol, "A v = λ v, σ_min(A − λI), tr Aᵏ", len(X), details)


# --- spectral theorem ------------------------------------------------------------------------


@dataclass(frozen=True)
class Spectral:
    r"""``A = Q Λ Qᵀ`` for a symmetric ``A`` (``Q Λ Qᴴ`` for a Hermitian one): ``Q``
    orthonormal (unitary), ``Λ`` diagonal.

    Attributes:
        Q: Orthonormal eigenvectors as columns (``None`` if only the numeric form exists,
            for a matrix with parameters whose exact route timed out; ``method`` says why).
        Lambda: Diagonal matrix of the eigenvalues (descending where numeric).
        eigen: The underlying :class:`Eigen`.
        steps: The derivation.
        method: As :attr:`Eigen.method`.

    Examples:
        >>> s = spectral([[2, 1], [1, 2]])
        >>> s.Lambda
        Matrix([
        [3, 0],
        [0, 1]])
        >>> s.Q * s.Q.T == sympy.eye(2)
        True
    """

    Q: sympy.ImmutableMatrix | None
    Lambda: sympy.ImmutableMatrix | None
    eigen: Eigen = field(repr=False)
    steps: tuple[Step, ...] = field(repr=False)
    method: str = "symbolic"

    @property
    def matrix(self) -> sympy.ImmutableMatrix:
        """The input matrix."""
        return self.eigen.matrix

    def latex(self, *, steps: bool = True) -> str:
        adj = _adjoint_name(self.matrix)
        if self.Q is None:
            final = (
                rf"A = Q \Lambda Q^{{{adj}}}\ (\text{{numeric only: "
                rf"{_tex_text(self.method)}}})"
            )
        else:
            final = (
                rf"A = Q \Lambda Q^{{{adj}}},\ Q = {tex(self.Q)},\ "
                rf"\Lambda = {tex(self.Lambda)}"
            )
        return _render(self.steps, final, steps)

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def plain(self) -> str:
        if self.Q is None:
            return self.eigen.plain()
        return f"Q = {sympy.sstr(self.Q.tolist())}; Lambda = {sympy.sstr(self.Lambda.tolist())}"

    def to_numpy(self, *, vectors: bool = False) -> SpectrumFunction:
        """As :meth:`Eigen.to_numpy` (``vectors=True``: ``(values, Q)`` from ``eigh``)."""
        return self.eigen.to_numpy(vectors=vectors)

    def verify(self, *, points: int = 5, rng: Any = None, rtol: float = 1e-6) -> Verification:
        """Check ``Qᴴ Q = I``, ``Q Λ Qᴴ = A`` and the eigenvalues against ``eigvalsh``."""
        return _check_factors(self, points, as_rng(rng), rtol)


def spectral(A: Any, timeout: float | None = None) -> Spectral:
    """The spectral decomposition of a real symmetric or a Hermitian matrix.

    Eigenspaces of distinct eigenvalues are orthogonal; each eigenspace's basis is
    orthonormalized by Gram–Schmidt, so ``Q`` is orthonormal (unitary for Hermitian input,
    ``A = Q Λ Qᴴ``) even for repeated eigenvalues. Parameters count as real. When the exact
    route times out a constant matrix gets ``numpy.linalg.eigh`` factors, a matrix with
    parameters ``Q = None`` (the numeric callable only); ``method`` says why.

    Args:
        A: A square matrix.
        timeout: Seconds for all the symbolic work (eigen-decomposition and
            orthonormalization together); default ``config.timeout``.

    Raises:
        ValueError: For a non-square matrix, or one that is neither symmetric nor
            Hermitian (a complex symmetric matrix need not have orthogonal eigenvectors).

    Examples:
        >>> spectral([[2, 0, 0], [0, 3, 4], [0, 4, 9]]).Lambda.diagonal()
        Matrix([[11, 2, 1]])
        >>> s = spectral([[2, sympy.I], [-sympy.I, 2]])
        >>> s.Lambda.diagonal(), s.Q * s.Q.H == sympy.eye(2)
        (Matrix([[3, 1]]), True)
    """
    M = _square(A, "spectral")
    _check_hermitian(M, "spectral")
    return _spectral(M, Deadline(resolve_timeout(timeout)))


def _adjoint_name(M: sympy.MatrixBase) -> str:
    """``"H"`` (conjugate transpose) for a complex matrix, else ``"T"``."""
    return "H" if M.has(sympy.I) else "T"


def _real_params(M: sympy.MatrixBase) -> sympy.MatrixBase:
    """``M`` with its parameters replaced by real ones (how symml reads parameters)."""
    subs = {s: sympy.Dummy(s.name, real=True) for s in M.free_symbols if not s.is_real}
    return M.xreplace(subs) if subs else M


def _check_hermitian(M: sympy.ImmutableMatrix, fn: str) -> None:
    """Raise ``ValueError`` unless ``M`` is real symmetric or Hermitian."""
    if not M.has(sympy.I):
        if not _is_symmetric(M):
            raise ValueError(
                f"{fn}: A must be symmetric (or Hermitian), got {_short(M)}; use eig()"
            )
        return
    R = _real_params(M)
    n = R.rows
    if not all(_is_zero(R[i, j] - sympy.conjugate(R[j, i])) for i in range(n) for j in range(i, n)):
        kind = "complex symmetric, not Hermitian" if _is_symmetric(M) else "not Hermitian"
        raise ValueError(
            f"{fn}: A must be real symmetric or Hermitian, got {_short(M)} "
            f"({kind}: its eigenvectors need not be orthogonal); use eig()"
        )


def _spectral(M: sympy.ImmutableMatrix, limit: Deadline) -> Spectral:
    """:func:`spectral` of a checked symmetric/Hermitian matrix within ``limit``."""
    e = _eig(M, limit, _lam_symbol(M, None))
    steps = list(e.steps)
    Q = Lam = None
    method = e.method
    adj = _adjoint_name(M)
    if method == "symbolic":
        if not (e.eigenspaces and e.is_diagonalizable):  # cannot happen in exact arithmetic
            method = "numeric (exact eigenvectors incomplete)"
        else:
            try:
                Q = limit.run(
                    _orthonormal_columns,
                    list(e.eigenspaces.values()),
                    what="orthonormalizing the eigenvectors",
                )
                steps.append(_matrix_step("orthonormalize each eigenspace", "Q", Q))
                Lam = e.D
            except DerivationTimeout:
                method = "numeric (timeout)"
    if Q is None and not M.free_symbols:
        w, V = np.linalg.eigh(_constant_array(M))
        Q = sympy.ImmutableMatrix(V[:, ::-1].tolist()).applyfunc(_sym_number)
        Lam = sympy.ImmutableMatrix(sympy.diag(*[_sym_number(x) for x in w[::-1]]))
        steps.append(
            Step(f"fallback: {method}", rf"Q = {_tex_matrix(Q)}\quad \text{{(numpy.linalg.eigh)}}")
        )
    elif Q is None:
        steps.append(
            Step(
                f"fallback: {method}",
                r"\text{no exact Q; eigenvalues from "
                r"numpy.linalg of the compiled matrix}",
            )
        )
    if Q is not None:
        QH = Q.H if adj == "H" else Q.T
        shown = (_tex_or(Q, "Q"), _tex_or(Lam, r"\Lambda"), _tex_or(QH, f"Q^{{{adj}}}"))
        steps.append(Step("spectral theorem", rf"A = Q \Lambda Q^{{{adj}}} = " + " ".join(shown)))
    return Spectral(Q, Lam, e, tuple(steps), method)


def _orthonormal_columns(bases: list[tuple[sympy.ImmutableMatrix, ...]]) -> sympy.ImmutableMatrix:
    columns: list[sympy.ImmutableMatrix] = []
    for basis in bases:
        ortho, _ = _gram_schmidt(list(basis), True, "spectral", record=False)
        columns += ortho
    return sympy.ImmutableMatrix.hstack(*columns)


# --- Gram–Schmidt, projection, QR ------------------------------------------------------------


def _vectors(vectors: Any, fn: str) -> list[sympy.ImmutableMatrix]:
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


def _column(v: Any, what: str) -> sympy.ImmutableMatrix:
    if isinstance(v, sympy.Basic) and not isinstance(v, sympy.MatrixBase):
        raise ValueError(f"{what} must be a vector, got the scalar {v}")
    M = _finite_matrix(v, what)
    if M.cols != 1:
        if M.rows != 1:
            raise ValueError(f"{what} must be a vector, got a {M.rows}x{M.cols} matrix")
        M = M.T
    return sympy.ImmutableMatrix(M)


def _is_negligible(u: Any, v: Any) -> bool:
    """Whether ``u`` (what is left of ``v`` after projections) is zero."""
    if _is_float(u) or _is_float(v):
        nu = float(sympy.sqrt(abs(_dot(u, u))).evalf()) if not u.free_symbols else None
        nv = float(sympy.sqrt(abs(_dot(v, v))).evalf()) if not v.free_symbols else 1.0
        if nu is not None:
            return nu <= 1e-10 * max(1.0, nv)
    return all(_is_zero(x) for x in u)


def _gram_schmidt(
    vectors: list[sympy.ImmutableMatrix],
    normalize: bool,
    fn: str,
    label: str = "vector",
    *,
    record: bool = True,
    kept: list[int] | None = None,
) -> tuple[list[sympy.ImmutableMatrix], list[Step]]:
    """Orthogonalize ``vectors`` in order. A vector dependent on the previous ones raises
    ``ValueError``, unless ``kept`` is a list: then it is skipped (with a step) and ``kept``
    receives the (0-based) indices of the vectors that gave a new direction."""
    ortho: list[sympy.ImmutableMatrix] = []
    labels: list[int] = []  # u_j is named after the vector v_j it came from
    steps: list[Step] = []
    out: list[sympy.ImmutableMatrix] = []
    for k, v in enumerate(vectors, start=1):
        u = v
        terms = []
        for j, w in zip(labels, ortho, strict=True):
            coef = _tidy(_dot(w, v) / _dot(w, w))
            u = u - coef * w
            terms.append(
                rf" - \frac{{\langle v_{{{k}}}, u_{{{j}}}\rangle}}{{\langle u_{{{j}}}, "
                rf"u_{{{j}}}\rangle}} u_{{{j}}}"
            )
        u = _tidy_matrix(u)
        if _is_negligible(u, v):
            if kept is None:
                raise ValueError(
                    f"{fn}: {label} {k} {_short(v)} is linearly dependent on the previous ones"
                )
            if record:
                zero = r"\approx 0" if _is_float(u) else "= 0"
                steps.append(
                    Step(
                        f"{label} {k} is dependent",
                        f"v_{{{k}}}{''.join(terms)} {zero}" + r"\ \Rightarrow\ "
                        r"\text{no new direction}",
                    )
                )
            continue
        if kept is not None:
            kept.append(k - 1)
        ortho.append(u)
        labels.append(k)
        if record:
            steps.append(
                Step(
                    f"orthogonalize {label} {k}",
                    f"u_{{{k}}} = v_{{{k}}}{''.join(terms)} = {tex(u)}",
                )
            )
        if normalize:
            e = _tidy_matrix(u / sympy.sqrt(_tidy(_dot(u, u))))
            if record:
                steps.append(
                    Step(
                        f"normalize {label} {k}",
                        rf"e_{{{k}}} = \frac{{u_{{{k}}}}}"
                        rf"{{\lVert u_{{{k}}} \rVert}} = {tex(e)}",
                    )
                )
            out.append(e)
        else:
            out.append(u)
    return out, steps


def gram_schmidt(vectors: Any, normalize: bool = True, *, steps: bool = False) -> Any:
    r"""Orthogonalize vectors in order: ``u_k = v_k − Σ_j proj_{u_j} v_k`` (then ``u_k/‖u_k‖``).

    Args:
        vectors: A sequence of vectors (lists, tuples, column or row Matrices), a SymPy
            Matrix (its columns) or a string listing the vectors, ``"[[2,1,1],[1,2,1]]"``.
        normalize: Return unit vectors (``True``) or the orthogonal ``u_k``.
        steps: Return a :class:`~symml.derivation.Derivation` (result: the vectors as
            columns of a matrix) holding the steps, with ``.verify()``.

    Returns:
        A list of column Matrices (or a Derivation with ``steps=True``).

    Raises:
        ValueError: When a vector is linearly dependent on the previous ones.

    Examples:
        >>> gram_schmidt([[1, 1], [1, 0]])
        [Matrix([
        [sqrt(2)/2],
        [sqrt(2)/2]]), Matrix([
        [ sqrt(2)/2],
        [-sqrt(2)/2]])]
    """
    vecs = _vectors(vectors, "gram_schmidt")
    out, lines = _gram_schmidt(vecs, normalize, "gram_schmidt")
    if not steps:
        return out
    V = sympy.ImmutableMatrix.hstack(*vecs)
    result = sympy.ImmutableMatrix.hstack(*out)
    lines.insert(0, _matrix_step("vectors (as columns)", "V", V))
    name = "E" if normalize else "U"
    lines.append(_matrix_step("result", name, result))
    return _derivation(
        result, _params(V), lines, name, "gram_schmidt", {"V": V, "normalize": normalize}
    )


def projection(v: Any, onto: Any, *, steps: bool = False) -> Any:
    r"""Orthogonal projection of ``v`` onto a vector (``(v·u / u·u) u``) or onto the column
    space of a matrix (``A (AᵀA)⁻¹ Aᵀ v``).

    Raises:
        ValueError: For mismatched lengths, a zero vector or dependent columns to project onto.

    Examples:
        >>> projection([1, 2], [2, 1]).T
        Matrix([[8/5, 4/5]])
    """
    x = _column(v, "projection: v")
    if isinstance(onto, sympy.MatrixBase) and onto.cols > 1 and onto.rows > 1:
        A = sympy.ImmutableMatrix(onto)
    else:
        A = (
            sympy.ImmutableMatrix.hstack(*_vectors([onto], "projection: onto"))
            if not _looks_like_matrix(onto)
            else _matrix(onto, "projection", "onto")
        )
    if A.rows != x.rows:
        raise ValueError(f"projection: v has length {x.rows} but onto has {A.rows} rows")
    lines = [Step("vectors", rf"v = {tex(x)},\ A = {tex(A)}")]
    if A.cols == 1:
        uu = _tidy(_dot(A, A))
        if _is_zero(uu):
            raise ValueError(f"projection: cannot project onto the zero vector {_short(A)}")
        coef = _tidy(_dot(A, x) / uu)
        result = _tidy_matrix(coef * A)
        lines.append(
            Step(
                "projection onto a vector",
                rf"\operatorname{{proj}}_u v = "
                rf"\frac{{u \cdot v}}{{u \cdot u}} u = {tex(coef)} {tex(A)} = {tex(result)}",
            )
        )
    else:
        G = A.H * A
        if _is_zero(G.det()):
            raise ValueError(f"projection: the columns of onto {_short(A)} are linearly dependent")
        result = _tidy_matrix(A * G.inv() * A.H * x)
        lines.append(
            Step(
                "projection onto a column space",
                rf"\operatorname{{proj}}_A v = "
                rf"A (A^{{T}} A)^{{-1}} A^{{T}} v = {tex(result)}",
            )
        )
    if not steps:
        return result
    return _derivation(
        result, _params(x, A), lines, r"\operatorname{proj} v", "projection", {"v": x, "A": A}
    )


def _looks_like_matrix(obj: Any) -> bool:
    if isinstance(obj, sympy.MatrixBase):
        return obj.cols > 1 and obj.rows > 1
    if isinstance(obj, str):
        parsed = as_expr(obj)[0]
        return isinstance(parsed, sympy.MatrixBase) and parsed.cols > 1 and parsed.rows > 1
    return (
        isinstance(obj, (list, tuple))
        and bool(obj)
        and all(isinstance(r, (list, tuple)) and len(r) > 1 for r in obj)
        and len(obj) > 1
    )


@dataclass(frozen=True)
class QR:
    r"""``A = Q R``: ``Q`` (m×r) with orthonormal columns spanning the column space, ``R``
    (r×n) upper triangular/trapezoidal with positive pivots; r is the rank of ``A``.

    Examples:
        >>> f = qr([[3, 0], [4, 5]])
        >>> f.Q, f.R
        (Matrix([
        [3/5, -4/5],
        [4/5,  3/5]]), Matrix([
        [5, 4],
        [0, 3]]))
    """

    Q: sympy.ImmutableMatrix
    R: sympy.ImmutableMatrix
    matrix: sympy.ImmutableMatrix = field(repr=False)
    steps: tuple[Step, ...] = field(repr=False)
    method: str = "symbolic"

    def latex(self, *, steps: bool = True) -> str:
        return _render(self.steps, rf"A = Q R = {tex(self.Q)} {tex(self.R)}", steps)

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def plain(self) -> str:
        return f"Q = {sympy.sstr(self.Q.tolist())}; R = {sympy.sstr(self.R.tolist())}"

    def to_numpy(self) -> Callable[..., tuple[np.ndarray, np.ndarray]]:
        """A callable ``params -> (Q, R)`` of the exact factors, broadcast over parameters."""
        return _factor_fn((self.Q, self.R), _params(self.matrix))

    def verify(self, *, points: int = 5, rng: Any = None, rtol: float = 1e-6) -> Verification:
        """Check ``Q R = A``, ``QᵀQ = I`` and that ``R`` matches ``numpy.linalg.qr`` (up to signs)."""
        return _check_factors(self, points, as_rng(rng), rtol)


def qr(A: Any) -> QR:
    """The QR factorization by Gram–Schmidt on the columns of ``A`` (any m×n, any rank).

    A column in the span of the previous ones adds no column to ``Q``, so ``Q`` (m×r, r the
    rank of ``A``) has orthonormal columns spanning the column space of ``A`` and ``R``
    (r×n) is upper trapezoidal, in row echelon form with a positive pivot in each row:
    ``A = Q R`` exactly. For full column rank this is the usual reduced QR (``R`` square,
    upper triangular with a positive diagonal).

    Raises:
        ValueError: For the zero matrix (its column space has no orthonormal basis).

    Examples:
        >>> qr([[1, 1], [0, 1]]).R
        Matrix([
        [1, 1],
        [0, 1]])
        >>> f = qr([[1, 2, 0], [2, 4, 1]])
        >>> f.Q * f.R == sympy.Matrix([[1, 2, 0], [2, 4, 1]]), f.R.shape
        (True, (2, 3))
    """
    M = _matrix(A, "qr")
    columns = [M[:, j] for j in range(M.cols)]
    kept: list[int] = []
    Qcols, lines = _gram_schmidt(columns, True, "qr", "column", kept=kept)
    if not Qcols:
        raise ValueError(
            f"qr: A = {_short(M)} is the zero matrix, so its column space has no orthonormal basis"
        )
    Q = sympy.ImmutableMatrix.hstack(*Qcols)
    R = sympy.ImmutableMatrix(
        len(Qcols), M.cols, lambda i, j: _tidy(_dot(Qcols[i], columns[j])) if j >= kept[i] else 0
    )
    adj = _adjoint_name(M)
    steps = [
        _matrix_step("matrix", "A", M),
        *lines,
        _matrix_step("orthonormal columns", "Q", Q),
        Step(f"R = Q^{adj} A", rf"R = Q^{{{adj}}} A = {_tex_matrix(R)}"),
    ]
    if len(Qcols) < M.cols:
        steps.append(
            Step(
                "rank",
                rf"\operatorname{{rank}} A = {len(Qcols)}:\ "
                rf"\text{{Q is {M.rows}x{len(Qcols)}, R is {len(Qcols)}x{M.cols} "
                rf"(row echelon)}}",
            )
        )
    return QR(Q, R, M, tuple(steps))


# --- LU ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LU:
    r"""``A = P L U`` with a permutation ``P``, unit lower-triangular ``L``, upper ``U``.

    Examples:
        >>> f = lu([[0, 1], [1, 0]])
        >>> f.P, f.L, f.U
        (Matrix([
        [0, 1],
        [1, 0]]), Matrix([
        [1, 0],
        [0, 1]]), Matrix([
        [1, 0],
        [0, 1]]))
    """

    P: sympy.ImmutableMatrix
    L: sympy.ImmutableMatrix
    U: sympy.ImmutableMatrix
    matrix: sympy.ImmutableMatrix = field(repr=False)
    steps: tuple[Step, ...] = field(repr=False)
    method: str = "symbolic"

    def latex(self, *, steps: bool = True) -> str:
        return _render(self.steps, rf"A = P L U = {tex(self.P)} {tex(self.L)} {tex(self.U)}", steps)

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def plain(self) -> str:
        return (
            f"P = {sympy.sstr(self.P.tolist())}; L = {sympy.sstr(self.L.tolist())}; "
            f"U = {sympy.sstr(self.U.tolist())}"
        )

    def to_numpy(self) -> Callable[..., tuple[np.ndarray, ...]]:
        """A callable ``params -> (P, L, U)`` of the exact factors."""
        return _factor_fn((self.P, self.L, self.U), _params(self.matrix))

    def verify(self, *, points: int = 5, rng: Any = None, rtol: float = 1e-6) -> Verification:
        """Check ``P L U = A`` at random parameter values (and the triangular shapes)."""
        return _check_factors(self, points, as_rng(rng), rtol)


def _pivot(column: list[Any], floats: bool) -> int | None:
    if floats and not any(c.free_symbols for c in column):
        sizes = [abs(complex(c)) for c in column]
        best = int(np.argmax(sizes))
        return best if sizes[best] > 0 else None
    for i, c in enumerate(column):
        if not _is_zero(c):
            return i
    return None


def lu(A: Any) -> LU:
    r"""LU factorization with row pivoting, ``A = P L U`` (any m×n matrix).

    Exact input pivots on the first non-zero entry of each column (so a zero pivot swaps
    rows instead of failing); floating-point input on the largest (partial pivoting).

    Examples:
        >>> f = lu([[2, 1], [4, 3]])
        >>> f.L, f.U
        (Matrix([
        [1, 0],
        [2, 1]]), Matrix([
        [2, 1],
        [0, 1]]))
    """
    M = _matrix(A, "lu")
    m, n = M.shape
    U = sympy.Matrix(M)
    L = sympy.zeros(m, m)
    perm = list(range(m))
    floats = _is_float(M)
    steps = [_matrix_step("matrix", "A", M)]
    for k in range(min(m, n)):
        p = _pivot([U[i, k] for i in range(k, m)], floats)
        if p is None:
            steps.append(
                Step(
                    f"column {k + 1}",
                    rf"\text{{no non-zero pivot in column {k + 1}: "
                    rf"nothing to eliminate}}",
                )
            )
            continue
        p += k
        if p != k:
            U.row_swap(k, p)
            L.row_swap(k, p)
            perm[k], perm[p] = perm[p], perm[k]
            steps.append(
                Step(
                    "pivot",
                    rf"R_{{{k + 1}}} \leftrightarrow R_{{{p + 1}}}:\ "
                    rf"U = {tex(U)}",
                )
            )
        ops = []
        for i in range(k + 1, m):
            f = _tidy(U[i, k] / U[k, k])
            if _is_zero(f):
                continue
            L[i, k] = f
            U[i, :] = (U[i, :] - f * U[k, :]).applyfunc(_tidy)
            U[i, k] = 0
            ops.append(rf"R_{{{i + 1}}} \leftarrow R_{{{i + 1}}} - ({tex(f)}) R_{{{k + 1}}}")
        if ops:
            steps.append(Step(f"eliminate column {k + 1}", _COMMA.join(ops) + rf":\ U = {tex(U)}"))
    L = L + sympy.eye(m)
    P = sympy.zeros(m, m)
    for i, r in enumerate(perm):
        P[r, i] = 1
    P, L, U = (sympy.ImmutableMatrix(x) for x in (P, L, U))
    steps.append(Step("factors", rf"P = {tex(P)},\ L = {tex(L)},\ U = {tex(U)}"))
    return LU(P, L, U, M, tuple(steps))


def _factor_fn(
    mats: tuple[sympy.MatrixBase, ...], params: tuple[sympy.Symbol, ...]
) -> Callable[..., Any]:
    fns = [_numeric_matrix(m, params) for m in mats]
    return lambda *args: tuple(f(*args) for f in fns)


# --- SVD -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SVD:
    r"""``A = U S Vᵀ``: ``U`` (m×m) and ``V`` (n×n) orthonormal, ``S`` (m×n) diagonal with
    the singular values (descending where numeric) on its diagonal. For a complex ``A``,
    ``U`` and ``V`` are unitary and ``A = U S Vᴴ``.

    ``U``, ``S``, ``V`` are ``None`` when only the numeric form exists (``method`` says why).

    Examples:
        >>> f = svd([[3, 0], [0, -2]])
        >>> f.singular_values
        (3, 2)
    """

    U: sympy.ImmutableMatrix | None
    S: sympy.ImmutableMatrix | None
    V: sympy.ImmutableMatrix | None
    matrix: sympy.ImmutableMatrix = field(repr=False)
    steps: tuple[Step, ...] = field(repr=False)
    method: str = "symbolic"

    @property
    def singular_values(self) -> tuple[Any, ...]:
        """The diagonal of ``S``."""
        return () if self.S is None else tuple(self.S.diagonal())

    def latex(self, *, steps: bool = True) -> str:
        adj = _adjoint_name(self.matrix)
        if self.U is None:
            final = (
                rf"A = U S V^{{{adj}}}\ (\text{{numeric only: "
                rf"{_tex_text(self.method)}}})"
            )
        else:
            final = (
                rf"A = U S V^{{{adj}}},\ U = {tex(self.U)},\ S = {tex(self.S)},\ "
                rf"V = {tex(self.V)}"
            )
        return _render(self.steps, final, steps)

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def plain(self) -> str:
        if self.U is None:
            return f"singular values: numeric only ({self.method}); use .to_numpy()"
        return (
            f"U = {sympy.sstr(self.U.tolist())}; S = {sympy.sstr(self.S.tolist())}; "
            f"V = {sympy.sstr(self.V.tolist())}"
        )

    def to_numpy(self) -> SpectrumFunction:
        """A callable ``params -> singular values (..., min(m, n))``, descending, from
        ``numpy.linalg.svd`` of the compiled matrix."""
        params = _params(self.matrix)
        mat = _numeric_matrix(self.matrix, params)
        return SpectrumFunction(
            params,
            "numpy.linalg.svd",
            lambda *a: _where_finite(lambda A: np.linalg.svd(A, compute_uv=False), mat(*a)),
        )

    def verify(self, *, points: int = 5, rng: Any = None, rtol: float = 1e-6) -> Verification:
        """Check ``U S Vᵀ = A``, ``UᵀU = VᵀV = I`` and the singular values against numpy."""
        return _check_factors(self, points, as_rng(rng), rtol)


def svd(A: Any, timeout: float | None = None) -> SVD:
    r"""The singular value decomposition, exact where ``AᵀA`` has exact eigenvectors.

    The steps: ``AᵀA`` (``AᴴA`` for complex input), its spectral decomposition
    (orthonormalized: ``V``), ``σ_i = √λ_i``, ``u_i = A v_i / σ_i``, ``U`` completed to an
    orthonormal basis. A constant matrix whose exact route fails or times out gets
    floating-point factors from ``numpy.linalg.svd``; a matrix with parameters then has only
    the numeric singular values (``U = S = V = None``). ``method`` says which.

    Args:
        A: A matrix (any shape).
        timeout: Seconds for all the symbolic work (the eigen-decomposition of ``AᵀA``,
            orthonormalizing, the singular vectors together); default ``config.timeout``.

    Examples:
        >>> f = svd([[1, 1], [1, 1]])
        >>> f.S
        Matrix([
        [2, 0],
        [0, 0]])
        >>> f.U * f.S * f.V.T == sympy.Matrix([[1, 1], [1, 1]])
        True
    """
    M = _matrix(A, "svd")
    steps = [_matrix_step("matrix", "A", M)]
    if _is_float(M) and not M.free_symbols:
        return _numeric_svd(M, steps, "numeric (float input)")
    limit = Deadline(resolve_timeout(timeout))
    adj = _adjoint_name(M)
    G = _tidy_matrix(M.H * M)  # Hermitian by construction
    steps.append(_matrix_step("Gram matrix", f"A^{{{adj}}} A", G))
    s = _spectral(G, limit)
    if s.Q is None or s.method != "symbolic":
        return _numeric_svd(M, steps, s.method)
    steps += list(s.steps[1:])
    try:
        U, S, more = limit.run(_svd_factors, M, s, what="the singular vectors")
    except DerivationTimeout:
        return _numeric_svd(M, steps, "numeric (timeout)")
    steps += more
    return SVD(U, S, s.Q, M, tuple(steps), "symbolic")


def _svd_factors(
    M: sympy.ImmutableMatrix, s: Spectral
) -> tuple[sympy.ImmutableMatrix, sympy.ImmutableMatrix, list[Step]]:
    m, n = M.shape
    steps: list[Step] = []
    sigma = [_tidy(sympy.sqrt(v)) for v in s.Lambda.diagonal()]
    steps.append(
        Step("singular values", r"\sigma_i = \sqrt{\lambda_i}:\ " + _tex_big(sigma, BIG_MATRIX_OPS))
    )
    V = s.Q
    ucols: list[sympy.ImmutableMatrix] = []
    for i, sg in enumerate(sigma):
        if not _is_zero(sg):
            ucols.append(_tidy_matrix(M * V[:, i] / sg))
    steps.append(
        Step(
            "left singular vectors",
            rf"u_i = \frac{{A v_i}}{{\sigma_i}}:\ {_tex_big(ucols, BIG_MATRIX_OPS)}",
        )
    )
    U = _complete_basis(ucols, m)
    if len(U) > len(ucols):
        steps.append(
            _matrix_step("complete to an orthonormal basis", "U", sympy.ImmutableMatrix.hstack(*U))
        )
    U = sympy.ImmutableMatrix.hstack(*U)
    S = sympy.ImmutableMatrix(m, n, lambda i, j: sigma[i] if i == j else 0)
    adj = _adjoint_name(M)
    VH = V.H if adj == "H" else V.T
    shown = (_tex_or(U, "U"), _tex_or(S, "S"), _tex_or(VH, f"V^{{{adj}}}"))
    steps.append(Step("SVD", rf"A = U S V^{{{adj}}} = " + " ".join(shown)))
    return U, S, steps


def _complete_basis(cols: list[sympy.ImmutableMatrix], m: int) -> list[sympy.ImmutableMatrix]:
    out = list(cols)
    for j in range(m):
        if len(out) == m:
            break
        e = sympy.ImmutableMatrix([1 if i == j else 0 for i in range(m)])
        u = _tidy_matrix(e - sum((_dot(q, e) * q for q in out), sympy.zeros(m, 1)))
        if not _is_negligible(u, e):
            out.append(_tidy_matrix(u / sympy.sqrt(_tidy(_dot(u, u)))))
    return out


def _numeric_svd(M: sympy.ImmutableMatrix, steps: list[Step], method: str) -> SVD:
    if M.free_symbols:
        steps.append(
            Step(
                f"fallback: {method}",
                r"\text{singular values from numpy.linalg.svd "
                r"of the compiled matrix}",
            )
        )
        return SVD(None, None, None, M, tuple(steps), method)
    A = np.array(M.evalf(), dtype=complex)
    A = A.real if not np.any(A.imag) else A
    u, s, vt = np.linalg.svd(A)
    S = np.zeros(A.shape)
    S[: len(s), : len(s)] = np.diag(s)
    U, S_, V = (
        sympy.ImmutableMatrix(x.tolist()).applyfunc(_sym_number) for x in (u, S, vt.conj().T)
    )
    steps.append(
        Step(f"fallback: {method}", rf"\text{{numpy.linalg.svd: }}\sigma = {tex(list(s))}")
    )
    return SVD(U, S_, V, M, tuple(steps), method)


# --- determinant, inverse, characteristic polynomial, norm -------------------------------------


def _cofactor_step(M: sympy.ImmutableMatrix) -> Step | None:
    n = M.rows
    if n < 2 or n > SHOW_COFACTORS_MAX:
        return None
    if n == 2:
        a, b, c, d = M
        return Step("2x2 determinant", rf"\det A = ({tex(a)}) ({tex(d)}) - ({tex(b)}) ({tex(c)})")
    terms = []
    for j in range(n):
        if M[0, j] == 0:
            continue
        sign = "-" if j % 2 else "+"
        minor = M.minor_submatrix(0, j)
        terms.append(rf"{sign} ({tex(M[0, j])}) \det {tex(minor)}")
    body = " ".join(terms).lstrip("+ ") or "0"
    return Step("cofactor expansion along row 1", rf"\det A = {body}")


def det(A: Any, *, steps: bool = False) -> Any:
    """The determinant (exact, simplified).

    Args:
        A: A square matrix.
        steps: Return a :class:`~symml.derivation.Derivation` with the cofactor expansion.

    Raises:
        ValueError: For a non-square matrix.

    Examples:
        >>> det([[1, 2], [3, 4]])
        -2
        >>> det("[[a, b], [c, d]]")
        a*d - b*c
    """
    M = _square(A, "det")
    value = _tidy(M.det(method="berkowitz"))
    if not steps:
        return value
    lines = [_matrix_step("matrix", "A", M)]
    cof = _cofactor_step(M)
    if cof is not None:
        lines.append(cof)
    lines.append(Step("evaluate", rf"\det A = {tex(value)}"))
    return _derivation(value, _params(M), lines, r"\det A", "det", {"A": M})


def _float_rank(M: sympy.ImmutableMatrix) -> int:
    """The numeric rank of a constant matrix (numpy's tolerance)."""
    return int(np.linalg.matrix_rank(np.array(M.evalf(), dtype=complex)))


def _singular(M: sympy.ImmutableMatrix, d: Any) -> bool:
    if _is_float(M) and not M.free_symbols:
        return _float_rank(M) < M.rows
    return _is_zero(d)


def inverse(A: Any, *, steps: bool = False) -> Any:
    r"""The inverse matrix, ``A⁻¹ = adj(A) / det(A)``.

    Raises:
        ValueError: For a non-square or singular matrix.

    Examples:
        >>> inverse([[2, 1], [1, 1]])
        Matrix([
        [ 1, -1],
        [-1,  2]])
    """
    M = _square(A, "inverse")
    d = _tidy(M.det(method="berkowitz"))
    if _singular(M, d):
        why = (
            f"is singular (det A = {d})"
            if _is_zero(d)
            else f"is numerically singular (rank {_float_rank(M)} < {M.rows} in floating point; "
            f"det A = {d})"
        )
        raise ValueError(f"inverse: A = {_short(M)} {why}, so it has no inverse")
    inv = _tidy_matrix(M.inv(method="LU") if _is_float(M) else M.adjugate() / d)
    if not steps:
        return inv
    lines = [_matrix_step("matrix", "A", M), Step("determinant", rf"\det A = {tex(d)}")]
    if M.rows <= SHOW_COFACTORS_MAX and not _is_float(M):
        lines.append(Step("adjugate", rf"\operatorname{{adj}} A = {tex(M.adjugate())}"))
    lines.append(
        Step("inverse", rf"A^{{-1}} = \frac{{\operatorname{{adj}} A}}{{\det A}} = {tex(inv)}")
    )
    return _derivation(inv, _params(M), lines, "A^{-1}", "inverse", {"A": M})


def charpoly(A: Any, lam: Any = None, *, steps: bool = False) -> Any:
    r"""The characteristic polynomial ``det(λI − A)`` (monic) as an expression in ``lam``.

    Args:
        A: A square matrix.
        lam: The variable, a Symbol or a name (default ``lambda``).
        steps: Return a :class:`~symml.derivation.Derivation`.

    Examples:
        >>> charpoly([[2, 1], [1, 2]], "t")
        t**2 - 4*t + 3
    """
    M = _square(A, "charpoly")
    lam = _lam_symbol(M, lam)
    p = sympy.expand(M.charpoly(lam).as_expr())
    if not steps:
        return p
    lines = [
        _matrix_step("matrix", "A", M),
        Step(
            "characteristic polynomial",
            rf"\det({tex(lam)} I - A) = "
            rf"\det {tex(lam * sympy.eye(M.rows) - M)} = {tex(p)}",
        ),
    ]
    return _derivation(
        p,
        sorted_symbols(free_symbols(M) | {lam}),
        lines,
        rf"p({tex(lam)})",
        "charpoly",
        {"A": M, "lam": lam},
    )


_COMMA = r",\ "
_INF_NAMES = {"inf", "oo", "infinity", "Inf"}


def _norm_order(p: Any) -> Any:
    if isinstance(p, str):
        if p.strip() in _INF_NAMES:
            return sympy.oo
        if p.strip() == "fro":
            return "fro"
        p = as_expr(p, what="p")[0]
    if isinstance(p, (bool, np.bool_)) or p is None:
        raise TypeError(f"norm: p must be a number >= 1, inf or 'fro', got {p!r}")
    if isinstance(p, (float, np.floating)) and math.isinf(p) and p > 0:
        return sympy.oo
    if isinstance(p, np.integer):
        p = int(p)
    elif isinstance(p, np.floating):
        p = float(p)
    pe = sympy.sympify(p) if isinstance(p, (int, float)) else p
    if not isinstance(pe, sympy.Expr) or not pe.is_number:
        raise TypeError(f"norm: p must be a number >= 1, inf or 'fro', got {p!r}")
    if pe is sympy.oo:
        return pe
    if not pe.is_real or pe < 1:
        raise ValueError(f"norm: p must be >= 1 (or inf), got {p!r}")
    return pe


def _vector_norm(v: list[Any], p: Any) -> Any:
    if p is sympy.oo:
        return sympy.Max(*[sympy.Abs(x) for x in v])
    if p == 2:
        return sympy.sqrt(sum(sympy.Abs(x) ** 2 for x in v))
    return sum(sympy.Abs(x) ** p for x in v) ** (1 / sympy.sympify(p))


def _matrix_norm(M: sympy.ImmutableMatrix, p: Any) -> Any:
    if p == "fro":
        return _vector_norm(list(M), 2)
    if p == 1:
        return sympy.Max(*[sum(sympy.Abs(x) for x in M[:, j]) for j in range(M.cols)])
    if p is sympy.oo:
        return sympy.Max(*[sum(sympy.Abs(x) for x in M[i, :]) for i in range(M.rows)])
    if p == 2:
        if M.free_symbols:
            raise ValueError(
                "norm: the 2-norm of a matrix with symbols is not supported; use p=1, inf or 'fro'"
            )
        return sympy.sqrt(_largest_gram_eigenvalue(M))
    raise ValueError(f"norm: matrix norms take p = 1, 2, inf or 'fro', got {p}")


def _largest_real_root(G: sympy.ImmutableMatrix) -> Any:
    """The largest eigenvalue of the constant Hermitian positive semi-definite ``G``: its
    characteristic polynomial's largest real root, a radical or a ``CRootOf`` from
    ``real_roots`` (for algebraic coefficients, which it cannot take, the root of ``roots``
    with the largest real part: possibly written with ``I``). Roots are compared
    numerically, not by ``Max``."""
    poly = G.charpoly()
    try:
        candidates = poly.real_roots()
    except (NotImplementedError, sympy.PolynomialError, sympy.polys.polyerrors.DomainError):
        candidates = sympy.roots(poly, multiple=True)  # algebraic coefficients
    if not candidates:
        raise NotImplementedError("no exact roots")
    return max(candidates, key=lambda r: complex(sympy.N(r, 30)).real)


def _largest_gram_eigenvalue(M: sympy.ImmutableMatrix) -> Any:
    """``λ_max(Aᴴ A)`` of a constant matrix: exact (under ``config.timeout``), else (a
    float matrix, a time-out, no exact roots) the square of ``numpy.linalg.norm(A, 2)``."""
    if not _is_float(M):
        try:
            return run_limited(
                _largest_real_root,
                _tidy_matrix(M.H * M),
                timeout=resolve_timeout(None),
                what="the largest eigenvalue of A^H A",
            )
        except (DerivationTimeout, NotImplementedError):
            pass
    return sympy.Float(float(np.linalg.norm(_constant_array(M), 2)) ** 2)


def norm(v: Any, p: Any = 2, *, steps: bool = False) -> Any:
    r"""The p-norm ``(Σ|v_i|^p)^{1/p}`` of a vector (p ≥ 1, ``inf`` = largest ``|v_i|``), or
    a matrix norm (p = 1, 2, ``inf``: operator norms; ``"fro"``: Frobenius).

    Examples:
        >>> norm([3, -4])
        5
        >>> norm([3, -4], 1), norm([3, -4], "inf")
        (7, 4)
        >>> norm([1, 1], 3)
        2**(1/3)
    """
    order = _norm_order(p)
    M = _matrix(v, "norm", "v")
    is_vector = M.cols == 1 or M.rows == 1
    if is_vector and order == "fro":
        order = sympy.Integer(2)
    raw = _vector_norm(list(M), order) if is_vector else _matrix_norm(M, order)
    value = _tidy(raw) if not _is_float(M) else sympy.sympify(raw).evalf()
    if not steps:
        return value
    ptex = r"\infty" if order is sympy.oo else tex(order)
    lines = [
        _matrix_step("vector" if is_vector else "matrix", "v" if is_vector else "A", M),
        Step(f"{p}-norm", rf"\lVert v \rVert_{{{ptex}}} = {tex(raw)}"),
        Step("evaluate", rf"\lVert v \rVert_{{{ptex}}} = {tex(value)}"),
    ]
    return _derivation(
        value, _params(M), lines, rf"\lVert v \rVert_{{{ptex}}}", "norm", {"v": M, "p": order}
    )


# --- PCA -----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PCA:
    r"""Principal components of a data matrix (rows are samples).

    Attributes:
        components: ``(k, n)`` unit rows, the directions of largest variance (each row's
            largest-magnitude entry is positive, for a deterministic sign).
        explained_variance: ``(k,)`` variances along them, divided by ``m − 1``.
        explained_variance_ratio: ``(k,)`` fractions of the total variance.
        mean: ``(n,)`` column means.
        steps: The derivation.
    """

    components: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray
    mean: np.ndarray
    data: np.ndarray = field(repr=False)
    steps: tuple[Step, ...] = field(repr=False)
    method: str = "numeric"

    def transform(self, X: Any) -> np.ndarray:
        """Project rows of ``X`` (…, n) onto the components: ``(X − mean) @ componentsᵀ``."""
        X = np.asarray(X, dtype=float)
        if X.shape[-1] != self.mean.shape[0]:
            raise ValueError(
                f"transform: X must have {self.mean.shape[0]} columns, got shape {X.shape}"
            )
        return (X - self.mean) @ self.components.T

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """Map scores back: ``Z @ components + mean``."""
        return np.asarray(Z, dtype=float) @ self.components + self.mean

    def to_numpy(self) -> Callable[[Any], np.ndarray]:
        """The projection :meth:`transform` as a callable."""
        return self.transform

    def latex(self, *, steps: bool = True) -> str:
        final = (
            rf"W = {tex(sympy.Matrix(np.round(self.components, 6).tolist()))},\ "
            rf"\sigma^2 = {tex([sympy.Float(x, 6) for x in self.explained_variance])}"
        )
        return _render(self.steps, final, steps)

    def _repr_latex_(self) -> str:
        return f"$$ {self.latex()} $$"

    def plain(self) -> str:
        return (
            f"components = {np.array2string(self.components, separator=', ')}; "
            f"explained_variance = {np.array2string(self.explained_variance, separator=', ')}"
        )

    def verify(self, *, points: int = 5, rng: Any = None, rtol: float = 1e-6) -> Verification:
        """Check against ``numpy.linalg.eigh`` of the sample covariance: the variances, and
        each component as a unit eigenvector (``C w = σ² w``)."""
        C = np.cov(self.data, rowvar=False, ddof=1).reshape(self.mean.size, self.mean.size)
        w = np.linalg.eigvalsh(C)[::-1][: len(self.explained_variance)]
        scale = max(1.0, float(np.abs(C).max()))
        worst = _rel(w / scale, self.explained_variance / scale)
        for comp, var in zip(self.components, self.explained_variance, strict=True):
            worst = max(
                worst,
                float(np.linalg.norm(C @ comp - var * comp)) / scale,
                abs(float(np.linalg.norm(comp)) - 1.0),
            )
        return _verification(
            worst,
            rtol,
            "numpy.linalg.eigh",
            len(self.components),
            "explained variances and C w = σ² w against the sample covariance",
        )


def pca(X: Any, k: int | None = None) -> PCA:
    """Principal component analysis of an (m, n) array by the SVD of the centred data.

    Args:
        X: Data, one sample per row (m ≥ 2).
        k: Number of components (default ``min(m, n)``).

    Raises:
        ValueError: For a non-2-D or non-finite array, m < 2 or a bad ``k``.

    Examples:
        >>> p = pca([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]], 1)
        >>> p.components, p.explained_variance
        (array([[1., 0.]]), array([4.]))
    """
    try:
        data = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"pca: X must be a numeric (m, n) array: {exc}") from exc
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 1:
        raise ValueError(f"pca: X must be an (m, n) array with m >= 2 rows, got shape {data.shape}")
    if not np.all(np.isfinite(data)):
        raise ValueError("pca: X contains non-finite values")
    m, n = data.shape
    if k is None:
        k = min(m, n)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= min(m, n):
        raise ValueError(f"pca: k must be an integer in 1..{min(m, n)}, got {k!r}")
    mean = data.mean(axis=0)
    _, s, vt = np.linalg.svd(data - mean, full_matrices=False)
    comps = vt[:k]
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    comps = comps * np.where(signs == 0, 1.0, signs)[:, None]
    var_all = s**2 / (m - 1)
    var = var_all[:k]
    total = float(var_all.sum())
    ratio = var / total if total > 0 else np.zeros(k)
    steps = (
        Step("centre", rf"\bar x = {tex(sympy.Matrix([np.round(mean, 6).tolist()]))}"),
        Step("covariance", r"C = \frac{1}{m-1} (X - \bar x)^{T} (X - \bar x)"),
        Step("SVD of the centred data", r"X - \bar x = U S V^{T},\ \sigma_i^2 = \frac{s_i^2}{m-1}"),
        Step("explained variance", rf"\sigma^2 = {tex([sympy.Float(x, 6) for x in var])}"),
    )
    return PCA(comps, var, ratio, mean, data, steps)


# --- numeric checks ----------------------------------------------------------------------------


def _check_factors(f: Any, points: int, rng: np.random.Generator, rtol: float) -> Verification:
    """Reconstruction, orthonormality and agreement with ``numpy.linalg`` of a factorization."""
    params = _params(f.matrix)
    mat = _numeric_matrix(f.matrix, params)
    X = _points(params, lambda *a: mat(*a), points, rng)
    worst = 0.0
    with np.errstate(all="ignore"):
        for x in X:
            A = mat(*x).astype(complex)
            worst = max(worst, _FACTOR_CHECKS[type(f)](f, A, params, x))
    name = type(f).__name__
    return _verification(
        worst,
        rtol,
        _FACTOR_METHODS[name],
        len(X),
        f"{name} factors against A and numpy.linalg at random parameters",
    )


def _eval(M: sympy.MatrixBase, params: tuple[sympy.Symbol, ...], x: Any) -> np.ndarray:
    return _complex_fn(tuple(M), params)(*x).reshape(M.shape)


def _orthonormal_error(Q: np.ndarray) -> float:
    return _rel(Q.conj().T @ Q, np.eye(Q.shape[1]))


def _lu_error(f: LU, A: np.ndarray, params: tuple, x: Any) -> float:
    P, L, U = (_eval(M, params, x) for M in (f.P, f.L, f.U))
    shape = max(_rel(np.tril(L), L), _rel(np.triu(U), U), _rel(np.diag(L), 1.0))
    return max(_backward(P @ L @ U, A), shape)


def _qr_error(f: QR, A: np.ndarray, params: tuple, x: Any) -> float:
    """``Q R = A``, ``Qᴴ Q = I``, ``R`` upper, as many columns of ``Q`` as the numeric rank of
    ``A`` and, for full column rank, ``|diag R|`` equal to ``numpy.linalg.qr``'s."""
    Q, R = _eval(f.Q, params, x), _eval(f.R, params, x)
    rank = np.linalg.matrix_rank(A)  # numpy's tolerance: σ_max · max(m, n) · eps
    worst = max(
        _backward(Q @ R, A),
        _orthonormal_error(Q),
        _rel(np.triu(R), R),
        0.0 if Q.shape[1] == rank else float("inf"),
    )
    if Q.shape[1] == A.shape[1]:
        _, Rn = np.linalg.qr(A)
        worst = max(worst, _backward(np.abs(np.diag(R)), np.abs(np.diag(Rn))))
    return worst


def _svd_error(f: SVD, A: np.ndarray, params: tuple, x: Any) -> float:
    """Factors: ``U S Vᴴ = A``, orthonormality, ``diag S`` against ``numpy.linalg.svd``.
    Numeric only: the squared singular values (padded with zeros to n) against the spectrum
    of ``Aᴴ A``, without an SVD (:func:`_spectrum_error`), and their order."""
    numeric = np.linalg.svd(A, compute_uv=False)
    if f.U is None:
        sigma = np.asarray(f.to_numpy()(*x), dtype=float)
        squares = np.concatenate([sigma**2, np.zeros(A.shape[1] - sigma.size)])
        ordered = 0.0 if np.all(np.diff(sigma) <= 0) and np.all(sigma >= 0) else float("inf")
        return max(ordered, _spectrum_error(A.conj().T @ A, squares))
    U, S, V = (_eval(M, params, x) for M in (f.U, f.S, f.V))
    return max(
        _backward(U @ S @ V.conj().T, A),
        _orthonormal_error(U),
        _orthonormal_error(V),
        _backward(np.sort(np.abs(np.diag(S)))[::-1], numeric),
    )


def _spectral_error(f: Spectral, A: np.ndarray, params: tuple, x: Any) -> float:
    """``Q Λ Qᴴ = A``, orthonormal ``Q`` and ``Λ`` against ``eigvalsh``; numeric only: the
    eigenvalues against ``A`` itself (:func:`_spectrum_error`)."""
    if f.Q is None:
        return _spectrum_error(A, f.to_numpy()(*x))
    numeric = np.linalg.eigvalsh(A)[::-1]
    Q, Lam = _eval(f.Q, params, x), _eval(f.Lambda, params, x)
    return max(
        _backward(Q @ Lam @ Q.conj().T, A),
        _orthonormal_error(Q),
        _backward(np.sort(np.diag(Lam).real)[::-1], np.sort(numeric.real)[::-1]),
    )


_FACTOR_CHECKS: dict[type, Callable[..., float]] = {
    LU: _lu_error,
    QR: _qr_error,
    SVD: _svd_error,
    Spectral: _spectral_error,
}
_FACTOR_METHODS = {
    "LU": "P L U = A",
    "QR": "Q R = A, QᵀQ = I",
    "SVD": "U S Vᵀ = A, numpy.linalg.svd",
    "Spectral": "Q Λ Qᵀ = A, QᵀQ = I",
}


def _derivation_points(d: Derivation, points: int, rng: np.random.Generator) -> np.ndarray:
    from symml.compile import to_numpy

    f = to_numpy(d.result, d.wrt)
    return _points(d.wrt, lambda *a: f(*a), points, rng)


def _err_det(d: Derivation, x: Any) -> float:
    A = _eval(d.source["A"], d.wrt, x)
    return _rel(_complex_fn((d.result,), d.wrt)(*x)[0], np.linalg.det(A))


def _err_inverse(d: Derivation, x: Any) -> float:
    A = _eval(d.source["A"], d.wrt, x)
    inv = _eval(d.result, d.wrt, x)
    return max(_rel(A @ inv, np.eye(len(A))), _rel(inv, np.linalg.inv(A)))


def _err_charpoly(d: Derivation, x: Any) -> float:
    A = _eval(d.source["A"], d.wrt, x)
    lam = complex(x[d.wrt.index(d.source["lam"])])
    value = _complex_fn((d.result,), d.wrt)(*x)[0]
    return _rel(value, np.linalg.det(lam * np.eye(len(A)) - A))


def _err_projection(d: Derivation, x: Any) -> float:
    v = _eval(d.source["v"], d.wrt, x)[:, 0]
    A = _eval(d.source["A"], d.wrt, x)
    coef = np.linalg.lstsq(A, v, rcond=None)[0]
    return _rel(_eval(d.result, d.wrt, x)[:, 0], A @ coef)


def _err_norm(d: Derivation, x: Any) -> float:
    v = _eval(d.source["v"], d.wrt, x)
    p = d.source["p"]
    order = np.inf if p is sympy.oo else ("fro" if p == "fro" else float(p))
    value = _complex_fn((d.result,), d.wrt)(*x)[0]
    if v.shape[1] == 1 or v.shape[0] == 1:
        return _rel(value, np.linalg.norm(v.ravel(), ord=order))
    return _rel(value, np.linalg.norm(v, ord=order if order != 2.0 else 2))


def _err_gram_schmidt(d: Derivation, x: Any) -> float:
    V = _eval(d.source["V"], d.wrt, x)
    E = _eval(d.result, d.wrt, x)
    G = E.conj().T @ E
    target = np.eye(E.shape[1]) if d.source["normalize"] else np.diag(np.diag(G))
    same_span = _rel(E @ np.linalg.lstsq(E, V, rcond=None)[0], V)
    upper = _rel(
        np.linalg.lstsq(V, E, rcond=None)[0], np.triu(np.linalg.lstsq(V, E, rcond=None)[0])
    )
    return max(_rel(G, target), same_span, upper)


#: The error of a linear-algebra Derivation at one parameter point, by ``operation``.
DERIVATION_ERRORS: dict[str, tuple[str, Callable[[Derivation, Any], float]]] = {
    "det": ("numpy.linalg.det", _err_det),
    "inverse": ("A A⁻¹ = I, numpy.linalg.inv", _err_inverse),
    "charpoly": ("det(λI − A) by numpy", _err_charpoly),
    "projection": ("numpy.linalg.lstsq", _err_projection),
    "norm": ("numpy.linalg.norm", _err_norm),
    "gram_schmidt": ("orthonormality and span", _err_gram_schmidt),
}


def check_derivation(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    """The numeric check of a linear-algebra Derivation (``det``, ``inverse``, ...).

    Examples:
        >>> bool(det("[[a, 1], [2, a]]", steps=True).verify(rng=0))
        True
    """
    method, error = DERIVATION_ERRORS[d.operation]
    X = _derivation_points(d, points, rng)
    worst = 0.0
    with np.errstate(all="ignore"):
        for x in X:
            worst = max(worst, error(d, x))
    return _verification(
        worst, rtol, method, len(X), f"{d.operation} against {method} at random parameters"
    )
