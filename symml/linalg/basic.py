"""Determinant, inverse, characteristic polynomial, projection, norms and Gram–Schmidt,
each with its steps and its numeric check."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

from symml.deadline import resolve_timeout, run_limited
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
    _column,
    _constant_array,
    _derivation,
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
    _tidy,
    _tidy_matrix,
    _vectors,
)
from symml.linalg._numeric import (
    _complex_fn,
    _eval,
    _points,
    _rel,
    _verification,
)

#: Largest matrix whose cofactor expansion / adjugate is shown as a step.
SHOW_COFACTORS_MAX = 4


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
