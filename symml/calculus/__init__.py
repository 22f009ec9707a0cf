"""Calculus: derivatives, gradients, Jacobians and Hessians, with their steps.

(The module ``symml/calculus.py`` moved unchanged into this package; the next commit
splits it by topic.)
"""

from __future__ import annotations

from symml.calculus.critical import (
    NUMERIC_FALLBACK_SECONDS,
    SIMPLIFY_SECONDS,
    CriticalPoint,
    CriticalPoints,
    classify,
    critical_points,
    derivative,
    gradient,
    hessian,
    integral,
    jacobian,
    limit,
    quadrature,
    simplify_limited,
    taylor,
)

__all__ = [
    "NUMERIC_FALLBACK_SECONDS",
    "SIMPLIFY_SECONDS",
    "CriticalPoint",
    "CriticalPoints",
    "classify",
    "critical_points",
    "derivative",
    "gradient",
    "hessian",
    "integral",
    "jacobian",
    "limit",
    "quadrature",
    "simplify_limited",
    "taylor",
]
