r"""Matrix calculus that never lies: derivatives of scalar functions of matrices.

:func:`matrix_derivative` differentiates a scalar expression of SymPy ``MatrixSymbol``\ s
(``x.T*A*x``, ``Trace(A*X)``, ``log(det(X))``...) with respect to one of them. The result
has the shape of that matrix, entry [i, j] = ∂f/∂X_ij (the numerator layout of The Matrix
Cookbook: d(xᵀAx)/dx = (A + Aᵀ)x, d tr(AX)/dX = Aᵀ).

SymPy 1.14 answers some of these wrongly and silently: a sum of traces or norms gives a zero
matrix (sympy/sympy#27406, #26585), ``log(det(X))`` gives zero. So every candidate answer is
checked element-wise against central differences of the function on random explicit
matrices (symbolic dimensions are given small distinct sizes) before it is returned. The
candidates are tried in order:

1. SymPy's own matrix derivative;
2. the sum, product and chain rules applied here (:data:`RULES`: a sum is differentiated
   term by term, ``log``, powers and ``det`` by their rules), with SymPy differentiating
   the terms;
3. the element-wise derivative of the explicit function (each entry ∂f/∂X_ij by ordinary
   calculus), then recognised as one of a table of closed forms (:data:`CLOSED_FORMS`);
   with concrete sizes and no closed form recognised, the explicit matrix itself.

If nothing passes the check, :class:`~symml.errors.NotSupportedError` is raised: a wrong
matrix is never returned.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr

from symml.checks import relative_error
from symml.dag import Differentiator
from symml.derivation import (
    Derivation,
    ExprLike,
    RngLike,
    Step,
    Verification,
    as_expr,
    as_rng,
    compiled,
    tex,
)
from symml.errors import NotSupportedError

__all__ = ["CLOSED_FORMS", "RULES", "check_matrix_derivative", "matrix_derivative"]

#: Sizes given to symbolic dimensions (in order of their names) for the numeric check;
#: distinct, so that a transposed or mis-shaped answer cannot pass.
CHECK_SIZES: tuple[int, ...] = (3, 4, 5, 6, 7, 2)
#: Points, relative tolerance and step of the element-wise central-difference check.
CHECK_POINTS = 3
CHECK_RTOL = 1e-6
CHECK_STEP = 1e-3


# --- the concrete, explicit version of a problem ------------------------------------------


def _explicit_matrix(e: Any) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(e.as_explicit() if isinstance(e, MatrixExpr) else e)


def _explicit_inverse(e: Any) -> sympy.ImmutableMatrix:
    M = _explicit_matrix(e.arg)
    return M.adjugate() / M.det(method="berkowitz")  # fast for small symbolic matrices


def _explicit_power(e: Any) -> Any:
    base, p = e.args
    if p.is_Integer and p < 0:
        M = _explicit_matrix(base)
        return (M.adjugate() / M.det(method="berkowitz")) ** int(-p)
    return e


#: How the explicit (entry-wise) form of a matrix function is computed, where SymPy's own
#: way is slow for symbolic entries (its Gaussian elimination simplifies as it goes).
EXPLICIT: dict[type, Callable[[Any], Any]] = {
    sympy.Inverse: _explicit_inverse,
    sympy.MatPow: _explicit_power,
    sympy.Determinant: lambda e: _explicit_matrix(e.arg).det(method="berkowitz"),
}


@dataclass(frozen=True)
class _Explicit:
    """A matrix problem at concrete sizes, with every matrix entry a real Symbol."""

    dims: dict[Any, int]  # symbolic dimension → size
    entries: dict[Any, sympy.ImmutableMatrix]  # concrete MatrixSymbol → matrix of Symbols
    scalars: tuple[sympy.Symbol, ...]  # free scalar symbols of f
    X: Any  # the concrete MatrixSymbol differentiated by
    f: sympy.Expr  # the explicit scalar function
    args: tuple[sympy.Symbol, ...]  # every entry symbol, then the scalars

    def concrete(self, e: Any) -> Any:
        return e.subs(self.dims) if self.dims else e

    def explicit(self, e: Any) -> Any:
        """``e`` (a matrix or scalar expression of the MatrixSymbols) in entry symbols."""
        out = self.concrete(e).xreplace(self.entries)
        out = out.replace(lambda n: type(n) in EXPLICIT, lambda n: EXPLICIT[type(n)](n))
        out = out.doit()
        if isinstance(out, MatrixExpr) and not isinstance(out, sympy.MatrixBase):
            out = out.as_explicit()
        if (
            isinstance(out, sympy.MatrixBase)
            and out.shape == (1, 1)
            and not (isinstance(e, MatrixExpr) and e.shape != (1, 1))
        ):
            return out[0, 0]
        return sympy.ImmutableMatrix(out) if isinstance(out, sympy.MatrixBase) else out

    def x_index(self) -> list[int]:
        """Positions in ``args`` of the entries of X, row-major."""
        pos = {s: k for k, s in enumerate(self.args)}
        return [pos[s] for s in self.entries[self.X]]


def _matrix_symbols(e: Any) -> list[Any]:
    return sorted(e.atoms(sympy.MatrixSymbol), key=lambda m: m.name)


def _dimension_symbols(mats: Sequence[Any]) -> list[sympy.Symbol]:
    dims = {d for m in mats for d in m.shape if not d.is_Integer}
    for d in dims:
        if not isinstance(d, sympy.Symbol):
            raise NotSupportedError(f"matrix dimension {d} is not a number or a symbol")
    return sorted(dims, key=lambda s: s.name)


def _setup(expr: Any, X: Any) -> _Explicit:
    mats = _matrix_symbols(expr)
    dim_symbols = _dimension_symbols(mats)
    if len(dim_symbols) > len(CHECK_SIZES):
        raise NotSupportedError(f"too many symbolic dimensions ({len(dim_symbols)}) to check")
    dims = dict(zip(dim_symbols, CHECK_SIZES, strict=False))
    entries: dict[Any, sympy.ImmutableMatrix] = {}
    for m in mats:
        mc = m.subs(dims) if dims else m
        rows, cols = (int(s) for s in mc.shape)
        entries[mc] = sympy.ImmutableMatrix(
            rows, cols, lambda i, j, name=m.name: sympy.Symbol(f"{name}[{i},{j}]", real=True)
        )
    scalars = tuple(
        sorted(
            (s for s in expr.free_symbols if isinstance(s, sympy.Symbol) and s not in dim_symbols),
            key=lambda s: s.name,
        )
    )
    args = tuple(s for m in entries.values() for s in m) + scalars
    partial = _Explicit(dims, entries, scalars, X.subs(dims) if dims else X, sympy.S.Zero, args)
    f = partial.explicit(expr)
    if isinstance(f, sympy.MatrixBase) or not isinstance(f, sympy.Expr):
        raise ValueError(f"f must be scalar-valued, got {expr} of shape {getattr(f, 'shape', '?')}")
    return _Explicit(dims, entries, scalars, partial.X, f, args)


def _random_values(ex: _Explicit, rng: np.random.Generator) -> np.ndarray:
    """A random point: square matrices near 3I (invertible, det > 0, not symmetric), other
    matrices and vectors standard normal, scalars in [0.5, 1.5]."""
    values: list[float] = []
    for m in ex.entries.values():
        r, c = m.shape
        block = rng.standard_normal((r, c)) * (0.5 if r == c else 0.8)
        if r == c:
            block += 3 * np.eye(r)
        values.extend(block.ravel())
    values.extend(rng.uniform(0.5, 1.5, size=len(ex.scalars)))
    return np.array(values)


# --- the element-wise numeric check -------------------------------------------------------


def _finite_difference_gradient(
    f: Callable[..., Any], point: np.ndarray, index: list[int]
) -> np.ndarray:
    """∂f/∂(point[k]) for k in ``index`` by central differences with one Richardson step."""
    m = len(index)
    steps = CHECK_STEP * np.maximum(1.0, np.abs(point[index]))
    P = np.tile(point, (4 * m, 1))
    for r, (k, h) in enumerate(zip(index, steps, strict=True)):
        P[4 * r, k] += h
        P[4 * r + 1, k] -= h
        P[4 * r + 2, k] += h / 2
        P[4 * r + 3, k] -= h / 2
    with np.errstate(all="ignore"):
        v = np.asarray(f(*P.T), dtype=float).reshape(m, 4)
    d1 = (v[:, 0] - v[:, 1]) / (2 * steps)
    d2 = (v[:, 2] - v[:, 3]) / steps
    return (4 * d2 - d1) / 3


def _numeric(e: Any, ex: _Explicit, point: np.ndarray) -> np.ndarray:
    """Evaluate a matrix expression of the MatrixSymbols at ``point`` (substituting numbers
    for the matrices, so SymPy does the matrix arithmetic numerically)."""
    k = 0
    values: dict[Any, Any] = {}
    for mc, m in ex.entries.items():
        values[mc] = sympy.ImmutableMatrix(
            m.shape[0], m.shape[1], [sympy.Float(v) for v in point[k : k + len(m)]]
        )
        k += len(m)
    values.update({s: sympy.Float(v) for s, v in zip(ex.scalars, point[k:], strict=True)})
    out = ex.concrete(e).xreplace(values).doit()
    if isinstance(out, MatrixExpr) and not isinstance(out, sympy.MatrixBase):
        out = out.as_explicit()
    if isinstance(out, sympy.MatrixBase):
        return np.array([[complex(v) for v in row] for row in out.tolist()])
    return np.array(complex(out))


@dataclass(frozen=True)
class _Check:
    passed: bool
    max_error: float
    points: int


def _check(
    candidate: Any,
    ex: _Explicit,
    rng: np.random.Generator,
    points: int,
    rtol: float,
    *,
    explicit: bool = False,
) -> _Check:
    """Compare ``candidate`` (a matrix expression of the MatrixSymbols, or with
    ``explicit`` a Matrix in entry symbols) with central differences of f, entry by entry."""
    shape = tuple(int(s) for s in ex.X.shape)
    cand_shape = (
        tuple(int(s) for s in ex.concrete(candidate).shape) if hasattr(candidate, "shape") else ()
    )
    if cand_shape != shape:
        return _Check(False, float("inf"), 0)
    f = compiled(ex.f, ex.args, cse=True)
    exact_fn = compiled(candidate, ex.args) if explicit else None
    index = ex.x_index()
    worst = 0.0
    checked = 0
    for _ in range(points * 10):
        point = _random_values(ex, rng)
        with np.errstate(all="ignore"):
            if not np.isfinite(f(*point)):
                continue
        numeric = _finite_difference_gradient(f, point, index).reshape(shape)
        try:
            exact = (
                np.asarray(exact_fn(*point)).reshape(shape)
                if exact_fn is not None
                else _numeric(candidate, ex, point).reshape(shape)
            )
        except Exception:  # a candidate SymPy cannot evaluate is no answer
            return _Check(False, float("inf"), checked)
        worst = max(worst, relative_error(exact, numeric))
        checked += 1
        if checked == points:
            break
    if checked == 0:
        raise NotSupportedError("found no random matrices where f is finite to check it at")
    return _Check(worst <= rtol, worst, checked)


# --- candidates: SymPy, the rules, the element-wise derivative ----------------------------


class _NoRule(Exception):
    """The rules do not apply to this expression."""


def _is_matrix(e: Any) -> bool:
    return isinstance(e, (MatrixExpr, sympy.MatrixBase))


def _sympy_derivative(e: Any, X: Any) -> Any:
    try:
        out = sympy.diff(e, X)
    except Exception as exc:  # SymPy raises many kinds here; all mean "no"
        raise _NoRule(f"SymPy: {type(exc).__name__}: {exc}") from exc
    if not _is_matrix(out) or out.shape != X.shape or out.has(sympy.Derivative):
        raise _NoRule(f"SymPy gave {type(out).__name__}")
    return out


def _rule_add(e: Any, X: Any) -> Any:
    return sympy.MatAdd(*[_by_rules(t, X) for t in e.args if t.has(X)])


def _rule_mul(e: Any, X: Any) -> Any:
    if isinstance(e, sympy.MatMul):
        raise _NoRule("a matrix product")
    const = [a for a in e.args if not a.has(X)]
    var = [a for a in e.args if a.has(X)]
    terms = []
    for k, a in enumerate(var):
        others = sympy.Mul(*const, *var[:k], *var[k + 1 :])
        terms.append(others * _by_rules(a, X))
    return sympy.MatAdd(*terms) if len(terms) > 1 else terms[0]


def _rule_pow(e: Any, X: Any) -> Any:
    base, p = e.args
    if p.has(X) or _is_matrix(base):
        raise _NoRule("a power with X in the exponent, or of a matrix")
    return (p * base ** (p - 1)) * _by_rules(base, X)


def _rule_log(e: Any, X: Any) -> Any:
    (u,) = e.args
    if _is_matrix(u):
        raise _NoRule("log of a matrix")
    return (1 / u) * _by_rules(u, X)


def _rule_exp(e: Any, X: Any) -> Any:
    (u,) = e.args
    if _is_matrix(u):
        raise _NoRule("exp of a matrix")
    return e * _by_rules(u, X)


def _rule_det(e: Any, X: Any) -> Any:
    if e.arg == X:  # Cookbook (49): ∂det(X)/∂X = det(X) X^{-T}
        return e * X.I.T
    return _sympy_derivative(e, X)


#: The rule for the outermost operation of a scalar expression, by its SymPy class; any
#: other class is differentiated by SymPy (and checked like everything else).
RULES: dict[type, Callable[[Any, Any], Any]] = {
    sympy.Add: _rule_add,
    sympy.MatAdd: _rule_add,
    sympy.Mul: _rule_mul,
    sympy.Pow: _rule_pow,
    sympy.log: _rule_log,
    sympy.exp: _rule_exp,
    sympy.Determinant: _rule_det,
}


def _by_rules(e: Any, X: Any) -> Any:
    if not e.has(X):
        return sympy.ZeroMatrix(*X.shape)
    rule = RULES.get(type(e))
    return rule(e, X) if rule is not None else _sympy_derivative(e, X)


def _elementwise(ex: _Explicit) -> sympy.ImmutableMatrix:
    """∂f/∂X_ij for every entry, by ordinary differentiation of the explicit function."""
    D = Differentiator()
    E = ex.entries[ex.X]
    return sympy.ImmutableMatrix(E.shape[0], E.shape[1], [D.d(ex.f, s) for s in E])


def _sigmoid(u: Any) -> Any:
    return 1 / (1 + sympy.exp(-u))


_U = sympy.Dummy("u")
_SIGMOID = sympy.Lambda(_U, _sigmoid(_U))


def _shaped(mats: Sequence[Any], shape: tuple[Any, Any]) -> list[Any]:
    return [m for m in mats if m.shape == shape]


def _closed_inverse(X: Any, others: Sequence[Any]) -> list[Any]:
    if X.shape[0] != X.shape[1]:
        return []
    vectors = [m for m in others if m.shape[1] == 1 and m.shape[0] == X.shape[0]]
    out = [X.I.T, sympy.Determinant(X) * X.I.T]
    return out + [-X.I.T * a * b.T * X.I.T for a, b in itertools.product(vectors, repeat=2)]


def _closed_linear(X: Any, others: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for M in others:
        if M.shape == X.shape:
            out += [M, 2 * M]
        if M.T.shape == X.shape:
            out += [M.T]
        if M.shape[0] == M.shape[1] == X.shape[0]:
            out += [(M + M.T) * X, 2 * M * X, M * X + M.T * X]
    return out


def _closed_logistic(X: Any, others: Sequence[Any]) -> list[Any]:
    out = []
    for Z in others:
        if Z.shape[1] != X.shape[0] or X.shape[1] != 1:
            continue
        for y in _shaped(others, (Z.shape[0], 1)):
            out.append(Z.T * ((Z * X).applyfunc(_SIGMOID) - y))
    return out


#: Closed forms an element-wise derivative is compared with, each a function of the
#: matrix X and the other MatrixSymbols giving candidate derivatives (Matrix Cookbook:
#: (57) ∂ log det X = X^{-T}, (49) ∂ det X = det X X^{-T}, (61) ∂ aᵀX⁻¹b = −X^{-T}abᵀX^{-T},
#: linear and quadratic forms, and the logistic-regression gradient Zᵀ(σ(Zw) − y)).
CLOSED_FORMS: dict[str, Callable[[Any, Sequence[Any]], list[Any]]] = {
    "inverse and determinant": _closed_inverse,
    "linear and quadratic": _closed_linear,
    "logistic regression": _closed_logistic,
}


# --- notation -----------------------------------------------------------------------------


def _factors(term: Any) -> list[Any]:
    return list(term.args) if isinstance(term, sympy.MatMul) else [term]


def _factor_out(e: Any) -> Any:
    """``A x + Aᵀ x`` → ``(A + Aᵀ) x`` (a common last or first factor of a sum's terms)."""
    if not isinstance(e, sympy.MatAdd) or len(e.args) < 2:
        return e
    terms = [_factors(t) for t in e.args]
    if all(len(t) > 1 for t in terms) and len({t[-1] for t in terms}) == 1:
        return sympy.MatMul(sympy.MatAdd(*[sympy.MatMul(*t[:-1]) for t in terms]), terms[0][-1])
    if (
        all(len(t) > 1 for t in terms)
        and len({t[0] for t in terms}) == 1
        and _is_matrix(terms[0][0])
    ):
        return sympy.MatMul(terms[0][0], sympy.MatAdd(*[sympy.MatMul(*t[1:]) for t in terms]))
    return e


_INV_T = re.compile(r"\\left\(([A-Za-z][A-Za-z0-9_]*)\^\{T\}\\right\)\^\{-1\}")


def _tex(e: Any) -> str:
    r"""LaTeX with ``X^{-T}`` for :math:`(X^T)^{-1}`."""
    return _INV_T.sub(r"\1^{-T}", tex(e))


# --- the operation ------------------------------------------------------------------------


def _coerce(expr: Any, wrt: Any) -> tuple[Any, tuple[Step, ...], Any]:
    f, prior = as_expr(expr, what="expr")
    if isinstance(f, sympy.MatrixBase):
        if f.shape != (1, 1):
            raise ValueError(f"expr must be scalar-valued, got a {f.shape[0]}x{f.shape[1]} matrix")
        f = f[0, 0]
    if isinstance(f, MatrixExpr) and f.shape != (1, 1):
        raise ValueError(f"expr must be scalar-valued (1x1), got {f} of shape {f.shape}")
    if not isinstance(f, sympy.Basic) or isinstance(f, dict):
        raise TypeError(f"expr must be an expression of MatrixSymbols, got {type(f).__name__}")
    mats = {m.name: m for m in _matrix_symbols(f)}
    if isinstance(wrt, str):
        if wrt.strip() not in mats:
            have = ", ".join(sorted(mats)) or "no matrix symbols"
            raise ValueError(f"wrt: {wrt!r} is not a matrix symbol of {f} (it has {have})")
        X = mats[wrt.strip()]
    elif isinstance(wrt, sympy.MatrixSymbol):
        X = wrt
        if X not in mats.values():
            raise ValueError(f"wrt: {X} does not occur in {f}")
    else:
        raise TypeError(f"wrt must be a MatrixSymbol or its name, got {wrt!r}")
    return f, prior, X


def _candidates(f: Any, X: Any) -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("SymPy matrix derivative", lambda: _sympy_derivative(f, X)),
        ("sum, product and chain rules", lambda: _by_rules(f, X)),
    ]


