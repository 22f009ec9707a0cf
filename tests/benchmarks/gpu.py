"""GPU benchmark (issue 15): ``python -m tests.benchmarks.gpu [--quick]``.

Runs where a CUDA device is present; where none is, it prints why for each library and
"no CUDA device: skipped", and exits 0 (the CPU rows are ``python -m tests.benchmarks``). On the GPU, in float64, for the gradient of
the 3-4-1 tanh/softplus network at 10⁶, 10⁷ and 10⁸ points (``--quick``: 10⁶ only):

* ``to_jax`` against hand-written JAX ``jit(vmap(grad))`` (target ≤ 1.1×);
* ``to_torch`` on CUDA tensors;
* ``to_numpy(..., backend="array_api")`` on CuPy arrays (when CuPy is installed);

each first checked against the NumPy backend on the CPU to 1e-12 (relative, on 10⁵ points).
Every library is optional: a missing one (CuPy, say) is reported and its row left out,
not an error. Prints one table.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SIZES = (10**6, 10**7, 10**8)


def _have(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _best(fn: Callable[[], Any], sync: Callable[[], None], repeat: int = 5) -> float:
    fn()
    sync()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t0)
    return best


#: What a probe gives: the library where it sees a CUDA device, else why not.
Probe = tuple[Any | None, str]


def _jax_gpu() -> Probe:
    if not _have("jax"):
        return None, "JAX not installed: no to_jax or JAX rows"
    import jax

    jax.config.update("jax_enable_x64", True)
    try:
        devices = jax.devices("gpu")
    except RuntimeError as exc:  # no GPU backend in this jaxlib, or no device
        return None, f"JAX sees no GPU ({str(exc)[:80]}): no to_jax or JAX rows"
    return (jax, "") if devices else (None, "JAX sees no GPU: no to_jax or JAX rows")


def _torch_cuda() -> Probe:
    if not _have("torch"):
        return None, "PyTorch not installed: no to_torch row"
    import torch

    if not torch.cuda.is_available():
        return None, "PyTorch sees no CUDA device: no to_torch row"
    return torch, ""


def _cupy() -> Probe:
    if not _have("cupy"):
        return None, "CuPy not installed: no array-API (CuPy) row"
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount():
            return cupy, ""
        return None, "CuPy sees no CUDA device: no array-API (CuPy) row"
    except Exception as exc:  # noqa: BLE001 - a CUDA library or driver missing
        return None, f"CuPy unusable ({type(exc).__name__}: {str(exc)[:80]}): no CuPy row"


#: The libraries the script times on the GPU, and how each is looked for.
PROBES: dict[str, Callable[[], Probe]] = {"jax": _jax_gpu, "torch": _torch_cuda, "cupy": _cupy}


def libraries() -> tuple[dict[str, Any], list[str]]:
    """The libraries that see a CUDA device (by name), and a line for each that does not."""
    found: dict[str, Any] = {}
    skipped: list[str] = []
    for name, probe in PROBES.items():
        lib, why = probe()
        if lib is None:
            skipped.append(why)
        else:
            found[name] = lib
    return found, skipped


def _check(name: str, got: Any, want: np.ndarray) -> str:
    err = float(np.max(np.abs(np.asarray(got) - want) / np.maximum(1.0, np.abs(want))))
    if err > 1e-12:
        raise AssertionError(f"{name} differs from the NumPy backend by {err:.2e}")
    return f"{name}: max rel. error {err:.1e}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.gpu")
    parser.add_argument("--quick", action="store_true", help="10⁶ points only")
    args = parser.parse_args(argv)
    found, skipped = libraries()
    for line in skipped:
        print(line)
    if not found:
        print("no CUDA device: skipped")
        return 0
    jax, torch, cupy = (found.get(name) for name in PROBES)
    import symml as sm
    from tests.benchmarks.bench_foundation import B, C, V, W, network_expr

    expr, xs = network_expr()
    grad = sm.gradient(expr, xs, simplify=False)
    small = [np.random.default_rng(7).standard_normal(10**5) for _ in range(3)]
    want = grad.to_numpy()(*small)
    checks: list[str] = []
    makers: dict[
        str, Callable[[list[np.ndarray]], tuple[Callable[[], Any], Callable[[], None]]]
    ] = {}
    if jax is not None:
        jnp = jax.numpy
        ours = grad.to_jax()
        w, b, v = jnp.asarray(W), jnp.asarray(B), jnp.asarray(V)

        def net(x: Any) -> Any:
            return jax.nn.softplus(jnp.dot(v, jnp.tanh(w @ x + b)) + C)

        theirs = jax.jit(jax.vmap(jax.grad(net)))
        checks.append(_check("to_jax (GPU)", ours(*(jnp.asarray(p) for p in small)), want))

        def jax_ours(pts: list[np.ndarray]) -> tuple[Callable[[], Any], Callable[[], None]]:
            cols = [jax.device_put(p) for p in pts]
            return (lambda: ours(*cols).block_until_ready()), (lambda: None)

        def jax_theirs(pts: list[np.ndarray]) -> tuple[Callable[[], Any], Callable[[], None]]:
            X = jax.device_put(np.stack(pts, axis=-1))
            return (lambda: theirs(X).block_until_ready()), (lambda: None)

        makers["symml to_jax"] = jax_ours
        makers["JAX jit(vmap(grad))"] = jax_theirs
    if torch is not None:
        f_torch = grad.to_torch()
        cuda = [torch.as_tensor(p, device="cuda") for p in small]
        checks.append(_check("to_torch (CUDA)", f_torch(*cuda).cpu(), want))

        def torch_ours(pts: list[np.ndarray]) -> tuple[Callable[[], Any], Callable[[], None]]:
            cols = [torch.as_tensor(p, device="cuda") for p in pts]
            return (lambda: f_torch(*cols)), torch.cuda.synchronize

        makers["symml to_torch (CUDA)"] = torch_ours
    if cupy is not None:
        f_api = grad.to_numpy(backend="array_api")
        checks.append(
            _check("array API (CuPy)", cupy.asnumpy(f_api(*map(cupy.asarray, small))), want)
        )

        def cupy_ours(pts: list[np.ndarray]) -> tuple[Callable[[], Any], Callable[[], None]]:
            cols = [cupy.asarray(p) for p in pts]
            return (lambda: f_api(*cols)), cupy.cuda.Device().synchronize

        makers["symml array API (CuPy)"] = cupy_ours
    print("\n".join(checks))
    reference = "JAX jit(vmap(grad))"
    print(f"{'points':>8}  " + "  ".join(f"{k:>24}" for k in makers))
    for n in SIZES[:1] if args.quick else SIZES:
        pts = [np.random.default_rng(0).standard_normal(n) for _ in range(3)]
        row = {}
        for name, make in makers.items():
            try:
                call, sync = make(pts)
                row[name] = _best(call, sync, repeat=3 if n >= 10**8 else 5)
            except Exception as exc:  # noqa: BLE001 - out of device memory at 10⁸, say
                row[name] = float("nan")
                print(f"{name} at {n:.0e}: {type(exc).__name__}: {str(exc)[:100]}", file=sys.stderr)
            finally:
                call = sync = None  # free device memory between methods
        cells = []
        for t in row.values():
            ratio = f" ({t / row[reference]:.2f}x)" if reference in row and row[reference] else ""
            cells.append(f"{t * 1e3:12.2f} ms{ratio:>9}")
        print(f"{n:8.0e}  " + "  ".join(cells))
    print(f"ratios = time / {reference}; target: to_jax <= 1.1x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
