r"""Verified antiderivatives: a portfolio of integration methods under one deadline.

SymPy's integrators each fail in their own way: one hangs, one returns half an answer
(``ratint`` drops the log/atan part of some rational functions), one returns a ``RootSum``
whose derivative is another function, one a formula that turns complex on half of the real
line. :func:`verified_antiderivative` runs several methods side by side in worker
processes under one :class:`~symml.deadline.Deadline` and returns only a candidate ``F``
whose derivative *is* the integrand: ``F'`` equals ``f`` at random points, both evaluated
with mpmath at :data:`DIGITS` digits (no finite-difference step, so no noise), at points
where ``f`` is real and finite. A candidate that fails is dropped and the next one tried; a
candidate right on part of the real line only carries that interval (``valid_on``).

The methods (:data:`METHODS`, a table): SymPy's ``integrate``, ``manualintegrate``,
``risch_integrate``, ``heurisch`` and the Meijer G route; rational functions by partial
fractions integrated term by term (which keeps the log/atan part); the substitutions
:math:`u = e^{cx}`, :math:`u = x^n`, :math:`u = \sqrt[q]{ax+b}`,
:math:`t = \tan(x/2)` (Weierstrass) and :math:`t = \tan x`; logarithmic derivatives
:math:`c\,g'/g`; partial fractions over the transcendental parts; and a simplified or
rewritten integrand. :func:`high_precision_check` is the same check for any
antiderivative, as a ``verify()`` that never reports a right answer as wrong.

The package: :mod:`~symml.integration.check` (the check, and where an antiderivative
holds), :mod:`~symml.integration.methods` (the methods, a table) and
:mod:`~symml.integration.portfolio` (the workers and :func:`verified_antiderivative`).
"""

from __future__ import annotations

from symml.integration.check import DIGITS, check_antiderivative, high_precision_check
from symml.integration.methods import METHODS, Method
from symml.integration.portfolio import Antiderivative, verified_antiderivative

__all__ = [
    "DIGITS",
    "METHODS",
    "Antiderivative",
    "Method",
    "check_antiderivative",
    "high_precision_check",
    "verified_antiderivative",
]
