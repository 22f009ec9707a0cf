"""Maximum-likelihood estimators in closed form, for an i.i.d. sample ``x[i], i = 1..n``.

:func:`mle` writes the log-likelihood of a density (an expression, or a random variable
with symbolic parameters), differentiates it into the score equations and solves them
under the time limit; the :class:`MLE` it returns compiles the estimators into a function
of the data (:meth:`MLE.to_numpy`) and checks them against a numeric maximisation of the
likelihood (:meth:`MLE.verify`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike
from sympy.stats.rv import RandomSymbol

from symml.checks import check_options
from symml.config import config
from symml.deadline import Deadline
from symml.derivation import (
    ExprLike,
    Result,
    RngLike,
    Step,
    Verification,
    WrtLike,
    as_expr,
    as_rng,
    as_wrt,
    compiled,
    render_steps,
    sorted_symbols,
    tex,
)
from symml.errors import DerivationTimeout, NoClosedFormError, NotSupportedError
from symml.parsing import parse
from symml.probability.draws import sampler
from symml.probability.variables import density, kind, log_pmf

__all__ = ["MLE", "mle"]

#: The smallest relative tolerance :meth:`MLE.verify` uses by default: the accuracy of its
#: numeric maximisation (Nelder-Mead).
MLE_RTOL = 1e-4
#: Draws of the sample :meth:`MLE.verify` simulates when it is given no data.
SIMULATED_SIZE = 500

#: Densities (as expressions in x) of families whose SymPy pmf is a table.
_TABLE_DENSITIES: dict[str, Callable[[Any, sympy.Symbol], sympy.Expr]] = {
    "BernoulliDistribution": lambda d, x: d.p**x * (1 - d.p) ** (1 - x),
    "BinomialDistribution": lambda d, x: (
        sympy.factorial(d.n)
        / (sympy.factorial(x) * sympy.factorial(d.n - x))
        * d.p**x
        * (1 - d.p) ** (d.n - x)
    ),
}


@dataclass(frozen=True)
class MLE(Result):
    r"""Maximum-likelihood estimators of an i.i.d. sample ``x[i], i = 1..n``.

    Attributes:
        estimators: Parameter → closed form over the sample (``Sum``s of ``x[i]``) and ``n``.
        loglik: The log-likelihood ``Σ log f(x[i]; θ)``.
        scores: The score equations' left-hand sides ∂ℓ/∂θ, one per parameter.
        steps: The derivation lines.
        sample: The ``IndexedBase`` of the sample; ``index`` and ``n`` its index and size.
        density: The density f(x; θ) in ``variable``; ``params`` the parameters.
        family: The random variable the density came from (``None`` for a plain density).
    """

    estimators: Mapping[sympy.Symbol, sympy.Expr]
    loglik: sympy.Expr
    scores: tuple[sympy.Expr, ...]
    steps: tuple[Step, ...]
    sample: sympy.IndexedBase
    index: sympy.Symbol
    n: sympy.Symbol
    density: sympy.Expr
    variable: sympy.Symbol
    params: tuple[sympy.Symbol, ...]
    family: RandomSymbol | None = field(default=None, compare=False)

    def latex(self, *, steps: bool = True) -> str:
        """LaTeX of the estimators (with the derivation's steps when ``steps``)."""
        final = _estimators_latex(self.estimators)
        return render_steps(self.steps, final) if steps else final

    def plain(self) -> str:
        """One line ``param = estimator`` per parameter."""
        return "\n".join(f"{p} = {e}" for p, e in self.estimators.items())

    @property
    def result(self) -> dict[sympy.Symbol, sympy.Expr]:
        return dict(self.estimators)

    def to_numpy(self) -> Callable[[ArrayLike], dict[str, float]]:
        """A callable data (1-d array) → {parameter name: estimate}.

        Examples:
            >>> mu, s = sympy.symbols("mu sigma", positive=True)
            >>> x = sympy.Symbol("x", real=True)
            >>> density = sympy.exp(-(x - mu)**2 / (2*s**2)) / sympy.sqrt(2*sympy.pi*s**2)
            >>> fit = mle(density, x, [mu, s]).to_numpy()
            >>> {k: round(v, 12) for k, v in fit([1.0, 2.0, 3.0]).items()}
            {'mu': 2.0, 'sigma': 0.816496580928}
        """
        sums = sorted(
            {s for e in self.estimators.values() for s in e.atoms(sympy.Sum)},
            key=sympy.default_sort_key,
        )
        t = sympy.Symbol("t_", real=True)
        functions = [s.function.xreplace({self.sample[self.index]: t}) for s in sums]
        # Σ p(x[i]) for a polynomial p is rewritten in the centred sums T_j = Σ (x[i] − m)^j,
        # m the sample mean (a second pass), and the estimator expanded: n Σx² − (Σx)²
        # becomes n T_2 − T_1², free of the cancellation that loses every digit at mean 1e8
        shift = sympy.Dummy("m")
        degree = max([sympy.degree(f, t) for f in functions if f.is_polynomial(t)], default=0)
        centred = tuple(sympy.Dummy(f"T{j}") for j in range(degree + 1))
        others = [f for f in functions if not f.is_polynomial(t)]
        slots = tuple(sympy.Dummy(f"s{j}") for j in range(len(others)))
        replace: dict[sympy.Expr, sympy.Expr] = {}
        for total, f in zip(sums, functions, strict=True):
            if f.is_polynomial(t):
                poly = sympy.Poly(sympy.expand(f.subs(t, t + shift)), t)
                replace[total] = sum(
                    (coeff * centred[j] for (j,), coeff in poly.terms()), sympy.S.Zero
                )
            else:
                replace[total] = slots[others.index(f)]
        terms = [compiled(f, (t,)) for f in others]
        closed_forms = {
            str(p): compiled(
                sympy.expand(e.xreplace(replace).subs(centred[0], self.n)),
                (*slots, *centred[1:], self.n, shift),
            )
            for p, e in self.estimators.items()
        }

        def estimate(data: ArrayLike) -> dict[str, float]:
            arr = np.asarray(data, dtype=float).ravel()
            if arr.size == 0:
                raise ValueError("mle: the data are empty")
            values = [float(np.sum(np.asarray(f(arr)) * np.ones_like(arr))) for f in terms]
            m = float(arr.mean()) if degree else 0.0
            c = arr - m
            powers = [float(np.sum(c**j)) for j in range(1, degree + 1)]
            return {
                name: float(fn(*values, *powers, float(arr.size), m))
                for name, fn in closed_forms.items()
            }

        return estimate

    def verify(  # type: ignore[override]  # checked against a sample, not at random points
        self,
        data: ArrayLike | None = None,
        *,
        truth: Mapping[sympy.Symbol | str, float] | None = None,
        size: int = SIMULATED_SIZE,
        rng: RngLike = None,
        rtol: float | None = None,
    ) -> Verification:
        """Compare the closed forms with a numeric maximisation of the likelihood.

        An MLE is checked against a sample rather than at random points, so its ``verify``
        takes the sample (or what to simulate it from) instead of the ``points`` of
        :meth:`symml.derivation.Result.verify`; ``rng`` and ``rtol`` follow the same
        conventions (:func:`~symml.derivation.as_rng`,
        :func:`~symml.checks.check_options`).

        Args:
            data: A sample; by default ``size`` draws simulated from ``family`` at ``truth``.
            truth: Parameter values for the simulation (default 0.4 each).
            size: Sample size of the simulation.
            rng: Generator or seed of the simulation.
            rtol: Relative tolerance of the comparison (``None``: ``config.verify_rtol``,
                but at least :data:`MLE_RTOL`, what the numeric maximisation achieves).

        Raises:
            ValueError: Without ``data`` for a density given as an expression (nothing to
                simulate from), or for ``rtol <= 0``.
        """
        from scipy.optimize import minimize  # scipy.optimize is heavy: on first use

        _, tol = check_options(None, max(config.verify_rtol, MLE_RTOL) if rtol is None else rtol)
        truth_values = {p: float(_lookup(truth, p, 0.4)) for p in self.params}
        if data is None:
            if self.family is None:
                raise ValueError(
                    "mle.verify: give data= (the density came without a family to simulate from)"
                )
            rv = self.family.subs({p: sympy.Float(v) for p, v in truth_values.items()})
            data = sampler(rv)(size, rng=as_rng(rng))
        arr = np.asarray(data, dtype=float).ravel()
        closed = self.to_numpy()(arr)
        logf = compiled(log_pmf(self.density), (self.variable, *self.params))

        def nll(theta: Any) -> float:
            with np.errstate(all="ignore"):
                v = -float(np.sum(np.asarray(logf(arr, *theta)) * np.ones_like(arr)))
            return v if np.isfinite(v) else 1e300

        start = np.array([truth_values[p] for p in self.params])
        start = np.where(start == 0, 0.1, start * 1.1)
        best = minimize(
            nll,
            start,
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000, "maxfev": 40000},
        )
        numeric = dict(zip((str(p) for p in self.params), best.x, strict=True))
        worst = max(abs(closed[k] - numeric[k]) / max(1e-12, abs(numeric[k])) for k in closed)
        return Verification(
            passed=bool(worst <= tol),
            max_error=float(worst),
            method="numeric maximisation (Nelder-Mead)",
            points=int(arr.size),
            details=f"closed form {closed} against numeric {numeric}",
        )


