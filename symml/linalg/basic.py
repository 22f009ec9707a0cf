"""Determinant, inverse, characteristic polynomial, projection, norms and Gram–Schmidt,
each with its steps and its numeric check."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Literal, TypeAlias, TypeVar, overload

import numpy as np
import sympy

from symml.checks import relative_error
from symml.deadline import Deadline, run_limited
from symml.derivation import (
    Derivation,
    Step,
    Verification,
    as_expr,
    free_symbols,
    sorted_symbols,
    tex,
)
from symml.errors import DerivationTimeout
from symml.linalg._common import (
    MatrixLike,
    _column,
    _constant_array,
    _dot,
    _is_float,
    _is_negligible,
    _is_zero,
    _lam_symbol,
    _matrix,
    _matrix_step,
    _params,
    _short,
    _square,
    _tex_big,
    _tidy,
    _tidy_matrix,
    _vectors,
)
from symml.linalg._numeric import _check_at_points, _complex_fn, _eval

__all__ = ["charpoly", "det", "gram_schmidt", "inverse", "norm", "projection"]

#: Largest matrix whose cofactor expansion / adjugate is shown as a step.
SHOW_COFACTORS_MAX = 4

T = TypeVar("T")

#: Matrices up to this size are worked out in place (no worker process: fast); a larger
#: one runs under the time limit (a symbolic 8×8 determinant took minutes).
IN_PLACE_MAX_SIZE = 4


def _exact(fn: Callable[..., T], M: sympy.ImmutableMatrix, timeout: float | None, what: str) -> T:
    """``fn(M)`` in place for a small matrix, else under ``timeout`` (``DerivationTimeout``
    naming the operation and the matrix's size on expiry)."""
    if M.rows <= IN_PLACE_MAX_SIZE:
        return fn(M)
    kind = "with symbols" if M.free_symbols else "of numbers"
    return Deadline(timeout).run(fn, M, what=f"{what} of a {M.rows}×{M.cols} matrix {kind}")


def _numeric_array(M: sympy.ImmutableMatrix) -> np.ndarray:
    """A constant matrix as a float (or complex) array, for the numeric fallbacks."""
    A = np.array(M.evalf(), dtype=complex)
    return A.real if not np.iscomplexobj(A) or not A.imag.any() else A


#: What :func:`norm` takes as ``p``: a number ≥ 1, ``inf`` (or its name), or ``"fro"``.
NormOrder: TypeAlias = "float | str | sympy.Expr"


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
                Step.equation(
                    f"orthogonalize {label} {k}", f"u_{{{k}}} = v_{{{k}}}{''.join(terms)}", u
                )
            )
        if normalize:
            e = _tidy_matrix(u / sympy.sqrt(_tidy(_dot(u, u))))
            if record:
                steps.append(
                    Step.equation(
                        f"normalize {label} {k}",
                        rf"e_{{{k}}} = \frac{{u_{{{k}}}}}{{\lVert u_{{{k}}} \rVert}}",
                        e,
                    )
                )
            out.append(e)
        else:
            out.append(u)
    return out, steps


@overload
def gram_schmidt(
    vectors: MatrixLike, normalize: bool = ..., *, steps: Literal[False] = ...
) -> list[sympy.ImmutableMatrix]: ...
@overload
def gram_schmidt(
    vectors: MatrixLike, normalize: bool = ..., *, steps: Literal[True]
) -> Derivation: ...
def gram_schmidt(
    vectors: MatrixLike, normalize: bool = True, *, steps: bool = False
) -> list[sympy.ImmutableMatrix] | Derivation:
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
    return Derivation(
        result,
        _params(V),
        tuple(lines),
        name,
        operation="gram_schmidt",
        check=partial(_check_gram_schmidt, V=V, normalize=normalize),
    )


def _check_gram_schmidt(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    V: sympy.ImmutableMatrix,
    normalize: bool,
) -> Verification:
    """The columns ``E`` of the result orthonormal (orthogonal), spanning the span of ``V``,
    each a combination of the vectors up to its own (``V⁺ E`` upper triangular)."""

    def error(x: np.ndarray) -> float:
        Vx, E = _eval(V, d.wrt, x), _eval(d.result, d.wrt, x)
        G = E.conj().T @ E
        target = np.eye(E.shape[1]) if normalize else np.diag(np.diag(G))
        same_span = relative_error(E @ np.linalg.lstsq(E, Vx, rcond=None)[0], Vx)
        coefficients = np.linalg.lstsq(Vx, E, rcond=None)[0]
        upper = relative_error(coefficients, np.triu(coefficients))
        return max(relative_error(G, target), same_span, upper)

    return _check_at_points(d, points, rng, rtol, "orthonormality and span", error)


