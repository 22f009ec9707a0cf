"""Fixtures of the compile tests: every backend behind one calling convention.

``evaluate(backend, fn_source, *args)`` style helpers need the optional libraries, so the
tests that use JAX or PyTorch run last (:func:`pytest_collection_modifyitems`): once their
thread pools run, a forked child (symml's time limits run SymPy in one) makes JAX warn.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import symml as sm

#: Backends every compile test can run here (numba only when installed: it is optional).
BACKENDS = [
    "numpy",
    "array_api",
    pytest.param(
        "numba",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("numba") is None, reason="numba not installed"
        ),
    ),
    "jax",
    "torch",
]

#: Fixtures whose tests start JAX or PyTorch (moved to the end of the run).
_ACCELERATED = {"x64", "torch", "any_backend"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "accelerated: starts JAX or PyTorch (run after every other test)"
    )


def _accelerated(item: pytest.Item) -> bool:
    return (
        bool(_ACCELERATED & set(getattr(item, "fixturenames", ())))
        or item.get_closest_marker("accelerated") is not None
        or any(m in item.nodeid for m in ("jax_backend.py", "torch_backend.py"))
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that start JAX or PyTorch after every other test: once their thread
    pools run, every fork (symml's time limits run SymPy in a forked child) makes JAX warn."""
    late = [i for i in items if _accelerated(i)]
    if late:
        moved = set(late)
        items[:] = [i for i in items if i not in moved] + late


@pytest.fixture
def x64() -> Iterator[Any]:
    """JAX in float64 for the test (``jax.enable_x64``), or a skip without JAX."""
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        yield jax


@pytest.fixture
def torch() -> Any:
    return pytest.importorskip("torch")


def compiled(backend: str, expr: Any, wrt: Any = None) -> Callable[..., np.ndarray]:
    """``expr`` compiled for ``backend``, called with NumPy float64 arrays and returning a
    NumPy array (so that every backend's numbers compare the same way)."""
    if backend == "jax":
        f = sm.to_jax(expr, wrt)
        return lambda *a: np.asarray(f(*a))
    if backend == "torch":
        import torch

        g = sm.to_torch(expr, wrt)
        return lambda *a: g(*(torch.as_tensor(np.asarray(x, dtype=np.float64)) for x in a)).numpy()
    h = sm.to_numpy(expr, wrt, backend=backend)
    return lambda *a: np.asarray(h(*a))


@pytest.fixture(params=BACKENDS)
def any_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each backend in turn (JAX in float64; skipped where the library is missing)."""
    name = request.param
    if name == "jax":
        jax = pytest.importorskip("jax")
        with jax.enable_x64(True):
            yield name
        return
    if name == "torch":
        pytest.importorskip("torch")
    yield name
