"""Linear algebra: known answers, graphs, factorizations, bad input and the CLI."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy

import symml as sm
from symml.linalg import _order

a, b, c, d = sm.symbols("a b c d")


def assert_matrix_equal(M, N):
    """Exact equality of two matrices, up to simplification."""
    diff = (sympy.Matrix(M) - sympy.Matrix(N)).applyfunc(sympy.simplify)
    assert diff.is_zero_matrix, f"{M} != {N}"


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


# --- spectral, svd, lu, qr ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "A",
    [
        [[2, 1], [1, 2]],
        [[3, 1, 1], [1, 3, 1], [1, 1, 3]],
        [[2, 0, 0], [0, 3, 4], [0, 4, 9]],
    ],
)
def test_spectral_exact(A):
    s = sm.spectral(A)
    assert_matrix_equal(s.Q.T * s.Q, sympy.eye(len(A)))
    assert_matrix_equal(s.Q * s.Lambda * s.Q.T, A)
    assert s.Lambda.is_diagonal()
    np.testing.assert_allclose(
        [float(x) for x in s.Lambda.diagonal()], np.linalg.eigvalsh(np.array(A, float))[::-1]
    )
    assert s.verify()
    assert s.latex().endswith(r"\end{aligned}")


def test_spectral_symbolic_is_orthonormal_at_random_parameters():
    s = sm.spectral("[[a, b], [b, c]]")
    assert s.verify(rng=3, points=8)


@pytest.mark.parametrize(
    "A",
    [
        [[1, 2], [3, 4]],
        [[3, 0], [4, 5]],
        [[1, 0, 1], [0, 1, 0]],
        [[1, 1], [1, 1], [0, 0]],
    ],
)
def test_svd_exact(A):
    f = sm.svd(A)
    m, n = np.shape(A)
    assert f.U.shape == (m, m) and f.S.shape == (m, n) and f.V.shape == (n, n)
    assert_matrix_equal(f.U * f.S * f.V.T, A)
    assert_matrix_equal(f.U.T * f.U, sympy.eye(m))
    assert_matrix_equal(f.V.T * f.V, sympy.eye(n))
    sv = np.linalg.svd(np.array(A, float), compute_uv=False)
    np.testing.assert_allclose([float(x) for x in f.singular_values], sv, atol=1e-14)
    # the numeric callable (numpy) against the exact singular values, not numpy again
    exact = [float(x) for x in f.singular_values][: min(m, n)]
    np.testing.assert_allclose(f.to_numpy()(), exact, atol=1e-14)
    assert f.verify()


def test_svd_float_input_is_numeric():
    f = sm.svd([[1.5, 2.0], [0.0, 1.0]])
    assert f.method == "numeric (float input)"
    assert f.verify()


@pytest.mark.parametrize(
    "A",
    [
        [[0, 1], [1, 0]],
        [[0, 2, 1], [1, 1, 1], [2, 1, 0]],
        [[1, 2], [2, 4]],
        [[0, 0], [0, 1]],
        [[1, 2, 3], [4, 5, 6]],
        [[2, 1], [4, 3], [6, 5]],
    ],
)
def test_lu_pivots_and_reconstructs(A):
    f = sm.lu(A)
    assert sympy.Matrix(A) == f.P * f.L * f.U
    assert f.L.is_lower and all(x == 1 for x in f.L.diagonal())
    assert f.U.is_upper
    assert sorted(f.P * sympy.ones(f.P.rows, 1)) == [1] * f.P.rows  # a permutation
    assert f.verify()


def test_lu_symbolic():
    f = sm.lu("[[a, b], [c, d]]")
    assert_matrix_equal(f.P * f.L * f.U, [[a, b], [c, d]])
    assert f.verify(rng=0)
    assert any(s.title == "eliminate column 1" for s in f.steps)


def test_lu_floats_use_partial_pivoting():
    f = sm.lu([[1.0, 2.0], [4.0, 1.0]])
    assert sympy.Matrix([[0, 1], [1, 0]]) == f.P
    assert f.verify()


@pytest.mark.parametrize("A", [[[3, 0], [4, 5]], [[1, 2], [3, 4]], [[1, 1], [1, 0], [0, 1]]])
def test_qr_exact(A):
    f = sm.qr(A)
    assert_matrix_equal(f.Q * f.R, A)
    assert_matrix_equal(f.Q.T * f.Q, sympy.eye(f.Q.cols))
    assert f.R.is_upper and all(x.is_positive for x in f.R.diagonal())
    _, Rn = np.linalg.qr(np.array(A, float))
    np.testing.assert_allclose(np.abs(np.array(f.R, float)), np.abs(Rn), atol=1e-12)
    assert f.verify()


def test_qr_symbolic_verifies():
    assert sm.qr("[[a, 1], [1, a]]").verify(rng=2)


# --- gram_schmidt, det, inverse, charpoly, projection, norm --------------------------------------


def test_gram_schmidt_known_answer():
    out = sm.gram_schmidt([(2, 1, 1), (1, 2, 1), (1, 1, 2)])
    expected = [
        sympy.Matrix([2, 1, 1]) / sympy.sqrt(6),
        sympy.Matrix([-4, 7, 1]) / sympy.sqrt(66),
        sympy.Matrix([-1, -1, 3]) / sympy.sqrt(11),
    ]
    assert out == expected
    d = sm.gram_schmidt("[[2,1,1],[1,2,1],[1,1,2]]", steps=True)
    assert list(d.result.T.tolist()) == [list(e) for e in expected]
    assert d.verify()


def test_gram_schmidt_unnormalized_is_orthogonal():
    out = sm.gram_schmidt([[1, 1, 0], [1, 0, 1]], normalize=False)
    assert out[0] == sympy.Matrix([1, 1, 0])
    assert out[1] == sympy.Matrix([sympy.Rational(1, 2), -sympy.Rational(1, 2), 1])
    assert out[0].dot(out[1]) == 0


@pytest.mark.parametrize(
    ("A", "expected"),
    [
        ([[1, 2], [3, 4]], -2),
        ([[2, 0, 1], [1, 3, 2], [1, 1, 2]], 6),
        ("[[a, b], [c, d]]", a * d - b * c),
    ],
)
def test_det_known_answers(A, expected):
    assert sympy.expand(sm.det(A) - expected) == 0
    der = sm.det(A, steps=True)
    assert der.result == sm.det(A) and der.verify(rng=0)


def test_det_matches_numpy():
    A = [[2, -1, 0, 3], [1, 0, 4, 1], [0, 2, 1, 1], [3, 1, 0, 2]]
    assert float(sm.det(A)) == pytest.approx(np.linalg.det(np.array(A, float)), rel=1e-12)


def test_inverse_exact_and_symbolic():
    A = sympy.Matrix([[2, 1, 0], [1, 2, 1], [0, 1, 2]])
    assert sm.inverse(A) * A == sympy.eye(3)
    np.testing.assert_allclose(np.array(sm.inverse(A), float), np.linalg.inv(np.array(A, float)))
    inv = sm.inverse("[[a, b], [c, d]]", steps=True)
    assert_matrix_equal(inv.result * sympy.Matrix([[a, b], [c, d]]), sympy.eye(2))
    assert inv.verify(rng=0)


def test_charpoly_known_answer_and_roots():
    lam = sympy.Symbol("lambda")
    assert sm.charpoly([[2, 1], [1, 2]]) == lam**2 - 4 * lam + 3
    A = [[1, 2, 0], [0, 3, 1], [1, 0, 2]]
    p = sympy.Poly(sm.charpoly(A, "t"), sympy.Symbol("t"))
    np.testing.assert_allclose([float(x) for x in p.all_coeffs()], np.poly(np.array(A, float)))
    assert sm.charpoly("[[a, 1], [1, a]]", steps=True).verify(rng=0)


def test_projection_known_answer():
    assert sm.projection([1, 2], [2, 1]) == sympy.Matrix(
        [sympy.Rational(8, 5), sympy.Rational(4, 5)]
    )
    d = sm.projection([1, 2, 3], [[1, 0], [0, 1], [0, 0]], steps=True)
    assert d.result == sympy.Matrix([1, 2, 0])
    assert d.verify()
    assert sm.projection("[x, y]", "[1, 1]", steps=True).verify(rng=0)


@pytest.mark.parametrize(
    ("p", "expected"),
    [(1, 7.5), (2, 4.036087214122113), ("inf", 3.0), (sympy.oo, 3.0), (np.inf, 3.0)],
)
def test_norm_known_answers(p, expected):
    assert float(sm.norm([-3, 1.2, 1.2, 2.1], p)) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("p", [1, 2, 3, 2.5, "inf"])
def test_norm_general_p_matches_numpy(p):
    v = [-3, 1, 4, -2]
    order = np.inf if p == "inf" else p
    assert float(sm.norm(v, p)) == pytest.approx(np.linalg.norm(v, ord=order), rel=1e-14)


def test_norm_exact_symbolic_and_matrix():
    assert sm.norm([3, 4]) == 5
    assert sm.norm([1, 1], 3) == sympy.root(2, 3)
    x, y = sm.symbols("x y")
    assert sm.norm("[x, y]") == sympy.sqrt(x**2 + y**2)
    assert sm.norm("[x, -2, y]", 3, steps=True).verify(rng=0)
    A = [[1, -2], [3, 4]]
    for p, order in [(1, 1), ("inf", np.inf), ("fro", "fro"), (2, 2)]:
        assert float(sm.norm(A, p)) == pytest.approx(np.linalg.norm(np.array(A, float), ord=order))


# --- PCA ---------------------------------------------------------------------------------------


def test_pca_matches_covariance_eigendecomposition():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) @ np.array([[3.0, 0, 0], [1.0, 1.0, 0], [0, 0.5, 0.2]])
    p = sm.pca(X, 2)
    w, V = np.linalg.eigh(np.cov(X, rowvar=False))
    np.testing.assert_allclose(p.explained_variance, w[::-1][:2], rtol=1e-10)
    for comp, vec in zip(p.components, V[:, ::-1].T, strict=False):
        assert abs(abs(comp @ vec) - 1.0) < 1e-10
    np.testing.assert_allclose(np.linalg.norm(p.components, axis=1), 1.0)
    Z = p.transform(X)
    assert Z.shape == (200, 2)
    np.testing.assert_allclose(Z.var(axis=0, ddof=1), p.explained_variance, rtol=1e-10)
    np.testing.assert_allclose(p.mean, X.mean(axis=0))
    assert p.verify()
    assert 0 < p.explained_variance_ratio.sum() <= 1


def test_pca_known_answer():
    X = [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]
    p = sm.pca(X, 1)
    np.testing.assert_allclose(p.components, [[2**-0.5, 2**-0.5]])
    np.testing.assert_allclose(p.explained_variance, [2.0])
    np.testing.assert_allclose(p.explained_variance_ratio, [1.0])


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [sm.eig, sm.det, sm.inverse, sm.charpoly, sm.spectral])
def test_non_square_is_a_value_error(fn):
    with pytest.raises(ValueError, match="square"):
        fn([[1, 2, 3], [4, 5, 6]])


@pytest.mark.parametrize("A", [[[1, 2], [2, 4]], "[[a, a], [a, a]]", [[1.0, 2.0], [0.5, 1.0]]])
def test_singular_inverse_is_a_value_error(A):
    with pytest.raises(ValueError, match="singular"):
        sm.inverse(A)


@pytest.mark.parametrize(
    "vectors",
    [[(1, 2, 3), (2, 4, 6)], [(1, 0), (0, 1), (1, 1)], [(0, 0, 0)], [(1.0, 2.0), (0.5, 1.0)]],
)
def test_gram_schmidt_dependent_is_a_value_error(vectors):
    with pytest.raises(ValueError, match="linearly dependent"):
        sm.gram_schmidt(vectors)


@pytest.mark.parametrize("fn", [sm.eig, sm.det, sm.inverse, sm.lu, sm.qr, sm.svd, sm.charpoly])
@pytest.mark.parametrize("bad", ["[[1,2],[3]]", [[1, 2], [3]]])
def test_ragged_matrix_is_a_value_error(fn, bad):
    with pytest.raises(ValueError, match="ragged"):
        fn(bad)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: sm.spectral([[1, 2], [3, 4]]), "symmetric"),
        (lambda: sm.qr([[0, 0], [0, 0]]), "zero matrix"),
        (lambda: sm.projection([1, 2], [0, 0]), "zero vector"),
        (lambda: sm.projection([1, 2, 3], [1, 2]), "length"),
        (lambda: sm.norm([1, 2], 0.5), "p must be"),
        (lambda: sm.pca([[1.0, 2.0]], 1), "m >= 2"),
        (lambda: sm.pca(np.ones((5, 2)), 3), "k must be"),
        (lambda: sm.eig("x + 1"), "matrix"),
        (lambda: sm.charpoly([[sympy.Symbol("lambda"), 1], [0, 1]]), "lambda already occurs"),
        (lambda: sm.eig([[sympy.Symbol("t"), 1], [0, 1]], lam="t"), "t already occurs"),
    ],
)
def test_bad_input_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_eig_steps(cli):
    result = cli("eig", "[[2,1],[1,2]]", "--steps")
    assert result.code == 0
    out = result.out.strip().splitlines()
    assert out[-1] == "[3, 1]"
    assert any(line.startswith("characteristic polynomial:") for line in out)
    assert any(line.startswith("eigenspace") for line in out)
    assert any(line.startswith("diagonalize:") for line in out)


def test_cli_steps_then_verify(cli):
    result = cli("linalg", "det", "[[1,2],[3,4]]", "--steps", "--verify")
    assert result.code == 0
    out = result.out.strip().splitlines()
    assert out[0].startswith("matrix:") and out[-2].startswith("verify: passed") and out[-1] == "-2"


def test_cli_eig_timeout_falls_back(cli):
    argv = ["eig", "[[a,b,c,d],[b,k,f,g],[c,f,h,m],[d,g,m,n]]", "--timeout", "0.5"]
    result = cli(*argv)
    assert result.code == 0
    assert "numeric only" in result.out.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "last"),
    [
        (["eig", "[[2,1],[1,2]]", "--latex"], r"\lambda = 3,\ 1"),
        (["linalg", "det", "[[1,2],[3,4]]"], "-2"),
        (
            ["linalg", "lu", "[[0,1],[1,0]]"],
            "P = [[0, 1], [1, 0]]; L = [[1, 0], [0, 1]]; U = [[1, 0], [0, 1]]",
        ),
        (["linalg", "qr", "[[3,0],[4,5]]"], "Q = [[3/5, -4/5], [4/5, 3/5]]; R = [[5, 4], [0, 3]]"),
        (["linalg", "det", "[[a,b],[c,d]]", "--latex"], r"\det A = a d - b c"),
    ],
)
def test_cli_linalg_outputs(cli, argv, last):
    result = cli(*argv)
    assert result.code == 0
    assert result.out.strip().splitlines()[-1] == last


@pytest.mark.parametrize("op", ["det", "inverse", "lu", "qr", "svd", "gram-schmidt"])
def test_cli_linalg_verify(cli, op):
    result = cli("linalg", op, "[[2,1,0],[1,3,1],[0,1,4]]", "--verify")
    assert result.code == 0
    out = result.out
    assert "verify: passed" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["eig", "[[1,2],[3]]"],
        ["eig", "[[1,2,3],[4,5,6]]"],
        ["linalg", "inverse", "[[1,2],[2,4]]"],
        ["linalg", "gram-schmidt", "[[1,2],[2,4]]"],
        ["linalg", "lu", "[[1,2],[3,4]]", "--export", "lu.py"],
        ["linalg", "trace", "[[1,2],[3,4]]"],
    ],
)
def test_cli_bad_input_exits_2(cli, argv):
    result = cli(*argv)
    assert result.code == 2
    err = result.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("symml")