def projection(
    v: MatrixLike, onto: MatrixLike, *, steps: bool = False
) -> sympy.ImmutableMatrix | Derivation:
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
            Step.equation(
                "projection onto a vector",
                rf"\operatorname{{proj}}_u v = "
                rf"\frac{{u \cdot v}}{{u \cdot u}} u = {tex(coef)} {tex(A)}",
                result,
            )
        )
    else:
        G = A.H * A
        if _is_zero(G.det()):
            raise ValueError(f"projection: the columns of onto {_short(A)} are linearly dependent")
        result = _tidy_matrix(A * G.inv() * A.H * x)
        lines.append(
            Step.equation(
                "projection onto a column space",
                r"\operatorname{proj}_A v = A (A^{T} A)^{-1} A^{T} v",
                result,
            )
        )
    if not steps:
        return result
    return Derivation(
        result,
        _params(x, A),
        tuple(lines),
        r"\operatorname{proj} v",
        operation="projection",
        check=partial(_check_projection, v=x, A=A),
    )


def _check_projection(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    v: sympy.ImmutableMatrix,
    A: sympy.ImmutableMatrix,
) -> Verification:
    """The projection against the least-squares fit ``A (A⁺ v)`` by ``numpy.linalg.lstsq``."""

    def error(x: np.ndarray) -> float:
        vx, Ax = _eval(v, d.wrt, x)[:, 0], _eval(A, d.wrt, x)
        coef = np.linalg.lstsq(Ax, vx, rcond=None)[0]
        return relative_error(_eval(d.result, d.wrt, x)[:, 0], Ax @ coef)

    return _check_at_points(d, points, rng, rtol, "numpy.linalg.lstsq", error)


def _looks_like_matrix(obj: MatrixLike) -> bool:
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


def det(
    A: MatrixLike, *, steps: bool = False, timeout: float | None = None
) -> sympy.Expr | Derivation:
    """The determinant (exact, simplified).

    Args:
        A: A square matrix.
        steps: Return a :class:`~symml.derivation.Derivation` with the cofactor expansion.
        timeout: Seconds the exact work on a matrix larger than :data:`IN_PLACE_MAX_SIZE`
            may take (default ``config.timeout``). On expiry a matrix of numbers gets
            ``numpy.linalg.det`` (``method="numeric"``); one with symbols raises.

    Raises:
        ValueError: For a non-square matrix.
        DerivationTimeout: When a matrix with symbols runs past ``timeout``.

    Examples:
        >>> det([[1, 2], [3, 4]])
        -2
        >>> det("[[a, b], [c, d]]")
        a*d - b*c
    """
    M = _square(A, "det")
    method, error = "symbolic", None
    try:
        value = _exact(_det_exact, M, timeout, "det")
    except DerivationTimeout:
        if M.free_symbols:
            raise
        number = complex(np.linalg.det(_numeric_array(M)))
        value = sympy.Float(number.real) + sympy.I * sympy.Float(number.imag) * bool(number.imag)
        method = "numeric"
        error = abs(number) * float(np.linalg.cond(_numeric_array(M))) * np.finfo(float).eps
    if not steps:
        return value
    lines = [_matrix_step("matrix", "A", M)]
    cof = _cofactor_step(M)
    if cof is not None:
        lines.append(cof)
    title = "evaluate" if method == "symbolic" else "numpy.linalg.det (symbolic timed out)"
    lines.append(Step(title, rf"\det A = {_tex_big(value)}"))
    return Derivation(
        value,
        _params(M),
        tuple(lines),
        r"\det A",
        method,
        error,
        operation="det",
        check=partial(_check_det, A=M),
    )


def _det_exact(M: sympy.ImmutableMatrix) -> sympy.Expr:
    return _tidy(M.det(method="berkowitz"))


def _check_det(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float, *, A: sympy.ImmutableMatrix
) -> Verification:
    """``det A`` against ``numpy.linalg.det`` at random parameters.

    Examples:
        >>> bool(det("[[a, 1], [2, a]]", steps=True).verify(rng=0))
        True
    """
    value = _complex_fn((d.result,), d.wrt)

    def error(x: np.ndarray) -> float:
        return relative_error(value(*x)[0], np.linalg.det(_eval(A, d.wrt, x)))

    return _check_at_points(d, points, rng, rtol, "numpy.linalg.det", error)


def _float_rank(M: sympy.ImmutableMatrix) -> int:
    """The numeric rank of a constant matrix (numpy's tolerance)."""
    return int(np.linalg.matrix_rank(np.array(M.evalf(), dtype=complex)))


def _singular(M: sympy.ImmutableMatrix, d: sympy.Expr) -> bool:
    if _is_float(M) and not M.free_symbols:
        return _float_rank(M) < M.rows
    return _is_zero(d)


