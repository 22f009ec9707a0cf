"""Calculus: derivatives, gradients, Jacobians, Hessians, Taylor polynomials, limits,
integrals and critical points, each with its steps and its own numeric check.

Every operation returns a :class:`~symml.derivation.Derivation` (critical points: a
:class:`CriticalPoints` list carrying one) whose ``verify()`` runs the check the operation
attached. By topic:

- :mod:`symml.calculus.derivatives`: ``derivative``, ``gradient``, ``jacobian``,
  ``hessian`` (checked by central differences);
- :mod:`symml.calculus.series`: ``taylor``, ``limit`` (checked in high precision near the
  point);
- :mod:`symml.calculus.integrals`: ``integral`` and ``quadrature``, its numeric fallback
  (checked against quadrature, or by differentiating the antiderivative);
- :mod:`symml.calculus.critical`: ``critical_points`` (checked by finite differences and
  a search for missing points).
"""

from __future__ import annotations

from symml.calculus._common import SIMPLIFY_MAX_OPS, SIMPLIFY_SECONDS, simplify_limited
from symml.calculus.critical import CriticalPoint, CriticalPoints, classify, critical_points
from symml.calculus.derivatives import IN_PLACE_MAX_ORDER, derivative, gradient, hessian, jacobian
from symml.calculus.integrals import (
    INTEGRAL_METHODS,
    NUMERIC_FALLBACK_SECONDS,
    STEPS_SECONDS,
    integral,
    quadrature,
)
from symml.calculus.series import LimitDerivation, limit, taylor

__all__ = [
    "INTEGRAL_METHODS",
    "IN_PLACE_MAX_ORDER",
    "NUMERIC_FALLBACK_SECONDS",
    "SIMPLIFY_MAX_OPS",
    "SIMPLIFY_SECONDS",
    "STEPS_SECONDS",
    "CriticalPoint",
    "CriticalPoints",
    "LimitDerivation",
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
