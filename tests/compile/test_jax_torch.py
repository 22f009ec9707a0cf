"""JAX and PyTorch backends (issue 15): jax.grad/vmap and torch.autograd through compiled
functions, float32 through the array API, JAX and PyTorch, saved modules that import
without SymPy, and Derivation.to_jax()/to_torch()."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy

import symml as sm
from tests.benchmarks.bench_foundation import network_expr


@pytest.fixture(scope="module")
def net() -> tuple[sm.Derivation, np.ndarray]:
    expr, xs = network_expr()
    rng = np.random.default_rng(5)
    return sm.gradient(expr, xs, simplify=False), rng.standard_normal((3, 40))


def test_done_when_network_gradient_agrees_on_jax(x64: Any, net: Any) -> None:
    grad, pts = net
    want = grad.to_numpy()(*pts)
    got = np.asarray(grad.to_jax()(*pts))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_done_when_network_gradient_agrees_on_torch(torch: Any, net: Any) -> None:
    grad, pts = net
    want = grad.to_numpy()(*pts)
    got = grad.to_torch()(*(torch.as_tensor(p) for p in pts))
    assert got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-15)


def test_jax_grad_and_vmap_through_a_compiled_function(x64: Any) -> None:
    jax = x64
    expr, xs = network_expr()
    f = sm.to_jax(expr, xs)
    g = sm.gradient(expr, xs, simplify=False).to_numpy()
    X = np.random.default_rng(1).standard_normal((25, 3))
    batched = jax.jit(jax.vmap(jax.grad(lambda p: f(p[0], p[1], p[2]))))(X)
    np.testing.assert_allclose(np.asarray(batched), g.packed(X), rtol=1e-12, atol=1e-15)
    hess = jax.hessian(lambda p: f(*p))(X[0])
    want = sm.hessian(expr, xs, simplify=False).to_numpy().packed(X[0])
    np.testing.assert_allclose(np.asarray(hess), want, rtol=1e-10, atol=1e-13)


def test_jax_grad_of_a_stable_form_at_the_far_end(x64: Any) -> None:
    jax = x64
    lse = sm.to_jax("log(exp(a)+exp(b))", "a, b")
    grad = jax.grad(lse, argnums=(0, 1))(710.0, 0.0)
    assert [float(v) for v in grad] == pytest.approx([1.0, 0.0], abs=1e-300)


def test_to_jax_without_jit_traces_inside_a_jitted_function(x64: Any) -> None:
    jax = x64
    f = sm.to_jax("sin(x)*y", "x, y", jit=False)
    out = jax.jit(lambda a: f(a, 2.0) + 1)(0.5)
    assert float(out) == pytest.approx(2 * np.sin(0.5) + 1, rel=1e-15)


def test_torch_autograd_through_a_compiled_function(torch: Any) -> None:
    expr, xs = network_expr()
    f = sm.to_torch(expr, xs)
    X = torch.tensor(np.random.default_rng(2).standard_normal((10, 3)), requires_grad=True)
    f.packed(X).sum().backward()
    want = sm.gradient(expr, xs, simplify=False).to_numpy().packed(X.detach().numpy())
    np.testing.assert_allclose(X.grad.numpy(), want, rtol=1e-12, atol=1e-15)


def test_torch_autograd_of_a_stable_form_at_the_far_end(torch: Any) -> None:
    softplus = sm.to_torch("log(1 + exp(x))", "x")
    x = torch.tensor([800.0, -800.0, 0.0], dtype=torch.float64, requires_grad=True)
    y = softplus(x)
    y.sum().backward()
    assert y.tolist() == [800.0, 0.0, pytest.approx(np.log(2), rel=1e-15)]
    assert x.grad.tolist() == pytest.approx([1.0, 0.0, 0.5], abs=1e-300)


def test_float32_flows_through_torch(torch: Any) -> None:
    f = sm.to_torch(sm.gradient("log(exp(a)+exp(b)) + a*b", "a, b"))
    out = f(torch.tensor([1.0, 2.0]), torch.tensor(3.0))
    assert out.dtype == torch.float32 and out.shape == (2, 2)
    assert f(torch.tensor([1.0], dtype=torch.float64), 3.0).dtype == torch.float64
    assert f(1.0, 2.0).dtype == torch.float64  # numbers: float64


@pytest.mark.accelerated
def test_float32_flows_through_jax() -> None:
    jax = pytest.importorskip("jax")
    f = sm.to_jax("log(1 + exp(x))*y + Max(x, 0)", "x, y")
    out = f(jax.numpy.ones(3, dtype="float32"), 2.0)
    assert out.dtype == np.float32 and out.shape == (3,)


def test_float32_flows_through_the_array_api(torch: Any) -> None:
    f = sm.to_numpy("sigmoid(x)*y + erf(x) + 2", "x, y", backend="array_api")
    x32 = np.linspace(-800, 800, 5, dtype=np.float32)
    out = f(x32, np.float32(1.5))
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    want = sm.to_numpy("sigmoid(x)*y + erf(x) + 2", "x, y")(x32.astype(np.float64), 1.5)
    np.testing.assert_allclose(out, want, rtol=1e-6)
    t = f(torch.tensor(x32), torch.tensor(1.5))
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    np.testing.assert_allclose(t.numpy(), want, rtol=1e-6)


def test_array_api_returns_the_arguments_library(x64: Any, torch: Any) -> None:
    jnp = x64.numpy
    g = sm.to_numpy(sm.gradient("x**2*y + y**3", "x, y"), backend="array_api")
    for xs, kind in [
        (np.array([1.0, 2.0]), np.ndarray),
        (torch.tensor([1.0, 2.0], dtype=torch.float64), torch.Tensor),
        (jnp.asarray([1.0, 2.0]), type(jnp.asarray([1.0]))),
    ]:
        out = g(xs, 2.0)
        assert isinstance(out, kind)
        np.testing.assert_allclose(np.asarray(out), [[4.0, 13.0], [8.0, 16.0]], rtol=1e-15)


@pytest.mark.accelerated
def test_array_api_on_dask_stays_lazy() -> None:
    da = pytest.importorskip("dask.array")
    f = sm.to_numpy("sin(x)*y", "x, y", backend="array_api")
    x = da.linspace(0, 1, 10, chunks=5)
    out = f(x, 2.0)
    assert type(out).__module__.startswith("dask")
    got = out.compute(scheduler="threads")  # whatever scheduler an earlier test left set
    np.testing.assert_allclose(got, np.sin(np.linspace(0, 1, 10)) * 2, rtol=1e-15)


def test_derivation_to_jax_and_to_torch_go_through_compiled(x64: Any, torch: Any) -> None:
    d = sm.derivative("x**3*y", "x")
    assert d.to_jax().backend == "jax" and d.to_torch().backend == "torch"
    assert float(d.to_jax()(2.0, 5.0)) == 60.0
    assert float(d.to_torch()(2.0, 5.0)) == 60.0


def test_unsupported_function_names_the_library(x64: Any) -> None:
    with pytest.raises(sm.NotSupportedError, match=r"besselj.*JAX"):
        sm.to_jax(sympy.besselj(0, sympy.Symbol("x")))


# --- saved modules -----------------------------------------------------------------------

_BLOCK_SYMPY = """
import importlib.abc, sys
class _Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("sympy", "symml"):
            raise ImportError(f"{name} is blocked")
