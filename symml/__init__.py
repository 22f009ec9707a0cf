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
from symml.compile import NumericFunction, to_numpy
from symml.config import config
from symml.derivation import Derivation, Step, Verification
from symml.errors import (
    DerivationTimeout,
    NoClosedFormError,
    NotSupportedError,
    ParseError,
    SymmlError,
    VerificationError,
)
from symml.latex import to_latex
from symml.parsing import parse, symbols

# imports: calculus II (issue 3)
# imports: matrix calculus (issue 3)
# imports: linear algebra (issue 4)
# imports: probability (issue 5)
# imports: sampling (issue 5)
# imports: optimization (issue 6)
# imports: plotting (issue 6)
# imports: notes (issue 7)

__version__ = "0.1.0"

__all__ = [
    # errors
    "DerivationTimeout",
    "NoClosedFormError",
    "NotSupportedError",
    "ParseError",
    "SymmlError",
    "VerificationError",
    # core
    "Derivation",
    "NumericFunction",
    "Step",
    "Verification",
    "config",
    "parse",
    "symbols",
    "to_latex",
    "to_numpy",
    # calculus
    "derivative",
    "gradient",
    "hessian",
    "jacobian",
    # names: calculus II (issue 3)
    # names: matrix calculus (issue 3)
    # names: linear algebra (issue 4)
    # names: probability (issue 5)
    # names: sampling (issue 5)
    # names: optimization (issue 6)
    # names: plotting (issue 6)
    # names: notes (issue 7)
]
