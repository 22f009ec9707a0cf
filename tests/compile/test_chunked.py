"""Past one machine's memory: NumericFunction on Dask arrays, chunked Monte Carlo."""

from __future__ import annotations

import math
import time
import tracemalloc

import numpy as np
import pytest
import sympy

import symml as sm
from symml.probability.chunks import chunked_monte_carlo, chunked_sample, combine
from tests.benchmarks._harness import have

needs_dask = pytest.mark.skipif(not have("dask"), reason="needs the dask extra")
needs_distributed = pytest.mark.skipif(not have("distributed"), reason="needs dask.distributed")
needs_numba = pytest.mark.skipif(not have("numba"), reason="needs numba (the fast extra)")


def square_normal(size, rng):
    return rng.standard_normal(size) ** 2


def direct(draw, n, seed, chunk_size):
    """The same draws made in one array: chunk k from SeedSequence(seed).spawn(...)[k]."""
    sizes = [chunk_size] * (n // chunk_size) + ([n % chunk_size] if n % chunk_size else [])
    children = np.random.SeedSequence(seed).spawn(len(sizes))
    values = np.concatenate(
        [draw(s, np.random.default_rng(c)) for s, c in zip(sizes, children, strict=True)]
    )
    assert values.shape == (n,)
    return values


# --- exact combination and reproducibility ---------------------------------------------------


@pytest.mark.parametrize(
    ("n", "chunk_size"), [(10_000, 10_000), (10_000, 3_000), (9_999, 1), (12_345, 1_000)]
)
def test_chunked_estimate_equals_the_estimate_of_all_draws(n, chunk_size):
    mean, stderr, count = chunked_monte_carlo(square_normal, n, rng=7, chunk_size=chunk_size)
    values = direct(square_normal, n, 7, chunk_size)
    assert count == n
    assert mean == pytest.approx(values.mean(), rel=1e-12)
    assert stderr == pytest.approx(values.std(ddof=1) / math.sqrt(n), rel=1e-10)


def test_combine_is_chans_exact_update():
    v = np.random.default_rng(0).normal(3.0, 2.0, size=1001)

    def stats(a):
        return len(a), float(a.sum()), float(((a - a.mean()) ** 2).sum())

    n, s, m2 = combine(combine(stats(v[:10]), stats(v[10:500])), stats(v[500:]))
    assert n == 1001
    assert s == pytest.approx(v.sum(), rel=1e-13)
    assert m2 == pytest.approx(stats(v)[2], rel=1e-12)
    assert combine((0, 0.0, 0.0), stats(v)) == stats(v)


def test_same_seed_same_estimate_and_seeds_differ():
    a = chunked_monte_carlo(square_normal, 50_000, rng=3, chunk_size=7_000)
    assert chunked_monte_carlo(square_normal, 50_000, rng=3, chunk_size=7_000) == a
    assert chunked_monte_carlo(
        square_normal, 50_000, rng=np.random.default_rng(3), chunk_size=7_000
    ) == chunked_monte_carlo(square_normal, 50_000, rng=np.random.default_rng(3), chunk_size=7_000)
    assert chunked_monte_carlo(square_normal, 50_000, rng=4, chunk_size=7_000)[0] != a[0]
    gen = np.random.default_rng(3)  # one Generator, two calls: independent estimates
    assert (
        chunked_monte_carlo(square_normal, 1000, rng=gen, chunk_size=100)[0]
        != chunked_monte_carlo(square_normal, 1000, rng=gen, chunk_size=100)[0]
    )
    assert abs(a[0] - 1.0) < 4 * a[1]  # E[Z^2] = 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n": 0, "chunk_size": 10}, ValueError),
        ({"n": 10, "chunk_size": 1.5}, TypeError),
        ({"n": True, "chunk_size": 10}, TypeError),
        ({"n": 10, "chunk_size": -1}, ValueError),
    ],
)
def test_bad_sizes_are_refused(kwargs, error):
    with pytest.raises(error, match="n|chunk_size"):
        chunked_monte_carlo(square_normal, rng=0, **kwargs)


@pytest.mark.parametrize(
    ("draw", "error", "match"),
    [
        (lambda size, rng: rng.random((size, 2)), ValueError, "shape"),
        (lambda size, rng: np.full(size, np.inf), ValueError, "non-finite"),
        (lambda size, rng: rng.random(size) * 1j, TypeError, "real"),
    ],
)
def test_bad_draws_are_refused(draw, error, match):
    with pytest.raises(error, match=match):
        chunked_monte_carlo(draw, 100, rng=0, chunk_size=30)


# --- bounded memory -----------------------------------------------------------------------------


