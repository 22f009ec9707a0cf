"""Linear algebra regressions: wrong closed forms at degenerate
points, time limits, the 2-norm, complex and Hermitian input, rank-deficient QR, and what
``verify`` checks."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import time

import numpy as np
import pytest
import sympy

import symml as sm
import symml.linalg as la
from symml.cli import main
from symml.derivation import tex
from symml.errors import DerivationTimeout
from symml.linalg import _order

IM = sympy.I


def exact_eigenvalues(M: sympy.MatrixBase) -> np.ndarray:
    """Eigenvalues of a constant matrix to 30 digits from its exact characteristic
    polynomial (no floating-point eigen-solver): the roots of each square-free factor,
    repeated by its multiplicity, sorted as symml sorts them."""
    z = sympy.Symbol("z")
    roots: list[complex] = []
    for factor, mult in sympy.sqf_list(sympy.Poly(M.charpoly(z).as_expr(), z))[1]:
        found = sympy.Poly(factor, z).nroots(n=30, maxsteps=500)
        roots += [complex(r) for r in found] * mult
    assert len(roots) == M.rows
    return _order(np.array(roots))


def assert_spectrum(got: np.ndarray, M: sympy.MatrixBase, tol: float = 1e-9) -> None:
    """``got`` are the eigenvalues of ``M`` (within ``tol`` times its norm)."""
    expected = exact_eigenvalues(M)
    scale = max(1.0, float(np.linalg.norm(np.array(M.evalf(), dtype=complex))))
    assert np.all(np.isfinite(got)), got
    np.testing.assert_allclose(np.asarray(got, dtype=complex), expected, atol=tol * scale)


def numeric(M: sympy.MatrixBase) -> np.ndarray:
    """The exact matrix ``M`` evaluated in complex double precision (by lambdify: evalf
    takes minutes on the huge closed forms of a 4x4 spectral decomposition)."""
    M = sympy.Matrix(M)
    return la._complex_fn(tuple(M), ())().reshape(M.shape)


# --- closed forms are checked per point ---------------------------------------------------

QUARTIC = "[[a,1,0,0],[0,0,1,0],[0,0,0,1],[1,0,0,b]]"
SYMMETRIC_3X3 = "[[a,b,c],[b,d,f],[c,f,g]]"


@pytest.fixture(scope="module")
def quartic():
    e = sm.eig(QUARTIC)
    assert e.closed_form and e.method == "symbolic"
    return e


@pytest.mark.parametrize("point", [(1, 1), (1, -1), (0, 0), (2, 2), (-1, 0), (0, 3)])
def test_quartic_closed_form_at_degenerate_points(quartic, point):
    f = quartic.to_numpy()
    assert f.kind == "closed form"
    a, b = point
    M = sympy.Matrix([[a, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, b]])
    assert_spectrum(f(float(a), float(b)), M)


def test_quartic_closed_form_on_random_arrays(quartic):
    rng = np.random.default_rng(7)
    a = np.concatenate(
        [rng.uniform(-3, 3, 3000), np.round(rng.uniform(-3, 3, 1000)), np.zeros(50), np.ones(50)]
    )
    b = np.concatenate(
        [rng.uniform(-3, 3, 3000), np.round(rng.uniform(-3, 3, 1000)), np.zeros(50), -np.ones(50)]
    )
    got = quartic.to_numpy()(a, b)
    assert got.shape == (a.size, 4) and np.all(np.isfinite(got))
    zeros, ones = np.zeros_like(a), np.ones_like(a)
    mats = np.stack(
        [
            np.stack(r, -1)
            for r in [
                [a, ones, zeros, zeros],
                [zeros, zeros, ones, zeros],
                [zeros, zeros, zeros, ones],
                [ones, zeros, zeros, b],
            ]
        ],
        -2,
    )
    scale = np.linalg.norm(mats, axis=(1, 2))[:, None]
    assert np.all(np.abs(got - _order(np.linalg.eigvals(mats))) <= 1e-8 * scale)
    # independent of numpy's eigen-solver: the power sums are traces of powers of A
    for k in (1, 2, 3, 4):
        traces = np.trace(np.linalg.matrix_power(mats, k), axis1=1, axis2=2)
        np.testing.assert_allclose((got**k).sum(axis=1), traces, atol=1e-8 * 4**k * 10)


def test_closed_form_is_used_where_it_is_good(quartic):
    """Away from degenerate points the values are the closed form's, not numpy's."""
    closed = la._complex_fn(tuple(quartic.values), quartic.params)
    x = (0.37, -1.41)
    np.testing.assert_array_equal(quartic.to_numpy()(*x), _order(closed(*x)))


@pytest.mark.parametrize(
    "point",
    [
        (1, 0, 0, 1, 0, 1),  # the identity: SymPy's cubic formula gives nan
        (2, 0, 0, 2, 0, 2),
        (0, 0, 0, 0, 0, 0),
        (1, 0, 0, 1, 0, 2),  # a double eigenvalue
        (2, 1, 1, 2, 1, 2),  # eigenvalues 4, 1, 1
    ],
)
def test_symmetric_3x3_closed_form_at_degenerate_points(point):
    e = sm.eig(SYMMETRIC_3X3)
    assert e.closed_form
    f = e.to_numpy()
    assert [s.name for s in f.wrt] == ["a", "b", "c", "d", "f", "g"]
    a, b, c, d, f_, g = point
    M = sympy.Matrix([[a, b, c], [b, d, f_], [c, f_, g]])
    got = f(*map(float, point))
    assert got.dtype == float
    assert_spectrum(got, M)


def test_symmetric_3x3_closed_form_on_random_arrays():
    f = sm.eig(SYMMETRIC_3X3).to_numpy()
    rng = np.random.default_rng(3)
    P = np.round(rng.uniform(-2, 2, size=(2000, 6)))  # integer points: many degenerate ones
    P[:100] = [1, 0, 0, 1, 0, 1]
    got = f(*P.T)
    a, b, c, d, f_, g = P.T
    mats = np.stack([np.stack(r, -1) for r in [[a, b, c], [b, d, f_], [c, f_, g]]], -2)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got.sum(axis=1), np.trace(mats, axis1=1, axis2=2), atol=1e-9)
    np.testing.assert_allclose((got**2).sum(axis=1), (mats**2).sum(axis=(1, 2)), atol=1e-8)
    np.testing.assert_allclose(got[:100], 1.0, atol=1e-12)


def test_symmetric_3x3_eigenvectors_from_the_adjugate():
    """The symbolic 3x3 eigenvector path (_generic_adjugate_vector): A v = λ v at rational
    points to 30 digits, and through verify()."""
    e = sm.eig("[[a,1,0],[1,b,1],[0,1,c]]")
    assert e.method == "symbolic" and len(e.vectors) == 3 and e.is_diagonalizable
    params = e.params
    for point in [(sympy.Rational(1, 3), 2, -1), (5, sympy.Rational(-7, 2), 1)]:
        at = dict(zip(params, point, strict=True))
        A = e.matrix.subs(at)
        for value, vec in zip(e.values, e.vectors, strict=True):
            lam, v = sympy.N(value.subs(at), 40), vec.subs(at).evalf(40)
            residual = max(abs(complex(x)) for x in (A * v - lam * v))
            assert residual < 1e-25 and max(abs(complex(x)) for x in v) > 1e-3
    assert e.verify(rng=5, points=8)


# --- spectral and svd keep to the time limit -----------------------------------------------

HARD_4X4 = sympy.Matrix([[1, 2, 3, -2], [4, -4, -4, 4], [4, -2, -3, -2], [-4, 4, 1, 1]])


def assert_factors(U, S, V, A) -> None:
    """U S V^H == A with orthonormal U, V (to 1e-10, from the exact input)."""
    U, S, V, A = (numeric(x) for x in (U, S, V, A))
    np.testing.assert_allclose(U @ S @ V.conj().T, A, atol=1e-10 * np.abs(A).max())
    np.testing.assert_allclose(U.conj().T @ U, np.eye(U.shape[1]), atol=1e-10)
    np.testing.assert_allclose(V.conj().T @ V, np.eye(V.shape[1]), atol=1e-10)


@pytest.mark.parametrize("timeout", [1.0, 2.0])
def test_svd_returns_within_its_timeout(timeout):
    t0 = time.monotonic()
    f = sm.svd(HARD_4X4, timeout=timeout)
    assert time.monotonic() - t0 < timeout + 2.0
    assert f.U is not None, f.method
    assert_factors(f.U, f.S, f.V, HARD_4X4)


@pytest.mark.parametrize("timeout", [1.0, 3.0])
def test_spectral_returns_within_its_timeout(timeout):
    G = HARD_4X4.T * HARD_4X4
    t0 = time.monotonic()
    s = sm.spectral(G, timeout=timeout)
    assert time.monotonic() - t0 < timeout + 2.0
    assert s.Q is not None, s.method
    Q, Lam = numeric(s.Q), numeric(s.Lambda)
    np.testing.assert_allclose(Q @ Lam @ Q.T, numeric(G), atol=1e-9 * 300)
    np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-10)
    if s.method == "symbolic":  # the closed form is huge: its step is summarized, not rendered
        assert any("too large to show" in st.latex for st in s.steps)


def test_huge_matrices_are_summarized_in_steps():
    x = sympy.Symbol("x")
    big = sympy.Matrix(3, 3, lambda i, j: sum(x**k / (k + i + j + 1) for k in range(100)))
    assert la._matrix_step("m", "M", big).latex == r"M = \text{(a 3x3 matrix, too large to show)}"
    assert la._matrix_step("m", "M", sympy.eye(2)).latex == f"M = {tex(sympy.eye(2))}"


# --- the 2-norm of a matrix ----------------------------------------------------------------


@pytest.mark.parametrize(
    "A",
    [
        [[1, 2, 3], [4, 5, 6], [7, 8, 10]],
        [[1, -2], [3, 4]],
        [[1, 2], [2, 4]],
        [[0, 0], [0, 0]],
        [[2, 0, 0], [0, -3, 0], [0, 0, 1]],
        [[1, IM], [0, 1]],
        [[sympy.sqrt(2), 1], [0, sympy.sqrt(3)]],
        [[1.5, 2.0], [0.0, 1.0]],
    ],
)
def test_matrix_2_norm_matches_numpy(A):
    value = sm.norm(A, 2)
    assert value.is_real is not False and not value.has(IM)
    assert float(value) == pytest.approx(
        np.linalg.norm(numeric(sympy.Matrix(A)), 2), rel=1e-13, abs=1e-15
    )
    assert sm.norm(A, 2, steps=True).verify()


def test_matrix_2_norm_of_a_diagonal_is_exact():
    assert sm.norm([[2, 0, 0], [0, -3, 0], [0, 0, 1]], 2) == 3
    assert sm.norm([[1, -2], [3, 4]], 2) == sympy.sqrt(15 + 5 * sympy.sqrt(5))


@pytest.mark.parametrize("p", [np.int64(2), np.int32(2), np.float64(2.0), np.float32(2.0)])
def test_norm_takes_numpy_scalars(p):
    assert float(sm.norm([3, 4], p)) == pytest.approx(5.0, rel=1e-15)
    assert float(sm.norm([3, -4], np.int64(1))) == 7.0


def test_norm_rejects_numpy_bool():
    with pytest.raises(TypeError, match="p must be"):
        sm.norm([3, 4], np.bool_(True))


# --- complex and Hermitian input -----------------------------------------------------------


@pytest.mark.parametrize(
    "A", [[[1, IM], [0, 1]], [[2, 1 + IM], [0, 1], [IM, 3]], [[IM, 0], [0, 2]]]
)
def test_svd_of_a_complex_matrix(A):
    M = sympy.Matrix(A)
    f = sm.svd(M)
    assert f.method == "symbolic"
    assert_factors(f.U, f.S, f.V, M)
    np.testing.assert_allclose(
        [complex(sympy.N(x, 30)) for x in f.singular_values],
        np.linalg.svd(numeric(M), compute_uv=False),
        atol=1e-12,
    )
    assert f.verify()
    assert r"V^{H}" in f.latex()


def test_spectral_of_a_hermitian_matrix():
    A = sympy.Matrix([[2, IM], [-IM, 2]])
    s = sm.spectral(A)
    assert s.method == "symbolic"
    assert s.Lambda == sympy.diag(3, 1)
    assert (s.Q.H * s.Q).applyfunc(sympy.simplify) == sympy.eye(2)
    assert (s.Q * s.Lambda * s.Q.H - A).applyfunc(sympy.simplify) == sympy.zeros(2)
    np.testing.assert_allclose(
        np.diag(numeric(s.Lambda)).real, np.linalg.eigvalsh(numeric(A))[::-1]
    )
    assert s.verify()
    assert r"Q^{H}" in s.latex()


def test_spectral_of_a_hermitian_matrix_with_a_parameter():
    a = sympy.Symbol("a", real=True)
    s = sm.spectral(sympy.Matrix([[a, 1 + IM], [1 - IM, -a]]))
    assert s.Q is not None and s.method == "symbolic"
    at = {a: sympy.Rational(3, 7)}
    A = numeric(s.matrix.subs(at))
    Q, Lam = numeric(s.Q.subs(at)), numeric(s.Lambda.subs(at))
    np.testing.assert_allclose(Q @ Lam @ Q.conj().T, A, atol=1e-12)
    assert s.verify(rng=2)


@pytest.mark.parametrize(
    ("A", "match"),
    [
        ([[2, IM], [IM, 0]], "complex symmetric, not Hermitian"),
        ([[1, IM], [IM, 1]], "complex symmetric, not Hermitian"),
        ([[1, IM], [2, 1]], "not Hermitian"),
        ([[IM, 0], [0, 1]], "not Hermitian"),
    ],
)
def test_spectral_rejects_non_hermitian_complex_input(A, match):
    with pytest.raises(ValueError, match=match):
        sm.spectral(A)


def test_spectral_float_fallback_step_is_valid_latex():
    s = sm.spectral([[2.0, 1.0], [1.0, 2.0]])
    fallback = [st.latex for st in s.steps if st.title.startswith("fallback")]
    assert any(r"\quad \text{(numpy.linalg.eigh)}" in text for text in fallback)
    assert all("\t" not in st.latex for st in s.steps)


# --- constant complex matrices get exact eigenvectors quickly ------------------------------


@pytest.mark.parametrize(
    "A",
    [
        [[1, 2 * IM], [3, 4]],
        [[1, sympy.sqrt(2)], [sympy.sqrt(3), 1]],
        [[0, 1, 0], [0, 0, 1], [IM, 0, 0]],
    ],
)
def test_constant_irrational_or_complex_matrix_has_eigenvectors(A):
    M = sympy.Matrix(A)
    e = sm.eig(M, timeout=5)
    assert e.method == "symbolic" and len(e.vectors) == M.rows and e.is_diagonalizable
    for value, vec in zip(e.values, e.vectors, strict=True):
        residual = (M * vec - value * vec).evalf(40)
        assert max(abs(complex(x)) for x in residual) < 1e-30
        assert max(abs(complex(sympy.N(x))) for x in vec) > 1e-3
    assert_spectrum(np.array([complex(sympy.N(v, 30)) for v in e.values]), M, tol=1e-14)
    assert e.verify()


def slow_null_spaces(*args, **kwargs):
    time.sleep(30)


def test_constant_matrix_gets_numeric_eigenvectors_when_null_spaces_time_out(monkeypatch):
    monkeypatch.setattr(la, "_null_spaces", slow_null_spaces)
    M = sympy.Matrix([[2, 1, 0], [1, 2, 0], [0, 0, 3]])
    t0 = time.monotonic()
    e = sm.eig(M, timeout=1)
    assert time.monotonic() - t0 < 1 + 2.0
    assert e.method == "symbolic eigenvalues, numeric eigenvectors (timeout)"
    assert e.values == (3, 3, 1)  # still exact
    assert e.multiplicities == {3: (2, 2), 1: (1, 1)} and e.is_diagonalizable
    A = np.array(M, dtype=float)
    for value, vec in zip(e.values, e.vectors, strict=True):
        v = np.array(vec, dtype=float).ravel()
        np.testing.assert_allclose(A @ v, float(value) * v, atol=1e-12)
    assert e.verify()


# --- numeric eigenspaces, vector order, the CLI's single vector ----------------------------


def test_float_jordan_block_lists_one_vector():
    e = sm.eig([[1.0, 1.0], [0.0, 1.0]])
    (value,) = e.multiplicities
    assert e.multiplicities[value] == (2, 1)
    assert len(e.vectors) == 1 and e.is_diagonalizable is False and e.P is None
    v = np.array(e.vectors[0], dtype=float).ravel()
    np.testing.assert_allclose(np.abs(v), [1.0, 0.0], atol=1e-12)
    assert e.verify()


def test_float_repeated_eigenvalue_with_full_eigenspace():
    A = [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [1.0, 0.0, 3.0]]
    e = sm.eig(A)
    assert e.is_diagonalizable and len(e.vectors) == 3
    np.testing.assert_allclose(sorted(e.multiplicities.values()), [(1, 1), (2, 2)])
    P = np.array(e.P, dtype=float)
    np.testing.assert_allclose(P @ np.array(e.D, dtype=float) @ np.linalg.inv(P), A, atol=1e-12)
    assert e.verify()


def test_to_numpy_vectors_sorted_like_values():
    e = sm.eig("[[a, 1], [2, b]]")
    a = np.array([1.0, -3.0, 0.5, 2.0])
    b = np.array([3.0, 1.0, 0.5, -2.0])
    values = e.to_numpy()(a, b)
    w, V = e.to_numpy(vectors=True)(a, b)
    np.testing.assert_allclose(w, values, atol=1e-12)
    assert np.all(np.diff(w.real, axis=-1) <= 0)
    mats = np.stack([np.stack([a, np.ones(4)], -1), np.stack([2 * np.ones(4), b], -1)], -2)
    np.testing.assert_allclose(mats @ V, V * w[:, None, :], atol=1e-12)
    # exact: λ = (a + b ± sqrt((a - b)² + 8)) / 2
    r = np.sqrt((a - b) ** 2 + 8)
    np.testing.assert_allclose(w, np.stack([(a + b + r) / 2, (a + b - r) / 2], -1), atol=1e-12)


def test_to_numpy_vectors_of_complex_spectrum_are_sorted():
    e = sm.eig("[[a, -b], [b, a]]")
    w, V = e.to_numpy(vectors=True)(1.0, 2.0)
    np.testing.assert_allclose(w, [1 + 2j, 1 - 2j], atol=1e-12)
    A = np.array([[1.0, -2.0], [2.0, 1.0]])
    np.testing.assert_allclose(A @ V, V * w, atol=1e-12)


def test_cli_gram_schmidt_of_one_flat_vector(capsys):
    assert main(["linalg", "gram-schmidt", "[1,2]"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert out == "[[sqrt(5)/5, 2*sqrt(5)/5]]"  # one vector, printed as a row as it was given
    assert float(sympy.sqrt(5) / 5) == pytest.approx(1 / np.linalg.norm([1, 2]))


# --- QR of any matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "A",
    [
        [[1, 2], [2, 4]],
        [[1, 2, 3], [4, 5, 6]],
        [[0, 1], [0, 1]],
        [[1, 2, 3], [2, 4, 6], [1, 0, 1]],
        [[1, 1, 2], [1, 1, 2], [0, 1, 1], [0, 0, 0]],
        [[1, IM], [IM, -1]],
        [[1.0, 2.0], [2.0, 4.0]],
    ],
)
def test_qr_of_rank_deficient_or_wide_matrices(A):
    M = sympy.Matrix(A)
    f = sm.qr(M)
    rank = np.linalg.matrix_rank(numeric(M))
    assert f.Q.shape == (M.rows, rank) and f.R.shape == (rank, M.cols)
    Q, R = numeric(f.Q), numeric(f.R)
    np.testing.assert_allclose(Q @ R, numeric(M), atol=1e-12)
    np.testing.assert_allclose(Q.conj().T @ Q, np.eye(rank), atol=1e-12)
    np.testing.assert_allclose(np.triu(R), R, atol=0)
    if not M.has(sympy.Float):
        assert (f.Q * f.R - M).applyfunc(sympy.simplify) == sympy.zeros(*M.shape)
    if rank == M.rows:  # full row rank: numpy's R is the same up to the signs of its rows
        _, Rn = np.linalg.qr(numeric(M))
        np.testing.assert_allclose(np.abs(R), np.abs(Rn), atol=1e-12)
    assert f.verify()


def test_qr_dependent_column_is_a_step():
    f = sm.qr([[1, 2], [2, 4]])
    assert "column 2 is dependent" in [s.title for s in f.steps]
    assert sympy.Matrix([1, 2]) / sympy.sqrt(5) == f.Q
    assert sympy.Matrix([[sympy.sqrt(5), 2 * sympy.sqrt(5)]]) == f.R


def test_cli_qr_of_a_wide_matrix(capsys):
    assert main(["linalg", "qr", "[[3,0,1],[4,5,2]]", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "verify: passed" in out
    # the printed factors themselves (test code may parse): Q R = A, QᵀQ = I, R upper
    q_text, r_text = out.strip().splitlines()[-1].removeprefix("Q = ").split("; R = ")
    Q, R = (np.array(sympy.Matrix(sympy.sympify(t)), dtype=float) for t in (q_text, r_text))
    np.testing.assert_allclose(Q @ R, [[3, 0, 1], [4, 5, 2]], atol=1e-14)
    np.testing.assert_allclose(Q.T @ Q, np.eye(2), atol=1e-14)
    assert Q.shape == (2, 2) and R.shape == (2, 3) and R[1, 0] == 0


# --- no swallowed backslashes in linalg's LaTeX --------------------------------------------


def test_linalg_strings_have_no_control_characters():
    tree = ast.parse(inspect.getsource(la))
    bad = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(ch in node.value for ch in "\t\f\b\a\v\r")
    ]
    assert bad == []


# --- verify checks what it claims --------------------------------------------------------------


@pytest.fixture(scope="module")
def eig_2x2():
    return sm.eig([[2, 1], [1, 2]])


def corrupt(e, **changes):
    return dataclasses.replace(e, **changes)


def test_eigen_verify_catches_wrong_claims(eig_2x2):
    e = eig_2x2
    three, one = sympy.Integer(3), sympy.Integer(1)
    wrong = {
        "vector": corrupt(
            e, eigenspaces={three: (sympy.ImmutableMatrix([1, 0]),), one: e.eigenspaces[one]}
        ),
        "zero vector": corrupt(
            e, eigenspaces={three: (sympy.ImmutableMatrix([0, 0]),), one: e.eigenspaces[one]}
        ),
        "geometric multiplicity": corrupt(e, multiplicities={three: (1, 1), one: (1, 0)}),
        "diagonalizable flag": corrupt(e, is_diagonalizable=False, P=None, D=None),
        "charpoly": corrupt(e, charpoly=e.lam**2 - 4 * e.lam + 2),
        "P": corrupt(e, P=sympy.ImmutableMatrix([[1, 0], [0, 1]])),
        "values": corrupt(
            e,
            values=(three, sympy.Integer(2)),
            multiplicities={three: (1, 1), sympy.Integer(2): (1, 1)},
            eigenspaces={three: e.eigenspaces[three], sympy.Integer(2): e.eigenspaces[one]},
        ),
    }
    assert e.verify()
    for name, bad in wrong.items():
        check = bad.verify()
        assert not check, name
        assert "failed:" in check.details, name


def test_eigen_verify_catches_a_wrong_geometric_multiplicity():
    e = sm.eig([[2, 1], [0, 2]])
    two = sympy.Integer(2)
    assert e.verify()
    bad = corrupt(
        e,
        multiplicities={two: (2, 2)},
        is_diagonalizable=True,
        eigenspaces={two: (e.vectors[0], sympy.ImmutableMatrix([2, 0]))},
        P=sympy.ImmutableMatrix([[1, 2], [0, 0]]),
        D=sympy.ImmutableMatrix(sympy.diag(2, 2)),
    )
    assert not bad.verify()


def test_svd_verify_checks_the_factors():
    f = sm.svd([[1, 2], [3, 4]])
    assert f.verify()
    swapped = dataclasses.replace(f, U=f.U[:, ::-1])
    assert not swapped.verify()


# --- the numeric fallbacks of svd ---------------------------------------------------------------


def test_svd_symbolic():
    f = sm.svd("[[a, 0], [0, b]]")
    assert f.method == "symbolic"
    a, b = f.matrix[0, 0], f.matrix[1, 1]
    assert set(f.singular_values) == {sympy.Abs(a), sympy.Abs(b)}
    for at in [{a: 2, b: -3}, {a: sympy.Rational(-1, 2), b: 5}]:
        assert_factors(f.U.subs(at), f.S.subs(at), f.V.subs(at), f.matrix.subs(at))
    assert f.verify(rng=0)


def test_svd_symbolic_general_2x2_reconstructs_at_random_points():
    f = sm.svd("[[a, b], [b, a]]")
    assert f.method == "symbolic"
    rng = np.random.default_rng(1)
    checked = 0
    for _ in range(4):
        at = dict(
            zip(
                sorted(f.matrix.free_symbols, key=str),
                [sympy.Rational(int(x), 7) for x in rng.integers(-20, 20, 2)],
                strict=True,
            )
        )
        if f.matrix.subs(at).det() == 0 or abs(at[next(iter(at))]) == abs(list(at.values())[1]):
            continue
        assert_factors(f.U.subs(at), f.S.subs(at), f.V.subs(at), f.matrix.subs(at))
        checked += 1
    assert checked >= 3  # the skips above are rare: the loop really checks points
    assert f.verify(rng=0)


def test_svd_fallbacks(monkeypatch):
    def timeout(*args, **kwargs):
        raise DerivationTimeout("forced")

    monkeypatch.setattr(la, "_roots", timeout)
    constant = sm.svd([[1, 2], [3, 4]], timeout=5)
    assert constant.method == "numeric (timeout)" and constant.U is not None
    assert_factors(constant.U, constant.S, constant.V, sympy.Matrix([[1, 2], [3, 4]]))
    symbolic = sm.svd("[[a, 1], [0, a]]", timeout=5)
    assert symbolic.method == "numeric (timeout)" and symbolic.U is None
    assert "numeric only" in symbolic.plain()
    np.testing.assert_allclose(
        symbolic.to_numpy()(2.0), np.sqrt([(9 + np.sqrt(17)) / 2, (9 - np.sqrt(17)) / 2])
    )


def test_numeric_only_verify_checks_against_the_matrix(monkeypatch):
    """With only numeric values, verify() checks them against A itself (σ_min(A − λI),
    tr Aᵏ), not against numpy's solver again: wrong values fail."""

    def timeout(*args, **kwargs):
        raise DerivationTimeout("forced")

    monkeypatch.setattr(la, "_roots", timeout)
    e = sm.eig("[[a, 1], [1, b]]", timeout=5)
    s = sm.spectral("[[a, 1], [1, b]]", timeout=5)
    f = sm.svd("[[a, 1], [0, b]]", timeout=5)
    assert e.values == () and s.Q is None and f.U is None
    assert e.verify(rng=0) and s.verify(rng=0) and f.verify(rng=0)
    for cls, obj in [(sm.Eigen, e), (sm.Spectral, s), (sm.SVD, f)]:
        good = cls.to_numpy

        def skewed(self, *, _good=good, **kwargs):
            inner = _good(self, **kwargs)
            return la.SpectrumFunction(inner.wrt, inner.kind, lambda *a: 1.001 * inner(*a))

        monkeypatch.setattr(cls, "to_numpy", skewed)
        assert not obj.verify(rng=0), cls.__name__


