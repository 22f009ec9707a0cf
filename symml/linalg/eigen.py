r"""Eigen-decompositions with steps: :func:`eig` (:class:`Eigen`), the spectral theorem
:func:`spectral` (:class:`Spectral`), their numeric callables (:class:`SpectrumFunction`)
and the checks of both against the matrix itself.

The steps are the ones a student would write: the characteristic polynomial and its
roots, each eigenspace as a null space, then ``A = P D P⁻¹`` (or why ``A`` is defective).

SymPy can take minutes on the eigenvalues of a symbolic 4×4; :func:`eig` runs the
characteristic polynomial, its roots and the null spaces under ``timeout`` and then falls
back to ``numpy.linalg`` of the compiled matrix, saying so in ``method``. ``timeout`` follows
the one rule of symml: ``None`` means ``config.timeout``, :data:`~symml.config.NO_LIMIT`
means no limit; it is resolved once into a :class:`~symml.deadline.Deadline` that
:func:`spectral` and :func:`~symml.linalg.svd` share with the eigen-decomposition they run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import sympy
from numpy.typing import ArrayLike

from symml.checks import relative_error
from symml.deadline import Deadline, run_limited
from symml.derivation import (
    Result,
    Step,
    Verification,
    _tex_text,
    free_symbols,
    render_steps,
    sorted_symbols,
    tex,
)
from symml.errors import DerivationTimeout
from symml.linalg._common import (
    _COMMA,
    BIG_MATRIX_OPS,
    MatrixLike,
    Params,
    _adjoint_name,
    _constant_array,
    _is_big,
    _is_float,
    _is_symmetric,
    _is_zero,
    _lam_symbol,
    _matrix_step,
    _numeric_only,
    _params,
    _paren,
    _short,
    _square,
    _sym_number,
    _sym_vector,
    _tex_big,
    _tex_matrix,
    _tex_or,
    _tidy_matrix,
)
from symml.linalg._numeric import (
    NumericForm,
    _backward,
    _check_factors,
    _complex_fn,
    _eval,
    _numeric_matrix,
    _order,
    _order_pairs,
    _orthonormal_error,
    _points,
    _spectrum_error,
    _verification,
    _where_finite,
)
from symml.linalg.basic import _gram_schmidt

#: A closed-form eigenvalue is used at a point only when it is within this much (times the
#: Frobenius norm of the matrix there) of ``numpy.linalg``; else numpy's value is returned.
CLOSED_FORM_RTOL = 1e-9
#: Singular values below this (times the matrix norm) count as zero in numeric rank tests.
RANK_RTOL = 1e-8


#: What a :class:`SpectrumFunction` returns: the values ``(..., n)``, or ``(values, vectors)``
#: for ``to_numpy(vectors=True)``.
Spectrum: TypeAlias = "np.ndarray | tuple[np.ndarray, ...]"


@dataclass(frozen=True)
class SpectrumFunction:
    """A numeric callable ``params -> eigenvalues (..., n)`` (or singular values).

    Attributes:
        wrt: The parameters, sorted by name (the argument order).
        kind: How values are computed: ``"closed form"`` or the ``numpy.linalg`` routine.
    """

    wrt: Params
    kind: str
    fn: Callable[..., Spectrum] = field(repr=False, compare=False)

    def __call__(self, *args: ArrayLike) -> Spectrum:
        if len(args) != len(self.wrt):
            names = ", ".join(s.name for s in self.wrt) or "no arguments"
            raise TypeError(
                f"this function takes {len(self.wrt)} argument(s) ({names}), got {len(args)}"
            )
        return self.fn(*args)


@dataclass(frozen=True)
class Eigen(Result):
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

    values: tuple[sympy.Expr, ...]
    vectors: tuple[sympy.ImmutableMatrix, ...]
    multiplicities: dict[sympy.Expr, tuple[int, int]] = field(compare=False)
    is_diagonalizable: bool | None
    P: sympy.ImmutableMatrix | None
    D: sympy.ImmutableMatrix | None
    charpoly: sympy.Expr | None
    matrix: sympy.ImmutableMatrix
    eigenspaces: dict[sympy.Expr, tuple[sympy.ImmutableMatrix, ...]] = field(
        compare=False, repr=False
    )
    lam: sympy.Symbol
    steps: tuple[Step, ...] = field(repr=False)
    method: str = "symbolic"

    @property
    def params(self) -> Params:
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
        return render_steps(self.steps, final) if steps else final

    def plain(self) -> str:
        """The eigenvalues on one line (the CLI's last line)."""
        if not self.values and self.params:
            return _numeric_only("eigenvalues", self.method, self.params)
        if not self.values:  # a numeric matrix: its values from numpy
            return f"≈ {self.method}\n{sympy.sstr(np.asarray(self.to_numpy()()).tolist())}"
        text = sympy.sstr(list(self.values))
        return text if self.method == "symbolic" else f"≈ {self.method}\n{text}"

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

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        """What :meth:`verify` runs: every claim checked at random parameter values against
        the matrix itself. The eigenvalues (exact and :meth:`to_numpy`'s) by
        ``σ_min(A − λI) ≈ 0`` and the power sums ``Σ λᵏ = tr Aᵏ`` (so with their algebraic
        multiplicities), ``A v = λ v`` for every vector, each geometric multiplicity as the
        numeric nullity of ``A − λI``, ``is_diagonalizable`` and ``A = P D P⁻¹``, and
        ``charpoly`` against ``det(zI − A)``. A failed check is named in ``details``.

        Examples:
            >>> bool(eig([[0, -1], [1, 0]]).verify())
            True
        """
        return _check_eigen(self, points, rng, rtol)


def _eigvals_of(A: np.ndarray, symmetric: bool) -> np.ndarray:
    """Eigenvalues of the matrices ``A`` (..., n, n), sorted as :func:`_order` does (``nan``
    for a matrix with a non-finite entry)."""
    if symmetric and not np.iscomplexobj(A):
        return _where_finite(lambda B: np.linalg.eigvalsh(B)[..., ::-1], A)
    return _where_finite(lambda B: _order(np.linalg.eigvals(B)), A)


def _numeric_eigvals(M: sympy.MatrixBase, params: Params, symmetric: bool) -> NumericForm:
    mat = _numeric_matrix(M, params)
    return lambda *args: _eigvals_of(mat(*args), symmetric)


def _checked_closed_form(
    values: tuple[sympy.Expr, ...], M: sympy.MatrixBase, params: Params, symmetric: bool
) -> NumericForm:
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

    def call(*args: ArrayLike) -> np.ndarray:
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
    M: sympy.MatrixBase, params: Params, symmetric: bool
) -> Callable[..., tuple[np.ndarray, ...]]:
    mat = _numeric_matrix(M, params)

    def solve(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if symmetric and not np.iscomplexobj(A):
            w, V = np.linalg.eigh(A)
            return w[..., ::-1], V[..., ::-1]
        return _order_pairs(*np.linalg.eig(A))

    return lambda *args: _where_finite(solve, mat(*args))


def _charpoly_expr(A: sympy.MatrixBase, lam: sympy.Symbol) -> sympy.Expr:
    return A.charpoly(lam).as_expr()


def _roots(p: sympy.Expr, lam: sympy.Symbol) -> dict[sympy.Expr, int]:
    return sympy.roots(sympy.Poly(p, lam), multiple=False)


def _null_spaces(
    A: sympy.MatrixBase,
    roots: dict[sympy.Expr, int],
    values: list[sympy.Expr],
    p: sympy.Expr,
    lam: sympy.Symbol,
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
    adj: sympy.MatrixBase, p: sympy.Expr, lam: sympy.Symbol, v: sympy.Expr
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
    adj: sympy.MatrixBase, p: sympy.Expr, lam: sympy.Symbol, v: sympy.Expr
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


def _sort_exact(roots: dict[sympy.Expr, int]) -> list[sympy.Expr]:
    """The distinct roots, constant ones sorted descending (by real part, then imaginary)."""
    values = list(roots)
    if any(v.free_symbols for v in values):
        return values

    def key(v: sympy.Expr) -> tuple[float, float]:
        c = complex(sympy.N(v, 30))
        return (-round(c.real, 12), -round(c.imag, 12))

    return sorted(values, key=key)


def eig(
    A: MatrixLike, timeout: float | None = None, *, lam: sympy.Symbol | str | None = None
) -> Eigen:
    r"""Eigenvalues, eigenvectors and (when it exists) the diagonalization ``A = P D P⁻¹``.

    The steps: the characteristic polynomial ``det(A − λI)``, its roots with their
    multiplicities, each eigenspace as the null space of ``A − λI``, then ``P`` and ``D``
    (or the statement that ``A`` is defective). Complex eigenvalues are exact
    (``±i`` for a quarter turn).

    Args:
        A: A square matrix: nested lists, a SymPy Matrix, or a string ``"[[2,1],[1,2]]"``.
        timeout: Seconds for the symbolic work (characteristic polynomial, roots, null
            spaces together): ``None`` means ``config.timeout``,
            :data:`~symml.config.NO_LIMIT` no limit. On expiry the result falls back to
            ``numpy.linalg`` (``method`` says which path was taken).
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
    return _eig(M, Deadline(timeout), _lam_symbol(M, lam))


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
        steps.append(Step.equation("factor", rf"\det(A - {tex(lam)} I)", factored))
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
    p: sympy.Expr,
    roots: dict[sympy.Expr, int],
    distinct: list[sympy.Expr],
    spaces: list[list[sympy.ImmutableMatrix]],
    steps: list[Step],
    method: str = "symbolic",
) -> Eigen:
    """The :class:`Eigen` of exact eigenvalues ``distinct`` with bases ``spaces`` of their
    eigenspaces: the eigenspace steps, then the diagonalization or why there is none."""
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
    p: sympy.Expr | None,
    method: str,
    timeout: float | None = None,
) -> Eigen:
    """The numeric fallback: ``numpy.linalg`` now for a constant matrix, else at call time.
    ``timeout`` is the budget (seconds) that ran out, when one did: the steps name it."""
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
    values: list[sympy.Expr] = []
    vectors: list[sympy.ImmutableMatrix] = []
    mult: dict[sympy.Expr, tuple[int, int]] = {}
    spaces: dict[sympy.Expr, tuple[sympy.ImmutableMatrix, ...]] = {}
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
    M: sympy.ImmutableMatrix, roots: dict[sympy.Expr, int], values: list[sympy.Expr]
) -> list[list[sympy.ImmutableMatrix]]:
    """Numeric eigenspace bases of a constant matrix at its exact (distinct) eigenvalues."""
    A = _constant_array(M)
    return [
        [_sym_vector(b) for b in _null_vectors(A, complex(sympy.N(v, 30)), roots[v])]
        for v in values
    ]


def _group(w: np.ndarray, tol: float = 1e-6) -> list[list[int]]:
    """The indices of ``w``, grouped by value (within ``tol``, relative): numeric
    eigenvalues that count as one repeated eigenvalue."""
    groups: list[list[int]] = []
    for i, x in enumerate(w):
        for g in groups:
            if abs(w[g[0]] - x) <= tol * max(1.0, abs(x)):
                g.append(i)
                break
        else:
            groups.append([i])
    return groups


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
    X = _points(params, lambda *a: np.asarray(values_fn(*a)), points, rng)
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
        if e.P is None or e.D is None
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
                    relative_error(np.polyval(c, z), np.linalg.det(z * np.eye(n) - A))
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


@dataclass(frozen=True)
class Spectral(Result):
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
        return render_steps(self.steps, final) if steps else final

    def plain(self) -> str:
        """``Q`` and ``Λ`` on one line (the CLI's last line)."""
        if self.Q is None or self.Lambda is None:
            return self.eigen.plain()
        return f"Q = {sympy.sstr(self.Q.tolist())}; Lambda = {sympy.sstr(self.Lambda.tolist())}"

    def to_numpy(self, *, vectors: bool = False) -> SpectrumFunction:
        """As :meth:`Eigen.to_numpy` (``vectors=True``: ``(values, Q)`` from ``eigh``)."""
        return self.eigen.to_numpy(vectors=vectors)

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        """Check ``Qᴴ Q = I``, ``Q Λ Qᴴ = A`` and the eigenvalues against ``eigvalsh``."""
        return _check_factors(self, _spectral_error, "Q Λ Qᵀ = A, QᵀQ = I", points, rng, rtol)


def spectral(A: MatrixLike, timeout: float | None = None) -> Spectral:
    """The spectral decomposition of a real symmetric or a Hermitian matrix.

    Eigenspaces of distinct eigenvalues are orthogonal; each eigenspace's basis is
    orthonormalized by Gram–Schmidt, so ``Q`` is orthonormal (unitary for Hermitian input,
    ``A = Q Λ Qᴴ``) even for repeated eigenvalues. Parameters count as real. When the exact
    route times out a constant matrix gets ``numpy.linalg.eigh`` factors, a matrix with
    parameters ``Q = None`` (the numeric callable only); ``method`` says why.

    Args:
        A: A square matrix.
        timeout: Seconds for all the symbolic work (eigen-decomposition and
            orthonormalization together): ``None`` means ``config.timeout``,
            :data:`~symml.config.NO_LIMIT` no limit.

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
    return _spectral(M, Deadline(timeout))


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
    """The bases of the eigenspaces, each orthonormalized, side by side."""
    columns: list[sympy.ImmutableMatrix] = []
    for basis in bases:
        ortho, _ = _gram_schmidt(list(basis), True, "spectral", record=False)
        columns += ortho
    return sympy.ImmutableMatrix.hstack(*columns)


def _spectral_error(f: Spectral, A: np.ndarray, params: Params, x: np.ndarray) -> float:
    """``Q Λ Qᴴ = A``, orthonormal ``Q`` and ``Λ`` against ``eigvalsh``; numeric only: the
    eigenvalues against ``A`` itself (:func:`_spectrum_error`)."""
    if f.Q is None or f.Lambda is None:
        return _spectrum_error(A, np.asarray(f.to_numpy()(*x)))
    numeric = np.linalg.eigvalsh(A)[::-1]
    Q, Lam = _eval(f.Q, params, x), _eval(f.Lambda, params, x)
    return max(
        _backward(Q @ Lam @ Q.conj().T, A),
        _orthonormal_error(Q),
        _backward(np.sort(np.diag(Lam).real)[::-1], np.sort(numeric.real)[::-1]),
    )