def test_memory_stays_bounded_for_n_far_past_memory():
    """``sm.monte_carlo(expr, n, chunks=...)`` (the public API) with n = 4·10⁸ draws: all at
    once they would take 3.2 GB, and tracemalloc's peak must stay near one chunk (16 MB).

    Why this n: a truly out-of-RAM n (10¹⁰ draws, 80 GB) takes minutes to draw on any
    machine, so the test keeps n where drawing takes a few seconds but the full array is
    already several GB; the peak bound (1/40 of that, a few chunks) is what proves the
    draws are never all held, and it does not grow with n.
    """
    from sympy.stats import Uniform

    n, chunk = 400_000_000, 2_000_000  # all draws at once: 3.2 GB; one chunk: 16 MB
    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        est = sm.monte_carlo(Uniform("U", 0, 1), n, rng=11, chunks=chunk)
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert est.n == n
    assert abs(est.mean - 0.5) < 4 * est.stderr
    assert est.stderr == pytest.approx(math.sqrt(1 / 12 / n), rel=1e-3)
    assert peak < 8 * n / 40, f"peak {peak / 1e6:.0f} MB for n = {n} ({elapsed:.1f} s)"
    assert peak < 5 * 8 * chunk  # a few chunk-sized arrays (draws, deviations), whatever n is


def test_chunks_are_made_one_at_a_time():
    """n = 10¹² in chunks of 10³ (10⁹ chunks): the first chunk is drawn at once, with no
    list of sizes or seeds built first."""

    class Stop(Exception):
        pass

    def draw(size, rng):
        raise Stop

    tracemalloc.start()
    try:
        with pytest.raises(Stop):
            chunked_monte_carlo(draw, 10**12, rng=0, chunk_size=1_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


class _FakeClient:
    """Runs submitted chunks on demand and records how many were in flight at most."""

    def __init__(self) -> None:
        self.pending = 0
        self.most = 0
        self.submitted = 0

    def submit(self, fn, *args, pure):
        assert pure is False
        self.pending += 1
        self.submitted += 1
        self.most = max(self.most, self.pending)
        client = self

        class Future:
            def result(self):
                client.pending -= 1
                return fn(*args)

        return Future()


def test_a_client_has_a_bounded_number_of_chunks_in_flight():
    from symml.probability import chunks as _chunked

    fake = _FakeClient()
    n, chunk = 3_000 * 1_000 + 17, 1_000  # 3001 chunks
    got = chunked_monte_carlo(square_normal, n, rng=4, chunk_size=chunk, client=fake)
    assert fake.submitted == 3001 and fake.most == _chunked._BATCH
    assert got == chunked_monte_carlo(square_normal, n, rng=4, chunk_size=chunk)
    values = direct(square_normal, n, 4, chunk)
    assert got[0] == pytest.approx(values.mean(), rel=1e-12)
    assert got[1] == pytest.approx(values.std(ddof=1) / math.sqrt(n), rel=1e-9)


# --- workers, clusters, dask arrays ------------------------------------------------------------


@pytest.fixture(scope="module")
def clients():
    """Two LocalClusters on loopback TCP, with 1 and with 2 workers (one thread each)."""
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    opened = []
    for workers in (1, 2):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=False,
            dashboard_address=":0",
            host="127.0.0.1",
            protocol="tcp",
        )
        opened.append((cluster, Client(cluster)))
    yield {len(c.scheduler_info()["workers"]): c for _, c in opened}
    for cluster, client in opened:
        client.close()
        cluster.close()


@needs_distributed
def test_same_estimate_regardless_of_the_number_of_workers(clients):
    assert sorted(clients) == [1, 2]
    local = chunked_monte_carlo(square_normal, 400_000, rng=5, chunk_size=30_000)
    for client in clients.values():
        assert (
            chunked_monte_carlo(square_normal, 400_000, rng=5, chunk_size=30_000, client=client)
            == local
        )


@needs_distributed
def test_monte_carlo_with_chunks_through_the_public_api(clients):
    from sympy.stats import Normal

    expr = Normal("Z", 0, 1) ** 2
    est = sm.monte_carlo(expr, 200_000, rng=2, chunks=25_000)
    assert est.n == 200_000
    assert est.agrees_with(1.0)
    on_cluster = sm.monte_carlo(expr, 200_000, rng=2, chunks=25_000, client=clients[2])
    assert (on_cluster.mean, on_cluster.stderr) == (est.mean, est.stderr)
    assert sm.monte_carlo(expr, 200_000, rng=3, chunks=25_000).mean != est.mean