def inverse(
    A: MatrixLike, *, steps: bool = False, timeout: float | None = None
) -> sympy.ImmutableMatrix | Derivation:
    r"""The inverse matrix, ``A⁻¹ = adj(A) / det(A)``.

    ``timeout`` bounds the exact work as in :func:`det` (a matrix of numbers then gets
    ``numpy.linalg.inv``, ``method="numeric"``).

    Raises:
        ValueError: For a non-square or singular matrix.
        DerivationTimeout: When a matrix with symbols runs past ``timeout``.

    Examples:
        >>> inverse([[2, 1], [1, 1]])
        Matrix([
        [ 1, -1],
        [-1,  2]])
    """
    M = _square(A, "inverse")
    try:
        d, inv = _exact(_inverse_exact, M, timeout, "inverse")
    except DerivationTimeout:
        if M.free_symbols:
            raise
        return _numeric_inverse(M, steps)
    if _singular(M, d):
        why = (
            f"is singular (det A = {d})"
            if _is_zero(d)
            else f"is numerically singular (rank {_float_rank(M)} < {M.rows} in floating point; "
            f"det A = {d})"
        )
        raise ValueError(f"inverse: A = {_short(M)} {why}, so it has no inverse")
    assert inv is not None  # _inverse_exact leaves it out only for a singular matrix
    if not steps:
        return inv
    lines = [_matrix_step("matrix", "A", M), Step("determinant", rf"\det A = {_tex_big(d)}")]
    if M.rows <= SHOW_COFACTORS_MAX and not _is_float(M):
        lines.append(Step.equation("adjugate", r"\operatorname{adj} A", M.adjugate()))
    lines.append(
        Step(
            "inverse",
            rf"A^{{-1}} = \frac{{\operatorname{{adj}} A}}{{\det A}} = {_tex_big(inv)}",
        )
    )
    return Derivation(
        inv,
        _params(M),
        tuple(lines),
        "A^{-1}",
        operation="inverse",
        check=partial(_check_inverse, A=M),
    )


def _inverse_exact(
    M: sympy.ImmutableMatrix,
) -> tuple[sympy.Expr, sympy.ImmutableMatrix | None]:
    """``det A`` and ``A⁻¹`` (``None`` for a singular matrix)."""
    d = _tidy(M.det(method="berkowitz"))
    if _singular(M, d):
        return d, None
    return d, _tidy_matrix(M.inv(method="LU") if _is_float(M) else M.adjugate() / d)


def _numeric_inverse(M: sympy.ImmutableMatrix, steps: bool) -> sympy.ImmutableMatrix | Derivation:
    """``numpy.linalg.inv`` of a matrix of numbers whose exact inverse timed out."""
    A = _numeric_array(M)
    if np.linalg.matrix_rank(A) < M.rows:
        raise ValueError(f"inverse: A = {_short(M)} is numerically singular, so it has no inverse")
    inv = sympy.ImmutableMatrix(np.linalg.inv(A).tolist())
    if not steps:
        return inv
    error = (
        float(np.linalg.cond(A))
        * np.finfo(float).eps
        * float(np.abs(np.asarray(inv.tolist(), dtype=complex)).max())
    )
    lines = (
        _matrix_step("matrix", "A", M),
        Step("numpy.linalg.inv (symbolic timed out)", rf"A^{{-1}} = {_tex_big(inv)}"),
    )
    return Derivation(
        inv,
        (),
        lines,
        "A^{-1}",
        "numeric",
        error,
        operation="inverse",
        check=partial(_check_inverse, A=M),
    )


def _check_inverse(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float, *, A: sympy.ImmutableMatrix
) -> Verification:
    """``A A⁻¹ = I`` and the inverse against ``numpy.linalg.inv`` at random parameters."""

    def error(x: np.ndarray) -> float:
        Ax, inv = _eval(A, d.wrt, x), _eval(d.result, d.wrt, x)
        return max(
            relative_error(Ax @ inv, np.eye(len(Ax))), relative_error(inv, np.linalg.inv(Ax))
        )

    return _check_at_points(d, points, rng, rtol, "A A⁻¹ = I, numpy.linalg.inv", error)