def matrix_derivative(
    expr: ExprLike, wrt: sympy.MatrixSymbol | str, *, rng: RngLike = None
) -> Derivation:
    r"""The derivative of a scalar function of matrices with respect to one matrix.

    Args:
        expr: A scalar (or 1×1) expression of SymPy ``MatrixSymbol``\ s, or a Derivation.
        wrt: The ``MatrixSymbol`` (or its name) to differentiate by.
        rng: Randomness of the numeric check (a Generator, an int seed or ``None``).

    Returns:
        A Derivation whose result has ``wrt``'s shape, entry [i, j] = ∂f/∂X_ij, in matrix
        notation where one is found, with the step that found it and the check it passed.

    Raises:
        ValueError: For a matrix-valued ``expr`` or a ``wrt`` that is not in it.
        NotSupportedError: When no answer passes the element-wise numeric check.

    Examples:
        >>> x, a = sympy.MatrixSymbol("x", 3, 1), sympy.MatrixSymbol("a", 3, 1)
        >>> A = sympy.MatrixSymbol("A", 3, 3)
        >>> d = matrix_derivative(x.T * A * x, x, rng=0)
        >>> d.result
        (A + A.T)*x
        >>> d.steps[-2].latex
        '\\frac{\\partial f}{\\partial x} = \\left(A + A^{T}\\right) x'
        >>> X = sympy.MatrixSymbol("X", 3, 3)
        >>> matrix_derivative(sympy.log(sympy.det(X)), X, rng=0).result
        X.T**(-1)
    """
    f, prior, X = _coerce(expr, wrt)
    generator = as_rng(rng)
    ex = _setup(f, X)
    lhs = rf"\frac{{\partial f}}{{\partial {tex(X)}}}"
    steps = [*prior, Step.equation("definition", f"f({tex(X)})", _tex(f))]
    tried: list[str] = []
    for title, build in _candidates(f, X):
        try:
            raw = build()
        except _NoRule as why:
            tried.append(f"{title}: {why}")
            continue
        shown = _factor_out(raw)
        check = _check(shown, ex, generator, CHECK_POINTS, CHECK_RTOL)
        if check.passed:
            return _result(
                f, X, shown, [*steps, Step.equation(title, lhs, _tex(shown))], lhs, check, ex
            )
        tried.append(f"{title} gave {raw}, which failed the check (error {check.max_error:.2g})")
    return _elementwise_result(f, X, ex, generator, steps, lhs, tried)


