"""symml: a symbolic mathematics workbench for the maths of machine learning.

Derive (derivatives, gradients, Hessians, integrals, eigen-decompositions,
expectations...), read the derivation as LaTeX, check it numerically, and compile it into
a fast NumPy function.

Examples:
    >>> import symml as sm
    >>> g = sm.gradient("x**2*y + y**3", "x, y")
    >>> g.result.T
    Matrix([[2*x*y, x**2 + 3*y**2]])
    >>> bool(g.verify())
    True
    >>> sm.to_numpy(g)(1.0, 2.0)
    array([ 4., 13.])
"""

# base: errors and settings
from symml.errors import (
    DerivationTimeout,
    NoClosedFormError,
    NoConvergenceError,
    NotSupportedError,
    ParseError,
    SymmlError,
    VerificationError,
)
from symml.config import NO_LIMIT, config

# language: parsing, results, LaTeX
from symml.parsing import assume, parse, symbols
from symml.derivation import Derivation, Step, Verification
from symml.display import ml_display, ml_form
from symml.latex import to_latex

# maths: calculus, matrix calculus, linear algebra, probability
from symml.calculus import (
    CriticalPoint,
    CriticalPoints,
    critical_points,
    derivative,
    gradient,
    hessian,
    integral,
    jacobian,
    limit,
    taylor,
)
from sympy import Interval, MatrixSymbol  # re-exported: matrix variables, supports of densities
from symml.matrixcalc import matrices, matrix_derivative, matrix_hessian
from symml.linalg import (
    LU,
    PCA,
    QR,
    SVD,
    Eigen,
    Spectral,
    charpoly,
    det,
    eig,
    gram_schmidt,
    inverse,
    lu,
    norm,
    pca,
    projection,
    qr,
    spectral,
    svd,
)
from symml.probability import (
    MLE,
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
    covariance,
    entropy,
    expectation,
    kl_divergence,
    mgf,
    mle,
    moment,
    variance,
)

# compile
from symml.compile import NumericFunction, to_jax, to_numpy, to_torch

# numeric: optimisation, sampling
from symml.optimize import OptimizeResult, gradient_descent, newton
from symml.sampling import Estimate, Sampler, monte_carlo, sampler

# edges: notes, plots
from symml.notes import Notes
from symml.plotting import (
    plot_contour,
    plot_convergence,
    plot_density,
    plot_eigen,
    plot_function,
)

__version__ = "0.1.0"

__all__ = [
    # base
    "DerivationTimeout",
    "NoClosedFormError",
    "NoConvergenceError",
    "NotSupportedError",
    "ParseError",
    "SymmlError",
    "VerificationError",
    "NO_LIMIT",
    "config",
    # language
    "assume",
    "parse",
    "symbols",
    "Derivation",
    "Step",
    "Verification",
    "to_latex",
    "ml_display",
    "ml_form",
    # calculus
    "CriticalPoint",
    "CriticalPoints",
    "critical_points",
    "derivative",
    "gradient",
    "hessian",
    "integral",
    "jacobian",
    "limit",
    "taylor",
    # matrix calculus
    "Interval",
    "MatrixSymbol",
    "matrices",
    "matrix_derivative",
    "matrix_hessian",
    # linear algebra
    "Eigen",
    "LU",
    "PCA",
    "QR",
    "SVD",
    "Spectral",
    "charpoly",
    "det",
    "eig",
    "gram_schmidt",
    "inverse",
    "lu",
    "norm",
    "pca",
    "projection",
    "qr",
    "spectral",
    "svd",
    # probability
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
    "covariance",
    "entropy",
    "expectation",
    "kl_divergence",
    "mgf",
    "mle",
    "moment",
    "variance",
    # compile
    "NumericFunction",
    "to_jax",
    "to_numpy",
    "to_torch",
    # optimisation and sampling
    "OptimizeResult",
    "gradient_descent",
    "newton",
    "Estimate",
    "Sampler",
    "monte_carlo",
    "sampler",
    # notes and plots
    "Notes",
    "plot_contour",
    "plot_convergence",
    "plot_density",
    "plot_eigen",
    "plot_function",
]