def charpoly(
    A: MatrixLike,
    lam: sympy.Symbol | str | None = None,
    *,
    steps: bool = False,
    timeout: float | None = None,
) -> sympy.Expr | Derivation:
    r"""The characteristic polynomial ``det(λI − A)`` (monic) as an expression in ``lam``.

    Args:
        A: A square matrix.
        lam: The variable, a Symbol or a name (default ``lambda``).
        steps: Return a :class:`~symml.derivation.Derivation`.
        timeout: Seconds the work on a matrix larger than :data:`IN_PLACE_MAX_SIZE` may take
            (default ``config.timeout``); on expiry :class:`~symml.errors.DerivationTimeout`.

    Examples:
        >>> charpoly([[2, 1], [1, 2]], "t")
        t**2 - 4*t + 3
    """
    M = _square(A, "charpoly")
    var = _lam_symbol(M, lam)
    p = _exact(partial(_charpoly_exact, var=var), M, timeout, "charpoly")
    if not steps:
        return p
    lines = [
        _matrix_step("matrix", "A", M),
        Step.equation(
            "characteristic polynomial",
            rf"\det({tex(var)} I - A) = \det {tex(var * sympy.eye(M.rows) - M)}",
            p,
        ),
    ]
    return Derivation(
        p,
        sorted_symbols(free_symbols(M) | {var}),
        tuple(lines),
        rf"p({tex(var)})",
        operation="charpoly",
        check=partial(_check_charpoly, A=M, lam=var),
    )


def _charpoly_exact(M: sympy.ImmutableMatrix, var: sympy.Symbol) -> sympy.Expr:
    return sympy.expand(M.charpoly(var).as_expr())


def _check_charpoly(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    A: sympy.ImmutableMatrix,
    lam: sympy.Symbol,
) -> Verification:
    """``p(λ)`` against ``det(λI − A)`` by ``numpy.linalg.det`` at random ``λ`` and parameters."""
    value = _complex_fn((d.result,), d.wrt)
    at = d.wrt.index(lam)

    def error(x: np.ndarray) -> float:
        Ax = _eval(A, d.wrt, x)
        return relative_error(value(*x)[0], np.linalg.det(complex(x[at]) * np.eye(len(Ax)) - Ax))

    return _check_at_points(d, points, rng, rtol, "det(λI − A) by numpy", error)


#: Names of ``p = inf`` in :func:`norm`.
_INF_NAMES = {"inf", "oo", "infinity", "Inf"}


def _norm_order(p: NormOrder) -> sympy.Expr | str:
    """``p`` checked and as :func:`norm` uses it: a SymPy number ≥ 1, ``oo`` or ``"fro"``."""
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


def _vector_norm(v: list[sympy.Expr], p: sympy.Expr) -> sympy.Expr:
    if p is sympy.oo:
        return sympy.Max(*[sympy.Abs(x) for x in v])
    if p == 2:
        return sympy.sqrt(sum(sympy.Abs(x) ** 2 for x in v))
    return sum(sympy.Abs(x) ** p for x in v) ** (1 / sympy.sympify(p))


def _matrix_norm(M: sympy.ImmutableMatrix, p: sympy.Expr | str) -> sympy.Expr:
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


def _largest_real_root(G: sympy.ImmutableMatrix) -> sympy.Expr:
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


def _largest_gram_eigenvalue(M: sympy.ImmutableMatrix) -> sympy.Expr:
    """``λ_max(Aᴴ A)`` of a constant matrix: exact (under ``config.timeout``), else (a
    float matrix, a time-out, no exact roots) the square of ``numpy.linalg.norm(A, 2)``."""
    if not _is_float(M):
        try:
            return run_limited(
                _largest_real_root,
                _tidy_matrix(M.H * M),
                timeout=None,  # config.timeout
                what="the largest eigenvalue of A^H A",
            )
        except (DerivationTimeout, NotImplementedError):
            pass
    return sympy.Float(float(np.linalg.norm(_constant_array(M), 2)) ** 2)


def norm(v: MatrixLike, p: NormOrder = 2, *, steps: bool = False) -> sympy.Expr | Derivation:
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
    lhs = rf"\lVert v \rVert_{{{ptex}}}"
    lines = [
        _matrix_step("vector" if is_vector else "matrix", "v" if is_vector else "A", M),
        Step.equation(f"{p}-norm", lhs, raw),
        Step.equation("evaluate", lhs, value),
    ]
    return Derivation(
        value,
        _params(M),
        tuple(lines),
        lhs,
        operation="norm",
        check=partial(_check_norm, v=M, p=order),
    )


def _check_norm(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    v: sympy.ImmutableMatrix,
    p: sympy.Expr | str,
) -> Verification:
    """The norm against ``numpy.linalg.norm`` (of the vector, or the matrix norm) at random
    parameters."""
    order: float | Literal["fro"] = np.inf if p is sympy.oo else ("fro" if p == "fro" else float(p))
    value = _complex_fn((d.result,), d.wrt)

    def error(x: np.ndarray) -> float:
        vx = _eval(v, d.wrt, x)
        if vx.shape[1] == 1 or vx.shape[0] == 1:
            return relative_error(value(*x)[0], np.linalg.norm(vx.ravel(), ord=order))
        return relative_error(value(*x)[0], np.linalg.norm(vx, ord=order if order != 2.0 else 2))

    return _check_at_points(d, points, rng, rtol, "numpy.linalg.norm", error)
