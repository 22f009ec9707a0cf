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

from symml.calculus import derivative, gradient, hessian, jacobian
from symml.compile import NumericFunction, to_jax, to_numpy, to_torch
from symml.config import NO_LIMIT, config
from symml.derivation import Derivation, Step, Verification
from symml.errors import (
    DerivationTimeout,
    NoClosedFormError,
    NoConvergenceError,
    NotSupportedError,
    ParseError,
    SymmlError,
    VerificationError,
)
from symml.latex import to_latex
from symml.parsing import parse, symbols

# imports: calculus II (issue 3)
from symml.calculus import (
    CriticalPoint,
    CriticalPoints,
    critical_points,
    integral,
    limit,
    taylor,
)

# imports: matrix calculus (issue 3)
from sympy import Interval, MatrixSymbol  # re-exported: matrix variables, supports of densities
from symml.matrixcalc import matrix_derivative

# imports: linear algebra (issue 4)
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

# imports: probability (issue 5)
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

# imports: sampling (issue 5)
from symml.sampling import Estimate, Sampler, monte_carlo, sampler

# imports: optimization (issue 6)
from symml.optimize import OptimizeResult, gradient_descent, newton

# imports: plotting (issue 6)
from symml.plotting import (
    plot_contour,
    plot_convergence,
    plot_density,
    plot_eigen,
    plot_function,
)

# imports: notes (issue 7)
from symml.notes import Notes

__version__ = "0.1.0"

__all__ = [
    # errors
    "DerivationTimeout",
    "NoClosedFormError",
    "NoConvergenceError",
    "NotSupportedError",
    "ParseError",
    "SymmlError",
    "VerificationError",
    # core
    "Derivation",
    "NumericFunction",
    "Step",
    "Verification",
    "NO_LIMIT",
    "config",
    "parse",
    "symbols",
    "to_jax",
    "to_latex",
    "to_numpy",
    "to_torch",
    # calculus
    "derivative",
    "gradient",
    "hessian",
    "jacobian",
    # names: calculus II (issue 3)
    "CriticalPoint",
    "CriticalPoints",
    "critical_points",
    "integral",
    "limit",
    "taylor",
    # names: matrix calculus (issue 3)
    "Interval",
    "MatrixSymbol",
    "matrix_derivative",
    # names: linear algebra (issue 4)
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
    # names: probability (issue 5)
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
    # names: sampling (issue 5)
    "Estimate",
    "Sampler",
    "monte_carlo",
    "sampler",
    # names: optimization (issue 6)
    "OptimizeResult",
    "gradient_descent",
    "newton",
    # names: plotting (issue 6)
    "plot_contour",
    "plot_convergence",
    "plot_density",
    "plot_eigen",
    "plot_function",
    # names: notes (issue 7)
    "Notes",
]
