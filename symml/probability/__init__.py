r"""Probability: expectations, variances, moments, entropies, KL divergences and estimators.

The distribution constructors are those of :mod:`sympy.stats`, re-exported with the same
signatures and their parameters checked (:mod:`~symml.probability.distributions`). Every
operation returns a :class:`~symml.derivation.Derivation` whose steps show the sum or
integral set up from the density (:math:`E[g(X)] = \int g(x) f(x)\,dx`), its evaluation
and the simplified result, and which carries its own numeric check. When SymPy times out,
fails or leaves an integral unevaluated and the parameters are numeric, the value is
computed numerically instead (quadrature, a summed series, or Monte Carlo).

The package, by topic (each module imports only those listed before it):

- :mod:`~symml.probability.variables`: kinds, supports, densities, parameters (SymPy only);
- :mod:`~symml.probability.families`: the standard families as ``numpy.random`` methods;
- :mod:`~symml.probability.numeric`: quadrature (and series) of densities, their mass;
- :mod:`~symml.probability.chunks`, :mod:`~symml.probability.inversion`,
  :mod:`~symml.probability.draws`: draws of any random expression and Monte Carlo means
  (the implementation of :mod:`symml.sampling`);
- :mod:`~symml.probability.distributions`: the constructors, ``parse_distribution``, ``bind``;
- :mod:`~symml.probability.expectations`: ``expectation``, ``variance``, ``covariance``,
  ``moment``, ``mgf``, ``numeric_expectation``;
- :mod:`~symml.probability.information`: ``entropy``, ``kl_divergence``;
- :mod:`~symml.probability.likelihood`: ``mle`` and its ``MLE``.
"""

from __future__ import annotations

from symml.probability.distributions import FAMILIES as FAMILIES
from symml.probability.distributions import (
    Bernoulli,
    Beta,
    Binomial,
    ContinuousRV,
    Die,
    DiscreteUniform,
    Exponential,
    Gamma,
    Geometric,
    Laplace,
    Normal,
    Poisson,
    Uniform,
    bind,
    parse_distribution,
)
from symml.probability.expectations import MC_SAMPLES as MC_SAMPLES
from symml.probability.expectations import (
    covariance,
    expectation,
    mgf,
    moment,
    numeric_expectation,
    variance,
)
from symml.probability.information import entropy, kl_divergence
from symml.probability.likelihood import MLE, mle

__all__ = [
    "MLE",
    "Bernoulli",
    "Beta",
    "Binomial",
    "ContinuousRV",
    "Die",
    "DiscreteUniform",
    "Exponential",
    "Gamma",
    "Geometric",
    "Laplace",
    "Normal",
    "Poisson",
    "Uniform",
    "bind",
    "covariance",
    "entropy",
    "expectation",
    "kl_divergence",
    "mgf",
    "mle",
    "moment",
    "numeric_expectation",
    "parse_distribution",
    "variance",
]
