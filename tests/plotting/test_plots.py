"""Plots under the Agg backend: each writes a PNG and holds the expected artists; labels
come from the expressions' LaTeX; ``import symml`` does not import matplotlib."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy  # noqa: E402
import sympy.stats as st  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import symml as sm  # noqa: E402
from symml.plotting import label, mathtext  # noqa: E402

ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def save_png(ax, tmp_path, name: str) -> None:
    """The Axes' figure writes a real PNG."""
    path = tmp_path / f"{name}.png"
    ax.figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000


def labelled_lines(ax) -> list:
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_import_symml_does_not_import_matplotlib() -> None:
    code = (
        "import sys, symml; symml.gradient_descent; symml.plot_function; "
        "print('matplotlib' in sys.modules, 'scipy.optimize' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_plot_function_with_derivatives(tmp_path) -> None:
    ax = sm.plot_function("x**3 - 3*x", xlim=(-2, 2), derivatives=2)
    lines = labelled_lines(ax)
    assert [ln.get_label() for ln in lines] == [
        "$f(x) = x^{3} - 3 x$",
        "$f'(x) = 3 x^{2} - 3$",
        "$f''(x) = 6 x$",
    ]
    xs, ys = lines[1].get_data()
    np.testing.assert_allclose(ys, 3 * xs**2 - 3, rtol=1e-12, atol=1e-12)  # f' numerically
    x0, y0 = lines[0].get_data()  # f itself: the values that also decided it can be drawn
    np.testing.assert_allclose(x0, xs)
    np.testing.assert_allclose(y0, x0**3 - 3 * x0, rtol=1e-12, atol=1e-12)
    assert xs[0] == -2 and xs[-1] == 2
    save_png(ax, tmp_path, "function")


def test_plot_function_chosen_orders_and_path(tmp_path) -> None:
    r = sm.gradient_descent("sin(x) + x/2", 7.5, lr=0.2, steps=20)
    fig, ax = plt.subplots()
    assert sm.plot_function("sin(x) + x/2", "x", (3, 8), derivatives=[2], ax=ax, path=r) is ax
    lines = labelled_lines(ax)
    assert [ln.get_label() for ln in lines] == [
        r"$f(x) = \frac{x}{2} + \sin{(x )}$",
        r"$f''(x) = - \sin{(x )}$",
        "gradient descent (20 steps)",
    ]
    px, py = lines[2].get_data()
    np.testing.assert_allclose(px, r.path[:, 0])
    np.testing.assert_allclose(py, r.values, rtol=1e-12)
    save_png(ax, tmp_path, "function_path")


def test_plot_contour_with_paths(tmp_path) -> None:
    gd = sm.gradient_descent(ROSENBROCK, [-1.2, 1], lr=1e-3, steps=300)
    nt = sm.newton(ROSENBROCK, [-1.2, 1])
    ax = sm.plot_contour(ROSENBROCK, (-2, 2), (-1, 3), path=[gd, nt])
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    cs = next(c for c in ax.collections if isinstance(c, ContourSet))
    assert len(cs.levels) == 30 and cs.levels[-1] / cs.levels[0] > 1e3  # log-spaced levels
    paths = labelled_lines(ax)
    assert [ln.get_label() for ln in paths] == [
        "gradient descent (300 steps)",
        f"newton ({nt.n_iter} steps)",
    ]
    np.testing.assert_allclose(np.column_stack(paths[1].get_data()), nt.path)
    assert ax.get_title() == r"$f(x, y) = (1 - x)^{2} + 100 (- x^{2} + y)^{2}$"
    save_png(ax, tmp_path, "contour")


def test_plot_contour_array_path_and_linear_levels() -> None:
    ax = sm.plot_contour("x*y", (-1, 1), (-1, 1), path=np.array([[0.5, 0.5], [0.2, -0.3]]))
    assert [ln.get_label() for ln in labelled_lines(ax)] == ["path"]
    with pytest.raises(ValueError, match="shape"):
        sm.plot_contour("x*y", (-1, 1), (-1, 1), path=np.zeros((3, 3)))


def test_plot_density_continuous_with_samples(tmp_path) -> None:
    X = st.Normal("X", 1, 2)
    samples = np.random.default_rng(0).normal(1, 2, size=2000)
    ax = sm.plot_density(X, samples=samples)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) > 5
    # the histogram is normalised to a density: bar areas sum to 1
    assert sum(b.get_width() * b.get_height() for b in bars) == pytest.approx(1.0)
    (curve,) = labelled_lines(ax)
    xs, ys = curve.get_data()
    pdf = np.exp(-((xs - 1) ** 2) / 8) / np.sqrt(8 * np.pi)
    np.testing.assert_allclose(ys, pdf, rtol=1e-12)
    assert curve.get_label().startswith("$p_{X}(x) = ")
    save_png(ax, tmp_path, "density")