# --- non-finite entries are bad input -------------------------------------------------------

NON_FINITE = [
    [[sympy.oo, 1], [0, 1]],
    [[1, -sympy.oo], [0, 1]],
    [[sympy.zoo, 1], [0, 1]],
    [[sympy.nan, 1], [0, 1]],
    [[float("inf"), 1.0], [0.0, 1.0]],
    [[1.0, float("nan")], [0.0, 1.0]],
    "[[1/0, 1], [0, 1]]",  # zoo
    "[[1e308*10, 1], [0, 1]]",  # a Float beyond double precision
    "[[log(0), a], [a, 1]]",
]


@pytest.mark.parametrize(
    "fn", ["eig", "spectral", "svd", "qr", "lu", "det", "inverse", "charpoly", "norm"]
)
@pytest.mark.parametrize("A", NON_FINITE)
def test_non_finite_entries_are_refused(fn, A):
    """Before: eig raised SymPy's TypeError (oo), returned [1, nan] (nan) or numpy's
    LinAlgError; svd([[oo]]) returned U = [[0]]. Now a ValueError naming the entry."""
    what = "v" if fn == "norm" else "A"
    with pytest.raises(ValueError, match=rf"{fn}: {what} has a non-finite entry .* at row 1"):
        getattr(sm, fn)(A)