def _lookup(
    table: Mapping[sympy.Symbol | str, float] | None, p: sympy.Symbol, default: float
) -> float:
    if not table:
        return default
    return table.get(p, table.get(str(p), default))


def _density_of(
    given: ExprLike | RandomSymbol, x: sympy.Symbol | str | None
) -> tuple[sympy.Expr, sympy.Symbol, RandomSymbol | None]:
    """(density, its variable, the random variable it came from or ``None``)."""
    if isinstance(given, RandomSymbol):
        var = sympy.Symbol(str(x) if x is not None else given.name.lower(), real=True)
        dist = given.pspace.distribution
        maker = _TABLE_DENSITIES.get(type(dist).__name__)
        if maker is None and kind(given) == "finite":
            raise NotSupportedError(
                f"mle: {type(dist).__name__.removesuffix('Distribution')} is given by a table "
                f"of probabilities, not a density in x; supported tables: "
                f"{', '.join(k.removesuffix('Distribution') for k in _TABLE_DENSITIES)} (or "
                f"pass the pmf as an expression in x)"
            )
        if maker is not None and (getattr(dist, "succ", 1) != 1 or getattr(dist, "fail", 0) != 0):
            raise NotSupportedError(
                f"mle: {given} counts successes as {dist.succ} and "
                f"failures as {dist.fail}; only 1 and 0 are supported"
            )
        return (maker(dist, var) if maker else density(given, var)), var, given
    if x is None:
        raise ValueError("mle: give the variable x of the density")
    var = sympy.Symbol(x, real=True) if isinstance(x, str) else x
    f = parse(given, [var]) if isinstance(given, str) else as_expr(given, what="density")[0]
    own = {s.name: s for s in f.free_symbols}
    return f, own.get(var.name, var), None


