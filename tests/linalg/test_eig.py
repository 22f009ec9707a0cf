"""Eigenvalues and eigenvectors: known answers, exact and complex spectra, defective and
symbolic matrices, graphs, closed forms checked per point, the time limit and its numeric
fallback, what ``verify`` catches, and random integer matrices."""

from __future__ import annotations

import dataclasses
import itertools
import time

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import symml as sm
import symml.linalg as la
from symml.linalg import _order
from tests.linalg.helpers import (
    SETTINGS,
    SYMBOLIC_4X4,
    TIMEOUT,
    assert_matrix_equal,
    assert_zero,
    entries,
    square,
)

a, b, c, d = sm.symbols("a b c d")
IM = sympy.I


def assert_eigenpairs(e):
    """A v = λ v exactly for every eigenpair of an Eigen result."""
    A = sympy.Matrix(e.matrix)
    pairs = [(v, x) for v, basis in e.eigenspaces.items() for x in basis]
    assert pairs
    for value, vec in pairs:
        assert not sympy.Matrix(vec).is_zero_matrix
        assert_matrix_equal(A * vec, value * vec)


def assert_parallel(u, v):
    """u and v are nonzero and parallel (rank of [u v] is 1)."""
    M = sympy.Matrix.hstack(sympy.Matrix(u), sympy.Matrix(v)).applyfunc(sympy.nsimplify)
    assert M.rank(simplify=True) == 1, f"{u} is not parallel to {v}"


# --- eig: known answers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def eig_2x2():
    return sm.eig([[2, 1], [1, 2]])


@pytest.fixture(scope="module")
def eig_symbolic():
    return sm.eig("[[a, b], [b, c]]")


def test_eig_symmetric_2x2(eig_2x2):
    e = eig_2x2
    assert e.values == (3, 1)
    assert e.multiplicities == {3: (1, 1), 1: (1, 1)}
    assert e.is_diagonalizable and e.method == "symbolic"
    assert_parallel(e.vectors[0], [1, 1])
    assert_parallel(e.vectors[1], [1, -1])
    assert_eigenpairs(e)
    assert_matrix_equal(e.P * e.D * e.P.inv(), [[2, 1], [1, 2]])
    assert sympy.expand(e.charpoly - (e.lam**2 - 4 * e.lam + 3)) == 0
    np.testing.assert_allclose(e.to_numpy()(), np.linalg.eigvalsh([[2, 1], [1, 2]])[::-1])
    assert e.verify(rng=0)


def test_eig_steps_show_the_derivation(eig_2x2):
    titles = [s.title for s in eig_2x2.steps]
    assert titles[:4] == ["matrix", "characteristic polynomial", "factor", "eigenvalues"]
    assert sum(t.startswith("eigenspace") for t in titles) == 2
    assert titles[-1] == "diagonalize"
    text = eig_2x2.latex()
    assert r"\det(A - \lambda I)" in text and text.startswith(r"\begin{aligned}")
    assert eig_2x2.latex(steps=False) == r"\lambda = 3,\ 1"
    assert eig_2x2._repr_latex_().startswith("$$")
    assert eig_2x2.plain() == "[3, 1]"


@pytest.mark.parametrize(
    ("matrix", "values"),
    [
        ([[0, -1], [1, 0]], (sympy.I, -sympy.I)),
        (
            "[[1/2, -sqrt(3)/2], [sqrt(3)/2, 1/2]]",
            (
                sympy.Rational(1, 2) + sympy.sqrt(3) * sympy.I / 2,
                sympy.Rational(1, 2) - sympy.sqrt(3) * sympy.I / 2,
            ),
        ),
    ],
)
def test_eig_rotation_is_exact_and_complex(matrix, values):
    e = sm.eig(matrix)
    assert all(sympy.simplify(x - y) == 0 for x, y in zip(e.values, values, strict=True))
    assert e.is_diagonalizable
    assert_eigenpairs(e)
    numeric = e.to_numpy()()
    assert np.iscomplexobj(numeric)
    A = np.array(sympy.Matrix(e.matrix).evalf(), dtype=float)
    np.testing.assert_allclose(numeric, _order(np.linalg.eigvals(A)), atol=1e-14)
    assert e.verify()