def test_plot_density_without_samples_spans_mean_pm_4sd() -> None:
    ax = sm.plot_density(st.Exponential("T", 2))
    xs, ys = labelled_lines(ax)[0].get_data()
    assert xs[0] == 0.0 and xs[-1] == pytest.approx(0.5 + 4 * 0.5)  # clipped to the support
    np.testing.assert_allclose(ys, 2 * np.exp(-2 * xs), rtol=1e-12)
    assert not ax.patches


def test_plot_density_pmf(tmp_path) -> None:
    P = st.Poisson("N", 3)
    samples = np.random.default_rng(1).poisson(3, size=500)
    ax = sm.plot_density(P, samples=samples)
    assert any(isinstance(c, LineCollection) for c in ax.collections)  # stems
    ks, ps = labelled_lines(ax)[0].get_data()
    assert np.all(ks == np.round(ks)) and ks[0] == 0
    expected = np.array([float(sympy.exp(-3) * 3 ** int(k) / sympy.factorial(int(k))) for k in ks])
    np.testing.assert_allclose(ps, expected, rtol=1e-10)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert sum(b.get_height() for b in bars) == pytest.approx(1.0)  # unit-width bins
    save_png(ax, tmp_path, "pmf")


def test_plot_density_finite() -> None:
    ax = sm.plot_density(st.Die("D", 6), samples=np.random.default_rng(2).integers(1, 7, 300))
    ks, ps = labelled_lines(ax)[0].get_data()
    assert ks.tolist() == [1, 2, 3, 4, 5, 6]
    np.testing.assert_allclose(ps, 1 / 6)
    assert len(ax.patches) == 6


def test_plot_eigen(tmp_path) -> None:
    ax = sm.plot_eigen([[2, 1], [1, 2]])
    lines = labelled_lines(ax)
    assert [ln.get_label() for ln in lines[:2]] == ["unit circle", r"$A x,\ \|x\| = 1$"]
    circle, image = (np.vstack(ln.get_data()) for ln in lines[:2])
    np.testing.assert_allclose(image, np.array([[2, 1], [1, 2]]) @ circle, atol=1e-12)
    eig_labels = sorted(ln.get_label() for ln in lines[2:])
    assert len(eig_labels) == 2
    assert eig_labels[0].startswith(r"$\lambda_") and "= 3$" in "".join(eig_labels)
    # each eigen line lies along an eigenvector: A v = lambda v
    for ln in lines[2:]:
        xs, ys = ln.get_data()
        v = np.array([xs[1], ys[1]]) / np.hypot(xs[1], ys[1])
        lam = float(ln.get_label().split("= ")[1].split("$")[0])
        np.testing.assert_allclose(np.array([[2, 1], [1, 2]]) @ v, lam * v, atol=1e-12)
    assert len(ax.texts) == 4  # arrows to v and to lambda v, per eigenvector
    save_png(ax, tmp_path, "eigen")


def test_plot_eigen_rotation_has_no_real_eigenvectors() -> None:
    ax = sm.plot_eigen("[[0, -1], [1, 0]]")
    assert len(labelled_lines(ax)) == 2
    assert "complex eigenvalues" in ax.get_title()


