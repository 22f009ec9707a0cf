"""A symbolic 4x4 whose closed form SymPy cannot find in time falls back to numpy.linalg."""

from __future__ import annotations

import time

import numpy as np
import pytest

import symml as sm

#: A general symmetric 4x4: the roots of its quartic characteristic polynomial run for minutes.
SYMBOLIC_4X4 = "[[a, b, c, d], [b, k, f, g], [c, f, h, m], [d, g, m, n]]"
TIMEOUT = 1.0


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


def test_spectral_falls_back_too():
    t0 = time.monotonic()
    s = sm.spectral(SYMBOLIC_4X4, timeout=TIMEOUT)
    assert time.monotonic() - t0 < TIMEOUT + 2.0
    assert s.Q is None and s.method == "numeric (timeout)"
    assert any(st.title.startswith("fallback") for st in s.steps)
    # all parameters 1: the all-ones matrix, eigenvalues 4, 0, 0, 0 exactly
    np.testing.assert_allclose(s.to_numpy()(*np.ones(10)), [4.0, 0.0, 0.0, 0.0], atol=1e-12)
    assert s.verify(rng=1)