def test_eig_defective_jordan_block():
    e = sm.eig([[2, 1], [0, 2]])
    assert e.values == (2, 2)
    assert e.multiplicities == {2: (2, 1)}
    assert e.is_diagonalizable is False
    assert e.P is None and e.D is None
    assert len(e.vectors) == 1
    assert_parallel(e.vectors[0], [1, 0])
    assert_eigenpairs(e)
    assert "defective" in [s.title for s in e.steps]
    assert e.verify()


def test_eig_symbolic_2x2(eig_symbolic):
    e = eig_symbolic
    r = sympy.sqrt((a - c) ** 2 + 4 * b**2)
    expected = {(a + c + r) / 2, (a + c - r) / 2}
    assert len(e.values) == 2
    for v in e.values:
        assert any(sympy.simplify(v - x) == 0 for x in expected)
    assert_eigenpairs(e)
    assert_matrix_equal(e.P * e.D * e.P.inv(), [[a, b], [b, c]])


def test_eig_symbolic_2x2_at_random_parameters(eig_symbolic):
    rng = np.random.default_rng(4)
    f = eig_symbolic.to_numpy()
    assert f.kind == "closed form" and f.wrt == (a, b, c)
    P = rng.uniform(-3, 3, size=(20, 3))
    got = f(P[:, 0], P[:, 1], P[:, 2])
    assert got.shape == (20, 2)
    mats = np.stack([[P[:, 0], P[:, 1]], [P[:, 1], P[:, 2]]]).transpose(2, 0, 1)
    np.testing.assert_allclose(got, np.linalg.eigvalsh(mats)[:, ::-1], rtol=1e-12, atol=1e-12)
    assert eig_symbolic.verify(rng=1)


def test_eig_3x3_repeated_eigenvalue_with_full_eigenspace():
    A = [[3, 1, 1], [1, 3, 1], [1, 1, 3]]
    e = sm.eig(A)
    assert e.values == (5, 2, 2)
    assert e.multiplicities == {5: (1, 1), 2: (2, 2)}
    assert e.is_diagonalizable
    assert_eigenpairs(e)
    assert_matrix_equal(e.P * e.D * e.P.inv(), A)
    np.testing.assert_allclose(e.to_numpy()(), np.linalg.eigvalsh(np.array(A, float))[::-1])


def test_eig_to_numpy_complex_parameters_and_vectors():
    e = sm.eig("[[a, -b], [b, a]]")
    f = e.to_numpy()
    got = f(np.array([1.0, 2.0]), np.array([0.5, 3.0]))
    expected = _order(np.linalg.eigvals(np.array([[[1, -0.5], [0.5, 1]], [[2, -3], [3, 2]]])))
    np.testing.assert_allclose(got, expected, atol=1e-14)
    w, V = e.to_numpy(vectors=True)(2.0, 3.0)
    A = np.array([[2.0, -3.0], [3.0, 2.0]])
    np.testing.assert_allclose(A @ V, V * w, atol=1e-12)
    with pytest.raises(TypeError, match="2 argument"):
        f(1.0)


def test_eig_float_input_is_numeric():
    e = sm.eig([[0.5, 1.0], [2.0, 3.0]])
    assert e.method == "numeric (float input)"
    A = np.array([[0.5, 1.0], [2.0, 3.0]])
    # independent of numpy: the roots of λ² − 3.5 λ − 0.5 by the quadratic formula
    r = np.sqrt(3.5**2 + 4 * 0.5)
    np.testing.assert_allclose(
        [float(v) for v in e.values], [(3.5 + r) / 2, (3.5 - r) / 2], rtol=1e-14
    )
    assert e.multiplicities == {e.values[0]: (1, 1), e.values[1]: (1, 1)}
    for value, vec in zip(e.values, e.vectors, strict=True):
        v = np.array(vec, dtype=float).ravel()
        assert np.linalg.norm(v) > 0.5
        np.testing.assert_allclose(A @ v, float(value) * v, atol=1e-14)
    assert e.verify()


