"""The optimisers' objective: value and gradient in one compiled call.

A gradient method needs ``f(x)`` and ``∇f(x)`` at every step. Computing both in one
generated function shares their common subexpressions and pays the call overhead once:
:func:`value_and_gradient` compiles the column ``[f, ∂f/∂x_1, ..., ∂f/∂x_n]`` and its
``.point`` takes one point ``x`` of shape ``(n,)`` on the scalar fast path (Python-float
arithmetic, one small array out; see :meth:`NumericFunction.point`).
"""

from __future__ import annotations

from functools import lru_cache

import sympy

from symml.calculus import gradient
from symml.compile.numpy_backend import NumericFunction, arguments, to_numpy
from symml.derivation import ExprLike, WrtLike

__all__ = ["value_and_gradient"]


def value_and_gradient(expr: ExprLike, wrt: WrtLike = None) -> NumericFunction:
    """``[f, ∇f]`` of a scalar objective as one compiled function of ``wrt``.

    Args:
        expr: A scalar expression, ``str`` or Derivation.
        wrt: The variables (default: a Derivation's ``wrt``, else the free symbols sorted
            by name).

    Returns:
        A cached :class:`~symml.compile.NumericFunction` with result shape ``(n + 1,)``:
        entry 0 is ``f``, entries 1..n the gradient. ``.point(x)`` evaluates it at one
        point ``x`` of shape ``(n,)`` (what a gradient-descent step calls).

    Raises:
        ValueError: For an objective that is not a scalar.

    Examples:
        >>> import numpy as np
        >>> vg = value_and_gradient("(1 - x)**2 + 100*(y - x**2)**2", "x, y")
        >>> vg.point(np.array([-1.0, 1.0]))
        array([ 4., -4., -0.])
    """
    result, variables = arguments(expr, wrt)
    if isinstance(result, sympy.MatrixBase):
        if result.shape != (1, 1):
            raise ValueError(f"value_and_gradient() needs a scalar objective, got {result.shape}")
        result = result[0, 0]
    return _fused(result, variables)


@lru_cache(maxsize=128)
def _fused(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]) -> NumericFunction:
    grad = gradient(expr, variables)
    return to_numpy(sympy.ImmutableMatrix([expr, *grad.result]), variables)