def _sum_over(term: sympy.Expr, i: sympy.Symbol, n: sympy.Symbol) -> sympy.Expr:
    """Σ_{i=1}^{n} term, with factors free of i pulled out of the sum."""
    out = sympy.S.Zero
    for t in sympy.Add.make_args(sympy.expand(term)):
        const, dep = t.as_independent(i, as_Add=False)
        out += const * (n if dep == 1 else sympy.Sum(dep, (i, 1, n)))
    return out


def _solve_scores(
    eqs: list[sympy.Expr], params: tuple[sympy.Symbol, ...]
) -> list[dict[sympy.Symbol, sympy.Expr]]:
    sums = sorted({s for e in eqs for s in e.atoms(sympy.Sum)}, key=sympy.default_sort_key)
    slots = {s: sympy.Symbol(f"S_{j}", positive=True) for j, s in enumerate(sums)}
    back = {v: k for k, v in slots.items()}
    plain = [sympy.together(e.xreplace(slots)) for e in eqs]
    numerators = [sympy.numer(e) for e in plain]
    found = sympy.solve(numerators, list(params), dict=True)
    return [{p: sympy.simplify(v).xreplace(back) for p, v in sol.items()} for sol in found]


def mle(
    density: ExprLike | RandomSymbol,
    x: sympy.Symbol | str | None = None,
    params: WrtLike = None,
    timeout: float | None = None,
) -> MLE:
    r"""Maximum-likelihood estimators for an i.i.d. sample ``x[i], i = 1..n``.

    Args:
        density: f(x; θ) as an expression (or str) in ``x``, or a random variable with
            symbolic parameters (``Normal("X", mu, sigma)``).
        x: The variable of the density; it names the sample ``x[i]``.
        params: The parameters to estimate (Symbols or names; default all but ``x``).
        timeout: Seconds ``solve`` may take (``None``: ``config.timeout``;
            :data:`~symml.config.NO_LIMIT`: no limit).

    Returns:
        An :class:`MLE`: log-likelihood, score equations and their solution.

    Raises:
        NoClosedFormError: When the score equations have no closed-form solution.

    Examples:
        >>> from symml.probability import Exponential
        >>> lam = sympy.Symbol("lamda", positive=True)
        >>> fit = mle(Exponential("X", lam), "x")
        >>> fit.estimators
        {lamda: n/Sum(x[i], (i, 1, n))}
    """
    f, var, family = _density_of(density, x)
    if params is None:
        chosen = sorted_symbols(f.free_symbols - {var})
    else:
        chosen = as_wrt(params, f, strict=True)
    if not chosen:
        raise ValueError(f"mle: the density {f} has no parameter to estimate")
    deadline = Deadline(timeout)
    sample = sympy.IndexedBase(var.name)
    i = sympy.Symbol("i", integer=True, positive=True)
    n = sympy.Symbol("n", integer=True, positive=True)
    term = sympy.expand_log(sympy.log(f.xreplace({var: sample[i]})), force=True)
    loglik = sympy.Sum(term, (i, 1, n))
    scores = tuple(_sum_over(sympy.diff(term, p), i, n) for p in chosen)
    steps = [
        Step.equation("density", rf"f({tex(var)}; {tex(tuple(chosen))})", f),
        Step.equation("log-likelihood", rf"\ell({tex(tuple(chosen))})", loglik),
    ]
    steps += [
        Step(
            f"score equation in {p}",
            rf"\frac{{\partial \ell}}{{\partial {tex(p)}}} = "
            rf"{tex(s)} = 0",
        )
        for p, s in zip(chosen, scores, strict=True)
    ]
    try:
        solutions = deadline.run(
            _solve_scores, list(scores), chosen, what=f"the score equations of {f}"
        )
    except DerivationTimeout:
        raise
    except (NotImplementedError, ValueError, TypeError) as exc:
        raise NoClosedFormError(
            f"mle: the score equations of {f} could not be solved: {exc}"
        ) from exc
    complete = [s for s in solutions if set(s) >= set(chosen)]
    if not complete:
        raise NoClosedFormError(
            f"mle: the score equations of {f} have no closed-form solution "
            f"in {', '.join(map(str, chosen))}"
        )
    estimators = {p: complete[0][p] for p in chosen}
    steps.append(Step("solve the score equations", _estimators_latex(estimators)))
    return MLE(
        estimators, loglik, scores, tuple(steps), sample, i, n, f, var, tuple(chosen), family
    )


def _estimators_latex(estimators: Mapping[sympy.Symbol, sympy.Expr]) -> str:
    r"""``\hat{p} = e`` for each parameter, on one line."""
    return r",\quad ".join(rf"\hat{{{tex(p)}}} = {tex(e)}" for p, e in estimators.items())