def test_plot_convergence(tmp_path) -> None:
    r = sm.gradient_descent("x**2 + 10*y**2", [1.0, 1.0], lr=0.05, steps=200)
    ax = sm.plot_convergence(r)
    assert ax.get_yscale() == "log"
    values, norms = labelled_lines(ax)
    np.testing.assert_allclose(values.get_data()[1], r.values)
    np.testing.assert_allclose(norms.get_data()[1], r.grad_norms)
    assert norms.get_label() == r"$\|\nabla f(x_k)\|$"
    save_png(ax, tmp_path, "convergence")


def test_plot_convergence_negative_values_shift_to_the_minimum() -> None:
    r = sm.gradient_descent("x**2 - 5", [2.0], lr=0.1, steps=30)
    values, _ = labelled_lines(sm.plot_convergence(r))
    assert values.get_label() == r"$f(x_k) - \min_k f(x_k)$"
    np.testing.assert_allclose(values.get_data()[1][:-1], (r.values - r.values.min())[:-1])


def test_plots_never_show(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("show() was called")

    monkeypatch.setattr(plt, "show", fail)
    monkeypatch.setattr(matplotlib.figure.Figure, "show", fail)
    sm.plot_function("x**2")
    sm.plot_contour("x**2 + y**2", (-1, 1), (-1, 1))
    sm.plot_eigen([[1, 0], [0, 2]])
    assert len(plt.get_fignums()) == 3


# --- labels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\left(1 - x\right)^{2}", "$(1 - x)^{2}$"),
        (r"\operatorname{erf}{\left(x \right)}", r"$\mathrm{erf}{(x )}$"),
        (r"\left. x \right|_{0}", "$x |_{0}$"),
        (r"\displaystyle \frac{1}{x}", r"$\frac{1}{x}$"),
    ],
)
def test_mathtext_sanitises(latex: str, expected: str) -> None:
    assert mathtext(latex) == expected


