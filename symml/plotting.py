r"""Pictures that explain the maths: functions and their derivatives, contours with an
optimization path, densities against samples, what a 2×2 matrix does to the unit circle,
and how an optimizer converged.

Matplotlib is imported inside the functions only (``import symml`` stays light). Each
function draws into ``ax`` (a new figure's Axes when ``None``), returns the Axes and never
calls ``show()``. Labels are the LaTeX of the expressions, rendered by matplotlib's
mathtext; mathtext knows a subset of LaTeX, so labels are sanitised (:data:`MATHTEXT_FIXES`)
and fall back to plain text when mathtext still cannot render them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import sympy
import sympy.stats as st
from numpy.typing import ArrayLike
from sympy.stats.rv import is_random

from symml.calculus import derivative
from symml.compile import to_numpy
from symml.deadline import Deadline
from symml.derivation import (
    ExprLike,
    WrtLike,
    as_expr,
    as_matrix,
    as_wrt,
    counted,
    free_symbols,
    tex,
)
from symml.errors import DerivationTimeout
from symml.linalg import eig
from symml.optimize import OptimizeResult

if TYPE_CHECKING:  # matplotlib is imported inside the functions (import symml stays light)
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D

__all__ = ["plot_contour", "plot_convergence", "plot_density", "plot_eigen", "plot_function"]

#: A plotted interval ``(low, high)``.
Limits: TypeAlias = "Sequence[float]"
#: Optimization paths to draw: an ``OptimizeResult``, an array of points, or a list of these.
Paths: TypeAlias = "OptimizeResult | np.ndarray | Sequence[OptimizeResult | np.ndarray] | None"

#: LaTeX that mathtext does not know, and what to write instead (regex, replacement).
MATHTEXT_FIXES: tuple[tuple[str, str], ...] = (
    (r"\\(?:left|right)\.", ""),  # null delimiters \left. \right.
    (r"\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])", ""),
    (r"\\displaystyle(?![A-Za-z])", ""),
    (r"\\operatorname\{", r"\\mathrm{"),
    (r"\\text\{", r"\\mathrm{"),
    (r"\\limits(?![A-Za-z])", ""),
)
#: Longest LaTeX put into a label before it is shortened to plain text.
MAX_LABEL_LATEX = 160
#: Grid sizes.
CURVE_POINTS = 400
GRID_POINTS = 200
#: Colours of optimization paths on a contour plot: they contrast with the viridis levels.
PATH_COLORS = ("tab:red", "tab:orange", "magenta", "black", "tab:brown")
#: Most markers drawn along one path (a 20 000-step path is drawn as a line with this many).
MAX_MARKERS = 40


# --- labels ------------------------------------------------------------------------------


def mathtext(latex: str) -> str | None:
    r"""``$latex$`` sanitised for mathtext, or ``None`` when mathtext cannot render it.

    Examples:
        >>> mathtext(r"\sin{\left(x \right)} + \frac{x}{2}")
        '$\\sin{(x )} + \\frac{x}{2}$'
        >>> mathtext(r"\begin{matrix}1\end{matrix}") is None
        True
    """
    from matplotlib.mathtext import MathTextParser

    s = latex
    for pattern, replacement in MATHTEXT_FIXES:
        s = re.sub(pattern, replacement, s)
    s = f"${s.strip()}$"
    try:
        MathTextParser("path").parse(s)
    except (ValueError, RuntimeError, KeyError):
        return None
    return s


def label(latex: str, plain: str) -> str:
    """A mathtext label from LaTeX, or ``plain`` when it is too long or cannot render.

    Examples:
        >>> label(r"x^{2}", "x**2")
        '$x^{2}$'
        >>> label(r"\\begin{matrix}1\\end{matrix}", "[1]")
        '[1]'
    """
    if len(latex) > MAX_LABEL_LATEX:
        return plain if len(plain) <= MAX_LABEL_LATEX else plain[: MAX_LABEL_LATEX - 1] + "…"
    return mathtext(latex) or plain


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    return ax


# --- inputs ------------------------------------------------------------------------------


def _function(f: ExprLike, wrt: WrtLike, count: int) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    expr, _ = as_expr(f, what="f")
    if isinstance(expr, sympy.MatrixBase) and expr.shape == (1, 1):
        expr = expr[0, 0]
    if not isinstance(expr, sympy.Expr) or isinstance(expr, sympy.MatrixBase):
        raise ValueError(f"f must be a scalar expression, got {expr!r}")
    if wrt is None and hasattr(f, "wrt") and len(f.wrt) == count:
        wrt = f.wrt
    variables = as_wrt(wrt, expr, strict=True)
    if len(variables) != count:
        names = ", ".join(s.name for s in variables) or "none"
        raise ValueError(
            f"f must be a function of {count} variable(s) here; it has "
            f"{len(variables)} ({names}){'' if wrt is not None else '; give wrt'}"
        )
    extra = free_symbols(expr) - set(variables)
    if extra:
        raise ValueError(
            f"f has free symbols {', '.join(sorted(s.name for s in extra))} "
            f"besides {', '.join(s.name for s in variables)}; substitute values first"
        )
    return expr, variables


def _limits(lim: Limits, what: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a pair (low, high) of numbers, got {lim!r}") from exc
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{what} must be finite with low < high, got {lim!r}")
    return lo, hi


def _real(values: ArrayLike, shape: tuple[int, ...]) -> np.ndarray:
    """Real float values broadcast to ``shape``; complex values with an imaginary part are
    dropped (NaN: a gap in the curve)."""
    v = np.broadcast_to(np.asarray(values), shape)
    if np.iscomplexobj(v):
        v = np.where(np.abs(v.imag) <= 1e-12 * np.maximum(1, np.abs(v.real)), v.real, np.nan)
    return np.asarray(v, dtype=np.float64)


def _paths(path: Paths) -> list[tuple[np.ndarray, str]]:
    """One or several optimization paths: an OptimizeResult, an array, or a list of them."""
    if path is None:
        return []
    items: list[object] = [path]
    several = False
    if isinstance(path, (list, tuple)) and path and all(_is_path(p) for p in path):
        items, several = list(path), True
    out = []
    for i, p in enumerate(items):
        name = getattr(p, "method", None) or (f"path {i + 1}" if several else "path")
        steps = getattr(p, "n_iter", None)
        label_ = f"{name} ({counted(steps, 'step')})" if steps is not None else name
        arr = np.asarray(getattr(p, "path", p), dtype=np.float64)
        out.append((arr, label_))
    return out


def _is_path(p: object) -> bool:
    return hasattr(p, "path") or (isinstance(p, np.ndarray) and p.ndim == 2)


def _eval_plot(
    expr: sympy.Expr, variables: tuple[sympy.Symbol, ...], *grids: np.ndarray
) -> np.ndarray:
    with np.errstate(all="ignore"):
        return _real(
            to_numpy(expr, variables)(*grids), np.broadcast_shapes(*(g.shape for g in grids))
        )


# --- plot_function -----------------------------------------------------------------------


def _orders(derivatives: object) -> list[int]:
    if isinstance(derivatives, bool):
        raise ValueError(f"derivatives must be an int or a sequence of ints, got {derivatives!r}")
    if isinstance(derivatives, (int, np.integer)):
        if derivatives < 0:
            raise ValueError(f"derivatives must be >= 0, got {derivatives!r}")
        return list(range(int(derivatives) + 1))
    if isinstance(derivatives, Sequence) and all(
        isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k >= 0 for k in derivatives
    ):
        return [0] + sorted({int(k) for k in derivatives} - {0})
    raise ValueError(
        f"derivatives must be an int or a sequence of non-negative ints, got {derivatives!r}"
    )


def _prime(k: int) -> str:
    return "'" * k if k <= 3 else f"^{{({k})}}"


def plot_function(
    f: ExprLike,
    wrt: WrtLike = None,
    xlim: Limits = (-5, 5),
    *,
    derivatives: int | Sequence[int] = 0,
    ax: Axes | None = None,
    path: Paths = None,
) -> Axes:
    r"""Plot a function of one variable, with chosen derivatives overlaid.

    Args:
        f: A scalar expression of one variable (``str``, SymPy expression or Derivation).
        wrt: The variable (default: the only free symbol).
        xlim: The plotted interval ``(low, high)``.
        derivatives: ``n`` to overlay f', …, f⁽ⁿ⁾, or a sequence of orders such as ``[2]``.
        ax: The matplotlib Axes to draw into (default: a new figure's).
        path: An optimization path to mark on the curve (an ``OptimizeResult`` or an
            array of x values).

    Returns:
        The Axes; one line per curve, labelled with its LaTeX.

    Raises:
        ValueError: For bad limits or orders, or an ``f`` that is nowhere real and finite
            on ``xlim`` (nothing to draw).

    Examples:
        >>> ax = plot_function("sin(x)", derivatives=1)
        >>> [line.get_label() for line in ax.get_lines()][:2]
        ['$f(x) = \\sin{(x )}$', "$f'(x) = \\cos{(x )}$"]
    """
    expr, (x,) = _function(f, wrt, 1)
    lo, hi = _limits(xlim, "xlim")
    orders = _orders(derivatives)
    xs = np.linspace(lo, hi, CURVE_POINTS)
    fx = _eval_plot(expr, (x,), xs)
    if not np.any(np.isfinite(fx)):  # as plot_contour refuses
        raise ValueError(f"f({x}) = {expr} is not real and finite anywhere on xlim = {(lo, hi)}")
    ax = _axes(ax)
    name = tex(x)
    for k in orders:
        dk = expr if k == 0 else derivative(expr, x, k).result
        lhs = f"f{_prime(k)}({name})"
        ax.plot(
            xs,
            fx if k == 0 else _eval_plot(dk, (x,), xs),
            label=label(f"{lhs} = {tex(dk)}", f"f{_prime(k)}({x}) = {dk}"),
        )
    for arr, text in _paths(path):
        px = arr.reshape(len(arr), -1)[:, 0]
        ax.plot(
            px,
            _eval_plot(expr, (x,), px),
            "o-",
            ms=3,
            lw=1,
            label=text,
            markevery=_markevery(len(px)),
        )
    ax.axhline(0.0, color="0.8", lw=0.8, zorder=0)
    ax.set_xlabel(label(name, x.name))
    ax.set_ylabel(
        label(
            ", ".join(f"f{_prime(k)}({name})" for k in orders),
            ", ".join(f"f{_prime(k)}({x})" for k in orders),
        )
    )
    ax.set_xlim(lo, hi)
    ax.legend(loc="best")
    return ax


def _markevery(points: int) -> int:
    """Mark every point of a short path, about :data:`MAX_MARKERS` of a long one."""
    return max(1, math.ceil(points / MAX_MARKERS))


# --- plot_contour ------------------------------------------------------------------------


def _levels(Z: np.ndarray, count: int) -> int | np.ndarray:
    """Log-spaced levels for a positive surface spanning many decades (Rosenbrock), else
    ``count`` evenly spaced ones."""
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise ValueError("f is not finite anywhere on the plotted grid")
    zmin, zmax = float(finite.min()), float(finite.max())
    if zmin >= 0 and zmax > 0:
        positive = finite[finite > 0]
        low = max(float(positive.min()) if positive.size else zmax * 1e-6, zmax * 1e-8)
        if zmax / low > 1e3:
            return np.geomspace(low, zmax, count)
    return count


def _colorbar_ticks(bar: Any, levels: int | np.ndarray) -> None:
    """Readable colour-bar ticks: powers of ten (``10^{-2}``) for log-spaced levels (every
    other one beyond eight decades), a few round numbers for even ones."""
    from matplotlib.ticker import LogFormatterSciNotation, MaxNLocator

    if isinstance(levels, np.ndarray):
        first, last = math.ceil(np.log10(levels[0])), math.floor(np.log10(levels[-1]))
        decades = 10.0 ** np.arange(first, last + 1)
        bar.set_ticks(decades[:: 1 + (len(decades) > 8)])
        bar.ax.yaxis.set_major_formatter(LogFormatterSciNotation())
        bar.ax.yaxis.set_minor_formatter(LogFormatterSciNotation(labelOnlyBase=True))
        return
    low, high = bar.mappable.levels[0], bar.mappable.levels[-1]
    ticks = MaxNLocator(nbins=6).tick_values(low, high)
    bar.set_ticks(ticks[(ticks >= low) & (ticks <= high)])


#: Equal scales on both axes (an ellipse drawn as one) while the plotted ranges differ by
#: at most this factor; beyond it each axis keeps its own scale.
EQUAL_ASPECT_MAX_RATIO = 4.0


def plot_contour(
    f: ExprLike,
    xlim: Limits,
    ylim: Limits,
    *,
    wrt: WrtLike = None,
    path: Paths = None,
    ax: Axes | None = None,
    levels: int = 30,
) -> Axes:
    r"""Contour lines of a function of two variables, with optimization paths drawn on them.

    Args:
        f: A scalar expression of two variables.
        xlim: ``(low, high)`` of the first variable.
        ylim: ``(low, high)`` of the second variable.
        wrt: The two variables, in (horizontal, vertical) order (default: sorted by name).
        path: An ``OptimizeResult``, an ``(k, 2)`` array of points, or a list of these.
        ax: The Axes to draw into (default: a new figure's).
        levels: How many contour levels (log-spaced for a positive function spanning
            many decades; the colour bar is then ticked at the powers of ten).

    Both axes have the same scale (level sets look as they are: the ellipses of
    ``x**2 + 10*y**2`` as ellipses) unless the two ranges differ by more than
    :data:`EQUAL_ASPECT_MAX_RATIO`.

    Returns:
        The Axes, holding the contour set and one line per path.

    Examples:
        >>> ax = plot_contour("x**2 + 3*y**2", (-2, 2), (-1, 1))
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('$x$', '$y$')
    """
    from matplotlib.colors import LogNorm

    expr, (x, y) = _function(f, wrt, 2)
    (x0, x1), (y0, y1) = _limits(xlim, "xlim"), _limits(ylim, "ylim")
    ax = _axes(ax)
    X, Y = np.meshgrid(np.linspace(x0, x1, GRID_POINTS), np.linspace(y0, y1, GRID_POINTS))
    Z = _eval_plot(expr, (x, y), X, Y)
    chosen = _levels(Z, levels)
    norm = LogNorm(vmin=chosen[0], vmax=chosen[-1]) if isinstance(chosen, np.ndarray) else None
    cs = ax.contour(X, Y, Z, levels=chosen, cmap="viridis", norm=norm, linewidths=0.8)
    bar = ax.figure.colorbar(cs, ax=ax, shrink=0.8)
    _colorbar_ticks(bar, chosen)
    bar.set_label(label(f"f({tex(x)}, {tex(y)})", f"f({x}, {y})"))
    handles = _draw_paths(ax, _paths(path))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ratio = (x1 - x0) / (y1 - y0)
    if 1 / EQUAL_ASPECT_MAX_RATIO <= ratio <= EQUAL_ASPECT_MAX_RATIO:
        ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(label(tex(x), x.name))
    ax.set_ylabel(label(tex(y), y.name))
    ax.set_title(label(f"f({tex(x)}, {tex(y)}) = {tex(expr)}", f"f({x}, {y}) = {expr}"))
    if handles:
        ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.9)
    return ax


def _draw_paths(ax: Axes, paths: list[tuple[np.ndarray, str]]) -> list[Line2D]:
    """Each path as a line in a colour that stands out from the levels (with a white halo),
    its final point a large white-edged star; returns the legend handles (the paths, and
    one entry for the stars, which is not an artist of ``ax``)."""
    from matplotlib import patheffects
    from matplotlib.lines import Line2D

    halo = [patheffects.withStroke(linewidth=3, foreground="white"), patheffects.Normal()]
    handles = []
    for i, (arr, text) in enumerate(paths):
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ValueError(f"path must hold points (x, y): shape (k, 2), got {arr.shape}")
        color = PATH_COLORS[i % len(PATH_COLORS)]
        (line,) = ax.plot(
            arr[:, 0],
            arr[:, 1],
            "o-",
            ms=3,
            lw=1.3,
            color=color,
            label=text,
            markevery=_markevery(len(arr)),
            path_effects=halo,
            zorder=3,
        )
        ax.plot(arr[-1, 0], arr[-1, 1], "*", ms=15, color=color, mec="white", mew=1.2, zorder=4)
        handles.append(line)
    if handles:
        handles.append(
            Line2D([], [], ls="", marker="*", ms=12, color="0.3", mec="white", label="final point")
        )
    return handles


# --- plot_density ------------------------------------------------------------------------


def _density(X: sympy.Basic, z: sympy.Symbol) -> tuple[str, Any]:
    """("finite", {value: p}) or (kind, pdf/pmf expression in z); run under a time limit."""
    d = st.density(X)
    table = getattr(d, "dict", d)
    if isinstance(table, dict):
        return "finite", {sympy.sympify(k): sympy.sympify(v) for k, v in table.items()}
    kind = "continuous" if st.pspace(X).is_Continuous else "discrete"
    return kind, sympy.sympify(d(z))


def _moments(X: sympy.Basic) -> tuple[float, float]:
    return float(st.E(X)), float(st.std(X))


def _support(X: sympy.Basic) -> tuple[float, float]:
    try:
        s = X.pspace.domain.set
        return float(s.inf), float(s.sup)
    except (AttributeError, TypeError, ValueError):
        return -math.inf, math.inf


def _window(X: sympy.Basic, samples: np.ndarray | None, deadline: Deadline) -> tuple[float, float]:
    """The plotted range: the samples' spread, else mean ± 4 sd, clipped to the support."""
    lo, hi = _support(X)
    if samples is not None and samples.size:
        a, b = np.percentile(samples, [0.5, 99.5])
        pad = 0.15 * (b - a) + 1e-9
        return max(lo, float(a - pad)), min(hi, float(b + pad))
    try:
        mean, sd = deadline.run(_moments, X, what="the moments of X")
    except (DerivationTimeout, TypeError, ValueError, NotImplementedError):
        mean, sd = math.nan, math.nan
    if math.isfinite(mean) and math.isfinite(sd) and sd > 0:
        return max(lo, mean - 4 * sd), min(hi, mean + 4 * sd)
    a = lo if math.isfinite(lo) else (hi - 10 if math.isfinite(hi) else -5.0)
    b = hi if math.isfinite(hi) else a + 10
    return a, b


def plot_density(
    X: sympy.Basic,
    *,
    samples: ArrayLike | None = None,
    ax: Axes | None = None,
    bins: int | str | Sequence[float] = "auto",
    timeout: float | None = None,
) -> Axes:
    r"""The density (pdf) or mass function (pmf) of a random variable, over a histogram of
    samples.

    Args:
        X: A ``sympy.stats`` random variable (or an expression of them that
            ``sympy.stats.density`` handles).
        samples: Draws of ``X`` to histogram (an array), e.g. from ``symml.sampler(X)``.
        ax: The Axes to draw into (default: a new figure's).
        bins: Histogram bins for continuous samples (as ``numpy.histogram``'s).
        timeout: Seconds for the ``sympy.stats`` calls (default ``config.timeout``).

    Returns:
        The Axes: a line for a pdf (markers and stems for a pmf) and, with samples, the
        histogram's bars (normalised to a density / to probabilities).

    Examples:
        >>> import sympy.stats as st
        >>> ax = plot_density(st.Normal("X", 0, 1))
        >>> ax.get_lines()[0].get_label()
        '$p_{X}(x) = \\frac{\\sqrt{2} e^{- \\frac{x^{2}}{2}}}{2 \\sqrt{\\pi}}$'
    """
    deadline = Deadline(timeout)
    if not isinstance(X, sympy.Basic) or not _is_random(X):
        raise TypeError(f"X must be a sympy.stats random variable, got {X!r}")
    data = None
    if samples is not None:
        data = np.asarray(samples, dtype=np.float64).reshape(-1)
        data = data[np.isfinite(data)]
    name = getattr(getattr(X, "symbol", None), "name", "x")
    z = sympy.Symbol(name.lower() if name != name.lower() else "x", real=True)
    kind, density = deadline.run(_density, X, z, what="the density of X")
    ax = _axes(ax)
    draw = _draw_finite if kind == "finite" else (_draw_pdf if kind == "continuous" else _draw_pmf)
    draw(ax, X, z, density, data, bins, deadline)
    ax.set_xlabel(label(tex(X), str(X)))
    ax.set_ylim(0, 1.3 * ax.get_ylim()[1])  # headroom above the curves for the legend
    ax.legend(loc="best", fontsize="small")
    return ax


def _is_random(X: sympy.Basic) -> bool:
    return bool(is_random(X))


def _draw_pdf(
    ax: Axes,
    X: sympy.Basic,
    z: sympy.Symbol,
    pdf: sympy.Expr,
    data: np.ndarray | None,
    bins: int | str | Sequence[float],
    deadline: Deadline,
) -> None:
    lo, hi = _window(X, data, deadline)
    xs = np.linspace(lo, hi, CURVE_POINTS)
    if data is not None and data.size:
        ax.hist(data, bins=bins, density=True, alpha=0.35, label=f"{data.size} samples")
    ax.plot(
        xs,
        _eval_plot(pdf, (z,), xs),
        lw=2,
        label=label(f"p_{{{tex(X)}}}({tex(z)}) = {tex(pdf)}", f"p_{X}({z}) = {pdf}"),
    )
    ax.set_ylabel("density")


def _stems(ax: Axes, ks: np.ndarray, ps: np.ndarray, text: str) -> None:
    ax.vlines(ks, 0, ps, lw=2)
    ax.plot(ks, ps, "o", label=text)
    ax.set_ylabel("probability")


def _integer_hist(ax: Axes, data: np.ndarray | None) -> None:
    if data is None or not data.size:
        return
    edges = np.arange(math.floor(data.min()) - 0.5, math.ceil(data.max()) + 1.5).tolist()
    ax.hist(data, bins=edges, density=True, alpha=0.35, label=f"{data.size} samples")


def _draw_pmf(
    ax: Axes,
    X: sympy.Basic,
    z: sympy.Symbol,
    pmf: sympy.Expr,
    data: np.ndarray | None,
    bins: int | str | Sequence[float],
    deadline: Deadline,
) -> None:
    lo, hi = _window(X, data, deadline)
    ks = np.arange(math.ceil(lo), math.floor(hi) + 1, dtype=np.float64)
    _integer_hist(ax, data)
    _stems(
        ax,
        ks,
        np.nan_to_num(_eval_plot(pmf, (z,), ks)),
        label(f"P({tex(X)} = {tex(z)}) = {tex(pmf)}", f"P({X} = {z}) = {pmf}"),
    )


def _draw_finite(
    ax: Axes,
    X: sympy.Basic,
    z: sympy.Symbol,
    table: dict[sympy.Basic, sympy.Basic],
    data: np.ndarray | None,
    bins: int | str | Sequence[float],
    deadline: Deadline,
) -> None:
    items = sorted((float(k), float(v)) for k, v in table.items())
    ks = np.array([k for k, _ in items])
    ps = np.array([p for _, p in items])
    _integer_hist(ax, data)
    _stems(ax, ks, ps, label(f"P({tex(X)} = k)", f"P({X} = k)"))


# --- plot_eigen --------------------------------------------------------------------------


def plot_eigen(A: ExprLike | np.ndarray, ax: Axes | None = None) -> Axes:
    r"""What a 2×2 matrix does: the unit circle, its image under ``A`` (an ellipse), and
    the real eigenvectors ``v`` (unit length) with ``A v = λ v``: a basis of each real
    eigenspace, as :func:`symml.linalg.eig` finds it (one line for a Jordan block, two for
    ``2 I``).

    Args:
        A: A numeric 2×2 matrix (nested list, ``str``, SymPy Matrix or NumPy array).
        ax: The Axes to draw into (default: a new figure's).

    Returns:
        The Axes: two curves (circle, image), and for each real eigenvector a dashed line
        along it with an arrow to ``λ v``.

    Examples:
        >>> ax = plot_eigen([[2, 1], [1, 2]])
        >>> [line.get_label() for line in ax.get_lines()][:2]
        ['unit circle', '$A x,\\ \\|x\\| = 1$']
    """
    M = as_matrix(A, what="A")
    if M.shape != (2, 2):
        raise ValueError(f"plot_eigen needs a 2x2 matrix A, got shape {M.shape}")
    if free_symbols(M):
        raise ValueError(
            f"A must be numeric; it has symbols "
            f"{', '.join(sorted(s.name for s in free_symbols(M)))}"
        )
    try:
        An = np.array(M.evalf().tolist(), dtype=np.float64)
    except TypeError as exc:
        raise ValueError(f"A must have real entries, got {M.tolist()}") from exc
    ax = _axes(ax)
    t = np.linspace(0, 2 * np.pi, CURVE_POINTS)
    circle = np.vstack([np.cos(t), np.sin(t)])
    image = An @ circle
    ax.plot(circle[0], circle[1], color="0.5", lw=1, label="unit circle")
    ax.plot(image[0], image[1], lw=2, label=r"$A x,\ \|x\| = 1$")
    e = eig(M)  # one vector per dimension of each eigenspace (numpy's eig repeats them)
    values = np.array([complex(v) for v in e.eigenspaces], dtype=complex)
    reach = max(1.0, float(np.max(np.abs(image)))) * 1.15
    real = np.abs(values.imag) <= 1e-12 * max(1.0, float(np.max(np.abs(values))))
    pairs = [
        (float(lam.real), np.array([complex(c) for c in b]).real)
        for lam, ok, basis in zip(values, real, e.eigenspaces.values(), strict=True)
        if ok
        for b in basis
    ]
    for i, (lam, v) in enumerate(pairs, start=1):
        v = v / np.linalg.norm(v)
        (line,) = ax.plot(
            [-reach * v[0], reach * v[0]],
            [-reach * v[1], reach * v[1]],
            "--",
            lw=1,
            label=rf"$\lambda_{{{i}}} = {lam:.4g}$, "
            rf"$v = ({v[0]:.3g}, {v[1]:.3g})$",
        )
        for end, width in ((v, 1.0), (lam * v, 2.0)):
            ax.annotate(
                "",
                xy=(end[0], end[1]),
                xytext=(0, 0),
                arrowprops={"arrowstyle": "->", "color": line.get_color(), "lw": width},
            )
    if not real.all():
        a, b = values[0].real, abs(values[0].imag)
        ax.set_title(f"complex eigenvalues {a:.4g} ± {b:.4g}i: no real eigenvectors")
    else:
        ax.set_title("A = " + str(M.tolist()))
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize="small")
    return ax


# --- plot_convergence --------------------------------------------------------------------


def plot_convergence(result: OptimizeResult, ax: Axes | None = None) -> Axes:
    r"""Objective and gradient norm against the iteration, on a log scale.

    When some objective value is negative, ``f(x_k) - min_k f(x_k)`` is drawn instead;
    zeros are left out of the log scale (a run that reaches ``f = 0`` exactly still plots
    ``f(x_k)``, as one that stops just short of it does).

    Args:
        result: An ``OptimizeResult`` (``values`` and ``grad_norms``).
        ax: The Axes to draw into (default: a new figure's).

    Returns:
        The Axes with two lines (one if the result has no gradient norms).

    Examples:
        >>> from symml.optimize import gradient_descent
        >>> ax = plot_convergence(gradient_descent("x**2 + 1", 3.0, steps=50))
        >>> [line.get_label() for line in ax.get_lines()]
        ['$f(x_k)$', '$\\|\\nabla f(x_k)\\|$']
    """
    values = getattr(result, "values", None)
    if values is None:
        raise TypeError(f"result must be an OptimizeResult, got {type(result).__name__}")
    values = np.asarray(values, dtype=np.float64)
    ax = _axes(ax)
    steps = np.arange(len(values))
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0:
        ax.plot(steps, np.where(values > 0, values, np.nan), label=r"$f(x_k)$")
    else:
        gap = values - (finite.min() if finite.size else 0.0)
        ax.plot(steps, np.where(gap > 0, gap, np.nan), label=r"$f(x_k) - \min_k f(x_k)$")
    norms = getattr(result, "grad_norms", None)
    if norms is not None:
        norms = np.asarray(norms, dtype=np.float64)
        ax.plot(steps, np.where(norms > 0, norms, np.nan), label=r"$\|\nabla f(x_k)\|$")
    ax.set_yscale("log")
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel("objective and gradient norm" if norms is not None else "objective")
    objective = getattr(result, "objective", None)
    title = str(getattr(result, "method", ""))
    if objective is not None:
        title = f"{title}: " + label(tex(objective), str(objective))
    ax.set_title(title)
    ax.legend(loc="best")
    return ax
