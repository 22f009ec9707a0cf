"""Issue 16, item 14: the contour plot of x² + 10y² has equal axes (its ellipses are not
drawn as circles) and a colour bar ticked at powers of ten, not at 705, 105, 15.6, …"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

import symml as sm  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _colorbar_ticks(ax) -> np.ndarray:
    bar = ax.figure.axes[-1]
    return np.asarray(bar.get_yticks())


def test_ellipses_are_drawn_with_equal_axes() -> None:
    ax = sm.plot_contour("x**2 + 10*y**2", (-2, 2), (-1, 1))
    assert ax.get_aspect() == 1.0


def test_ranges_of_different_scales_keep_their_own_axes() -> None:
    ax = sm.plot_contour("x + y + 1", (0, 1000), (0, 1))
    assert ax.get_aspect() == "auto"


def test_log_levels_are_ticked_at_powers_of_ten() -> None:
    ax = sm.plot_contour("x**2 + 10*y**2", (-2, 2), (-1, 1))
    cs = next(c for c in ax.collections if isinstance(c, ContourSet))
    np.testing.assert_allclose(np.diff(np.log10(cs.levels)), np.log10(cs.levels[1] / cs.levels[0]))
    ticks = _colorbar_ticks(ax)
    assert len(ticks) >= 3
    np.testing.assert_allclose(np.log10(ticks), np.round(np.log10(ticks)), atol=1e-12)
    assert cs.levels[0] <= ticks.min() and ticks.max() <= cs.levels[-1]
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.figure.axes[-1].get_yticklabels() if t.get_text()]
    assert labels and all("10^{" in text for text in labels), labels


def test_even_levels_are_ticked_at_round_numbers() -> None:
    ax = sm.plot_contour("x*y", (-1, 1), (-1, 1))
    ticks = _colorbar_ticks(ax)
    assert 3 <= len(ticks) <= 7
    np.testing.assert_allclose(ticks * 10, np.round(ticks * 10), atol=1e-9)