def test_label_falls_back_to_plain_text() -> None:
    assert mathtext(r"\begin{bmatrix}1\end{bmatrix}") is None
    assert label(r"\begin{bmatrix}1\end{bmatrix}", "[1]") == "[1]"
    long = "+".join(["x"] * 200)
    assert label(long, "x*200").startswith("x*200")


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: sm.plot_function("x*y"), ValueError, "1 variable"),
        (lambda: sm.plot_function("x", xlim=(3, 1)), ValueError, "xlim"),
        (lambda: sm.plot_function("x", derivatives=-1), ValueError, "derivatives"),
        (lambda: sm.plot_function("[x, x]"), ValueError, "scalar"),
        (lambda: sm.plot_contour("x", (-1, 1), (-1, 1)), ValueError, "2 variable"),
        (lambda: sm.plot_contour("x*y", "ab", (-1, 1)), ValueError, "xlim"),
        (lambda: sm.plot_eigen([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), ValueError, "2x2"),
        (lambda: sm.plot_eigen("[[a, 1], [1, 2]]"), ValueError, "numeric"),
        (lambda: sm.plot_density(sympy.Symbol("x")), TypeError, "random variable"),
        (lambda: sm.plot_convergence([1, 2, 3]), TypeError, "OptimizeResult"),
    ],
)
def test_bad_input(call, error, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_contour_final_point_stands_out_and_colorbar_is_labelled(tmp_path) -> None:
    from matplotlib.colors import to_rgba

    gd = sm.gradient_descent(ROSENBROCK, [-1.2, 1], lr=1e-3, steps=3000)
    nt = sm.newton(ROSENBROCK, [-1.2, 1])
    ax = sm.plot_contour(ROSENBROCK, (-2, 2), (-1, 3), path=[gd, nt])
    stars = [ln for ln in ax.get_lines() if ln.get_marker() == "*"]
    assert len(stars) == 2
    cs = next(c for c in ax.collections if isinstance(c, ContourSet))
    level_colors = [tuple(c) for c in cs.get_edgecolor()]
    for star, result in zip(stars, (gd, nt), strict=True):
        np.testing.assert_allclose(np.ravel(star.get_data()), result.x)  # at the final point
        assert (
            to_rgba(star.get_markeredgecolor()) == to_rgba("white") and star.get_markersize() >= 12
        )
        face = to_rgba(star.get_markerfacecolor())
        # far from every contour colour (viridis), in RGB distance
        assert min(np.linalg.norm(np.subtract(face[:3], c[:3])) for c in level_colors) > 0.3
    colorbar = ax.figure.axes[-1]
    assert colorbar.get_ylabel() == "$f(x, y)$"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["gradient descent (3000 steps)", f"newton ({nt.n_iter} steps)", "final point"]
    # a long path keeps all its points but draws about 40 markers
    line = labelled_lines(ax)[0]
    assert len(line.get_xdata()) == 3001 and line.get_markevery() == 76
    save_png(ax, tmp_path, "contour_star")


def test_function_and_convergence_plots_label_the_y_axis() -> None:
    assert sm.plot_function("x**2").get_ylabel() == "$f(x)$"
    assert sm.plot_function("x**3", derivatives=2).get_ylabel() == "$f(x), f'(x), f''(x)$"
    r = sm.gradient_descent("x**2 + 1", 3.0, steps=50)
    assert sm.plot_convergence(r).get_ylabel() == "objective and gradient norm"
    assert sm.plot_density(st.Normal("X", 0, 1)).get_ylabel() == "density"


@pytest.mark.parametrize(
    "A, expected",
    [
        ([[1, 1], [0, 1]], 1),  # a Jordan block: one eigenvector (numpy returns two parallel)
        ([[1.0, 1.0], [0.0, 1.0]], 1),
        ([[2, 0], [0, 2]], 2),  # 2 I: the whole plane, two independent directions
        ([[1, 2], [2, 4]], 2),
    ],
)
def test_plot_eigen_draws_one_line_per_independent_eigenvector(A, expected) -> None:
    ax = sm.plot_eigen(A)
    lines = labelled_lines(ax)[2:]
    assert len(lines) == expected and len(ax.texts) == 2 * expected
    An = np.array(A, dtype=float)
    directions = []
    for ln in lines:
        xs, ys = ln.get_data()
        v = np.array([xs[1], ys[1]]) / np.hypot(xs[1], ys[1])
        lam = float(ln.get_label().split("= ")[1].split("$")[0])
        np.testing.assert_allclose(An @ v, lam * v, atol=1e-12)
        directions.append(v)
    if expected == 2:  # independent: not parallel
        assert abs(np.linalg.det(np.column_stack(directions))) > 0.5


def test_path_label_says_1_step() -> None:
    r = sm.gradient_descent("x**2 + y**2", [1.0, 1.0], lr=0.5)
    assert r.n_iter == 1
    ax = sm.plot_contour("x**2 + y**2", (-1, 1), (-1, 1), path=r)
    assert ax.get_legend().get_texts()[0].get_text() == "gradient descent (1 step)"


@pytest.mark.parametrize(
    "f, derivatives, match",
    [
        (
            "log(x)",
            0,
            r"f\(x\) = log\(x\) is not real and finite anywhere on xlim = \(-3.0, -1.0\)",
        ),
        ("sqrt(x)", [1], r"f\(x\) = sqrt\(x\) is not real and finite anywhere"),
    ],
)
def test_plot_function_with_nothing_to_draw_says_so(f, derivatives, match) -> None:
    """Before: an empty plot, silently (plot_contour already refused such a surface)."""
    with pytest.raises(ValueError, match=match):
        sm.plot_function(f, xlim=(-3, -1), derivatives=derivatives)
    # where the curve is defined on part of the interval it is drawn, gaps as nan
    ax = sm.plot_function(f, xlim=(-1, 3))
    xs, ys = labelled_lines(ax)[0].get_data()
    defined = xs > 0
    np.testing.assert_allclose(
        ys[defined], np.log(xs[defined]) if f == "log(x)" else np.sqrt(xs[defined])
    )
    assert np.all(np.isnan(ys[xs < 0]))