# --- matrices and graphs -----------------------------------------------------------------------

#: Small graphs as edge lists on vertices 0..n-1.
GRAPHS = {
    "path P4": (4, [(0, 1), (1, 2), (2, 3)]),
    "star K1,3": (4, [(0, 1), (0, 2), (0, 3)]),
    "cycle C4": (4, [(0, 1), (1, 2), (2, 3), (3, 0)]),
    "triangle with tail": (4, [(0, 1), (1, 2), (2, 0), (2, 3)]),
}


def adjacency(n, edges):
    A = sympy.zeros(n, n)
    for i, j in edges:
        A[i, j] = A[j, i] = 1
    return sympy.ImmutableMatrix(A)


def count_walks(n, edges, i, j, k):
    """Walks of length k from i to j, by enumerating every vertex sequence."""
    adj = {(u, v) for u, v in edges} | {(v, u) for u, v in edges}
    total = 0
    for middle in itertools.product(range(n), repeat=k - 1):
        seq = (i, *middle, j)
        total += all((seq[t], seq[t + 1]) in adj for t in range(k))
    return total


@pytest.mark.parametrize("name", list(GRAPHS))
def test_adjacency_powers_count_walks(name):
    n, edges = GRAPHS[name]
    A = adjacency(n, edges)
    for k in (2, 3, 4):
        Ak = A**k
        for i in range(n):
            for j in range(n):
                assert Ak[i, j] == count_walks(n, edges, i, j, k)
    # the same counts from the eigen-decomposition: A^k = P D^k P^-1
    e = sm.eig(A)
    assert e.is_diagonalizable and e.method == "symbolic"
    P = np.array(sympy.Matrix(e.P).evalf(30), dtype=complex)
    w = np.array([complex(v) for v in e.values])
    np.testing.assert_allclose(
        P @ np.diag(w**4) @ np.linalg.inv(P), np.array(A**4, float), atol=1e-9
    )
    assert sum(w**3).real == pytest.approx(float((A**3).trace()))  # closed walks: tr A^k


@pytest.mark.parametrize("name", list(GRAPHS))
def test_largest_eigenvalue_bounds_the_degree(name):
    n, edges = GRAPHS[name]
    A = adjacency(n, edges)
    degrees = [sum(A[i, :]) for i in range(n)]
    lam_max = sm.eig(A).values[0]
    value = complex(sympy.N(lam_max, 30))  # exact, possibly written with I (casus irreducibilis)
    assert abs(value.imag) < 1e-25
    assert sum(degrees) / n <= value.real <= max(degrees)
    assert value.real == pytest.approx(np.linalg.eigvalsh(np.array(A, float)).max(), rel=1e-14)
    if len(set(degrees)) == 1:  # regular graph: λ_max equals the degree
        assert lam_max == degrees[0]


# --- the time limit: a symbolic 4x4 falls back to numpy.linalg ----------------------------


@pytest.fixture(scope="module")
def timed():
    t0 = time.monotonic()
    e = sm.eig(SYMBOLIC_4X4, timeout=TIMEOUT)
    return e, time.monotonic() - t0


def test_returns_within_timeout(timed):
    e, elapsed = timed
    assert elapsed < TIMEOUT + 2.0
    assert e.method == "numeric (timeout)"
    assert e.values == () and e.P is None
    assert any(s.title.startswith("fallback") for s in e.steps)
    assert "numeric only" in e.plain()


