"""The JAX backend: :func:`to_jax`.

The generated module (:data:`~symml.compile.array_modules.JAX`) is pure ``jax.numpy``
code printed from the stable SymPy tree by :class:`~symml.compile.printer.JaxPrinter`,
compiled with ``jax.jit``; ``jax.grad``, ``jax.vmap`` and ``jax.jacobian`` go through it,
and it runs on whatever device JAX uses. JAX is imported by the generated code only.

JAX computes in float32 unless ``jax.config.update("jax_enable_x64", True)`` was called
(JAX's own switch, which symml leaves alone): float64 NumPy arrays in then give float64.
"""

from __future__ import annotations

from symml.compile.numpy_backend import NumericFunction, compile_function
from symml.derivation import ExprLike, WrtLike

__all__ = ["to_jax"]


def to_jax(expr: ExprLike, wrt: WrtLike = None, *, jit: bool = True) -> NumericFunction:
    """Compile an expression, matrix or Derivation into a JAX function.

    Args:
        expr: A SymPy expression/Matrix, a ``str``, a Derivation, or a nested list.
        wrt: The argument order, as for :func:`~symml.compile.to_numpy` (the other free
            symbols follow, sorted by name).
        jit: Compile the function with ``jax.jit`` (``False``: the plain function, e.g.
            to trace it inside a jitted function of your own).

    Returns:
        A cached :class:`~symml.compile.NumericFunction` (``backend="jax"``): called with
        JAX or NumPy arrays or numbers, it returns a JAX array of shape
        ``broadcast_shape + result_shape``; composable with ``jax.grad``, ``jax.vmap``.

    Raises:
        NotSupportedError: For a function JAX has no form of (Bessel functions...).

    Examples:
        >>> import symml as sm, jax
        >>> f = sm.to_jax("log(exp(a) + exp(b))", "a, b")
        >>> float(f(1000.0, 0.0))
        1000.0
        >>> [float(g) for g in jax.grad(f, argnums=(0, 1))(0.0, 0.0)]
        [0.5, 0.5]
    """
    return compile_function(expr, wrt, backend="jax", jit=jit)
