r"""Matrix calculus in matrix form, at symbolic shapes, checked numerically.

The expression becomes a DAG of tensor operations in index form
(:mod:`~symml.matrixcalc.tensor`), is differentiated in reverse mode
(:mod:`~symml.matrixcalc.reverse`), translated back into matrix notation and simplified
(:mod:`~symml.matrixcalc.to_matrix`): the algorithm of matrixcalculus.org (Laue,
Mitterreiter, Giesen, NeurIPS 2018 and AAAI 2020). The steps are the differentials of
Magnus and Neudecker (:mod:`~symml.matrixcalc.steps`); every answer is checked at random
sizes (:mod:`~symml.matrixcalc.check`) and compiles into NumPy
(:mod:`~symml.matrixcalc.numeric`). SymPy's own matrix derivative and the older
element-wise route (:mod:`~symml.matrixcalc.fallback`) remain as checked candidates.
"""

from symml.matrix_parsing import SymmetricMatrixSymbol, matrices
from symml.matrixcalc.derive import MatrixDerivation, matrix_derivative, matrix_hessian
from symml.matrixcalc.fallback import CLOSED_FORMS, RULES, check_matrix_derivative
from symml.matrixcalc.numeric import MatrixFunction

__all__ = [
    "CLOSED_FORMS",
    "RULES",
    "MatrixDerivation",
    "MatrixFunction",
    "SymmetricMatrixSymbol",
    "check_matrix_derivative",
    "matrices",
    "matrix_derivative",
    "matrix_hessian",
]