sys.meta_path.insert(0, _Block())
"""


@pytest.mark.accelerated
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_saved_module_imports_without_sympy(tmp_path: Path, backend: str) -> None:
    pytest.importorskip(backend)
    grad = sm.gradient("log(exp(a)+exp(b)) + a*b**2", "a, b")
    path = grad.to_numpy().save(tmp_path / f"g_{backend}.py", name="grad_f", backend=backend)
    text = path.read_text()
    assert f"Needs {'JAX' if backend == 'jax' else 'PyTorch'} and NumPy only." in text
    assert "sympy" not in text and "scipy" not in text
    script = _BLOCK_SYMPY + textwrap.dedent(
        f"""
        import importlib.util, numpy
        spec = importlib.util.spec_from_file_location("g", {str(path)!r})
        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        out = m.grad_f({"1000.0, 2.0" if backend == "jax" else "m.torch.tensor(1000.0, dtype=m.torch.float64), 2.0"})
        print([round(float(v), 6) for v in numpy.asarray(out)])
        assert "sympy" not in sys.modules
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[5.0, 4000.0]"


def test_save_checks_the_name_and_backend(tmp_path: Path) -> None:
    f = sm.to_numpy("x**2", "x")
    with pytest.raises(ValueError, match="torch"):
        f.save(tmp_path / "m.py", name="torch", backend="torch")
    with pytest.raises(ValueError, match="backend"):
        f.save(tmp_path / "m.py", backend="fortran")


def test_import_symml_does_not_import_jax_or_torch() -> None:
    code = "import symml, sys; print(sorted(m for m in ('jax', 'torch', 'array_api_compat') if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.accelerated
def test_generated_code_is_pure_for_jax() -> None:
    source = sm.to_jax(sympy.Matrix([[sympy.Symbol("x") ** 2, 1]]), "x").source
    assert "out=" not in source and "[...] =" not in source and "+=" not in source
