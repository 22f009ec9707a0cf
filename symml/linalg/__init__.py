r"""Linear algebra with steps: eigen-decompositions, factorizations and their numeric forms.

Each operation is exact where its input is exact (integers, rationals, radicals, symbols)
and shows the steps a student would write: the characteristic polynomial and its roots,
each eigenspace as a null space, the row operations of an LU factorization, the
projections of Gram–Schmidt. Results carry ``.latex()``, ``.verify()`` (reconstruction
and agreement with ``numpy.linalg`` at random parameter values) and ``.to_numpy()`` where
a numeric form makes sense.

The package, by topic:

- :mod:`symml.linalg.basic`: ``det``, ``inverse``, ``charpoly``, ``projection``, ``norm``,
  ``gram_schmidt`` (SymPy results, or Derivations with ``steps=True``);
- :mod:`symml.linalg.eigen`: ``eig`` (:class:`Eigen`), ``spectral`` (:class:`Spectral`),
  their numeric callables (:class:`SpectrumFunction`);
- :mod:`symml.linalg.factorizations`: ``lu``, ``qr``, ``svd`` (:class:`LU`, :class:`QR`,
  :class:`SVD`);
- :mod:`symml.linalg.principal_components`: ``pca`` (:class:`PCA`);
- ``_common`` (coercion, tidying, LaTeX helpers) and ``_numeric`` (compiled forms and the
  primitives the checks share), private.
"""

from __future__ import annotations

from symml.linalg._common import _matrix_step as _matrix_step
from symml.linalg._common import _params as _params
from symml.linalg._numeric import _complex_fn as _complex_fn
from symml.linalg._numeric import _eval as _eval
from symml.linalg._numeric import _order as _order
from symml.linalg.basic import (
    charpoly,
    det,
    gram_schmidt,
    inverse,
    norm,
    projection,
)
from symml.linalg.eigen import Eigen, Spectral, SpectrumFunction, eig, spectral
from symml.linalg.factorizations import LU, QR, SVD, lu, qr, svd
from symml.linalg.principal_components import PCA, pca

__all__ = [
    "LU",
    "PCA",
    "QR",
    "SVD",
    "Eigen",
    "Spectral",
    "SpectrumFunction",
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
]
