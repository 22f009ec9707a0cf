"""The minimize subcommand: the result table, --plot, --latex and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from tests.optimize.helpers import ROSENBROCK


def test_cli_minimize_newton_with_plot(tmp_path, cli) -> None:
    png = tmp_path / "path.png"
    code, out, _ = cli(
        "minimize", ROSENBROCK, "--x0", "-1.2,1", "--method", "newton", "--plot", str(png)
    )
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "converged  yes" in out and "newton" in out
    x_line = out.strip().splitlines()[-1]
    assert x_line.startswith("x ")
    values = [float(part.split("=")[1]) for part in x_line.split(None, 1)[1].split(",")]
    np.testing.assert_allclose(values, [1, 1], atol=1e-8)


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["x**2", "--x0", "5", "--lr", "0.1", "--iterations", "3", "--tol", "0"], "x = 2.56"),
        (["x**2", "--x0", "1", "--lr", "1.05"], "diverged"),
        (
            ["(x-1)**2 + (y+2)**2", "--x0=-3,4", "--method", "momentum", "--lr", "0.05"],
            "converged  yes",
        ),
        (["(x-1)**2", "--x0", "pi", "--method", "linesearch", "--lr", "4"], "line search"),
    ],
)
def test_cli_minimize_table(argv: list[str], expect: str, cli) -> None:
    result = cli("minimize", *argv)
    assert result.code == (4 if expect == "diverged" else 0)  # 4: no minimum
    assert expect in result.out


def test_cli_minimize_one_variable_plot_and_latex(tmp_path, cli) -> None:
    png = tmp_path / "f.png"
    result = cli(
        "minimize",
        "sin(x) + x/2",
        "--x0",
        "7.5",
        "--lr",
        "0.2",
        "--iterations",
        "20",
        "--plot",
        str(png),
        "--latex",
    )
    assert result.code == 0
    out = result.out
    assert png.exists() and r"x^{*} = \left(4.29692\right)" in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["x**2 + y**2", "--x0", "1"], "x0 has 1 value"),
        (["x**2", "--x0", "1", "--lr", "-1"], "lr"),
        (["x**2", "--x0", "a"], "--x0"),
        (["x**2", "--x0", "1", "--method", "bfgs"], "method"),
        (["x**2", "--x0", "1", "--plot", "out.txt"], "--plot"),
    ],
)
def test_cli_minimize_bad_input(argv: list[str], match: str, cli) -> None:
    result = cli("minimize", *argv)
    assert result.code == 2
    err = result.err
    assert match in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


# --- minimize --plot far from the origin ---------------------------------------------------


def test_cli_minimize_plot_far_from_the_origin(tmp_path, cli) -> None:
    """A path at 1e17 has no width at double precision: the window used to be 1e17 ± 0.25,
    i.e. low == high, and the run failed with 'xlim must be finite with low < high'."""
    png = tmp_path / "far.png"
    result = cli(
        "minimize",
        "(x - 1e17)**2/1e30 + (y - 1e17)**2/1e30",
        "--x0",
        "1e17,1e17",
        "--plot",
        str(png),
    )
    assert result.code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "converged  yes" in result.out


def test_cli_minimize_plot_that_cannot_be_drawn_says_plot(tmp_path, cli) -> None:
    """x0 = 1e200: f = inf on the whole window. One line naming --plot, exit 2."""
    result = cli("minimize", "x**2 + y**2", "--x0", "1e200,1", "--plot", str(tmp_path / "inf.png"))
    assert result.code == 2
    err = result.err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("symml: error: --plot: ")
    assert "not finite" in err and not (tmp_path / "inf.png").exists()