def _elementwise_result(
    f: Any,
    X: Any,
    ex: _Explicit,
    rng: np.random.Generator,
    steps: list[Step],
    lhs: str,
    tried: list[str],
) -> Derivation:
    G = _elementwise(ex)
    check = _check(G, ex, rng, CHECK_POINTS, CHECK_RTOL, explicit=True)
    if not check.passed:
        raise NotSupportedError(
            f"no derivative of {f} by {X} passed the numeric check ({'; '.join(tried)})"
        )
    steps = [
        *steps,
        Step(
            "element-wise derivative",
            rf"{lhs}_{{ij}} = \frac{{\partial f}}{{\partial {tex(X)}_{{ij}}}}"
            rf"\ \text{{(each entry by ordinary calculus)}}",
        ),
    ]
    others = [m for m in _matrix_symbols(f) if m != X]
    for name, forms in CLOSED_FORMS.items():
        for candidate in forms(X, others):
            c = _check(candidate, ex, rng, CHECK_POINTS, CHECK_RTOL)
            if c.passed:
                return _result(
                    f,
                    X,
                    candidate,
                    [
                        *steps,
                        Step.equation(f"recognised closed form ({name})", lhs, _tex(candidate)),
                    ],
                    lhs,
                    c,
                    ex,
                )
    if ex.dims:
        raise NotSupportedError(
            f"the derivative of {f} by {X} has no recognised closed form and its size is symbolic"
        )
    back = {
        s: X[i, j] for (i, j), s in np.ndenumerate(np.array(ex.entries[X].tolist(), dtype=object))
    }
    result = G.xreplace(back)
    return _result(
        f, X, result, [*steps, Step.equation("explicit matrix", lhs, result)], lhs, check, ex
    )


