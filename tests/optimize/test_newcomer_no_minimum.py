"""Issue 16, item 9: a run that diverged exits ``minimize`` with status 4, and a stationary
point that is not a minimum (Newton on x^3 from 1 stops at the inflection point) is
reported as one, with ``converged=False``."""

from __future__ import annotations

import numpy as np
import pytest

from symml.cli import EXIT_NO_MINIMUM, main
from symml.optimize import STATUSES, gradient_descent, newton


@pytest.mark.parametrize(
    ("run", "status", "says"),
    [
        (lambda: newton("x**3", 1.0), "not a minimum", "inflection point"),
        (lambda: gradient_descent("x**2 - y**2", [1.0, 0.0]), "not a minimum", "saddle point"),
        (lambda: gradient_descent("-x**2", 0.0), "not a minimum", "a maximum"),
        (lambda: gradient_descent("x**2", 1.0, lr=1.05), "diverged", "diverged at step"),
        # a Python objective: the Hessian from central differences of its gradient
        (
            lambda: gradient_descent(lambda v: v[0] ** 2 - v[1] ** 2, [1.0, 0.0]),
            "not a minimum",
            "saddle point",
        ),
    ],
)
def test_runs_that_find_no_minimum_say_so(run, status: str, says: str) -> None:
    r = run()
    assert not r.converged and r.status == status and says in r.message
    assert STATUSES[status] in r.latex()


@pytest.mark.parametrize(
    "run",
    [
        lambda: newton("x**4", 1.0),  # a flat minimum is still a minimum
        lambda: newton("(1 - x)**2 + 100*(y - x**2)**2", [-1.2, 1.0]),
        lambda: gradient_descent("x**2 + 10*y**2", [1.0, 1.0], lr=0.05),
        lambda: gradient_descent(
            "(1 - x)**2 + 100*(y - x**2)**2",
            [-1.2, 1.0],
            lr=1e-3,
            momentum=0.9,
            steps=20000,
            tol=1e-6,
        ),
    ],
)
def test_minima_still_converge(run) -> None:
    r = run()
    assert r.converged and r.status == "converged" and r.message.startswith("converged:")


def test_step_limit_is_a_status_of_its_own() -> None:
    r = gradient_descent("x**2", 5.0, steps=3, tol=0)
    assert not r.converged and r.status == "step limit"
    np.testing.assert_allclose(r.x, [2.56])


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["x^3", "--x0", "1", "--method", "newton"], EXIT_NO_MINIMUM, "not a minimum"),
        (["x**2", "--x0", "1", "--lr", "1.05"], EXIT_NO_MINIMUM, "diverged at step"),
        (["x**2 + y**2", "--x0", "1,1"], 0, "converged  yes"),
    ],
)
def test_minimize_exit_status(
    argv: list[str], code: int, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["minimize", *argv]) == code
    out, err = capsys.readouterr()
    assert fragment in out and err == ""


def test_minimize_help_documents_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["minimize", "--help"])
    assert f"{EXIT_NO_MINIMUM} the run diverged" in " ".join(capsys.readouterr().out.split())