def test_numeric_callable_works(timed):
    e, _ = timed
    f = e.to_numpy()
    assert [s.name for s in f.wrt] == ["a", "b", "c", "d", "f", "g", "h", "k", "m", "n"]
    assert f.kind == "numpy.linalg.eigvalsh"
    rng = np.random.default_rng(0)
    P = rng.normal(size=(6, 10))
    a, b, c, d, f_, g, h, k, m, n = P.T
    mats = np.stack(
        [np.stack(r, -1) for r in [[a, b, c, d], [b, k, f_, g], [c, f_, h, m], [d, g, m, n]]], -2
    )
    got = f(*P.T)
    assert got.shape == (6, 4)
    assert np.all(np.diff(got, axis=1) <= 0)  # descending
    # independent of the eigen-solver: power sums are traces of powers, and A - λI is singular
    for k in (1, 2, 3, 4):
        np.testing.assert_allclose(
            (got**k).sum(axis=1),
            np.trace(np.linalg.matrix_power(mats, k), axis1=1, axis2=2),
            rtol=1e-10,
            atol=1e-10,
        )
    for A, lams in zip(mats, got, strict=True):
        for lam in lams:
            assert abs(np.linalg.det(A - lam * np.eye(4))) < 1e-9 * np.linalg.norm(A) ** 4
    w, V = e.to_numpy(vectors=True)(*P[0])
    np.testing.assert_allclose(mats[0] @ V, V * w, atol=1e-12)
    assert e.verify(rng=0)


# --- random integer matrices (hypothesis) -------------------------------------------------


@st.composite
def integer_spectrum(draw: st.DrawFn) -> sympy.ImmutableMatrix:
    """A 3x3 integer matrix S T S^-1 with S unimodular and T upper triangular: integer
    eigenvalues, possibly repeated, possibly defective."""
    lower = sympy.Matrix(3, 3, lambda i, j: 1 if i == j else (draw(entries) if i > j else 0))
    upper = sympy.Matrix(3, 3, lambda i, j: 1 if i == j else (draw(entries) if i < j else 0))
    S = lower * upper
    T = sympy.Matrix(3, 3, lambda i, j: draw(entries) if i <= j else 0)
    return sympy.ImmutableMatrix(S * T * S.inv())


def assert_eigen_exact(e: sm.Eigen) -> None:
    """A v = λ v exactly for every eigenpair, and A = P D P^-1 exactly when diagonalizable."""
    A = sympy.Matrix(e.matrix)
    assert e.method == "symbolic"
    assert sum(alg for alg, _ in e.multiplicities.values()) == A.rows
    for value, basis in e.eigenspaces.items():
        alg, geo = e.multiplicities[value]
        assert 1 <= geo <= alg and len(basis) == geo
        for v in basis:
            assert_zero(A * v - value * v)
    if e.is_diagonalizable:
        assert_zero(e.P * e.D * e.P.inv() - A)
    else:
        assert e.P is None and any(g < a for a, g in e.multiplicities.values())


@SETTINGS
@given(square(2))
def test_eig_2x2_reconstructs_exactly(A):
    assert_eigen_exact(sm.eig(A))


@SETTINGS
@given(integer_spectrum())
def test_eig_3x3_integer_spectrum_reconstructs_exactly(A):
    e = sm.eig(A)
    assert_eigen_exact(e)
    assert all(v.is_Integer for v in e.values)


@SETTINGS
@given(square(2) | square(3))
def test_numeric_eigenvalues_agree_with_numpy(A):
    e = sm.eig(A)
    got = e.to_numpy()()
    expected = _order(np.linalg.eigvals(np.array(A, float)))
    np.testing.assert_allclose(got, expected, atol=1e-6 * max(1.0, np.abs(expected).max()))
    assert e.verify()


# --- closed forms are checked per point ---------------------------------------------------


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
    monkeypatch.setattr("symml.linalg.eigen._null_spaces", slow_null_spaces)
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


# --- numeric eigenspaces, vector order ----------------------------------------------------


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


# --- verify checks what it claims ---------------------------------------------------------


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
