r"""The operations: :func:`matrix_derivative` and :func:`matrix_hessian`.

An answer comes from the first route that gives one passing the numeric check
(:data:`ROUTES`):

1. the engine: the expression as a DAG of tensor operations in index form
   (:mod:`~symml.matrixcalc.tensor`), differentiated in reverse mode (forward mode for
   Jacobians and Hessians, :mod:`~symml.matrixcalc.reverse`), translated back into
   matrix notation and simplified (:mod:`~symml.matrixcalc.to_matrix`), with the steps
   in differential form (:mod:`~symml.matrixcalc.steps`);
2. for a scalar f, the older candidates (:mod:`~symml.matrixcalc.fallback`): SymPy's
   own matrix derivative, the sum/product/chain rules with SymPy, and the element-wise
   derivative recognised as a closed form (or, at concrete sizes, the explicit matrix).

Every answer is checked at random concrete sizes against central differences of f
(:mod:`~symml.matrixcalc.check`) before it is returned; when no route gives one that
passes, :class:`~symml.errors.NotSupportedError` is raised: never a wrong matrix.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from symml.derivation import Derivation, RngLike, Step, as_expr, as_rng, render_steps
from symml.errors import NotSupportedError
from symml.matrix_parsing import ShapesLike, parse_matrix
from symml.matrixcalc import fallback
from symml.matrixcalc.check import Checked, check_candidate, check_result
from symml.matrixcalc.numeric import MatrixFunction, arguments
from symml.matrixcalc.printing import matrix_latex, matrix_text
from symml.matrixcalc.reverse import depends_on, gradient, tangent
from symml.matrixcalc.steps import backward_steps, differential_steps, identification
from symml.matrixcalc.tensor import Node, Var, from_sympy
from symml.matrixcalc.to_matrix import to_matrix, to_vec, transpose

__all__ = ["ROUTES", "MatrixDerivation", "matrix_derivative", "matrix_hessian"]


@dataclass(frozen=True, repr=False)
class MatrixDerivation(Derivation):
    r"""A matrix-calculus result: a matrix expression with its steps and its check.

    ``latex()`` writes it in textbook notation (``\odot``, ``\operatorname{diag}``, σ(Xw),
    ``X^{-T}``); ``to_numpy()`` compiles it into a NumPy function of ``wrt`` (its matrix
    and scalar symbols, sorted by name), called with arrays by keyword or in that order.
    ``to_jax()``/``to_torch()`` come with the backends of issue 15: the printer of
    :mod:`~symml.matrixcalc.numeric` with another array module (``numeric.BACKENDS``).
    """

    def latex(self, *, steps: bool = True) -> str:
        final = f"{self.lhs} = {matrix_latex(self.result)}"
        if not steps:
            return final
        return render_steps(self.steps, final)

    def plain(self) -> str:
        """The result in NumPy notation (what the command line prints)."""
        return matrix_text(self.result)

    def to_numpy(self, **options: Any) -> MatrixFunction:  # type: ignore[override] # a matrix function
        """The NumPy function of the result (no option applies to matrix results)."""
        if options:
            raise TypeError(f"matrix results take no compile options, got {sorted(options)}")
        return MatrixFunction(self.result, self.wrt)


# --- input ---------------------------------------------------------------------------------------


def _coerce(expr: Any, wrt: Any, shapes: ShapesLike | None) -> tuple[Any, tuple[Step, ...], Any]:
    prior: tuple[Step, ...] = ()
    if isinstance(expr, str) and shapes is not None:
        f = parse_matrix(expr, shapes)
    else:
        f, prior = as_expr(expr, what="expr")
    if isinstance(f, sympy.MatrixBase):
        if f.shape != (1, 1):
            raise ValueError(f"expr must be scalar-valued, got a {f.shape[0]}x{f.shape[1]} matrix")
        f = f[0, 0]
    if not isinstance(f, sympy.Basic) or isinstance(f, dict):
        raise TypeError(f"expr must be an expression of MatrixSymbols, got {type(f).__name__}")
    mats = {m.name: m for m in f.atoms(sympy.MatrixSymbol)}
    scalars = {s.name: s for s in arguments(f) if not isinstance(s, sympy.MatrixSymbol)}
    if isinstance(wrt, str):
        name = wrt.strip()
        if name not in mats and not (name in scalars and mats):
            have = ", ".join(sorted(mats)) or "no matrix symbols"
            raise ValueError(f"wrt: {wrt!r} is not a matrix symbol of {f} (it has {have})")
        X = mats.get(name, scalars.get(name))
    elif isinstance(wrt, sympy.MatrixSymbol):
        X = wrt
        if X not in mats.values():
            raise ValueError(f"wrt: {X} does not occur in {f}")
    else:
        raise TypeError(f"wrt must be a MatrixSymbol or its name, got {wrt!r}")
    return f, prior, X


def _is_scalar(f: Any) -> bool:
    return not isinstance(f, MatrixExpr) or f.shape == (1, 1)


def _kind(f: Any, X: Any) -> str:
    if _is_scalar(f):
        return "gradient"
    if not isinstance(X, sympy.MatrixSymbol):
        raise NotSupportedError(f"the derivative of the matrix {f} by the scalar {X}")
    if 1 in f.shape and 1 in X.shape:
        return "jacobian"
    return "vec"


def _lhs(kind: str, X: Any, hessian: bool = False) -> str:
    x = matrix_latex(X)
    if hessian:
        if kind == "jacobian":
            return rf"\frac{{\partial^{{2}} f}}{{\partial {x}\, \partial {x}^{{T}}}}"
        return (
            rf"\frac{{\partial^{{2}} f}}{{\partial \operatorname{{vec}}({x})\, "
            rf"\partial \operatorname{{vec}}({x})^{{T}}}}"
        )
    return {
        "gradient": rf"\frac{{\partial f}}{{\partial {x}}}",
        "jacobian": rf"\frac{{\partial F}}{{\partial {x}}}",
        "vec": rf"\frac{{\partial \operatorname{{vec}} F}}{{\partial \operatorname{{vec}}({x})^{{T}}}}",
    }[kind]


# --- the engine ----------------------------------------------------------------------------------


def _matrix_form(node: Node, x: Var, f_shape: tuple[Any, Any], kind: str) -> Any:
    """The derivative of ``node`` by ``x`` in matrix notation, of the pairing ``kind``."""
    if kind == "gradient":
        g = to_matrix(gradient(node, x))
        shape = getattr(x.symbol, "shape", (1, 1))
        return transpose(g) if shape[0] == 1 and shape[1] != 1 else g
    t = tangent(node, x)
    if kind == "jacobian":
        return to_matrix(t)
    return to_vec(t, f_shape, x.symbol.shape)


def _checked_step(check: Checked) -> Step:
    sizes = ", ".join(f"{d}={k}" for d, k in check.sizes.items()) or "the given sizes"
    return Step(
        "checked",
        rf"\text{{element-wise against central differences at {check.points} random points "
        rf"(last at {sizes}): max error {check.max_error:.1e}}}",
    )


@dataclass(frozen=True)
class _Answer:
    result: Any
    steps: list[Step]
    check: Checked


def _engine(f: Any, X: Any, kind: str, rng: np.random.Generator) -> _Answer:
    node = from_sympy(f)
    x = Var(X)
    if id(x) not in depends_on(node, x):
        raise NotSupportedError(f"{X} was lost converting {f}")
    shape = f.shape if isinstance(f, MatrixExpr) else (1, 1)
    result = _matrix_form(node, x, shape, kind)
    check = check_candidate(f, X, result, kind, rng=rng)
    if not check.passed:
        raise NotSupportedError(
            f"the engine's {result} failed the check (error {check.max_error:.2g})"
        )
    steps = differential_steps(node, x)
    if kind == "gradient":
        steps += backward_steps(node, x)
    steps.append(identification(result, x, kind))
    return _Answer(result, steps, check)


def _engine_route(f: Any, X: Any, kind: str, rng: np.random.Generator) -> _Answer:
    try:
        return _engine(f, X, kind, rng)
    except NotSupportedError:
        raise
    except Exception as exc:  # a gap in the engine is a refusal, checked below
        raise NotSupportedError(f"the engine: {type(exc).__name__}: {exc}") from exc


#: The routes to an answer, tried in order (each a function of (f, X, kind, rng)).
ROUTES: tuple[Callable[[Any, Any, str, np.random.Generator], _Answer], ...] = (_engine_route,)


def _derivation(
    f: Any,
    X: Any,
    answer: _Answer,
    prior: tuple[Step, ...],
    lhs: str,
    operation: str,
    check_of: tuple[Any, str],
) -> MatrixDerivation:
    definition = Step("definition", f"f = {matrix_latex(f)}")
    steps = (*prior, definition, *answer.steps, _checked_step(answer.check))
    wrt = tuple(sorted(set(arguments(f)) | set(arguments(answer.result)), key=lambda s: s.name))
    of, kind = check_of
    check = functools.partial(check_result, f=of, wrt=X, kind=kind)
    return MatrixDerivation(answer.result, wrt, steps, lhs, operation=operation, check=check)


def matrix_derivative(
    expr: Any, wrt: Any, *, rng: RngLike = None, shapes: ShapesLike | None = None
) -> Derivation:
    r"""The derivative of a matrix expression with respect to one of its matrices, in
    matrix form.

    Args:
        expr: An expression of SymPy ``MatrixSymbol``\ s (see :func:`~symml.matrices`),
            matrix text with ``shapes=``, or a Derivation.
        wrt: The ``MatrixSymbol`` (or its name) to differentiate by.
        rng: Randomness of the numeric check (a Generator, an int seed or ``None``).
        shapes: With ``expr`` as text: the shape spec, as for :func:`~symml.parse`.

    Returns:
        A Derivation: for a scalar f, ∂f/∂X in X's shape (entry [i, j] = ∂f/∂X_ij); for a
        vector f and a vector x, the Jacobian (n×m, [i, j] = ∂f_i/∂x_j); otherwise
        ∂vec(F)/∂vec(X)ᵀ (column-major vec). Its steps are the differential df rule by
        rule, then the identification; it has passed the numeric check.

    Raises:
        ValueError: For a ``wrt`` that is not in ``expr``.
        NotSupportedError: When no answer passes the numeric check.

    Examples:
        >>> import symml as sm
        >>> X, w, y = sm.matrices("X:n,m w:m y:n")
        >>> f = sm.parse("sum(softplus(X @ w)) - y.T @ X @ w", shapes="X:n,m w:m y:n")
        >>> d = matrix_derivative(f, w, rng=0)
        >>> d.latex(steps=False)
        '\\frac{\\partial f}{\\partial w} = X^{T} \\left(\\sigma\\left(X w\\right) - y\\right)'
    """
    f, prior, X = _coerce(expr, wrt, shapes)
    generator = as_rng(rng)
    kind = _kind(f, X)
    tried: list[str] = []
    for route in ROUTES:
        try:
            answer = route(f, X, kind, generator)
        except NotSupportedError as why:
            tried.append(str(why))
            continue
        return _derivation(f, X, answer, prior, _lhs(kind, X), "matrix_derivative", (f, kind))
    if kind == "gradient":
        try:
            return fallback.matrix_derivative(f, X, rng=generator)
        except NotSupportedError as why:
            tried.append(str(why))
        except Exception as exc:  # the older route's crashes are refusals too
            tried.append(f"the older candidates: {type(exc).__name__}: {exc}")
    raise NotSupportedError(
        f"no derivative of {f} by {X} passed the numeric check ({'; '.join(tried)})"
    )


def matrix_hessian(
    expr: Any, wrt: Any, *, rng: RngLike = None, shapes: ShapesLike | None = None
) -> Derivation:
    r"""The Hessian of a scalar function of matrices, in matrix form: the Jacobian of its
    gradient.

    Args:
        expr: A scalar expression of ``MatrixSymbol``\ s (or matrix text with ``shapes=``).
        wrt: The ``MatrixSymbol`` (or its name).
        rng: Randomness of the numeric checks.
        shapes: With ``expr`` as text: the shape spec.

    Returns:
        A Derivation: the m×m Hessian for a vector ``wrt`` (m×1), ∂²f/∂vec(X)∂vec(X)ᵀ for
        a matrix. The gradient is checked against f, the Hessian against central
        differences of the gradient.

    Raises:
        ValueError: For a matrix-valued ``expr`` or a ``wrt`` not in it.
        NotSupportedError: When no answer passes the checks.

    Examples:
        >>> import symml as sm
        >>> H = matrix_hessian("sum(softplus(X @ w))", "w", shapes="X:n,m w:m", rng=0)
        >>> H.latex(steps=False)
        '\\frac{\\partial^{2} f}{\\partial w\\, \\partial w^{T}} = X^{T} \\operatorname{diag}\\left(\\sigma\\left(X w\\right) \\odot \\left(\\mathbf{1} - \\sigma\\left(X w\\right)\\right)\\right) X'
    """
    f, prior, X = _coerce(expr, wrt, shapes)
    if not _is_scalar(f):
        raise ValueError(f"matrix_hessian needs a scalar f, got {f} of shape {f.shape}")
    generator = as_rng(rng)
    try:
        first = _engine_route(f, X, "gradient", generator)
        g = first.result
        shape = getattr(X, "shape", (1, 1))
        g_col = transpose(g) if shape[0] == 1 and shape[1] != 1 else g
        kind = "gradient" if shape == (1, 1) else "jacobian" if 1 in shape else "vec"
        second = _engine_route(g_col, X, kind, generator)
    except NotSupportedError as why:
        raise NotSupportedError(
            f"no Hessian of {f} by {X} passed the numeric checks ({why})"
        ) from why
    gradient_step = Step("gradient (checked)", rf"{_lhs('gradient', X)} = {matrix_latex(g)}")
    answer = _Answer(second.result, [gradient_step, *second.steps], second.check)
    return _derivation(
        f, X, answer, prior, _lhs(kind, X, hessian=True), "matrix_hessian", (g_col, kind)
    )