@pytest.mark.parametrize(
    "call",
    [
        lambda: sm.gram_schmidt([[1, 2], [float("nan"), 1]]),
        lambda: sm.projection([1, 2], [sympy.oo, 1]),
        lambda: sm.norm([float("nan"), 1.0]),
    ],
)
def test_non_finite_vectors_are_refused(call):
    with pytest.raises(ValueError, match="non-finite entry"):
        call()


@pytest.mark.parametrize(
    "argv",
    [["eig", "[[inf, 1], [0, 1]]"], ["eig", "[[1/0, 1], [0, 1]]"], ["linalg", "svd", "[[oo]]"]],
)
def test_cli_non_finite_matrix_is_bad_input(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "non-finite entry" in err


# --- to_numpy at a parameter value where the matrix is not finite --------------------------

COMPANION_5 = "[[0,0,0,0,a],[1,0,0,0,1],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0]]"


@pytest.mark.parametrize(
    "kind, text",
    [
        ("eig", "[[a, 1], [1, a]]"),  # closed form checked against eigvalsh
        ("eig", "[[a, 2], [3, -a]]"),  # closed form checked against eigvals
        ("eig", COMPANION_5),  # no closed form: eigvals
        ("vectors", "[[a, 1], [1, a]]"),
        ("vectors", "[[a, 2], [3, -a]]"),
        ("spectral", "[[a, 1], [1, 2]]"),
        ("svd", "[[a, 1], [0, 2], [1, 1]]"),
        ("eig", "[[sqrt(a), 1], [1, 0]]"),  # a < 0: outside the real domain of sqrt
    ],
)
def test_to_numpy_is_nan_where_the_matrix_is_not_finite(kind, text):
    """Before: eig("[[a, 1], [1, a]]").to_numpy()(nan) gave [1.414, -1.414] (eigvalsh reads one
    triangle); the non-symmetric ones raised LinAlgError for the whole array."""
    make = {
        "eig": lambda t: sm.eig(t).to_numpy(),
        "vectors": lambda t: sm.eig(t).to_numpy(vectors=True),
        "spectral": lambda t: sm.spectral(t).to_numpy(),
        "svd": lambda t: sm.svd(t).to_numpy(),
    }
    f = make[kind](text)
    a = np.array([1.5, np.nan, -1.0, 2.0])
    out = f(a)
    values = out[0] if kind == "vectors" else out
    M = sm.parse(text)
    (param,) = M.free_symbols
    for x, got in zip(a, values, strict=True):
        A = np.array(M.subs(param, x).evalf(), dtype=complex)
        if not np.all(np.isfinite(A)) or np.any(A.imag):
            assert np.all(np.isnan(got)), (x, got)
            continue
        # a defined point: the values there, by traces of powers (no eigen-solver)
        got = np.asarray(got, dtype=complex)
        if kind == "svd":
            A = A.conj().T @ A
            got = np.concatenate([got**2, np.zeros(len(A) - got.size)])
        for k in range(1, len(A) + 1):
            np.testing.assert_allclose(
                np.sum(got**k), np.trace(np.linalg.matrix_power(A, k)), atol=1e-8 * 10**k
            )
    if kind == "vectors":
        assert np.all(np.isnan(out[1][np.isnan(a)]))
        assert np.all(np.isfinite(out[1][[0, 3]]))
    at_nan = f(np.nan)
    assert np.all(np.isnan(at_nan[0] if kind == "vectors" else at_nan))


# --- closed forms in complex arithmetic, constants too --------------------------------------


@pytest.mark.parametrize(
    "A",
    [
        [[sympy.sqrt(2), 1, 0], [1, sympy.sqrt(3), 1], [0, 1, sympy.sqrt(5)]],
        "[[sqrt(2), 1, 0, 0], [1, sqrt(3), 1, 0], [0, 1, sqrt(5), 0], [0, 0, 0, a]]",
    ],
)
def test_closed_form_constants_are_complex(A):
    """Casus irreducibilis: the cubic formula takes the square root of a negative constant.
    Before, NumPy took it in real arithmetic (nan), so verify() failed a correct result and
    to_numpy() silently fell back to numpy everywhere."""
    e = sm.eig(A)
    assert e.closed_form and e.method == "symbolic"
    assert e.verify(rng=1)
    closed = la._complex_fn(tuple(e.values), e.params)
    point = {p: sympy.Rational(1, 4) for p in e.params}  # a = 1/4 where there is a parameter
    got = closed(*(float(v) for v in point.values()))
    M = sympy.Matrix(sm.parse(A) if isinstance(A, str) else A).subs(point)
    exact = np.array([complex(sympy.N(v.subs(point), 30)) for v in e.values])
    np.testing.assert_allclose(got, exact, atol=1e-12)
    assert_spectrum(_order(got), M)


# --- verify on badly scaled or nearly degenerate exact matrices ------------------------------

SCALED = [
    [[10**12, 1], [1, 10**12]],  # eigenvalues 1e12 ± 1
    [[10**30, 1], [1, 10**30]],  # 1e30 ± 1: a gap below eps
    [[1, sympy.Rational(1, 10**12)], [sympy.Rational(1, 10**12), 1]],  # 1 ± 1e-12
    [[10**10, 3], [1, 2]],  # cond ~ 5e9, full rank
    [[10**9, 1, 0], [0, 2, 1], [1, 0, 3]],
]


@pytest.mark.parametrize(
    ("fn", "A"),
    [
        (fn, A)
        for A in SCALED
        for fn in ("eig", "spectral", "svd", "qr", "lu")
        if fn != "spectral" or sympy.Matrix(A).is_symmetric()
    ],
)  # spectral needs a symmetric A
def test_verify_passes_correct_factors_of_badly_scaled_matrices(fn, A):
    """Before: eig/spectral/svd/qr verify() failed these exact, correct results: matrix
    identities were compared entry by entry against a floor of 1 (an entry 1 next to 1e12
    carries an absolute float error ~1e-4), QR's numeric rank used 1e-8 ‖A‖ (rank 1 for
    [[1e10, 3], [1, 2]]), and eigenvalues 1e12 ± 1 were each found to have a 2-dimensional
    numeric null space."""
    M = sympy.Matrix(A)
    result = getattr(sm, fn)(A)
    check = result.verify()
    assert check, check.details
    # an independent exact check of the same result: the factors multiply back exactly
    if fn == "eig":
        for v, basis in result.eigenspaces.items():
            for b in basis:
                assert sympy.simplify(M * b - v * b) == sympy.zeros(M.rows, 1)
    elif fn == "qr":
        assert sympy.simplify(result.Q * result.R - M) == sympy.zeros(*M.shape)
    elif fn == "lu":
        assert result.P * result.L * result.U == M


@pytest.mark.parametrize("A", SCALED[:1] + SCALED[3:4])
def test_verify_still_fails_wrong_factors_of_scaled_matrices(A):
    """The scale-aware checks still catch a factor that is wrong by 1e-4 of the matrix norm,
    and (eigenvalues well apart) an eigenvector tilted by 1e-4. (For 1e12 ± 1 every vector
    of the plane is an eigenvector of a matrix within 1e-12 ‖A‖ of A: no backward check at
    rtol = 1e-6 can tell, so that case is not asked.)"""
    M = sympy.Matrix(A)
    f = sm.qr(A)
    bump = sympy.ImmutableMatrix(
        f.R.rows,
        f.R.cols,
        lambda i, j: sympy.Rational(1, 10**4) * M.norm() if (i, j) == (0, 1) else 0,
    )
    assert not dataclasses.replace(f, R=f.R + bump).verify()
    e = sm.eig(A)
    values = sorted(complex(v).real for v in e.eigenspaces)
    if values[1] - values[0] < 1e-6 * float(M.norm()):
        assert A is SCALED[0]  # only 1e12 ± 1 (see above) skips the eigenvector half
        return
    v = max(e.eigenspaces, key=lambda k: abs(complex(k)))  # its vector is well conditioned
    skewed = {
        k: tuple(b + sympy.ImmutableMatrix([0] * (M.rows - 1) + [b.norm() / 10**4]) for b in basis)
        if k == v
        else basis
        for k, basis in e.eigenspaces.items()
    }
    check = dataclasses.replace(e, eigenspaces=skewed).verify()
    assert not check and "A v = λ v" in check.details


def test_complex_gram_schmidt_entries_are_tidy():
    """Before: the second vector had the entry 1 - I*(1/2 - I/2)."""
    q1, q2 = sm.gram_schmidt([[1, IM], [1, 1]])
    assert q2 == sympy.Matrix([sympy.Rational(1, 2) + IM / 2, sympy.Rational(1, 2) - IM / 2])
    Q = numeric(sympy.Matrix.hstack(q1, q2))
    np.testing.assert_allclose(Q.conj().T @ Q, np.eye(2), atol=1e-15)
    # Gram–Schmidt order: q1 is v1 normalized, q2 the normalized part of v2 orthogonal to it
    np.testing.assert_allclose(Q[:, 0], np.array([1, 1j]) / np.sqrt(2), atol=1e-15)
    r = np.array([1, 1]) - (Q[:, 0].conj() @ np.array([1, 1])) * Q[:, 0]
    np.testing.assert_allclose(Q[:, 1], r / np.linalg.norm(r), atol=1e-15)


def test_inverse_of_a_numerically_singular_float_matrix_says_so():
    """Before: 'is singular (det A = 1.11e-15)', a contradiction on its face."""
    A = [[1.0, 1.0], [1.0, 1.0 + 1e-15]]
    assert np.linalg.cond(np.array(A)) > 1e15  # numerically singular indeed
    with pytest.raises(
        ValueError,
        match=r"numerically singular \(rank 1 < 2 in floating "
        r"point; det A = 1\.1\d*E-15\)",
    ):
        sm.inverse(A)
    with pytest.raises(ValueError, match=r"is singular \(det A = 0\)"):
        sm.inverse([[1, 2], [2, 4]])


# --- verify compiles each closed form once ---------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: sm.lu("[[a, 1], [2, a + 3]]"),
        lambda: sm.qr("[[a, 1], [2, a + 3]]"),
        lambda: sm.eig("[[a, 1], [2, a + 3]]"),
    ],
    ids=["lu", "qr", "eig"],
)
def test_verify_lambdifies_each_factor_once_not_at_every_point(make, monkeypatch):
    """Before: the cache meant for _complex_fn sat on a helper, so verify() re-lambdified
    every factor (P, L, U; Q, R; P, D) at each of its random points."""
    result = make()
    real, calls = sympy.lambdify, []

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(sympy, "lambdify", counting)
    la._complex_fn.cache_clear()
    points = 8
    assert result.verify(points=points, rng=0)
    assert 0 < len(calls) < points, len(calls)  # a handful of closed forms, not one per point
    # the cached functions still give the right numbers: A = a·I + [[0, 1], [2, 3]] at a = 0.5
    A = np.array([[0.5, 1.0], [2.0, 3.5]])
    params = la._params(result.matrix)
    if isinstance(result, sm.Eigen):
        got = la._complex_fn(tuple(result.values), params)(0.5)
        np.testing.assert_allclose(
            np.sort(got.real), np.sort(np.linalg.eigvals(A).real), atol=1e-12
        )
        return
    factors = (result.P, result.L, result.U) if isinstance(result, sm.LU) else (result.Q, result.R)
    product = np.linalg.multi_dot([la._eval(M, params, (0.5,)) for M in factors])
    np.testing.assert_allclose(product, A, atol=1e-12)
