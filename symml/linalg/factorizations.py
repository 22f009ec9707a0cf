"""LU, QR and SVD factorizations with steps, and their numeric checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy
from numpy.typing import ArrayLike

from symml.checks import relative_error
from symml.deadline import Deadline
from symml.derivation import (
    Result,
    Step,
    Verification,
    _tex_text,
    render_steps,
    tex,
)
from symml.errors import DerivationTimeout
from symml.linalg._common import (
    _COMMA,
    BIG_MATRIX_OPS,
    MatrixLike,
    Params,
    _adjoint_name,
    _dot,
    _is_float,
    _is_negligible,
    _is_zero,
    _matrix,
    _matrix_step,
    _numeric_only,
    _params,
    _short,
    _sym_number,
    _tex_big,
    _tex_matrix,
    _tex_or,
    _tidy,
    _tidy_matrix,
)
from symml.linalg._numeric import (
    _backward,
    _check_factors,
    _eval,
    _numeric_matrix,
    _orthonormal_error,
    _spectrum_error,
    _where_finite,
)
from symml.linalg.basic import (
    _gram_schmidt,
)
from symml.linalg.eigen import SpectrumFunction, _spectral

__all__ = ["LU", "QR", "SVD", "lu", "qr", "svd"]


@dataclass(frozen=True)
class QR(Result):
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
        final = rf"A = Q R = {tex(self.Q)} {tex(self.R)}"
        return render_steps(self.steps, final) if steps else final

    def plain(self) -> str:
        """``Q`` and ``R`` on one line (the CLI's last line)."""
        return f"Q = {sympy.sstr(self.Q.tolist())}; R = {sympy.sstr(self.R.tolist())}"

    def to_numpy(self) -> Callable[..., tuple[np.ndarray, ...]]:
        """A callable ``params -> (Q, R)`` of the exact factors, broadcast over parameters."""
        return _factor_fn((self.Q, self.R), _params(self.matrix))

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        """Check ``Q R = A``, ``QᵀQ = I`` and that ``R`` matches ``numpy.linalg.qr`` (up to signs)."""
        return _check_factors(self, _qr_error, "Q R = A, QᵀQ = I", points, rng, rtol)


def qr(A: MatrixLike) -> QR:
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


def _qr_error(f: QR, A: np.ndarray, params: Params, x: np.ndarray) -> float:
    """``Q R = A``, ``Qᴴ Q = I``, ``R`` upper, as many columns of ``Q`` as the numeric rank of
    ``A`` and, for full column rank, ``|diag R|`` equal to ``numpy.linalg.qr``'s."""
    Q, R = _eval(f.Q, params, x), _eval(f.R, params, x)
    rank = np.linalg.matrix_rank(A)  # numpy's tolerance: σ_max · max(m, n) · eps
    worst = max(
        _backward(Q @ R, A),
        _orthonormal_error(Q),
        relative_error(np.triu(R), R),
        0.0 if Q.shape[1] == rank else float("inf"),
    )
    if Q.shape[1] == A.shape[1]:
        _, Rn = np.linalg.qr(A)
        worst = max(worst, _backward(np.abs(np.diag(R)), np.abs(np.diag(Rn))))
    return worst


@dataclass(frozen=True)
class LU(Result):
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
        final = rf"A = P L U = {tex(self.P)} {tex(self.L)} {tex(self.U)}"
        return render_steps(self.steps, final) if steps else final

    def plain(self) -> str:
        """``P``, ``L`` and ``U`` on one line (the CLI's last line)."""
        return (
            f"P = {sympy.sstr(self.P.tolist())}; L = {sympy.sstr(self.L.tolist())}; "
            f"U = {sympy.sstr(self.U.tolist())}"
        )

    def to_numpy(self) -> Callable[..., tuple[np.ndarray, ...]]:
        """A callable ``params -> (P, L, U)`` of the exact factors."""
        return _factor_fn((self.P, self.L, self.U), _params(self.matrix))

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        """Check ``P L U = A`` at random parameter values (and the triangular shapes)."""
        return _check_factors(self, _lu_error, "P L U = A", points, rng, rtol)


def _pivot(column: list[sympy.Expr], floats: bool) -> int | None:
    """The row of the pivot in ``column``: the largest entry for floats, else the first
    non-zero one (``None``: no pivot)."""
    if floats and not any(c.free_symbols for c in column):
        sizes = [abs(complex(c)) for c in column]
        best = int(np.argmax(sizes))
        return best if sizes[best] > 0 else None
    for i, c in enumerate(column):
        if not _is_zero(c):
            return i
    return None


def lu(A: MatrixLike) -> LU:
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


def _lu_error(f: LU, A: np.ndarray, params: Params, x: np.ndarray) -> float:
    """``P L U = A`` (backward error), ``L`` unit lower and ``U`` upper triangular."""
    P, L, U = (_eval(M, params, x) for M in (f.P, f.L, f.U))
    shape = max(
        relative_error(np.tril(L), L),
        relative_error(np.triu(U), U),
        relative_error(np.diag(L), 1.0),
    )
    return max(_backward(P @ L @ U, A), shape)


def _factor_fn(
    mats: tuple[sympy.MatrixBase, ...], params: Params
) -> Callable[..., tuple[np.ndarray, ...]]:
    """``params -> (each of mats)`` as arrays, broadcast over parameter arrays."""
    fns = [_numeric_matrix(m, params) for m in mats]

    def call(*args: ArrayLike) -> tuple[np.ndarray, ...]:
        return tuple(f(*args) for f in fns)

    return call


@dataclass(frozen=True)
class SVD(Result):
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
    def singular_values(self) -> tuple[sympy.Expr, ...]:
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
        return render_steps(self.steps, final) if steps else final

    def plain(self) -> str:
        """``U``, ``S`` and ``V`` on one line (the CLI's last line)."""
        if self.U is None or self.S is None or self.V is None:
            return _numeric_only("singular values", self.method, _params(self.matrix))
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

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        """Check ``U S Vᵀ = A``, ``UᵀU = VᵀV = I`` and the singular values against numpy."""
        return _check_factors(self, _svd_error, "U S Vᵀ = A, numpy.linalg.svd", points, rng, rtol)


def svd(A: MatrixLike, timeout: float | None = None) -> SVD:
    r"""The singular value decomposition, exact where ``AᵀA`` has exact eigenvectors.

    The steps: ``AᵀA`` (``AᴴA`` for complex input), its spectral decomposition
    (orthonormalized: ``V``), ``σ_i = √λ_i``, ``u_i = A v_i / σ_i``, ``U`` completed to an
    orthonormal basis. A constant matrix whose exact route fails or times out gets
    floating-point factors from ``numpy.linalg.svd``; a matrix with parameters then has only
    the numeric singular values (``U = S = V = None``). ``method`` says which.

    Args:
        A: A matrix (any shape).
        timeout: Seconds for all the symbolic work (the eigen-decomposition of ``AᵀA``,
            orthonormalizing, the singular vectors together): ``None`` means
            ``config.timeout``, :data:`~symml.config.NO_LIMIT` no limit.

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
    limit = Deadline(timeout)
    adj = _adjoint_name(M)
    G = _tidy_matrix(M.H * M)  # Hermitian by construction
    steps.append(_matrix_step("Gram matrix", f"A^{{{adj}}} A", G))
    s = _spectral(G, limit)
    if s.Q is None or s.Lambda is None or s.method != "symbolic":
        return _numeric_svd(M, steps, s.method)
    steps += list(s.steps[1:])
    try:
        U, S, more = limit.run(_svd_factors, M, s.Q, s.Lambda, what="the singular vectors")
    except DerivationTimeout:
        return _numeric_svd(M, steps, "numeric (timeout)")
    steps += more
    return SVD(U, S, s.Q, M, tuple(steps), "symbolic")


def _svd_factors(
    M: sympy.ImmutableMatrix, V: sympy.ImmutableMatrix, Lambda: sympy.ImmutableMatrix
) -> tuple[sympy.ImmutableMatrix, sympy.ImmutableMatrix, list[Step]]:
    """``U`` and ``S`` of ``M = U S Vᴴ`` from the spectral decomposition ``V Λ Vᴴ`` of
    ``Mᴴ M``, with their steps."""
    m, n = M.shape
    steps: list[Step] = []
    sigma = [_tidy(sympy.sqrt(v)) for v in Lambda.diagonal()]
    steps.append(
        Step("singular values", r"\sigma_i = \sqrt{\lambda_i}:\ " + _tex_big(sigma, BIG_MATRIX_OPS))
    )
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
    U = sympy.ImmutableMatrix.hstack(*_complete_basis(ucols, m))
    if U.cols > len(ucols):
        steps.append(_matrix_step("complete to an orthonormal basis", "U", U))
    S = sympy.ImmutableMatrix(m, n, lambda i, j: sigma[i] if i == j else 0)
    adj = _adjoint_name(M)
    VH = V.H if adj == "H" else V.T
    shown = (_tex_or(U, "U"), _tex_or(S, "S"), _tex_or(VH, f"V^{{{adj}}}"))
    steps.append(Step("SVD", rf"A = U S V^{{{adj}}} = " + " ".join(shown)))
    return U, S, steps


def _complete_basis(cols: list[sympy.ImmutableMatrix], m: int) -> list[sympy.ImmutableMatrix]:
    """The orthonormal ``cols`` completed to an orthonormal basis of the m-vectors."""
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
    """The fallback: ``numpy.linalg.svd`` factors of a constant matrix, else the numeric
    singular values only (at call time)."""
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


def _svd_error(f: SVD, A: np.ndarray, params: Params, x: np.ndarray) -> float:
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