def _result(
    f: Any, X: Any, result: Any, steps: list[Step], lhs: str, check: _Check, ex: _Explicit
) -> Derivation:
    rows, cols = (int(s) for s in ex.X.shape)
    steps.append(
        Step(
            "checked",
            rf"\text{{element-wise against central differences at "
            rf"{check.points} random points, }} {tex(X)} \in "
            rf"\mathbb{{R}}^{{{rows} \times {cols}}}\text{{: max error "
            rf"{check.max_error:.1e}}}",
        )
    )
    return Derivation(
        result,
        (X,),
        tuple(steps),
        lhs,
        operation="matrix_derivative",
        check=partial(_check_matrix_derivative, f=f, X=X),
    )


def _check_matrix_derivative(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Basic,
    X: sympy.MatrixSymbol,
) -> Verification:
    """The check a matrix derivative carries: :func:`check_matrix_derivative`."""
    return check_matrix_derivative(f, X, d.result, points=points, rng=rng, rtol=rtol)


def check_matrix_derivative(
    f: sympy.Basic,
    X: sympy.MatrixSymbol,
    result: sympy.Basic,
    *,
    points: int = CHECK_POINTS,
    rng: RngLike = None,
    rtol: float = CHECK_RTOL,
) -> Verification:
    """Check a derivative of ``f`` by the MatrixSymbol ``X`` element-wise against central
    differences on random explicit matrices (what ``Derivation.verify()`` runs).

    Examples:
        >>> X, A = sympy.MatrixSymbol("X", 2, 2), sympy.MatrixSymbol("A", 2, 2)
        >>> bool(check_matrix_derivative(sympy.Trace(A * X), X, A.T, rng=0))
        True
        >>> bool(check_matrix_derivative(sympy.Trace(A * X), X, A, rng=0))
        False
    """
    ex = _setup(f, X)
    explicit = isinstance(result, sympy.MatrixBase)
    candidate = result
    if explicit:  # entries in X[i, j]: rewrite in the entry symbols
        elements = {
            m[i, j]: ex.entries[ex.concrete(m)][i, j]
            for m in _matrix_symbols(f)
            for i in range(int(ex.concrete(m).shape[0]))
            for j in range(int(ex.concrete(m).shape[1]))
        }
        candidate = sympy.ImmutableMatrix(result).xreplace(elements)
    c = _check(candidate, ex, as_rng(rng), points, rtol, explicit=explicit)
    return Verification(
        passed=c.passed,
        max_error=c.max_error,
        method="element-wise central differences",
        points=c.points,
        details=f"∂f/∂{X} against central differences on random matrices",
    )
