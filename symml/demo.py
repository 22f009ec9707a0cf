"""The main job of ``symml demo``: derive, check, plot and export, into a folder.

:func:`run_demo` builds lecture notes on Rosenbrock's function and friends (a gradient and
Hessian, an integral, an eigen-decomposition, an expectation, gradient descent against
Newton's method), each derivation with its steps and its numeric check, and writes them
with the plots and an exported NumPy module. It returns what it wrote; the CLI prints
the summary.

Each part of the demo is a row of :data:`PARTS`; a part whose library function is not
available is skipped and reported, never faked.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import sympy

from symml.calculus import gradient, hessian, integral
from symml.derivation import Derivation, Verification, as_rng
from symml.linalg import Eigen, eig
from symml.notes import PDFLATEX_TIMEOUT, TEX_PACKAGES, Notes
from symml.optimize import OptimizeResult, gradient_descent, newton
from symml.plotting import plot_contour, plot_convergence
from symml.probability import Normal, expectation

if TYPE_CHECKING:  # matplotlib is imported when the figures are drawn
    from matplotlib.figure import Figure

__all__ = ["DEMO_FUNCTION", "PARTS", "DemoReport", "run_demo"]

#: The demo's objective: Rosenbrock's function, a curved valley with its minimum at (1, 1).
DEMO_FUNCTION = "(1 - x)**2 + 100*(y - x**2)**2"
#: The classic starting point of optimisers on Rosenbrock's function.
START = (-1.2, 1.0)
#: The integrand of the integral part (the Gaussian's second moment, unnormalised).
INTEGRAND = "x**2*exp(-x**2/2)"
#: The matrix of the eigen-decomposition part.
MATRIX = [[2, 1, 0], [1, 2, 1], [0, 1, 2]]
#: The name stem of the notes files.
STEM = "notes"

#: What the demo derives or computes.
Derived: TypeAlias = "Derivation | Eigen | OptimizeResult"


@dataclass
class DemoReport:
    """What the demo derived and wrote.

    Attributes:
        out: The output folder.
        files: The files written, in order.
        derivations: The derivations (and other results), by name.
        checks: Their numeric checks, by name.
        lines: A short summary, one line per item.
        skipped: Parts that could not run and files that could not be made (``notes.pdf``
            without ``pdflatex``), with the reason.
    """

    out: Path
    files: list[Path] = field(default_factory=list)
    derivations: dict[str, Derived] = field(default_factory=dict)
    checks: dict[str, Verification] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class _Context:
    notes: Notes
    report: DemoReport
    rng: np.random.Generator

    def derived(
        self, name: str, result: Derivation | Eigen, summary: str, title: str | None = None
    ) -> None:
        """Add a result with its numeric check to the notes and the report."""
        check = result.verify(rng=self.rng)
        self.notes.add(result, check=check, title=title)
        self.report.derivations[name] = result
        self.report.checks[name] = check
        self.report.lines.append(f"{name}: {summary}  [{check}]")


def _gradient_hessian(c: _Context) -> None:
    c.notes.section("Gradient and Hessian")
    c.notes.add(
        "Rosenbrock's function $f(x, y) = (1 - x)^2 + 100\\,(y - x^2)^2$ is the "
        "standard test of optimisers: a narrow curved valley with its minimum at "
        "$(1, 1)$. Its gradient collects the partial derivatives; each line below "
        "names the rule that produced it, and every result is checked against "
        "finite differences at random points."
    )
    grad = gradient(DEMO_FUNCTION, "x, y")
    c.derived("gradient", grad, f"grad f = {list(grad.result)}")
    hess = hessian(DEMO_FUNCTION, "x, y")
    at_min = np.asarray(hess.to_numpy()(1.0, 1.0))
    c.notes.add(
        "The Hessian is the Jacobian of the gradient. At the minimum $(1, 1)$ it is "
        f"$\\begin{{bmatrix}}{at_min[0, 0]:g} & {at_min[0, 1]:g}\\\\ {at_min[1, 0]:g} & "
        f"{at_min[1, 1]:g}\\end{{bmatrix}}$, with condition number "
        f"{np.linalg.cond(at_min):.0f}: this is why plain gradient descent crawls "
        "along the valley floor."
    )
    c.derived("hessian", hess, f"Hessian = {hess.result.tolist()}")
    path = grad.to_numpy().save(c.report.out / "grad_f.py", name="grad_f")
    c.report.files.append(path)
    c.notes.add(
        "The gradient was compiled to NumPy and exported as the module "
        "`grad_f.py`, which needs only NumPy: `grad_f(x, y)` broadcasts over arrays."
    )
    c.report.lines.append(f"exported the gradient as grad_f(x, y) in {path.name}")


def _integral(c: _Context) -> None:
    c.notes.section("An integral")
    c.notes.add(
        "The second moment of the standard normal density, without its "
        "normalising constant: the value $\\sqrt{2\\pi}$ is the reason the normal "
        "density is divided by it. The check compares with numeric quadrature."
    )
    x = sympy.Symbol("x", real=True)
    result = integral(INTEGRAND, (x, -sympy.oo, sympy.oo))
    c.derived("integral", result, f"integral of {INTEGRAND} over R = {result.result}", title="")


def _eigen(c: _Context) -> None:
    c.notes.section("An eigen-decomposition")
    c.notes.add(
        "A symmetric tridiagonal matrix, the kind a second-difference operator "
        "or a covariance of neighbouring features produces. Its eigenvalues are "
        "the roots of the characteristic polynomial; the check verifies "
        "$A v = \\lambda v$ for every pair and compares with NumPy."
    )
    result = eig(MATRIX)
    c.derived("eigen", result, f"eigenvalues {list(result.values)}", title="")


def _expectation(c: _Context) -> None:
    c.notes.section("An expectation")
    c.notes.add(
        "For $X \\sim \\mathcal{N}(1, 2^2)$ the expectation of $X^2$ is set up as "
        "an integral against the normal density; the answer $\\mu^2 + \\sigma^2 = 5$ "
        "is checked by Monte Carlo within four standard errors."
    )
    X = Normal("X", 1, 2)
    result = expectation(X**2)
    c.derived("expectation", result, f"E[X**2] = {result.result} for X ~ Normal(1, 2)", title="")


def _optimisation(c: _Context) -> None:
    c.notes.section("Optimisation")
    gd = gradient_descent(
        DEMO_FUNCTION, START, wrt="x, y", lr=1e-3, momentum=0.9, steps=20000, tol=1e-6
    )
    nt = newton(DEMO_FUNCTION, START, wrt="x, y", steps=100)
    c.notes.add(
        f"Both methods start at $({START[0]:g}, {START[1]:g})$ and use the compiled "
        "gradient (and Hessian) derived above. Gradient descent with momentum "
        f"($\\eta = 10^{{-3}}$, $\\mu = 0.9$) takes {gd.n_iter} small steps "
        "along the valley floor; Newton's method, which rescales each step by the "
        f"inverse Hessian, takes {nt.n_iter}."
    )
    # the figures come before the two short results: each then fills the page it is on
    # (at the end they would both go to a new page and leave this one half empty)
    c.notes.add(
        _paths_figure(gd, nt),
        name="paths",
        caption="Level sets of Rosenbrock's function (logarithmic spacing) with the "
        "iterates of gradient descent with momentum and of Newton's method.",
    )
    c.notes.add(
        _convergence_figure(gd, nt),
        name="convergence",
        caption="Left: gradient descent with momentum; right: Newton's method. Each panel "
        "plots the objective $f(x_k)$ (its minimum is $0$) and the gradient norm "
        "$\\|\\nabla f(x_k)\\|$ against the step $k$, on a logarithmic scale: linear "
        "convergence for gradient descent, quadratic at the end for Newton's method.",
    )
    for name, run in (("gradient descent", gd), ("newton", nt)):
        c.notes.add(run, title=f"{name.capitalize()}" if name != "newton" else "Newton's method")
        c.report.derivations[name] = run
        c.report.lines.append(
            f"{name}: {run.n_iter} steps to ({run.x[0]:.6f}, {run.x[1]:.6f}),"
            f" f = {run.fun:.2e}, converged: {run.converged}"
        )


def _paths_figure(gd: OptimizeResult, nt: OptimizeResult) -> Figure:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    plot_contour(DEMO_FUNCTION, (-2.0, 2.0), (-1.0, 3.0), wrt="x, y", path=[gd, nt], ax=ax)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def _convergence_figure(gd: OptimizeResult, nt: OptimizeResult) -> Figure:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.2))
    for ax, run, name in zip(
        axes, (gd, nt), ("Gradient descent + momentum", "Newton"), strict=True
    ):
        plot_convergence(run, ax=ax)  # both plot f(x_k): its minimum is 0, not below
        ax.set_title(f"{name}: {run.n_iter} steps", fontsize=10)
        ax.set_ylabel(r"$f(x_k)$ and $\|\nabla f(x_k)\|$")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


#: The parts of the demo, in document order: (name, function).
PARTS: tuple[tuple[str, Callable[[_Context], None]], ...] = (
    ("gradient and Hessian", _gradient_hessian),
    ("integral", _integral),
    ("eigen-decomposition", _eigen),
    ("expectation", _expectation),
    ("optimisation", _optimisation),
)

INTRODUCTION = (
    "These notes were written by `symml demo`. Each section derives a result symbolically, "
    "shows the steps, and checks it numerically (finite differences, quadrature, "
    "$A v = \\lambda v$, Monte Carlo). The last section compiles the derivatives to NumPy "
    "and compares two optimisers on Rosenbrock's function."
)


def run_demo(
    out: str | Path = "symml-demo",
    *,
    seed: int = 0,
    pdf: bool | None = None,
    pdf_timeout: float | None = PDFLATEX_TIMEOUT,
) -> DemoReport:
    """Write the demo's notes (``.tex``, ``.md``, ``.pdf``), plots and module into ``out``.

    Args:
        out: The output folder (created if needed).
        seed: Seeds the numeric checks.
        pdf: Compile ``notes.pdf`` (default: when ``pdflatex`` is on the PATH; without
            it the report's ``skipped`` says so and which packages give it).
        pdf_timeout: Seconds ``pdflatex`` may run (as for :meth:`Notes.write`).

    Returns:
        A :class:`DemoReport`; ``report.files`` lists every file written.

    Examples:
        >>> [name for name, _ in PARTS]  # run by tests/demo/test_demo.py (about 10 s)
        ['gradient and Hessian', 'integral', 'eigen-decomposition', 'expectation', 'optimisation']
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = DemoReport(out)
    notes = Notes("Notes from symml demo: derive, check, compile, optimise", rng=seed)
    notes.add(INTRODUCTION)
    context = _Context(notes, report, as_rng(seed))
    for name, part in PARTS:
        try:
            part(context)
        except ImportError as exc:
            report.skipped.append(f"{name}: {exc}")
    if pdf is None:
        pdf = shutil.which("pdflatex") is not None
        if not pdf:
            report.skipped.append(
                f"{STEM}.pdf: pdflatex is not on the PATH (Debian/Ubuntu: apt install "
                f"{TEX_PACKAGES}); the .tex and .md were written"
            )
    try:
        _write(notes, out, report, pdf, pdf_timeout)
    finally:
        for fig in notes.figures():
            plt.close(fig)
    return report


def _write(notes: Notes, out: Path, report: DemoReport, pdf: bool, timeout: float | None) -> None:
    documents = [out / f"{STEM}.tex", out / f"{STEM}.md"] + ([out / f"{STEM}.pdf"] if pdf else [])
    for n, path in enumerate(documents):
        # one set of PNG files serves every format
        notes.write(path, figures=n == 0, timeout=timeout)
    log = [out / f"{STEM}.log"] if pdf else []  # pdflatex's log, kept beside the PDF
    report.files += documents + log + [out / name for name in notes.figure_files(STEM)]
    report.lines.append(
        f"notes: {', '.join(p.name for p in documents)} "
        f"({len(report.checks)} results with their steps and numeric checks, "
        f"{len(notes.figures())} figures)"
    )