@needs_distributed
def test_monte_carlo_on_a_cluster_of_worker_processes():
    """Two worker processes (so the sampler and its draw are pickled across processes):
    the same estimate, bit for bit, as in this process."""
    from distributed import Client, LocalCluster
    from sympy.stats import Normal

    expr = Normal("Z", 0, 1) ** 2
    local = sm.monte_carlo(expr, 200_000, rng=2, chunks=25_000)
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            host="127.0.0.1",
        ) as cluster,
        Client(cluster) as client,
    ):
        import os

        pids = set(client.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids
        remote = sm.monte_carlo(expr, 200_000, rng=2, chunks=25_000, client=client)
    assert (remote.mean, remote.stderr, remote.n) == (local.mean, local.stderr, local.n)
    assert remote.agrees_with(1.0)


@needs_dask
def test_chunked_sample_is_lazy_and_draws_the_same_chunks():
    calls = []

    def draw(size, rng):
        calls.append(size)
        return square_normal(size, rng)

    sample = chunked_sample(draw, 10_000, rng=9, chunk_size=3_000)
    assert calls == []
    assert sample.shape == (10_000,)
    assert sample.chunks == ((3_000, 3_000, 3_000, 1_000),)
    values = sample.compute()
    np.testing.assert_array_equal(values, direct(square_normal, 10_000, 9, 3_000))
    mean, _, _ = chunked_monte_carlo(square_normal, 10_000, rng=9, chunk_size=3_000)
    assert mean == pytest.approx(values.mean(), rel=1e-12)


BACKENDS = ["numpy", pytest.param("numba", marks=needs_numba)]


@needs_dask
@pytest.mark.parametrize("backend", BACKENDS)
def test_dask_arrays_in_dask_arrays_out(backend):
    import dask.array as da

    x, y = sympy.symbols("x y", real=True)
    hess = sm.to_numpy(sm.hessian(x**2 * sympy.sin(y) + sympy.exp(x * y), [x, y]), backend=backend)
    ref = sm.to_numpy(sm.hessian(x**2 * sympy.sin(y) + sympy.exp(x * y), [x, y]))
    xs = np.random.default_rng(0).normal(size=(50, 6))
    lazy = hess(da.from_array(xs, chunks=(20, 4)), 0.5)
    assert isinstance(lazy, da.Array)
    assert lazy.shape == (50, 6, 2, 2)
    assert lazy.chunks == ((20, 20, 10), (4, 2), (2,), (2,))
    np.testing.assert_allclose(lazy.compute(), ref(xs, 0.5), rtol=1e-12)
    packed = hess.packed(da.from_array(np.stack([xs, xs[::-1]], axis=-1), chunks=(25, 3, 2)))
    assert isinstance(packed, da.Array)
    np.testing.assert_allclose(packed.compute(), ref(xs, xs[::-1]), rtol=1e-12)
    ys = da.from_array(np.linspace(0, 1, 6), chunks=3)  # broadcast against a NumPy array
    both = hess(xs, ys)
    assert isinstance(both, da.Array)
    np.testing.assert_allclose(both.compute(), ref(xs, np.linspace(0, 1, 6)), rtol=1e-12)


@needs_dask
@pytest.mark.parametrize("backend", BACKENDS)
def test_dask_scalar_result_on_a_cluster(backend, clients):
    import dask.array as da

    f = sm.to_numpy("log(1 + x**2) * tanh(y)", "x, y", backend=backend)
    xs = np.linspace(-2, 2, 1000)
    lazy = f(da.from_array(xs, chunks=100), da.from_array(xs[::-1], chunks=250))
    assert lazy.shape == (1000,)
    np.testing.assert_allclose(
        clients[2].compute(lazy).result(),
        sm.to_numpy("log(1 + x**2) * tanh(y)", "x, y")(xs, xs[::-1]),
        rtol=1e-12,
    )


def test_sampler_dask_mode_is_lazy_reproducible_and_matches_monte_carlo() -> None:
    pytest.importorskip("dask")
    X = sm.Normal("X", 1, 2)
    s = sm.sampler(X)
    lazy = s(10_000, rng=7, chunks=2_500)
    assert type(lazy).__module__.startswith("dask")
    assert lazy.chunks == ((2_500,) * 4,)
    values = lazy.compute()
    np.testing.assert_array_equal(values, s(10_000, rng=7, chunks=2_500).compute())
    est = sm.monte_carlo(X, 10_000, rng=7, chunks=2_500)
    assert est.mean == pytest.approx(values.mean(), rel=1e-12)
    with pytest.raises(ValueError, match="chunks"):
        s(10, rng=0, chunks=0)
